"""Build the DOCX and PDF gold reports of tests/fixtures/golds/ from their sources.

    .venv/bin/python scripts/gold_reports.py            # every *.src.txt there
    .venv/bin/python scripts/gold_reports.py NAME ...   # only these (NAME without suffix)

Each gold report has one source, `tests/fixtures/golds/<name>.src.txt`, whose
first line names the format to build (`format: docx` or `format: pdf`).  The
built file, `<name>.docx` or `<name>.pdf`, is committed beside it and beside
its annotations `<name>.gold.json`, so a clone needs neither this script nor
its font.  Builds are byte-for-byte reproducible.

The source is the report's text, one paragraph a line (blank lines are only
for the eye), with a little markup for what plain text cannot say:

    format: docx                first line: the format to build
    [front] … [/front]          the front matter in two columns, "left || right"
                                a line: issuer block on the left, national motto,
                                place and date on the right (a borderless table
                                in Word, two columns of centred lines in a PDF)
    ^c TEXT                     a centred bold line (BÁO CÁO, the title, PHỤ LỤC)
    ^i TEXT                     a centred italic line
    I. … / 1. … / 2.1. … / a) … a numbered heading, set bold (typed numbers, as
                                most departments type them)
    - …                         a list line
    [table OPTIONS] … [/table]  a ruled statistics table, one row a line, cells
                                split by "|"; a row starting with "#" is a header
                                row; a cell "<" is covered by the cell on its
                                left (a column span), "^" by the cell above (a
                                row span).  OPTIONS: `repeat-header` repeats the
                                header rows where the table continues on a new
                                page (Word's "repeat as header row" and a copy of
                                the header rows in a split table).
    ---page---                  a page break; inside a table, the table goes on
                                on the next page (DOCX: the table is split in
                                two by a page break, as Word does when a user
                                presses Ctrl+Enter in a table; PDF: the ruled
                                table continues on the next page)
    ---landscape--- / ---portrait---
                                a page break after which pages are landscape
                                (portrait); a DOCX gets a new section
    [closing] … [/closing]      recipients and signature side by side,
                                "left || right" a line (a borderless table)

The layout helpers (fonts, line breaking, page furniture, zip packing) are
those of scripts/sample_pdf.py and scripts/sample_docx.py.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import sample_docx  # noqa: E402
import sample_pdf  # noqa: E402

GOLDS = ROOT / "tests" / "fixtures" / "golds"

_HEADING = re.compile(r"^(?:[IVXL]{1,6}\.|\d{1,2}(?:\.\d{1,2}){0,3}\.|[a-zđ]\))\s")


# --- the source ------------------------------------------------------------------


@dataclass
class Para:
    text: str
    style: str = "body"  # body, heading, center, italic, list


@dataclass
class Columns:
    """Two columns of lines side by side: the front matter or the closing block."""

    kind: str  # front, closing
    left: list[str]
    right: list[str]


@dataclass
class Table:
    rows: list[list[str]]
    header_rows: int
    repeat_header: bool
    # Row indexes (into `rows`) before which the table goes on on a new page.
    page_breaks: list[int] = field(default_factory=list)


@dataclass
class Break:
    orientation: str | None = None  # None: same as before; "landscape", "portrait"


Item = Para | Columns | Table | Break


def parse_source(text: str) -> tuple[str, list[Item]]:
    lines = text.splitlines()
    first = lines[0].strip()
    if not first.startswith("format:"):
        raise ValueError("the first line of a gold source is 'format: docx' or 'format: pdf'")
    fmt = first.split(":", 1)[1].strip()
    items: list[Item] = []
    i = 1
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        stripped = line.strip()
        if not stripped:
            continue
        if stripped in ("[front]", "[closing]"):
            kind = stripped[1:-1]
            left, right = [], []
            while lines[i].strip() != f"[/{kind}]":
                a, _, b = lines[i].partition("||")
                left.append(a.strip())
                right.append(b.strip())
                i += 1
            i += 1
            items.append(Columns(kind, left, right))
        elif stripped.startswith("[table"):
            options = stripped[len("[table") : -1].split()
            rows: list[list[str]] = []
            header_rows = 0
            breaks: list[int] = []
            while lines[i].strip() != "[/table]":
                row = lines[i].strip()
                i += 1
                if row == "---page---":
                    breaks.append(len(rows))
                    continue
                if row.startswith("#"):
                    header_rows += 1
                    row = row[1:]
                rows.append([cell.strip() for cell in row.split("|")])
            i += 1
            width = max(len(r) for r in rows)
            if any(len(r) != width for r in rows):
                raise ValueError(f"table rows of different widths near line {i}")
            items.append(Table(rows, header_rows, "repeat-header" in options, breaks))
        elif stripped == "---page---":
            items.append(Break())
        elif stripped in ("---landscape---", "---portrait---"):
            items.append(Break(stripped.strip("-")))
        elif stripped.startswith("^c "):
            items.append(Para(stripped[3:], "center"))
        elif stripped.startswith("^i "):
            items.append(Para(stripped[3:], "italic"))
        elif _HEADING.match(stripped):
            items.append(Para(stripped, "heading"))
        elif stripped.startswith("- "):
            items.append(Para(stripped, "list"))
        else:
            items.append(Para(stripped))
    return fmt, items


def _spans(rows: list[list[str]]) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of each cell that starts a merge → (rows, cols) it covers."""
    spans = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell in ("<", "^"):
                continue
            width = 1
            while c + width < len(row) and row[c + width] == "<":
                width += 1
            height = 1
            while r + height < len(rows) and rows[r + height][c] == "^":
                height += 1
            spans[(r, c)] = (height, width)
    return spans


