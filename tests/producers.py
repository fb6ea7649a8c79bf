"""One Vietnamese report, made into PDF by every producer a fresh machine can
install: LibreOffice Writer in three fonts, headless Chromium's print to
PDF, reportlab and fpdf2.

The source is `tests/fixtures/producer-report.txt`, read by the TXT reader:
a two-column letterhead, headings, paragraphs with footnote markers and
their notes, a ruled table (the TXT's tab-separated lines), and the closing
block (recipients beside the signature).  Each producer lays it out its own
way, with the title as a running header and a "Trang N" footer on every page.

`build_all(folder)` writes what it can and returns, per producer, the PDF
path or the reason it could not be made (a program or font not installed).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from cchc.pipeline.model import FOOTNOTE, HEADING, Block
from cchc.pipeline.read.layout import SUPERSCRIPT_DIGITS
from cchc.pipeline.read.txt import read_txt

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "fixtures" / "producer-report.txt"

# LibreOffice variants: the font families of the body text.
LIBREOFFICE_FONTS = {
    "libreoffice-liberation-serif": "Liberation Serif",
    "libreoffice-dejavu-serif": "DejaVu Serif",
    "libreoffice-freeserif": "FreeSerif",  # Times-metric, GNU FreeFont
}
PRODUCERS = (*LIBREOFFICE_FONTS, "chromium", "reportlab", "fpdf2")
# What each producer needs, for the notice when it is missing.
NEEDS = {
    **{name: f"LibreOffice and the {font} font (make test installs libreoffice-writer, fonts-liberation, "
       "fonts-dejavu-core, fonts-freefont-ttf)" for name, font in LIBREOFFICE_FONTS.items()},
    "chromium": "Chromium (make test installs Debian's chromium)",
    "reportlab": "reportlab and a TrueType font with Vietnamese glyphs (fonts-dejavu-core)",
    "fpdf2": "fpdf2 (pip install -e '.[dev]') and fonts-dejavu-core",
}

_SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_MARK = re.compile(f"([{SUPERSCRIPT_DIGITS}]+)")


@dataclass
class Report:
    """The source report cut into the parts a layout needs."""

    letterhead_left: list[str]
    letterhead_right: list[str]
    title: list[str]  # "BÁO CÁO" and the title line
    body: list[Block]  # headings and paragraphs, in order
    tables: dict[int, list[list[str]]] = field(default_factory=dict)  # body index -> rows
    notes: dict[str, str] = field(default_factory=dict)  # "1" -> the note's text
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận:" and its lines
    signature: list[str] = field(default_factory=list)  # role lines, then the name

    @property
    def running_header(self) -> str:
        """The header on every page: the report's title."""
        return self.title[1]


def source_report(source: Path = SOURCE) -> Report:
    """A report in the TXT samples' shape cut into its parts: the letterhead
    is split before the national motto (or, without one, before the place
    and date line)."""
    blocks = read_txt(source).blocks
    texts = [b.text for b in blocks]
    title = texts.index("BÁO CÁO")
    motto = next((i for i in range(title) if texts[i].startswith(("CỘNG HÒA", "CỘNG HOÀ"))), None)
    if motto is None:
        motto = next(i for i in range(title) if ", ngày" in texts[i])
    closing = texts.index("Nơi nhận:")
    signature = next(i for i in range(closing + 1, len(texts)) if not texts[i].startswith("-"))
    report = Report(
        letterhead_left=texts[:motto],
        letterhead_right=texts[motto:title],
        title=texts[title : title + 2],
        body=[],
        recipients=texts[closing:signature],
        signature=texts[signature:],
    )
    rows: list[list[str]] = []
    for b in blocks[title + 2 : closing]:
        if b.kind == FOOTNOTE:
            number, text = _MARK.match(b.text).group(1), b.text.lstrip(SUPERSCRIPT_DIGITS).strip()
            report.notes[number.translate(_SUPER_TO_DIGIT)] = text
        elif "\t" in b.text:
            rows.append(b.text.split("\t"))
            if len(rows) == 1:
                report.tables[len(report.body)] = rows
                report.body.append(Block(kind="table", text="", page=1))
        else:
            rows = []
            report.body.append(b)
    return report


