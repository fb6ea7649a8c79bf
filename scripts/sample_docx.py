"""Build the DOCX sample from the text sample.

    .venv/bin/python scripts/sample_docx.py [OUT.docx]

The DOCX says the same words as samples/so-ngoai-vu-ha-tinh-2021-2023.txt, laid
out the way a department types a report in Word, so that it exercises what the
DOCX reader has to rebuild:
- numbered headings use Word's heading styles and an automatic multilevel list
  (I., 1., 6.1.), so the numbers are not in the text;
- "- " items are Word bullets;
- the two footnotes are real Word footnotes;
- a running header and a footer with a PAGE field;
- the closing block ("Nơi nhận:" and the signature) is a two-cell table.
The output is byte-for-byte reproducible: fixed dates in the core properties
and in the zip entries.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document as new_document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from cchc.pipeline.model import FOOTNOTE, HEADING, LIST_ITEM  # noqa: E402
from cchc.pipeline.read.layout import HEADING_NUMBER, SUPERSCRIPT_DIGITS  # noqa: E402
from cchc.pipeline.read.txt import read_txt  # noqa: E402

TXT_SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"
DOCX_SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.docx"
HEADER_TEXT = "Sở Ngoại vụ Hà Tĩnh – Báo cáo kết quả CCHC 2021–2023"
FIXED_TIME = datetime(2023, 9, 25, 8, 0, 0, tzinfo=timezone.utc)
ZIP_TIME = (2023, 9, 25, 8, 0, 0)

_MARKER = re.compile(f"([{SUPERSCRIPT_DIGITS}]+)")
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")


# --- automatic numbering --------------------------------------------------------


def _add_list(doc, levels: list[tuple[str, str, str | None]]) -> str:
    """Add a list to numbering.xml: levels of (numFmt, lvlText, pStyle).
    Return the new numId."""
    numbering = doc.part.numbering_part.element
    abstract_id = 1 + max((int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))), default=-1)
    num_id = 1 + max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0)
    lvls = []
    for ilvl, (fmt, text, style) in enumerate(levels):
        pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
        indent = 360 * (ilvl + 1)
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr></w:lvl>'
        )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(lvls)}</w:abstractNum>'
    )
    # Schema order: every abstractNum before the first num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    )
    return str(num_id)


def _set_numbering(ppr, num_id: str, ilvl: int) -> None:
    # get_or_add_numPr keeps the schema order of w:pPr, which Word insists on.
    num_pr = ppr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = int(num_id)


def _link_style_to_list(doc, style_name: str, num_id: str, ilvl: int) -> None:
    """Number every paragraph of a style, the way Word links heading styles to
    a multilevel list."""
    _set_numbering(doc.styles[style_name].element.get_or_add_pPr(), num_id, ilvl)


def _number_paragraph(paragraph, num_id: str, ilvl: int = 0) -> None:
    _set_numbering(paragraph._p.get_or_add_pPr(), num_id, ilvl)


# --- footnotes ------------------------------------------------------------------


def _add_text_with_footnotes(paragraph, text: str, footnote_ids: dict[str, int]) -> None:
    """Write `text` into runs, turning each superscript mark into a real
    footnote reference."""
    for piece in _MARKER.split(text):
        if not piece:
            continue
        if _MARKER.fullmatch(piece):
            run = paragraph.add_run()
            run.style = "Footnote Reference"
            ref = parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{footnote_ids[piece]}"/>')
            run._r.append(ref)
        else:
            paragraph.add_run(piece)


def _add_footnotes_part(doc, notes: dict[int, str]) -> None:
    """footnotes.xml, its relationship and its content type (python-docx has no
    API for footnotes)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.Element(f"{{{w}}}footnotes", nsmap={"w": w})

    def sub(parent, tag, **attrs):
        return etree.SubElement(parent, f"{{{w}}}{tag}", {f"{{{w}}}{k}": v for k, v in attrs.items()})

    for fid, kind, mark in ((-1, "separator", "separator"), (0, "continuationSeparator", "continuationSeparator")):
        run = sub(sub(sub(root, "footnote", type=kind, id=str(fid)), "p"), "r")
        sub(run, mark)
    for fid, text in notes.items():
        p = sub(sub(root, "footnote", id=str(fid)), "p")
        sub(sub(p, "pPr"), "pStyle", val="FootnoteText")
        ref_run = sub(p, "r")
        sub(sub(ref_run, "rPr"), "rStyle", val="FootnoteReference")
        sub(ref_run, "footnoteRef")
        t = sub(sub(p, "r"), "t")
        t.text = " " + text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)

    # Word expects the settings to name the separator notes.
    settings = doc.settings.element
    footnote_pr = parse_xml(
        f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    )
    later = ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:themeFontLang", "w:clrSchemeMapping")
    anchor = next((el for tag in later for el in settings.findall(qn(tag))), None)
    if anchor is not None:
        anchor.addprevious(footnote_pr)
    else:
        settings.append(footnote_pr)