# --- DOCX ------------------------------------------------------------------------


def _docx_page_break(doc) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _docx_columns(doc, item: Columns) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    n = max(len(item.left), len(item.right))
    table = doc.add_table(rows=1, cols=2)  # no style: no borders
    for cell, lines in zip(table.rows[0].cells, (item.left, item.right)):
        lines = lines + [""] * (n - len(lines))
        if item.kind == "closing" and cell is table.rows[0].cells[1]:
            # Room for the signature and seal above the signer's name.
            body = [ln for ln in lines if ln]
            lines = body[:-1] + ["", "", ""] + body[-1:]
        for k, text in enumerate(lines):
            p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            run = p.add_run(text)
            left = cell is table.rows[0].cells[0]
            if item.kind == "front":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.bold = not text.startswith("Số") and not (not left and "ngày" in text)
                run.italic = not left and "ngày" in text
            elif left:
                run.bold = k == 0
                run.italic = k == 0
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.bold = True


def _docx_table_part(doc, rows: list[list[str]], header_rows: int, repeat: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for (r, c), (h, w) in _spans(rows).items():
        cell = table.cell(r, c)
        if h > 1 or w > 1:
            cell = cell.merge(table.cell(r + h - 1, c + w - 1))
        cell.paragraphs[0].text = rows[r][c]
        header = r < header_rows or rows[r][1].lower().startswith(("tổng", "toàn", "cộng"))
        for run in cell.paragraphs[0].runs:
            run.bold = header
        if r < header_rows or c != 1:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if repeat:
        for r in range(header_rows):
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), "true")
            tr_pr.append(mark)


def _docx_table(doc, table: Table) -> None:
    head, body = table.rows[: table.header_rows], table.rows[table.header_rows :]
    cuts = [0] + [b - table.header_rows for b in table.page_breaks] + [len(body)]
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        if k:
            _docx_page_break(doc)
        shown_head = head if (k == 0 or table.repeat_header) else []
        _docx_table_part(doc, shown_head + body[a:b], len(shown_head), table.repeat_header)


def _docx_orientation(doc, orientation: str) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    want = WD_ORIENT.LANDSCAPE if orientation == "landscape" else WD_ORIENT.PORTRAIT
    if section.orientation != want:
        section.orientation = want
        section.page_width, section.page_height = section.page_height, section.page_width


def build_docx(items: list[Item], out: Path, title: str, author: str) -> Path:
    from docx import Document as new_document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = new_document()
    sample_docx._setup_styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    for item in items:
        if isinstance(item, Columns):
            _docx_columns(doc, item)
        elif isinstance(item, Table):
            _docx_table(doc, item)
        elif isinstance(item, Break):
            if item.orientation:
                _docx_orientation(doc, item.orientation)
            else:
                _docx_page_break(doc)
        else:
            p = doc.add_paragraph()
            run = p.add_run(item.text)
            if item.style in ("center", "italic"):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.bold = item.style == "center"
                run.italic = item.style == "italic"
            elif item.style == "heading":
                run.bold = True
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                if item.style == "body":
                    p.paragraph_format.first_line_indent = Pt(28)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sample_docx._add_page_field(footer)

    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = props.last_printed = sample_docx.FIXED_TIME
    props.revision = 1
    props.comments = "Built by scripts/gold_reports.py"
    raw = io.BytesIO()
    doc.save(raw)
    out.write_bytes(sample_docx._reproducible_zip(raw.getvalue()))
    return out


# --- PDF -------------------------------------------------------------------------

CELL_SIZE, CELL_LEADING, CELL_PAD = 10.5, 12.5, 3.0


def _pdf_lines(text: str, width: float, *, bold=False, size=CELL_SIZE, align="left", leading=CELL_LEADING):
    font = sample_pdf.BOLD if bold else sample_pdf.REGULAR
    words = sample_pdf.words_of(text, font, size, sample_pdf.MARK_SIZE, sample_pdf.MARK_RISE)
    return sample_pdf.break_lines(words, width, 0.0, size=size, font=font, align=align, leading=leading)