def _runs(text: str) -> list[tuple[str, str | None]]:
    """A paragraph as (text, None) and (note number, note text) pieces."""
    pieces: list[tuple[str, str | None]] = []
    for k, part in enumerate(_MARK.split(text)):
        if k % 2:
            pieces.append((part.translate(_SUPER_TO_DIGIT), "note"))
        elif part:
            pieces.append((part, None))
    return pieces


# --- LibreOffice: flat ODT ---------------------------------------------------------

_FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="Body" svg:font-family="'{font}'"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:text-properties style:font-name="Body" fo:font-size="13pt" fo:language="vi" fo:country="VN"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm" fo:margin-bottom="6pt"
   fo:line-height="115%"/>
 </style:style>
 <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-indent="1cm" fo:margin-top="6pt" fo:keep-with-next="always"/>
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Centre" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="12pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Place" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="6pt"/>
  <style:text-properties fo:font-size="12pt" fo:font-style="italic"/>
 </style:style>
 <style:style style:name="ReportWord" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="18pt"/>
  <style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="14pt"/>
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Cell" style:family="paragraph">
  <style:text-properties fo:font-size="11pt"/>
 </style:style>
 <style:style style:name="Recipients" style:family="paragraph">
  <style:text-properties fo:font-size="11pt"/>
 </style:style>
{note_style} <style:style style:name="Furniture" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="9pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="A4">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.2cm"
   fo:margin-bottom="1.2cm" fo:margin-left="3cm" fo:margin-right="2cm"/>
  <style:header-style><style:header-footer-properties fo:min-height="0cm" fo:margin-bottom="0.6cm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.6cm"/></style:footer-style>
 </style:page-layout>
 <style:style style:name="Grid" style:family="table-cell">
  <style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.08cm"/>
 </style:style>
 <style:style style:name="Open" style:family="table-cell">
  <style:table-cell-properties fo:border="none" fo:padding="0.05cm"/>
 </style:style>
 <style:style style:name="Row" style:family="table-row">
  <style:table-row-properties fo:keep-together="always"/>
 </style:style>
 <style:style style:name="Bold" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="A4">
  <style:header><text:p text:style-name="Furniture">{header}</text:p></style:header>
  <style:footer><text:p text:style-name="Furniture">Trang <text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:text>
"""


def _fodt_para(style: str, text: str, report: Report) -> str:
    out = []
    for part, note in _runs(text):
        if note:
            body = escape(report.notes[part])
            out.append(
                f'<text:note text:id="ftn{part}" text:note-class="footnote"><text:note-citation>{part}'
                f'</text:note-citation><text:note-body><text:p text:style-name="Footnote">{body}'
                "</text:p></text:note-body></text:note>"
            )
        else:
            out.append(escape(part))
    return f'<text:p text:style-name="{style}">{"".join(out)}</text:p>\n'


def _fodt_table(rows: list[list[list[str]]], widths: list[str], cell_style: str) -> str:
    """rows of cells, each cell a list of paragraph XML strings."""
    cols = "".join(f'<table:table-column table:style-name="c{w}"/>' for w in widths)
    body = "".join(
        '<table:table-row table:style-name="Row">'
        + "".join(f'<table:table-cell table:style-name="{cell_style}">{"".join(c)}</table:table-cell>' for c in row)
        + "</table:table-row>"
        for row in rows
    )
    return f"<table:table>{cols}{body}</table:table>\n"


# A note style of one's own, without LibreOffice's hanging indent: the
# note's number then stands close against its text ("1Kế hoạch").
_CLOSE_NOTE_STYLE = """ <style:style style:name="Footnote" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify"/>
  <style:text-properties fo:font-size="10pt"/>
 </style:style>
