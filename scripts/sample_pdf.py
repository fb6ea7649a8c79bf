"""Build samples/so-ngoai-vu-ha-tinh-2021-2023.pdf from the TXT sample.

The PDF is laid out the way a report printed from Word looks, so that the PDF
reader meets the things real reports throw at it:

- a running header and a "Trang N" footer on every page;
- real footnotes: a small raised marker in the text ("Kế hoạch¹"), the note
  at the bottom of that page in a smaller font, under a short rule;
- justified 13pt body text with a first-line indent, bold headings, and
  paragraphs (and sentences) that run over page breaks;
- Word-style line breaking, which may break after a hyphen inside a word;
- the closing block (recipients / signature) as a one-row, two-cell ruled table.

Platypus has no footnotes, so the layout is done here by hand: words are
measured with `pdfmetrics.stringWidth`, broken greedily into lines and drawn
on the canvas.  The output is deterministic (`invariant=1`).

Usage:  python scripts/sample_pdf.py [OUT.pdf]
Fonts:  CCHC_PDF_FONT / CCHC_PDF_FONT_BOLD name TrueType files with Vietnamese
        glyphs; otherwise DejaVu Serif (or Liberation Serif, Times New Roman)
        is looked up in the usual font folders.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cchc.pipeline.model import FOOTNOTE, HEADING, Block  # noqa: E402
from cchc.pipeline.read.layout import SUPERSCRIPT_DIGITS  # noqa: E402
from cchc.pipeline.read.txt import read_txt  # noqa: E402

TXT_SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"
PDF_SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.pdf"

REGULAR, BOLD = "SampleSerif", "SampleSerif-Bold"
FONT_PAIRS = (
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    ("times.ttf", "timesbd.ttf"),
    ("Times New Roman.ttf", "Times New Roman Bold.ttf"),
)
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts/Supplemental",
    "C:/Windows/Fonts",
)

PAGE_W, PAGE_H = A4
# Margins after Nghị định 30/2020/NĐ-CP: left 30-35 mm, the others 15-25 mm.
LEFT, RIGHT, TOP, BOTTOM = 85.0, 57.0, 57.0, 57.0
TEXT_W = PAGE_W - LEFT - RIGHT

BODY_SIZE, BODY_LEADING = 13.0, 16.0
PARA_GAP = 6.0
INDENT = 28.0
NOTE_SIZE, NOTE_LEADING = 10.0, 12.0
MARK_SIZE, MARK_RISE = 7.5, 4.5  # footnote marker: small and raised, as Word sets it
NOTE_MARK_SIZE, NOTE_MARK_RISE = 6.5, 3.5
RULE_W, RULE_GAP = 144.0, 12.0  # Word's footnote separator: 2 inches long
FURNITURE_SIZE = 9.0
RUNNING_HEADER = "Sở Ngoại vụ Hà Tĩnh – Báo cáo kết quả CCHC 2021–2023"


def find_fonts() -> tuple[Path, Path]:
    regular, bold = os.environ.get("CCHC_PDF_FONT"), os.environ.get("CCHC_PDF_FONT_BOLD")
    if regular:
        regular_path = Path(regular).expanduser()
        bold_path = Path(bold).expanduser() if bold else regular_path
        missing = [p for p in (regular_path, bold_path) if not p.is_file()]
        if missing:
            sys.exit(f"sample_pdf: font file not found: {missing[0]}")
        return regular_path, bold_path
    for reg_name, bold_name in FONT_PAIRS:
        for folder in FONT_DIRS:
            d = Path(folder).expanduser()
            if (d / reg_name).is_file() and (d / bold_name).is_file():
                return d / reg_name, d / bold_name
    sys.exit(
        "sample_pdf: no TrueType font with Vietnamese glyphs found. Install DejaVu "
        "(apt install fonts-dejavu-core) or set CCHC_PDF_FONT (and CCHC_PDF_FONT_BOLD) "
        "to a .ttf file such as DejaVuSerif.ttf or Times New Roman."
    )


def register_fonts() -> None:
    regular, bold = find_fonts()
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))


# --- text into runs, runs into lines -------------------------------------------


@dataclass
class Run:
    text: str
    font: str
    size: float
    rise: float = 0.0

    @property
    def width(self) -> float:
        return pdfmetrics.stringWidth(self.text, self.font, self.size)


# A word is the runs between two spaces ("hoạch¹" is two runs); `glued` means
# it follows the previous word with no space (the rest of a word that was
# broken after a hyphen).
@dataclass
class Word:
    runs: list[Run]
    glued: bool = False

    @property
    def width(self) -> float:
        return sum(r.width for r in self.runs)


@dataclass
class Line:
    words: list[Word]
    size: float  # main font size, for the space width
    font: str
    align: str  # left, right, center, justify
    indent: float = 0.0
    leading: float = BODY_LEADING
    notes: list[int] = field(default_factory=list)  # footnotes marked on this line


_SUPER = {c: str(i) for i, c in enumerate(SUPERSCRIPT_DIGITS)}
_SUPER_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
# Word breaks a line after a hyphen inside a word ("2022-" / "2025").
_HYPHEN_PIECES = re.compile(r"[^-]+-+(?=[^-])|.+$")


def words_of(text: str, font: str, size: float, mark_size: float, mark_rise: float) -> list[Word]:
    """Split text into words; superscript digits become small raised runs."""
    words: list[Word] = []
    for token in text.split():
        pieces = _HYPHEN_PIECES.findall(token) if len(token) > 3 else [token]
        for i, piece in enumerate(pieces):
            runs: list[Run] = []
            pos = 0
            for m in _SUPER_RUN.finditer(piece):
                if m.start() > pos:
                    runs.append(Run(piece[pos : m.start()], font, size))
                digits = "".join(_SUPER[c] for c in m.group())
                runs.append(Run(digits, font, mark_size, mark_rise))
                pos = m.end()
            if pos < len(piece):
                runs.append(Run(piece[pos:], font, size))
            words.append(Word(runs, glued=i > 0))
    return words


def break_lines(words: list[Word], width: float, first_indent: float, **line_kw) -> list[Line]:
    """Greedy line breaking, the way a word processor does it."""
    size, font = line_kw["size"], line_kw["font"]
    space = pdfmetrics.stringWidth(" ", font, size)
    lines: list[Line] = []
    current: list[Word] = []
    used = 0.0
    for word in words:
        avail = width - (first_indent if not lines else 0.0)
        gap = 0.0 if (not current or word.glued) else space
        if current and used + gap + word.width > avail:
            lines.append(Line(current, indent=first_indent if not lines else 0.0, **line_kw))
            current, used, gap = [], 0.0, 0.0
        current.append(word)
        used += gap + word.width
    if current:
        lines.append(Line(current, indent=first_indent if not lines else 0.0, **line_kw))
    for line in lines:
        line.notes = [int(r.text) for w in line.words for r in w.runs if r.rise > 0]
    return lines


def line_width(line: Line) -> tuple[float, int]:
    """Natural width of a line and the number of stretchable spaces in it."""
    space = pdfmetrics.stringWidth(" ", line.font, line.size)
    width, gaps = 0.0, 0
    for i, w in enumerate(line.words):
        if i and not w.glued:
            width += space
            gaps += 1
        width += w.width
    return width, gaps


def draw_line(c: Canvas, line: Line, x0: float, width: float, y: float, last: bool) -> None:
    """Draw one line; each word is placed at its own origin, as justified text
    from a word processor is, with a real space after it."""
    natural, gaps = line_width(line)
    avail = width - line.indent
    space = pdfmetrics.stringWidth(" ", line.font, line.size)
    x = x0 + line.indent
    if line.align == "right":
        x = x0 + width - natural
    elif line.align == "center":
        x = x0 + (width - natural) / 2
    elif line.align == "justify" and not last and gaps:
        space += (avail - natural) / gaps
    t = c.beginText()
    for i, word in enumerate(line.words):
        if i and not word.glued:
            x += space
        for j, run in enumerate(word.runs):
            t.setTextOrigin(x, y + run.rise)
            t.setFont(run.font, run.size)
            text = run.text
            # The space is part of the text stream, as in Word's output.
            followed_by_space = (
                j == len(word.runs) - 1 and i + 1 < len(line.words) and not line.words[i + 1].glued
            )
            t.textOut(text + (" " if followed_by_space else ""))
            x += run.width
    c.drawText(t)


# --- the document --------------------------------------------------------------


@dataclass
class Para:
    lines: list[Line]
    space_after: float = PARA_GAP


def body_para(text: str, *, bold=False, size=BODY_SIZE, align="justify", indent=INDENT) -> Para:
    font = BOLD if bold else REGULAR
    words = words_of(text, font, size, MARK_SIZE, MARK_RISE)
    lines = break_lines(words, TEXT_W, indent, size=size, font=font, align=align, leading=size * 1.23)
    return Para(lines)


def note_lines(number: int, text: str) -> list[Line]:
    """A footnote: small raised number, a space, then the note in 10pt."""
    body = text.lstrip(SUPERSCRIPT_DIGITS).strip()
    words = [Word([Run(str(number), REGULAR, NOTE_MARK_SIZE, NOTE_MARK_RISE)])]
    words += words_of(body, REGULAR, NOTE_SIZE, NOTE_MARK_SIZE, NOTE_MARK_RISE)
    lines = break_lines(
        words, TEXT_W, INDENT, size=NOTE_SIZE, font=REGULAR, align="justify", leading=NOTE_LEADING
    )
    for line in lines:
        line.notes = []  # the note's own number is not a reference
    return lines


@dataclass
class Closing:
    """The recipients and the signature, side by side in a ruled table."""

    left: list[Line]
    right: list[Line]
    pad: float = 5.0

    @property
    def left_w(self) -> float:
        return TEXT_W * 0.5

    def height(self) -> float:
        h_left = sum(line.leading for line in self.left)
        h_right = sum(line.leading for line in self.right)
        return max(h_left, h_right) + 2 * self.pad


def closing_table(blocks: list[Block]) -> Closing:
    texts = [b.text for b in blocks]
    # The signature starts at the first line after "Nơi nhận:" that is not a recipient.
    split = next(i for i, t in enumerate(texts) if i and not t.startswith(("-", "+")))
    cell_w = TEXT_W * 0.5 - 10
    left: list[Line] = []
    for i, t in enumerate(texts[:split]):
        font, size = (BOLD, 12.0) if i == 0 else (REGULAR, 11.0)
        words = words_of(t, font, size, MARK_SIZE, MARK_RISE)
        left += break_lines(words, cell_w, 0.0, size=size, font=font, align="left", leading=size * 1.2)
    right: list[Line] = []
    for t in texts[split:]:
        words = words_of(t, BOLD, BODY_SIZE, MARK_SIZE, MARK_RISE)
        right += break_lines(
            words, cell_w, 0.0, size=BODY_SIZE, font=BOLD, align="center", leading=BODY_LEADING
        )
    # Room for the signature and seal above the signer's name.
    right[-1].leading = 70.0
    return Closing(left, right)


def layout_blocks(blocks: list[Block]) -> tuple[list[Para], Closing, dict[int, str]]:
    notes = {}
    for b in blocks:
        if b.kind == FOOTNOTE:
            notes[int(b.text[0].translate(str.maketrans(_SUPER)))] = b.text
    body = [b for b in blocks if b.kind != FOOTNOTE]
    closing_at = next(i for i, b in enumerate(body) if b.text.strip() == "Nơi nhận:")
    paras: list[Para] = []
    for i, b in enumerate(body[:closing_at]):
        if i == 0:  # "Số: /BC-SNgV"
            paras.append(body_para(b.text, align="left", indent=0))
        elif i == 1:  # place and date
            paras.append(body_para(b.text, align="right", indent=0))
        elif i == 2:  # "BÁO CÁO"
            paras.append(body_para(b.text, bold=True, size=14.0, align="center", indent=0))
            paras[-1].space_after = 0.0
        elif i == 3:  # the title
            paras.append(body_para(b.text, bold=True, align="center", indent=0))
            paras[-1].space_after = 14.0
        else:
            paras.append(body_para(b.text, bold=b.kind == HEADING))
    return paras, closing_table(body[closing_at:]), notes


# --- pages ---------------------------------------------------------------------


class Pages:
    """Places lines top-down and keeps each footnote on its marker's page."""

    def __init__(self, c: Canvas, notes: dict[int, str]):
        self.c = c
        self.notes = notes
        self.page = 0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.finish_page()
            self.c.showPage()
        self.page += 1
        self.y = PAGE_H - TOP
        self.page_notes: list[list[Line]] = []

    def notes_height(self, extra: list[list[Line]] = ()) -> float:
        groups = list(self.page_notes) + list(extra)
        if not groups:
            return 0.0
        return RULE_GAP + sum(line.leading for g in groups for line in g)

    def place(self, line: Line, last: bool) -> None:
        new_notes = [note_lines(n, self.notes[n]) for n in line.notes]
        if self.y - line.leading < BOTTOM + self.notes_height(new_notes):
            self.new_page()
        self.y -= line.leading
        draw_line(self.c, line, LEFT, TEXT_W, self.y + (line.leading - line.size) * 0.5, last)
        self.page_notes += new_notes

    def skip(self, gap: float) -> None:
        self.y -= gap

    def place_closing(self, closing: Closing) -> None:
        h = closing.height()
        if self.y - h < BOTTOM + self.notes_height():
            self.new_page()
        top, c = self.y, self.c
        c.setLineWidth(0.6)
        c.rect(LEFT, top - h, TEXT_W, h)
        c.line(LEFT + closing.left_w, top, LEFT + closing.left_w, top - h)
        for lines, x0 in ((closing.left, LEFT), (closing.right, LEFT + closing.left_w)):
            y = top - closing.pad
            for line in lines:
                y -= line.leading
                draw_line(c, line, x0 + closing.pad, closing.left_w - 2 * closing.pad, y + 3, True)
        self.y = top - h

    def finish_page(self) -> None:
        c = self.c
        c.setFont(REGULAR, FURNITURE_SIZE)
        c.drawCentredString(LEFT + TEXT_W / 2, PAGE_H - 34, RUNNING_HEADER)
        c.drawCentredString(LEFT + TEXT_W / 2, 30, f"Trang {self.page}")
        if self.page_notes:
            y = BOTTOM + self.notes_height()
            c.setLineWidth(0.5)
            c.line(LEFT, y - 5, LEFT + RULE_W, y - 5)
            y -= RULE_GAP
            for group in self.page_notes:
                for k, line in enumerate(group):
                    y -= line.leading
                    draw_line(c, line, LEFT, TEXT_W, y + 2, k == len(group) - 1)


def build(out: Path, blocks: list[Block] | None = None) -> Path:
    """Write the sample PDF; `blocks` defaults to the TXT sample's blocks."""
    register_fonts()
    if blocks is None:
        blocks = read_txt(TXT_SAMPLE).blocks
    paras, closing, notes = layout_blocks(blocks)
    c = Canvas(str(out), pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle("Báo cáo kết quả thực hiện công tác cải cách hành chính 2021-2023")
    c.setAuthor("Sở Ngoại vụ Hà Tĩnh")
    c.setCreator("cchc scripts/sample_pdf.py")
    pages = Pages(c, notes)
    for para in paras:
        for k, line in enumerate(para.lines):
            pages.place(line, last=k == len(para.lines) - 1)
        pages.skip(para.space_after)
    pages.place_closing(closing)
    pages.finish_page()
    c.save()
    return out


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else PDF_SAMPLE
    build(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
