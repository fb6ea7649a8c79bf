"""The DOCX reader, on the committed sample and on small documents built here."""

from __future__ import annotations

import importlib.util
import zipfile
from contextlib import contextmanager
from collections.abc import Iterable
from pathlib import Path

import docx
import pytest

from cchc.pipeline import limits
from cchc.pipeline.model import BODY_KINDS, FOOTNOTE, HEADING, LIST_ITEM, PAGE_FOOTER, PAGE_HEADER, TABLE
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.read import read_document
from cchc.pipeline.read import docx as docx_reader
from cchc.pipeline.read.docx import read_docx
from cchc.pipeline.read.txt import read_txt
from cchc.pipeline.run.process import process_file

ROOT = Path(__file__).resolve().parents[1]
TXT_SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"
DOCX_SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.docx"
HEADER_TEXT = "Sở Ngoại vụ Hà Tĩnh – Báo cáo kết quả CCHC 2021–2023"


# --- the committed sample -------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return read_docx(DOCX_SAMPLE)


@pytest.fixture(scope="module")
def txt_sample():
    return read_txt(TXT_SAMPLE)


def body_words(document) -> list[str]:
    blocks = normalize_document(document).blocks
    return [word for b in blocks if b.kind in BODY_KINDS for word in b.text.split()]


def test_sample_headings_get_their_automatic_numbers_back(sample, txt_sample):
    headings = [b for b in sample.blocks if b.kind == HEADING]
    texts = [b.text for b in headings]
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH" in texts
    assert "V. KIẾN NGHỊ, ĐỀ XUẤT" in texts
    assert "6.1. Ứng dụng công nghệ thông tin trong hoạt động của đơn vị" in texts
    assert "6.2. Áp dụng ISO trong hoạt động của đơn vị" in texts
    # Every heading, numbers restarting under each Roman numeral, as the TXT says.
    assert texts == [b.text for b in txt_sample.blocks if b.kind == HEADING]
    levels = {b.text.split()[0]: b.level for b in headings}
    assert (levels["I."], levels["1."], levels["6.1."]) == (1, 2, 3)
    # The numbers come from numbering.xml, not from the text of the runs.
    with zipfile.ZipFile(DOCX_SAMPLE) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "I. CÔNG TÁC" not in xml and ">CÔNG TÁC CHỈ ĐẠO" in xml
    assert "6.1. " not in xml


def test_sample_body_says_the_same_words_as_the_txt(sample, txt_sample):
    assert body_words(read_docx(DOCX_SAMPLE)) == body_words(read_txt(TXT_SAMPLE))


def test_sample_footnotes_follow_the_paragraph_that_cites_them(sample):
    blocks = sample.blocks
    notes = [i for i, b in enumerate(blocks) if b.kind == FOOTNOTE]
    assert len(notes) == 2
    first, second = (blocks[i] for i in notes)
    assert first.text.startswith("¹ Kế hoạch số 82/KH-SNgV ngày 01/02/2021")
    assert second.text.startswith("² Kế hoạch số 88/KH-SNgV ngày 05/02/2021")
    assert "Kế hoạch¹ để triển khai" in blocks[notes[0] - 1].text
    assert "Kế hoạch² để thực hiện" in blocks[notes[1] - 1].text
    # The cited paragraph reads on without the note in the middle of it.
    assert "82/KH-SNgV" not in blocks[notes[0] - 1].text
    assert "nước ngoài, cơ quan đại diện nước ngoài" in blocks[notes[0] - 1].text


def test_sample_page_header_and_footer_stay_out_of_the_body(sample):
    assert sample.blocks[0].kind == PAGE_HEADER and sample.blocks[0].text == HEADER_TEXT
    assert sample.blocks[-1].kind == PAGE_FOOTER and sample.blocks[-1].text.startswith("Trang")
    assert [b.kind for b in sample.blocks].count(PAGE_HEADER) == 1
    for block in sample.body_blocks():
        assert HEADER_TEXT not in block.text and "Trang 1" not in block.text


def test_sample_closing_block_is_one_table(sample):
    tables = [b for b in sample.blocks if b.kind == TABLE]
    assert len(tables) == 1
    (row,) = tables[0].cells
    assert len(row) == 2
    assert row[0].startswith("Nơi nhận:\n- Văn phòng UBND tỉnh;")
    assert row[1] == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nNgô Thị Hoài Nam"
    assert tables[0].text == "\t".join(row)
    assert sample.format == "docx" and sample.source_path == str(DOCX_SAMPLE)