"""


def fodt(report: Report, font: str, own_note_style: bool = False) -> str:
    """The report as a flat ODT document in one font.  Notes take
    LibreOffice's own "Footnote" style unless `own_note_style`."""
    head = _FODT_HEAD.replace("{font}", font).replace("{header}", escape(report.running_header))
    parts = [head.replace("{note_style}", _CLOSE_NOTE_STYLE if own_note_style else "")]
    left = [_fodt_para("Centre", t, report) for t in report.letterhead_left]
    right = [_fodt_para("Centre", t, report) for t in report.letterhead_right[:-1]]
    right.append(_fodt_para("Place", report.letterhead_right[-1], report))
    parts.append(_fodt_table([[left, right]], ["6", "10"], "Open"))
    parts.append(_fodt_para("ReportWord", report.title[0], report))
    parts.append(_fodt_para("Title", report.title[1], report))
    for k, block in enumerate(report.body):
        if k in report.tables:
            rows = [[[_fodt_para("Cell", c, report)] for c in row] for row in report.tables[k]]
            parts.append(_fodt_table(rows, ["4"] * len(rows[0]), "Grid"))
        else:
            parts.append(_fodt_para("Heading" if block.kind == HEADING else "Standard", block.text, report))
    left = [_fodt_para("Recipients", t, report) for t in report.recipients]
    right = [_fodt_para("Centre", t, report) for t in report.signature[:-1]]
    right += [_fodt_para("Centre", "", report)] * 3 + [_fodt_para("Centre", report.signature[-1], report)]
    parts.append(_fodt_table([[left, right]], ["8", "8"], "Open"))
    parts.append("</office:text></office:body></office:document>\n")
    # Column widths: one automatic style per width in cm.
    widths = sorted({w for w in re.findall(r'table:style-name="c(\d+)"', "".join(parts))})
    styles = "".join(
        f'<style:style style:name="c{w}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{w}cm"/></style:style>'
        for w in widths
    )
    return "".join(parts).replace("</office:automatic-styles>", styles + "</office:automatic-styles>", 1)


def font_installed(family: str) -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    done = subprocess.run([fc, f":family={family}", "family"], capture_output=True, text=True, timeout=30)
    return bool(done.stdout.strip())


def build_libreoffice(report: Report, folder: Path) -> dict[str, Path | str]:
    """All font variants converted by one soffice call (its start-up is
    most of the cost), with a private profile."""
    from cchc.pipeline import tools

    soffice = tools.soffice()
    out: dict[str, Path | str] = {}
    sources = []
    for name, family in LIBREOFFICE_FONTS.items():
        if soffice is None:
            out[name] = "LibreOffice (soffice) is not installed"
        elif not font_installed(family):
            out[name] = f"the font {family} is not installed"
        else:
            src = folder / f"{name}.fodt"
            # The fresh-install default (Liberation Serif) keeps every default.
            src.write_text(fodt(report, family, own_note_style=family != "Liberation Serif"), encoding="utf-8")
            sources.append((name, src))
    if sources:
        profile = (folder / "lo-profile").as_uri()
        done = tools.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", str(folder), *(str(src) for _, src in sources)],
            timeout=240,
        )
        for name, src in sources:
            pdf = src.with_suffix(".pdf")
            out[name] = pdf if pdf.is_file() else f"soffice made no PDF: {done.stderr.decode(errors='replace')[-300:]}"
    return out


# --- Chromium: HTML printed to PDF ---------------------------------------------------