class _Pages(sample_pdf.Pages):
    """sample_pdf's pages, in portrait or landscape, with a page number footer."""

    def __init__(self, c, landscape: bool = False):
        self.landscape = landscape
        super().__init__(c, {})

    @property
    def size(self) -> tuple[float, float]:
        w, h = sample_pdf.A4
        return (h, w) if self.landscape else (w, h)

    @property
    def text_w(self) -> float:
        return self.size[0] - sample_pdf.LEFT - sample_pdf.RIGHT

    def new_page(self) -> None:
        if self.page:
            self.finish_page()
            self.c.showPage()
        self.c.setPageSize(self.size)
        self.page += 1
        self.y = self.size[1] - sample_pdf.TOP
        self.page_notes = []

    def room(self) -> float:
        return self.y - sample_pdf.BOTTOM

    def place(self, line, last: bool) -> None:
        if self.y - line.leading < sample_pdf.BOTTOM:
            self.new_page()
        self.y -= line.leading
        sample_pdf.draw_line(self.c, line, sample_pdf.LEFT, self.text_w, self.y + (line.leading - line.size) * 0.5, last)

    def finish_page(self) -> None:
        self.c.setFont(sample_pdf.REGULAR, sample_pdf.FURNITURE_SIZE)
        self.c.drawCentredString(sample_pdf.LEFT + self.text_w / 2, 30, str(self.page))


def _pdf_paragraph(pages: _Pages, item: Para) -> None:
    """A paragraph set to the page's own text width (a landscape page is wider)."""
    size, indent, align, gap = sample_pdf.BODY_SIZE, sample_pdf.INDENT, "justify", sample_pdf.PARA_GAP
    bold = item.style in ("center", "heading")
    if item.style in ("center", "italic"):
        indent, align, gap = 0.0, "center", 2.0 if item.style == "center" else 8.0
        if item.text.isupper() and len(item.text) <= 12:  # BÁO CÁO, PHỤ LỤC
            size = 14.0
    font = sample_pdf.BOLD if bold else sample_pdf.REGULAR
    words = sample_pdf.words_of(item.text, font, size, sample_pdf.MARK_SIZE, sample_pdf.MARK_RISE)
    lines = sample_pdf.break_lines(words, pages.text_w, indent, size=size, font=font, align=align, leading=size * 1.23)
    for k, line in enumerate(lines):
        pages.place(line, last=k == len(lines) - 1)
    pages.skip(gap)


def _pdf_columns(pages: _Pages, item: Columns) -> None:
    """Two blocks of centred lines side by side: the issuer and the report's
    number on the left, the national motto and place and date on the right;
    or the recipients and the signature."""
    shares = (0.42, 0.58) if item.kind == "front" else (0.5, 0.5)
    widths = [pages.text_w * s for s in shares]
    columns = []
    for lines, width in zip((item.left, item.right), widths):
        drawn = []
        for text in lines:
            if not text:
                continue
            if item.kind == "closing" and lines is item.left:
                drawn += _pdf_lines(text, width - 10, bold=text.startswith("Nơi"), size=11.0, leading=13.5)
                continue
            bold = item.kind == "closing" or (not text.startswith("Số") and "ngày" not in text)
            font = sample_pdf.BOLD if bold else sample_pdf.REGULAR
            size = 12.5
            while sample_pdf.pdfmetrics.stringWidth(text, font, size) > width - 6 and size > 9:
                size -= 0.5  # one line, as Word's header table keeps it
            drawn += _pdf_lines(text, width - 4, bold=bold, size=size, align="center", leading=15.0)
        columns.append(drawn)
    if item.kind == "closing":
        columns[1][-1].leading = 70.0  # room for the signature and seal
    height = max(sum(ln.leading for ln in col) for col in columns)
    if pages.room() < height:
        pages.new_page()
    top = pages.y
    x = sample_pdf.LEFT
    for col, width in zip(columns, widths):
        y = top
        for line in col:
            y -= line.leading
            sample_pdf.draw_line(pages.c, line, x, width, y + 3, True)
        x += width
    pages.y = top - height - 12.0


def _column_widths(rows: list[list[str]], width: float) -> list[float]:
    """Each column at least as wide as its longest word; what room is left
    goes to the columns whose text would wrap, in proportion."""
    least, wish = [], []
    for c in range(len(rows[0])):
        texts = [r[c] for r in rows if r[c] not in ("<", "^", "")]
        words = [w for t in texts for w in t.split()] or ["00"]
        least.append(max(_cell_width(w) for w in words) + 2 * CELL_PAD + 4)
        wish.append(max(least[-1], max((_cell_width(t) for t in texts), default=0) + 2 * CELL_PAD + 4))
    if sum(wish) <= width:
        return [w * width / sum(wish) for w in wish]
    share = (width - sum(least)) / (sum(wish) - sum(least))
    return [lo + (hi - lo) * share for lo, hi in zip(least, wish)]