def test_read_document_picks_the_docx_reader():
    document = read_document(DOCX_SAMPLE)
    assert document.format == "docx"
    assert any(b.kind == FOOTNOTE for b in document.blocks)


def test_sample_generator_is_reproducible(tmp_path):
    spec = importlib.util.spec_from_file_location("sample_docx", ROOT / "scripts" / "sample_docx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first = module.build(TXT_SAMPLE, tmp_path / "a.docx")
    second = module.build(TXT_SAMPLE, tmp_path / "b.docx")
    assert first.read_bytes() == second.read_bytes()
    assert module.check(first) == []


# --- small documents built here -------------------------------------------------

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def make_docx(
    path: Path,
    body: str | Iterable[str],
    *,
    styles: str | None = None,
    numbering: str | None = None,
    footnotes: str | None = None,
    doctype: str = "",
) -> Path:
    """A minimal Word package around raw body XML, given whole or as pieces
    that are written one after the other (a body too large to hold)."""
    parts = {}
    if styles is not None:
        parts["styles"] = f"<w:styles {NS}>{styles}</w:styles>"
    if numbering is not None:
        parts["numbering"] = f"<w:numbering {NS}>{numbering}</w:numbering>"
    if footnotes is not None:
        parts["footnotes"] = f"<w:footnotes {NS}>{footnotes}</w:footnotes>"
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}{kind}" Target="{kind}.xml"/>' for i, kind in enumerate(parts, 1)
    )
    overrides = "".join(f'<Override PartName="/word/{kind}.xml" ContentType="{_CT}{kind}+xml"/>' for kind in parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{_CT}document.main+xml"/>{overrides}</Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr(
            "word/_rels/document.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        with zf.open("word/document.xml", "w", force_zip64=True) as document:
            document.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
                           f"<w:document {NS}><w:body>".encode("utf-8"))
            for piece in [body] if isinstance(body, str) else body:
                document.write(piece.encode("utf-8"))
            document.write(b"</w:body></w:document>")
        for kind, xml in parts.items():
            zf.writestr(f"word/{kind}.xml", xml)
    return path