_CSS = """
@page { size: A4; margin: 2cm 2cm 2cm 3cm;
  @top-center { content: "%s"; font: 9pt 'DejaVu Serif', serif; }
  @bottom-center { content: "Trang " counter(page); font: 9pt 'DejaVu Serif', serif; } }
body { font: 13pt/1.3 'Liberation Serif', 'Times New Roman', serif; margin: 0; }
p { margin: 0 0 6pt; text-align: justify; text-indent: 1cm; }
h2 { font-size: 13pt; margin: 6pt 0; text-indent: 1cm; }
table.head, table.closing { width: 100%%; border-collapse: collapse; }
table.head td, table.closing td { vertical-align: top; text-align: center; font-weight: bold; font-size: 12pt; }
table.head p, table.closing p { text-indent: 0; text-align: center; margin: 0; }
p.place { font-weight: normal; font-style: italic; margin-top: 6pt; }
p.report { text-align: center; text-indent: 0; font-size: 14pt; font-weight: bold; margin-top: 18pt; }
p.title { text-align: center; text-indent: 0; font-weight: bold; margin-bottom: 14pt; }
table.grid { border-collapse: collapse; margin: 0 0 6pt; width: 100%%; }
table.grid td { border: 0.5pt solid black; padding: 2pt 4pt; font-size: 11pt; }
p.note { font-size: 10pt; text-indent: 0; }
td.recipients p { text-align: left; font-weight: normal; font-size: 11pt; }
sup { font-size: 60%%; }
"""


def _html_para(text: str, report: Report, cls: str = "") -> str:
    out, notes = [], []
    for part, note in _runs(text):
        if note:
            out.append(f"<sup>{part}</sup>")
            notes.append(f'<p class="note"><sup>{part}</sup> {html.escape(report.notes[part])}</p>')
        else:
            out.append(html.escape(part))
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{''.join(out)}</p>" + "".join(notes)


def html_page(report: Report) -> str:
    """The report as one HTML page.  Browsers have no footnotes: each note
    follows its paragraph, in small print, as web pages do."""
    rows = []
    left = "".join(_html_para(t, report) for t in report.letterhead_left)
    right = "".join(_html_para(t, report) for t in report.letterhead_right[:-1])
    right += _html_para(report.letterhead_right[-1], report, "place")
    rows.append(f'<table class="head"><tr><td style="width:38%">{left}</td><td>{right}</td></tr></table>')
    rows.append(_html_para(report.title[0], report, "report") + _html_para(report.title[1], report, "title"))
    for k, block in enumerate(report.body):
        if k in report.tables:
            cells = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in report.tables[k]
            )
            rows.append(f'<table class="grid">{cells}</table>')
        elif block.kind == HEADING:
            rows.append(f"<h2>{html.escape(block.text)}</h2>")
        else:
            rows.append(_html_para(block.text, report))
    left = "".join(_html_para(t, report) for t in report.recipients)
    right = "".join(_html_para(t, report) for t in report.signature[:-1])
    right += '<p style="height:60pt"></p>' + _html_para(report.signature[-1], report)
    rows.append(f'<table class="closing"><tr><td class="recipients">{left}</td><td>{right}</td></tr></table>')
    css = _CSS % report.running_header.replace('"', "'")
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo</title>'
        f"<style>{css}</style></head><body>{''.join(rows)}</body></html>"
    )


def build_chromium(report: Report, folder: Path) -> Path | str:
    from cchc.pipeline import tools

    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        return "Chromium is not installed"
    page = folder / "chromium.html"
    page.write_text(html_page(report), encoding="utf-8")
    pdf = folder / "chromium.pdf"
    tools.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={folder / 'chromium-profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        timeout=120,
    )
    return pdf if pdf.is_file() else "chromium printed no PDF"


# --- reportlab (platypus) and fpdf2 ------------------------------------------------

_TTF_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")


def font_file(name: str) -> Path | None:
    return next((Path(d) / name for d in _TTF_DIRS if (Path(d) / name).is_file()), None)