def _cell_width(text: str) -> float:
    return sample_pdf.pdfmetrics.stringWidth(text, sample_pdf.BOLD, CELL_SIZE)


def _pdf_table(pages: _Pages, table: Table) -> None:
    """A ruled table; rows that do not fit go on the next page, with the
    header rows again when the table repeats them."""
    widths = _column_widths(table.rows, pages.text_w)
    xs = [sample_pdf.LEFT]
    for w in widths:
        xs.append(xs[-1] + w)
    spans = _spans(table.rows)

    def cell_lines(r: int, c: int) -> list:
        h, w = spans[(r, c)]
        bold = r < table.header_rows or table.rows[r][1].lower().startswith("tổng")
        align = "left" if (c == 1 and r >= table.header_rows) else "center"
        return _pdf_lines(table.rows[r][c], xs[c + w] - xs[c] - 2 * CELL_PAD, bold=bold, align=align)

    heights = []
    for r, row in enumerate(table.rows):
        tallest = max((len(cell_lines(r, c)) for c in range(len(row)) if (r, c) in spans and spans[(r, c)][0] == 1), default=1)
        heights.append(tallest * CELL_LEADING + 2 * CELL_PAD)

    def draw_rows(first: int, last: int) -> None:
        """Rows first..last-1 from pages.y down; a row span is drawn whole."""
        tops = {}
        y = pages.y
        for r in range(first, last):
            tops[r] = y
            y -= heights[r]
        tops[last] = y
        c = pages.c
        c.setLineWidth(0.6)
        for (r, col), (h, w) in spans.items():
            if not first <= r < last:
                continue
            top, bottom = tops[r], tops[min(r + h, last)]
            c.rect(xs[col], bottom, xs[col + w] - xs[col], top - bottom)
            lines = cell_lines(r, col)
            text_h = len(lines) * CELL_LEADING
            ty = top - (top - bottom - text_h) / 2
            for line in lines:
                ty -= CELL_LEADING
                sample_pdf.draw_line(c, line, xs[col] + CELL_PAD, xs[col + w] - xs[col] - 2 * CELL_PAD, ty + 3, True)
        pages.y = y

    head = table.header_rows
    forced = set(table.page_breaks)
    pages.skip(4.0)
    draw_rows(0, head)
    r = head
    while r < len(table.rows):
        if r in forced or pages.room() < heights[r]:
            pages.new_page()
            if table.repeat_header:
                draw_rows(0, head)
        draw_rows(r, r + 1)
        r += 1
    pages.skip(10.0)


def build_pdf(items: list[Item], out: Path, title: str, author: str) -> Path:
    sample_pdf.register_fonts()
    c = sample_pdf.Canvas(str(out), pagesize=sample_pdf.A4, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("cchc scripts/gold_reports.py")
    pages = _Pages(c)
    for item in items:
        if isinstance(item, Columns):
            _pdf_columns(pages, item)
        elif isinstance(item, Table):
            _pdf_table(pages, item)
        elif isinstance(item, Break):
            if item.orientation:
                pages.landscape = item.orientation == "landscape"
            pages.new_page()
        else:
            _pdf_paragraph(pages, item)
    pages.finish_page()
    c.save()
    return out


# --- building --------------------------------------------------------------------


def _title_and_author(items: list[Item]) -> tuple[str, str]:
    centred = [i.text for i in items if isinstance(i, Para) and i.style == "center"]
    front = next((i for i in items if isinstance(i, Columns) and i.kind == "front"), None)
    author = next((ln for ln in front.left[1:] if ln and not ln.startswith("Số")), front.left[0]) if front else ""
    title = centred[1] if len(centred) > 1 else (centred[0] if centred else "")
    return title, author.title() if author.isupper() else author


def build(source: Path) -> Path:
    fmt, items = parse_source(source.read_text(encoding="utf-8"))
    title, author = _title_and_author(items)
    out = source.with_name(source.name.removesuffix(".src.txt") + f".{fmt}")
    if fmt == "docx":
        return build_docx(items, out, title, author)
    if fmt == "pdf":
        return build_pdf(items, out, title, author)
    raise ValueError(f"{source.name}: unknown format {fmt!r}")


def main(argv: list[str]) -> int:
    names = argv[1:]
    sources = [GOLDS / f"{n}.src.txt" for n in names] if names else sorted(GOLDS.glob("*.src.txt"))
    for source in sources:
        print(f"wrote {build(source).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
