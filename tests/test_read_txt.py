import codecs

import pytest

from cchc.pipeline.model import BODY_KINDS, FOOTNOTE, HEADING
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.read import UnsupportedFormat, read_document
from cchc.pipeline.read.detect import detect_format

from conftest import SEED_TXT, to_cp1258


def test_sentence_cut_by_a_page_break_is_rejoined(seed_txt):
    paragraphs = [b.text for b in seed_txt.blocks if b.kind in BODY_KINDS]
    assert any("phát triển hoạt động đối ngoại trên địa bàn tỉnh. Vì vậy" in p for p in paragraphs)
    assert any("đạt 222 hồ sơ trả kết quả" in p for p in paragraphs)
    # No body block starts in the middle of a sentence.
    for text in paragraphs:
        assert not text[0].islower(), text[:60]


def test_footnotes_are_blocks_of_their_own_and_out_of_the_sentence(seed_txt):
    notes = [b for b in seed_txt.blocks if b.kind == FOOTNOTE]
    assert [n.text[0] for n in notes] == ["¹", "²"]
    assert notes[0].text.startswith("¹ Kế hoạch số 82/KH-SNgV")
    joined = next(b.text for b in seed_txt.blocks if "các Kế hoạch¹" in b.text)
    # The paragraph the footnote interrupted reads on without it.
    assert "báo chí của báo chí nước ngoài, cơ quan đại diện nước ngoài" in joined
    assert "Kế hoạch số 82/KH-SNgV" not in joined


def test_every_block_span_points_at_its_text(seed_txt):
    for block in seed_txt.blocks:
        assert seed_txt.text[block.start : block.end] == block.text


def test_headings_found(seed_txt):
    headings = [b.text for b in seed_txt.blocks if b.kind == HEADING]
    assert headings[0] == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"
    assert "6.1. Ứng dụng công nghệ thông tin trong hoạt động của đơn vị" in headings
    assert "V. KIẾN NGHỊ, ĐỀ XUẤT" in headings


@pytest.mark.parametrize(
    "encoding, expected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("cp1258", "cp1258")],
)
def test_encodings_detected(tmp_path, encoding, expected):
    text = "Sở Ngoại vụ báo cáo kết quả thực hiện công tác cải cách hành chính.\n\nĐã ban hành 32 văn bản."
    path = tmp_path / "r.txt"
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    doc = normalize_document(read_document(path))
    assert doc.encoding == expected
    assert "Sở Ngoại vụ báo cáo" in doc.text
    assert "32 văn bản" in doc.text


def test_windows_1258_decomposed_tones_compose(tmp_path):
    # CP1258 writes many tones as combining marks after the vowel.
    path = tmp_path / "r.txt"
    data = to_cp1258("Kế hoạch cải cách")
    assert b"\xec" in data or b"\xde" in data or b"\xf2" in data  # tone marks travel as separate bytes
    path.write_bytes(data)
    doc = normalize_document(read_document(path))
    assert doc.text == "Kế hoạch cải cách"


def test_format_comes_from_bytes_not_name(tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(SEED_TXT.read_bytes())
    assert detect_format(fake) == "txt"
    html = tmp_path / "report.docx"
    html.write_bytes(b"<!DOCTYPE html><html><body>Not a report</body></html>")
    with pytest.raises(UnsupportedFormat, match="HTML"):
        read_document(html)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedFormat, match="empty"):
        read_document(empty)


def test_markdown_emphasis_is_layout_not_words(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("**KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC**\n\nNgô Thị Hoài Nam\n", encoding="utf-8")
    doc = normalize_document(read_document(path))
    assert "*" not in doc.text
    assert [b.text for b in doc.blocks] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Ngô Thị Hoài Nam"]


def test_bom_alone_is_still_text(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Báo cáo".encode())
    assert normalize_document(read_document(path)).text == "Báo cáo"


def test_pages_come_from_form_feeds_and_only_from_them(tmp_path, seed_txt):
    path = tmp_path / "paged.txt"
    path.write_text(
        "BÁO CÁO\n\nTrang một: Sở đã ban hành 12 văn bản để triển khai các nhiệm vụ\f"
        "cải cách hành chính trong năm.\n\nTrang hai, đoạn mới.\f\fTrang bốn.\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert [(b.text[:9], b.page) for b in doc.blocks] == [
        ("BÁO CÁO", 1),
        ("Trang một", 1),  # re-joined across the break: the page where it starts
        ("Trang hai", 2),
        ("Trang bốn", 4),
    ]
    assert doc.page_source == "explicit" and {b.page_source for b in doc.blocks} == {"explicit"}
    # A text without form feeds says nothing of pages: no page, rather than a made-up 1.
    assert seed_txt.page_source is None
    assert {(b.page, b.page_source) for b in seed_txt.blocks} == {(None, None)}