def build_reportlab(report: Report, folder: Path) -> Path | str:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = font_file("DejaVuSans.ttf"), font_file("DejaVuSans-Bold.ttf")
    if regular is None or bold is None:
        return "DejaVu Sans is not installed (fonts-dejavu-core)"
    pdfmetrics.registerFont(TTFont("MatrixSans", str(regular)))
    pdfmetrics.registerFont(TTFont("MatrixSans-Bold", str(bold)))
    pdfmetrics.registerFontFamily("MatrixSans", normal="MatrixSans", bold="MatrixSans-Bold")
    body = ParagraphStyle("body", fontName="MatrixSans", fontSize=12, leading=15, alignment=TA_JUSTIFY,
                          firstLineIndent=28, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontName="MatrixSans-Bold")
    centre = ParagraphStyle("centre", parent=body, fontName="MatrixSans-Bold", fontSize=11, leading=14,
                            alignment=TA_CENTER, firstLineIndent=0, spaceAfter=0)
    plain_centre = ParagraphStyle("plain_centre", parent=centre, fontName="MatrixSans")
    left = ParagraphStyle("left", parent=plain_centre, alignment=TA_LEFT, fontSize=10)
    report_word = ParagraphStyle("report", parent=centre, fontSize=14, leading=18, spaceBefore=16)
    title = ParagraphStyle("title", parent=centre, fontSize=12, spaceAfter=14)
    note = ParagraphStyle("note", parent=body, fontSize=9, leading=11, firstLineIndent=0)
    cell = ParagraphStyle("cell", parent=left, fontSize=10)

    def para(text: str, style) -> list:
        out, notes = [], []
        for part, mark in _runs(text):
            if mark:
                out.append(f"<super>{part}</super>")
                notes.append(Paragraph(f"<super>{part}</super> {escape(report.notes[part])}", note))
            else:
                out.append(escape(part))
        return [Paragraph("".join(out), style), *notes]

    story: list = []
    width = A4[0] - 85 - 57
    lh_left = [p for t in report.letterhead_left for p in para(t, centre)]
    lh_right = [p for t in report.letterhead_right[:-1] for p in para(t, centre)]
    lh_right += para(report.letterhead_right[-1], plain_centre)
    story.append(Table([[lh_left, lh_right]], colWidths=[width * 0.4, width * 0.6]))
    story += para(report.title[0], report_word) + para(report.title[1], title)
    for k, block in enumerate(report.body):
        if k in report.tables:
            rows = [[Paragraph(escape(c), cell) for c in row] for row in report.tables[k]]
            grid = Table(rows, colWidths=[width / len(rows[0])] * len(rows[0]))
            grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
            story += [grid, Spacer(1, 6)]
        else:
            story += para(block.text, heading if block.kind == HEADING else body)
    sign = [p for t in report.signature[:-1] for p in para(t, centre)]
    sign += [Spacer(1, 50), *para(report.signature[-1], centre)]
    recipients = [p for t in report.recipients for p in para(t, left)]
    story.append(Table([[recipients, sign]], colWidths=[width / 2] * 2))

    def furniture(canvas, doc):
        canvas.saveState()
        canvas.setFont("MatrixSans", 9)
        canvas.drawCentredString(85 + width / 2, A4[1] - 34, report.running_header)
        canvas.drawCentredString(85 + width / 2, 30, f"Trang {doc.page}")
        canvas.restoreState()

    pdf = folder / "reportlab.pdf"
    SimpleDocTemplate(str(pdf), pagesize=A4, leftMargin=85, rightMargin=57, topMargin=57, bottomMargin=57,
                      invariant=1).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return pdf