def p(inner: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


def r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def texts(document, kinds=BODY_KINDS) -> list[str]:
    return [b.text for b in document.blocks if b.kind in kinds]


def test_tracked_insertions_are_kept_and_deletions_dropped(tmp_path):
    body = p(
        r("Sở đã ban hành ")
        + '<w:ins w:id="1" w:author="A" w:date="2023-09-01T00:00:00Z">' + r("32") + "</w:ins>"
        + '<w:del w:id="2" w:author="A" w:date="2023-09-01T00:00:00Z">'
        + '<w:r><w:delText xml:space="preserve">23</w:delText></w:r></w:del>'
        + r(" văn bản")
        + '<w:moveFrom w:id="3" w:author="A">' + r(" (chuyển đi)") + "</w:moveFrom>"
        + '<w:moveTo w:id="4" w:author="A">' + r(" chỉ đạo") + "</w:moveTo>"
        + r(".")
    )  # fmt: skip
    document = read_docx(make_docx(tmp_path / "t.docx", body))
    assert texts(document) == ["Sở đã ban hành 32 văn bản chỉ đạo."]


def test_tabs_and_breaks_inside_a_paragraph(tmp_path):
    body = p('<w:r><w:t>Số:</w:t><w:tab/><w:t>01/BC</w:t><w:br/><w:t>Hà Tĩnh</w:t><w:cr/><w:t>2023</w:t></w:r>')
    document = read_docx(make_docx(tmp_path / "t.docx", body))
    assert texts(document) == ["Số:\t01/BC\nHà Tĩnh\n2023"]


def test_content_controls_show_their_content_not_their_prompt(tmp_path):
    body = (
        p(r("Kính gửi: ") + "<w:sdt><w:sdtPr><w:alias w:val=\"Nơi gửi\"/></w:sdtPr>"
          + "<w:sdtContent>" + r("Sở Nội vụ") + "</w:sdtContent></w:sdt>")
        + "<w:sdt><w:sdtPr/><w:sdtContent>"
        + p(r("Đoạn trong khối điều khiển"))
        + "<w:tbl><w:tr><w:tc>" + p(r("Ô bảng trong khối")) + "</w:tc></w:tr></w:tbl>"
        + "</w:sdtContent></w:sdt>"
        + "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
        + p(r("Bấm vào đây để nhập văn bản.")) + "</w:sdtContent></w:sdt>"
    )  # fmt: skip
    document = read_docx(make_docx(tmp_path / "t.docx", body))
    assert texts(document) == ["Kính gửi: Sở Nội vụ", "Đoạn trong khối điều khiển", "Ô bảng trong khối"]
    assert document.blocks[2].kind == TABLE


def test_footnotes_become_blocks_after_the_citing_block(tmp_path):
    def ref(fid: int) -> str:
        return f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{fid}"/></w:r>'

    def note(fid: int, text: str) -> str:
        return f'<w:footnote w:id="{fid}">' + p("<w:r><w:footnoteRef/></w:r>" + r(" " + text)) + "</w:footnote>"

    footnotes = (
        '<w:footnote w:type="separator" w:id="-1">' + p("<w:r><w:separator/></w:r>") + "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0">' + p("<w:r><w:continuationSeparator/></w:r>")
        + "</w:footnote>"
        + note(7, "Kế hoạch số 82/KH-SNgV ngày 01/02/2021.")
        + note(3, "Kế hoạch số 88/KH-SNgV ngày 05/02/2021.")
        + note(9, "Ghi chú trong bảng.")
    )  # fmt: skip
    body = (
        p(r("Sở ban hành các Kế hoạch") + ref(7) + r(" để triển khai."))
        + p(r("Hàng năm ban hành Kế hoạch") + ref(3) + r(" để thực hiện."))
        + "<w:tbl><w:tr><w:tc>" + p(r("Ô") + ref(9)) + "</w:tc></w:tr></w:tbl>"
        + p(r("Đoạn cuối."))
    )  # fmt: skip
    document = read_docx(make_docx(tmp_path / "t.docx", body, footnotes=footnotes))
    assert [(b.kind, b.text) for b in document.blocks] == [
        ("paragraph", "Sở ban hành các Kế hoạch¹ để triển khai."),
        ("footnote", "¹ Kế hoạch số 82/KH-SNgV ngày 01/02/2021."),
        ("paragraph", "Hàng năm ban hành Kế hoạch² để thực hiện."),
        ("footnote", "² Kế hoạch số 88/KH-SNgV ngày 05/02/2021."),
        ("table", "Ô³"),
        ("footnote", "³ Ghi chú trong bảng."),
        ("paragraph", "Đoạn cuối."),
    ]


NUMBERING = """
<w:abstractNum w:abstractNumId="0">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="0"/>
  <w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>
"""

STYLES = """
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Muc3"><w:name w:val="Muc 3"/>
  <w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="MucLon"><w:name w:val="Muc lon"/><w:basedOn w:val="Heading2"/></w:style>
<w:style w:type="paragraph" w:styleId="TieuMuc"><w:name w:val="Tieu muc"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
"""


def numbered(text: str, num_id: int, ilvl: int) -> str:
    return p(r(text), f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def styled(text: str, style: str, extra: str = "") -> str:
    return p(r(text), f'<w:pStyle w:val="{style}"/>{extra}')


def test_automatic_numbers_are_rebuilt_with_restarts(tmp_path):
    body = "".join(
        [
            styled("CÔNG TÁC CHỈ ĐẠO", "Heading1"),  # number from the style's list
            numbered("Hệ thống văn bản", 1, 1),
            numbered("Kiểm tra", 2, 1),  # another num, same abstract list: continues
            numbered("Ứng dụng CNTT", 1, 2),
            numbered("Áp dụng ISO", 1, 2),
            styled("KẾT QUẢ", "Heading1"),
            numbered("Cải cách thể chế", 1, 1),  # restarted under II
            numbered("Thể chế con", 1, 2),
            styled("Mục theo kiểu", "Heading2"),  # level from the list's w:pStyle
            styled("Mục cấp ba", "Muc3"),  # level from the style's own w:ilvl
            styled("Phụ lục", "Heading1", '<w:numPr><w:numId w:val="0"/></w:numPr>'),  # numbering removed
            styled("NHIỆM VỤ", "Heading1"),
            numbered("Bắt đầu từ năm", 3, 1),  # startOverride
            numbered("Nội dung thứ nhất", 4, 0),
            numbered("Nội dung thứ hai", 4, 0),
            numbered("Gạch đầu dòng", 5, 0),
            numbered("", 4, 0),  # an empty numbered paragraph still takes "c)"
            numbered("Nội dung thứ tư", 4, 0),
        ]
    )
    document = read_docx(make_docx(tmp_path / "n.docx", body, styles=STYLES, numbering=NUMBERING))
    assert texts(document) == [
        "I. CÔNG TÁC CHỈ ĐẠO",
        "1. Hệ thống văn bản",
        "2. Kiểm tra",
        "2.1. Ứng dụng CNTT",
        "2.2. Áp dụng ISO",
        "II. KẾT QUẢ",
        "1. Cải cách thể chế",
        "1.1. Thể chế con",
        "2. Mục theo kiểu",
        "2.1. Mục cấp ba",
        "Phụ lục",
        "III. NHIỆM VỤ",
        "5. Bắt đầu từ năm",
        "a) Nội dung thứ nhất",
        "b) Nội dung thứ hai",
        "- Gạch đầu dòng",
        "d) Nội dung thứ tư",
    ]
    kinds = {b.text: (b.kind, b.level) for b in document.blocks}
    assert kinds["I. CÔNG TÁC CHỈ ĐẠO"] == (HEADING, 1)
    assert kinds["Phụ lục"] == (HEADING, 1)
    assert kinds["2. Mục theo kiểu"] == (HEADING, 2)
    assert kinds["- Gạch đầu dòng"] == (LIST_ITEM, None)


def test_headings_from_styles_outline_levels_and_shape(tmp_path):
    body = "".join(
        [
            styled("BÁO CÁO", "Title"),
            styled("Mục dựa trên Heading 2", "MucLon"),
            styled("Tiểu mục theo cấp đại cương", "TieuMuc"),
            p(r("Đoạn có cấp đại cương riêng"), '<w:outlineLvl w:val="3"/>'),
            p(r("2. Cải cách thủ tục hành chính")),  # typed number, no style
            p(r("- Gạch đầu dòng gõ tay.")),
            styled("Đoạn văn thường.", "Normal"),
        ]
    )
    document = read_docx(make_docx(tmp_path / "h.docx", body, styles=STYLES, numbering=NUMBERING))
    assert [(b.kind, b.level) for b in document.blocks] == [
        (HEADING, 0),
        (HEADING, 2),
        (HEADING, 3),
        (HEADING, 4),
        (HEADING, None),
        (LIST_ITEM, None),
        ("paragraph", None),
    ]


def test_header_and_footer_are_kept_apart_from_the_body(tmp_path):
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Sở Ngoại vụ – Báo cáo CCHC"
    section.footer.paragraphs[0].text = "Trang chân"
    document.add_paragraph("Đoạn một.")
    second = document.add_section()
    # An unlinked header of the second section that says the same: kept once.
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Sở Ngoại vụ – Báo cáo CCHC"
    document.add_paragraph("Đoạn hai.")
    document.save(tmp_path / "hf.docx")

    blocks = read_docx(tmp_path / "hf.docx").blocks
    assert [(b.kind, b.text) for b in blocks] == [
        (PAGE_HEADER, "Sở Ngoại vụ – Báo cáo CCHC"),
        ("paragraph", "Đoạn một."),
        ("paragraph", "Đoạn hai."),
        (PAGE_FOOTER, "Trang chân"),
    ]


def test_table_cells_with_merges_and_a_nested_table(tmp_path):
    document = docx.Document()
    document.add_paragraph("Trước bảng.")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Chỉ tiêu"
    table.cell(0, 2).text = "Kết quả"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Gộp dọc"
    table.cell(1, 0).text = "Hồ sơ"
    table.cell(1, 1).text = "246"
    table.cell(2, 0).text = "Văn bản"
    nested = table.cell(2, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "3920"
    nested.cell(0, 1).text = "207"
    document.save(tmp_path / "tbl.docx")

    blocks = read_docx(tmp_path / "tbl.docx").blocks
    assert [b.kind for b in blocks] == ["paragraph", TABLE]
    cells = blocks[1].cells
    assert cells == [
        ["Chỉ tiêu", "", "Kết quả"],
        ["Hồ sơ", "246", "Gộp dọc"],
        ["Văn bản", "3920\n207", ""],
    ]
    assert blocks[1].text == "\n".join("\t".join(row) for row in cells)
    assert blocks[1].text.count("Chỉ tiêu") == 1 and blocks[1].text.count("Gộp dọc") == 1


def test_merged_cells_do_not_repeat_stale_text(tmp_path):
    # Some converters leave a copy of the text in the cells a merge covers.
    def tc(text: str, tcpr: str = "") -> str:
        return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{p(r(text))}</w:tc>"

    body = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>"
        + tc("Tổng", '<w:gridSpan w:val="2"/>') + "</w:tr>"
        "<w:tr>" + tc("A") + tc("1") + tc("Ghi chú", '<w:vMerge w:val="restart"/>') + "</w:tr>"
        "<w:tr>" + tc("B") + tc("2") + tc("Ghi chú", "<w:vMerge/>") + "</w:tr>"
        "</w:tbl>"
    )
    (block,) = read_docx(make_docx(tmp_path / "m.docx", body)).blocks
    assert block.cells == [["", "Tổng", ""], ["A", "1", "Ghi chú"], ["B", "2", ""]]
    assert block.text.count("Ghi chú") == 1


def test_pages_count_hard_and_rendered_breaks_once_each(tmp_path):
    body = (
        p(r("Trang một.") + '<w:r><w:br w:type="page"/></w:r>')
        # Word marks the start of the page after a hard break again: same page.
        + p("<w:r><w:lastRenderedPageBreak/></w:r>" + r("Trang hai, đoạn dài."))
        + p(r("vẫn trang hai") + "<w:r><w:lastRenderedPageBreak/></w:r>" + r(" sang trang ba"))
        + p("<w:r><w:lastRenderedPageBreak/><w:t>Trang bốn.</w:t></w:r>")
    )
    document = read_docx(make_docx(tmp_path / "pages.docx", body))
    assert [b.page for b in document.blocks] == [1, 2, 2, 4]
    assert document.n_pages == 4
    # Word laid the pages out: an auditor can find them in Word.
    assert document.page_source == "rendered"
    assert {b.page_source for b in document.blocks} == {"rendered"}


def test_pages_from_explicit_breaks_alone_say_so(tmp_path):
    body = (
        p(r("Trang một.") + '<w:r><w:br w:type="page"/></w:r>' + r("Trang hai."))
        + p(r("Vẫn trang hai."))
        + p('<w:r><w:br w:type="page"/></w:r>' + r("Trang ba."))
    )
    document = read_docx(make_docx(tmp_path / "explicit.docx", body))
    assert [(b.text, b.page) for b in document.blocks] == [
        ("Trang một.Trang hai.", 1),
        ("Vẫn trang hai.", 2),
        ("Trang ba.", 3),
    ]
    assert document.page_source == "explicit"
    assert {b.page_source for b in document.blocks} == {"explicit"}


def test_a_document_with_no_page_breaks_has_no_pages(sample):
    # The sample was written by python-docx and never laid out by Word.
    assert sample.page_source is None
    assert {(b.page, b.page_source) for b in sample.blocks} == {(None, None)}


def test_doctype_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MẬT-KHẨU-BÍ-MẬT", encoding="utf-8")
    doctype = (
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        '<!ENTITY nội "NỘI-BỘ-MỞ-RỘNG">]>'
    )
    body = p('<w:r><w:t xml:space="preserve">Trước &xxe; giữa &nội; sau</w:t></w:r>')
    document = read_docx(make_docx(tmp_path / "xxe.docx", body, doctype=doctype))
    text = "\n".join(b.text for b in document.blocks)
    assert "MẬT-KHẨU" not in text and "NỘI-BỘ" not in text and "&" not in text
    assert text == "Trước  giữa  sau"


def test_zip_with_too_many_entries_is_refused(tmp_path):
    path = make_docx(tmp_path / "many.docx", p(r("x")))
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(docx_reader.MAX_ZIP_ENTRIES):
            zf.writestr(f"word/media/pad{i}.bin", b"")
    with pytest.raises(ValueError, match="entries"):
        read_docx(path)


def test_zip_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    path = make_docx(tmp_path / "big.docx", p(r("x" * 5000)))
    assert read_docx(path).blocks  # fine under the real limit
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED_BYTES", 4096)
    with pytest.raises(ValueError, match="unpack"):
        read_docx(path)


def test_paragraphs_cut_by_a_converted_page_break_are_rejoined(tmp_path):
    import docx as python_docx

    from cchc.pipeline.read.docx import read_docx

    document = python_docx.Document()
    document.add_paragraph("Sở Ngoại vụ xác định công tác CCHC là khâu đột phá để phát triển hoạt động đối ngoại")
    document.add_paragraph("trên địa bàn tỉnh. Vì vậy Sở đôn đốc các phòng.")
    document.add_paragraph("Tiếp theo là một đoạn mới.")
    path = tmp_path / "converted.docx"
    document.save(path)
    texts = [b.text for b in read_docx(path).blocks]
    assert texts == [
        "Sở Ngoại vụ xác định công tác CCHC là khâu đột phá để phát triển hoạt động đối ngoại trên địa bàn tỉnh. Vì vậy Sở đôn đốc các phòng.",
        "Tiếp theo là một đoạn mới.",
    ]


def test_a_broken_part_is_named_in_the_error(tmp_path):
    broken = make_docx(tmp_path / "broken.docx", p(r("x")), footnotes=f"<w:footnotes {NS}><w:footnote>")
    with pytest.raises(ValueError, match=r"^broken XML in word/footnotes\.xml: "):
        read_docx(broken)
    body = make_docx(tmp_path / "body.docx", "<w:p><w:r><w:t>x</w:t></w:r>")
    with pytest.raises(ValueError, match=r"^broken XML in word/document\.xml: "):
        read_docx(body)


def test_elements_nested_past_what_the_reader_follows_are_broken_xml(tmp_path):
    def nested(depth: int) -> str:
        return "<w:sdt><w:sdtContent>" * depth + p(r("giữa")) + "</w:sdtContent></w:sdt>" * depth

    assert texts(read_docx(make_docx(tmp_path / "deep.docx", nested(300)))) == ["giữa"]
    with pytest.raises(ValueError, match=r"^broken XML in deeper\.docx: elements nested too deep"):
        read_docx(make_docx(tmp_path / "deeper.docx", nested(1000)))


def test_a_relationship_to_a_missing_part_is_a_damaged_package(tmp_path):
    whole = make_docx(tmp_path / "whole.docx", p(r("x")), styles="")
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            if item.filename != "word/styles.xml":
                dst.writestr(item, src.read(item.filename))
    with pytest.raises(ValueError, match=r"damaged\.docx: damaged Word package: .*word/styles\.xml"):
        read_docx(damaged)


# --- a text node larger than any report -------------------------------------

REPORT_HEAD = ["SỞ NỘI VỤ", "Số: 12/BC-SNV", "BÁO CÁO", "Kết quả công tác cải cách hành chính năm 2023"]
SENTENCE = "Sở tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân và doanh nghiệp. "
NODE_BYTES = 50 * 2**20
MEMORY_MB = 300  # the part's 50 MB of bytes, its tree, and the node as an 80 MB Python string


@pytest.fixture(scope="module")
def huge_node_docx(tmp_path_factory):
    """A report's head, then one paragraph whose single <w:t> holds 50 MB:
    five times what libxml2 takes in one text node unless told otherwise.
    The document part is written a piece at a time; the zip is a few
    hundred KB.  Returns the path and the characters of the node."""
    piece = SENTENCE * 1000
    pieces = NODE_BYTES // len(piece.encode("utf-8")) + 1

    def body():
        yield "".join(p(r(line)) for line in REPORT_HEAD)
        yield '<w:p><w:r><w:t xml:space="preserve">'
        for _ in range(pieces):
            yield piece
        yield "</w:t></w:r></w:p>"

    path = make_docx(tmp_path_factory.mktemp("huge-node") / "huge-node.docx", body())
    return path, pieces * len(piece)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


@contextmanager
def peak_memory():
    """The most resident memory the block needed beyond what the process held
    before it, in MB: Linux's high-water mark, reset where the block starts."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    measured = {}
    yield measured
    measured["mb"] = (_status_kb("VmHWM") - before) / 1024


def test_a_50_mb_text_node_is_read_up_to_the_character_cap(huge_node_docx):
    path, node_chars = huge_node_docx
    max_chars = limits.current().max_chars
    head_chars = sum(map(len, REPORT_HEAD))
    room = max_chars - head_chars  # what is left of the cap for the node
    assert not SENTENCE[(room - 1) % len(SENTENCE)].isspace()  # the cut falls inside a word
    with peak_memory() as memory:
        result = process_file(path)
    assert result.status == "partial", result.report["error"]
    assert result.report["error"] == limits.cut_note(max_chars, head_chars + node_chars)
    paragraphs = result.text.split("\n\n")
    assert paragraphs[: len(REPORT_HEAD)] == REPORT_HEAD
    assert paragraphs[len(REPORT_HEAD):] == [(SENTENCE * (room // len(SENTENCE) + 1))[:room]]
    assert result.report["title"] and "cải cách hành chính" in result.report["title"]
    assert memory["mb"] < MEMORY_MB, memory