# --- header, footer, styles ----------------------------------------------------


def _add_page_field(paragraph) -> None:
    """A PAGE field, with "1" as the result Word last showed."""
    w = nsdecls("w")
    for xml in (
        f'<w:fldChar {w} w:fldCharType="begin"/>',
        f'<w:instrText {w} xml:space="preserve"> PAGE </w:instrText>',
        f'<w:fldChar {w} w:fldCharType="separate"/>',
        f"<w:t {w}>1</w:t>",
        f'<w:fldChar {w} w:fldCharType="end"/>',
    ):
        paragraph.add_run()._r.append(parse_xml(xml))


def _setup_styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        style.font.name = "Times New Roman"
        style.font.size = Pt(13)
        style.font.color.rgb = None
    text_style = doc.styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    text_style.base_style = normal
    text_style.font.size = Pt(10)
    ref_style = doc.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    ref_style.font.superscript = True


# --- the document ---------------------------------------------------------------


def _heading_level(number: re.Match) -> int:
    if number.group("roman"):
        return 1
    return 2 if "." not in number.group("arabic") else 3


def build(txt_path: Path = TXT_SAMPLE, out_path: Path = DOCX_SAMPLE) -> Path:
    blocks = read_txt(txt_path).blocks
    footnotes = {b.text.split()[0]: b.text.split(None, 1)[1] for b in blocks if b.kind == FOOTNOTE}
    body = [b for b in blocks if b.kind != FOOTNOTE]
    closing = next(i for i, b in enumerate(body) if b.text.startswith("Nơi nhận"))
    # Word numbers footnotes 1, 2...; ids are the notes' own keys.
    footnote_ids = {mark: int(mark.translate(_FROM_SUPERSCRIPT)) for mark in footnotes}

    doc = new_document()
    _setup_styles(doc)
    headings = _add_list(
        doc, [("upperRoman", "%1.", "Heading1"), ("decimal", "%2.", "Heading2"), ("decimal", "%2.%3.", "Heading3")]
    )
    for ilvl, name in enumerate(("Heading 1", "Heading 2", "Heading 3")):
        _link_style_to_list(doc, name, headings, ilvl)
    bullets = _add_list(doc, [("bullet", "-", None)])

    for i, block in enumerate(body[:closing]):
        number = HEADING_NUMBER.match(block.text) if block.kind == HEADING else None
        if number:
            paragraph = doc.add_paragraph(style=f"Heading {_heading_level(number)}")
            text = block.text[number.end() :]
        elif block.kind == LIST_ITEM and block.text.startswith("- "):
            paragraph = doc.add_paragraph(style="List Paragraph")
            _number_paragraph(paragraph, bullets)
            text = block.text[2:]
        else:
            paragraph = doc.add_paragraph()
            text = block.text
            if i < 4:  # the report's own header: number, place and date, title
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_text_with_footnotes(paragraph, text, footnote_ids)

    # The closing block: recipients on the left, the signature on the right.
    recipients = [body[closing]]
    for block in body[closing + 1 :]:
        if block.kind != LIST_ITEM:
            break
        recipients.append(block)
    signature = body[closing + len(recipients) :]
    table = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (recipients, signature)):
        cell.paragraphs[0].text = lines[0].text
        for block in lines[1:]:
            cell.add_paragraph(block.text)
    for paragraph in table.rows[0].cells[1].paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    section = doc.sections[0]
    section.header.paragraphs[0].text = HEADER_TEXT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Trang ")
    _add_page_field(footer)

    _add_footnotes_part(doc, {footnote_ids[m]: text for m, text in footnotes.items()})

    props = doc.core_properties
    props.title = body[3].text
    props.author = props.last_modified_by = "Sở Ngoại vụ Hà Tĩnh"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    props.comments = "Built from the text sample by scripts/sample_docx.py"

    raw = io.BytesIO()
    doc.save(raw)
    out_path.write_bytes(_reproducible_zip(raw.getvalue()))
    return out_path


def _reproducible_zip(data: bytes) -> bytes:
    """Re-pack the package with fixed entry times, so a re-run gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def check(out_path: Path, txt_path: Path = TXT_SAMPLE) -> list[str]:
    """What the DOCX reader gets back that differs from the text sample."""
    from cchc.pipeline.read.docx import read_docx

    txt = read_txt(txt_path).blocks
    docx = read_docx(out_path).blocks
    problems = []
    if [b.text for b in txt if b.kind == HEADING] != [b.text for b in docx if b.kind == HEADING]:
        problems.append("headings (automatic numbers) differ from the text sample")
    if [b.text for b in txt if b.kind == FOOTNOTE] != [b.text for b in docx if b.kind == FOOTNOTE]:
        problems.append("footnotes differ from the text sample")
    return problems


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DOCX_SAMPLE
    build(TXT_SAMPLE, out)
    problems = check(out)
    for problem in problems:
        print(f"{out}: {problem}", file=sys.stderr)
    print(f"wrote {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