def build_fpdf2(report: Report, folder: Path) -> Path | str:
    try:
        from fpdf import FPDF
    except ImportError:
        return "fpdf2 is not installed (pip install -e '.[dev]')"
    regular, bold = font_file("DejaVuSerif.ttf"), font_file("DejaVuSerif-Bold.ttf")
    if regular is None or bold is None:
        return "DejaVu Serif is not installed (fonts-dejavu-core)"

    class Doc(FPDF):
        def header(self):
            self.set_font("Serif", size=9)
            self.cell(0, 6, report.running_header, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("Serif", size=9)
            self.cell(0, 6, f"Trang {self.page_no()}", align="C")

    pdf = Doc(format="A4")
    pdf.set_margins(30, 15, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("Serif", "", str(regular))
    pdf.add_font("Serif", "B", str(bold))
    pdf.add_page()

    def para(text: str, size: float = 12, style: str = "", centred: bool = False, indent: bool = True) -> None:
        """Ragged-right paragraphs written piece by piece (fpdf2 raises a
        note marker only in `write`); centred lines by `multi_cell`."""
        pdf.set_x(pdf.l_margin + (10 if indent else 0))
        notes = []
        if centred:
            pdf.set_font("Serif", style, size)
            pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        else:
            for part, mark in _runs(text):
                pdf.set_font("Serif", style, size)
                if mark:
                    pdf.char_vpos = "SUP"
                    pdf.write(size * 0.5, part)
                    pdf.char_vpos = "LINE"
                    notes.append((part, report.notes[part]))
                else:
                    pdf.write(size * 0.5, part)
            pdf.ln(size * 0.5)
        for number, note in notes:
            pdf.set_font("Serif", "", 9)
            pdf.char_vpos = "SUP"
            pdf.write(4.5, number)
            pdf.char_vpos = "LINE"
            pdf.set_font("Serif", "", 9)
            pdf.write(4.5, " " + note)
            pdf.ln(4.5)
        pdf.ln(2)

    width = pdf.w - pdf.l_margin - pdf.r_margin
    top = pdf.get_y()
    pdf.set_font("Serif", "B", 11)
    for t in report.letterhead_left:
        pdf.cell(width * 0.4, 6, t, align="C", new_x="LMARGIN", new_y="NEXT")
    end_left = pdf.get_y()
    pdf.set_y(top)
    for t in report.letterhead_right:
        pdf.set_x(pdf.l_margin + width * 0.4)
        pdf.set_font("Serif", "" if t is report.letterhead_right[-1] else "B", 11)
        pdf.cell(width * 0.6, 6, t, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(end_left, pdf.get_y()) + 8)
    para(report.title[0], 14, "B", centred=True, indent=False)
    para(report.title[1], 12, "B", centred=True, indent=False)
    pdf.ln(4)
    for k, block in enumerate(report.body):
        if k in report.tables:
            pdf.set_font("Serif", "", 10)
            with pdf.table(text_align="LEFT", line_height=5) as table:
                for row in report.tables[k]:
                    r = table.row()
                    for c in row:
                        r.cell(c)
            pdf.ln(3)
        elif block.kind == HEADING:
            para(block.text, 12, "B", indent=False)
        else:
            para(block.text)
    pdf.ln(4)
    if pdf.get_y() > pdf.h - 80:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("Serif", "", 10)
    for t in report.recipients:
        pdf.cell(width / 2, 5.5, t, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top)
    pdf.set_font("Serif", "B", 11)
    for t in report.signature[:-1]:
        pdf.set_x(pdf.l_margin + width / 2)
        pdf.cell(width / 2, 6, t, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.get_y() + 22)
    pdf.set_x(pdf.l_margin + width / 2)
    pdf.cell(width / 2, 6, report.signature[-1], align="C")
    out = folder / "fpdf2.pdf"
    pdf.output(str(out))
    return out


def build_all(folder: Path, source: Path = SOURCE) -> tuple[dict[str, Path | str], dict[str, float]]:
    """Every producer's PDF (or why it is missing) and the seconds each took."""
    report = source_report(source)
    made: dict[str, Path | str] = {}
    seconds: dict[str, float] = {}
    steps = (
        ("libreoffice", lambda: build_libreoffice(report, folder)),
        ("chromium", lambda: {"chromium": build_chromium(report, folder)}),
        ("reportlab", lambda: {"reportlab": build_reportlab(report, folder)}),
        ("fpdf2", lambda: {"fpdf2": build_fpdf2(report, folder)}),
    )
    for step, make in steps:
        start = time.perf_counter()
        try:
            made.update(make())
        except Exception as e:  # a producer that breaks is reported, not fatal to the others
            names = list(LIBREOFFICE_FONTS) if step == "libreoffice" else [step]
            made.update({name: f"{step} failed: {type(e).__name__}: {e}" for name in names})
        seconds[step] = time.perf_counter() - start
    return made, seconds
