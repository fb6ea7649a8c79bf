"""Cited documents: the shared sample against its hand-checked gold, and
synthetic report text, written here, for every form the grammar must read
and every look-alike it must leave alone."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from cchc.pipeline.extract.references import Reference, find_references, references_in_text
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.read import read_document
from cchc.pipeline.outline.structure import build_sections, parse_header

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"
GOLD = ROOT / "tests" / "fixtures" / "so-ngoai-vu-ha-tinh-2021-2023.gold.json"

REFERENCE_COLUMNS = [
    "mention_idx", "doc_type", "type_code", "number_raw", "number", "serial", "serial_suffix", "year",
    "year_inferred", "issuer_code", "unit_code", "is_party_doc", "issued_date", "issued_date_text",
    "issuer_text", "subject", "section_path", "area", "page", "char_start", "char_end", "sentence",
]  # fmt: skip


def _read(path: Path):
    doc = normalize_document(read_document(path))
    meta = parse_header(doc)
    sections = build_sections(doc)
    return doc, meta, sections, find_references(doc, sections, meta)


@pytest.fixture(scope="module")
def sample():
    return _read(SAMPLE)


def _key(ref: Reference) -> tuple:
    return (ref.doc_type, ref.number, ref.issued_date.isoformat() if ref.issued_date else None)


# ---------------------------------------------------------------- gold ---


def test_gold_references_all_found_and_nothing_else(sample):
    _, _, _, refs = sample
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["references"]
    assert len(gold) == 114
    want = Counter((g["doc_type"], g["number"], g["date"]) for g in gold)
    got = Counter(_key(r) for r in refs)
    assert want - got == Counter(), "gold references not found (doc_type, number, issued date)"
    assert got - want == Counter(), "references found that the gold does not have"
    assert len(refs) == 114


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_gold_references_in_other_formats(suffix):
    """The same report as Word and as PDF (running headers, footnotes, page breaks)."""
    path = SAMPLE.with_suffix(suffix)
    if not path.exists():
        pytest.skip(f"no {path.name}")
    _, _, _, refs = _read(path)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["references"]
    assert Counter(_key(r) for r in refs) == Counter((g["doc_type"], g["number"], g["date"]) for g in gold)


OTHER_GOLD = sorted(p for p in GOLD.parent.glob("*.gold.json") if p != GOLD)


@pytest.mark.parametrize("gold_path", OTHER_GOLD, ids=[p.name.split(".")[0] for p in OTHER_GOLD])
def test_other_reports_recall_and_precision(gold_path):
    """Reports of other departments and years, not used to write the grammar:
    recall and precision of (doc_type, number, issued date) at least 0.98."""
    gold = json.loads(gold_path.read_text(encoding="utf-8")).get("references")
    source = ROOT / "samples" / (gold_path.name.removesuffix(".gold.json") + ".txt")
    if gold is None or not source.exists():
        pytest.skip("no reference gold or no sample text")
    _, _, _, refs = _read(source)
    want = Counter((g["doc_type"], g["number"], g["date"]) for g in gold)
    got = Counter(_key(r) for r in refs)
    hits = sum((want & got).values())
    recall, precision = hits / max(1, sum(want.values())), hits / max(1, sum(got.values()))
    assert recall >= 0.98 and precision >= 0.98, (recall, precision, want - got, got - want)


def test_reference_columns_are_the_schema():
    assert [f.name for f in dataclasses.fields(Reference)] == REFERENCE_COLUMNS


def test_gold_provenance(sample):
    doc, _, _, refs = sample
    assert [r.mention_idx for r in refs] == list(range(len(refs)))
    assert [r.char_start for r in refs] == sorted(r.char_start for r in refs)
    for r in refs:
        span = doc.text[r.char_start : r.char_end]
        assert r.number_raw in span
        assert r.number_raw in r.sentence
        if r.issued_date_text:
            assert span.endswith(r.issued_date_text)
        assert r.page == doc.page_at(r.char_start)


def test_gold_details(sample):
    doc, _, _, refs = sample
    by_number = {}
    for r in refs:
        by_number.setdefault(r.number, []).append(r)

    first = by_number["03-NQ/CB"][0]
    assert (first.section_path, first.area) == ("I.1", "chi_dao_dieu_hanh")
    assert doc.text[first.char_start : first.char_end] == "Nghị quyết số 03-NQ/CB ngày 07/10/2022"
    assert first.is_party_doc and first.type_code == "NQ" and first.issuer_code == "CB"
    assert first.subject == "về đẩy mạnh công tác CCHC giai đoạn 2022-2025, định hướng đến năm 2030"

    missing_year = by_number["112/NĐ-CP"][0]
    assert missing_year.year == 2020 and missing_year.year_inferred
    assert missing_year.issuer_text == "của Chính phủ"

    normative = by_number["107/2021/NĐ-CP"][0]
    assert normative.year == 2021 and not normative.year_inferred
    assert normative.subject == "sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP"

    spaced = by_number["505/SNgV-VPTTr"][0]
    assert spaced.number_raw == "505/SNgV - VPTTr"
    assert (spaced.issuer_code, spaced.unit_code, spaced.type_code) == ("SNgV", "VPTTr", None)

    glued = by_number["1567CV/TU"][0]
    assert (glued.doc_type, glued.type_code, glued.issuer_code, glued.is_party_doc) == ("Văn bản", "CV", "TU", True)

    assert by_number["887/SNg-VPTTr"][0].issuer_code == "SNg"  # as written: the checks flag the typo
    assert by_number["1800/SNV-CCHC&VTLT"][0].unit_code == "CCHC&VTLT"
    assert by_number["23/CT-TTg"][0].issuer_text == "của Thủ tướng Chính phủ"
    assert by_number["29-KL/TU"][0].issuer_text == "của BTV Tỉnh ủy"
    assert by_number["262/KH-SNgV"][0].doc_type == "Kế hoạch"  # "kế hoạch 262/KH-SNgV"
    # The same document cited again is another mention.
    assert len(by_number["14/2022/QĐ-UBND"]) == 3
    assert [r.issued_date for r in by_number["14/2022/QĐ-UBND"]] == [date(2022, 6, 15), date(2022, 6, 15), None]


def test_report_own_number_is_not_a_reference(sample):
    _, meta, _, refs = sample
    assert meta.doc_number == "/BC-SNgV"
    assert all("BC-SNgV" not in r.number for r in refs)


# ------------------------------------------------- synthetic report text ---

# A report of another department, in another layout, written for these tests.
SYNTHETIC = """UBND TỈNH QUẢNG BÌNH
SỞ TƯ PHÁP

Số: 215/BC-STP

Quảng Bình, ngày 05 tháng 10 năm 2023

BÁO CÁO
Kết quả công tác cải cách hành chính 9 tháng đầu năm 2023

Căn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2023 của UBND tỉnh về cải cách hành chính năm 2023, Sở Tư pháp báo cáo như sau:

I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH

1. Ban hành văn bản

- Sở ban hành Kế hoạch số 41/KH-STP ngày 18/01/2023 về tuyên truyền CCHC; số 70/KH-STP ngày 21/01/2023 về kiểm tra CCHC; Công văn số 505/STP - VP ngày 29/5/2023 về chấn chỉnh kỷ luật hành chính.
- Thực hiện Nghị quyết số 05- NQ/TU ngày 22/10/2021 của BTV Tỉnh ủy, Văn bản số 1800/SNV-CCHC&VTLT, ngày 22/9/2023 của Sở Nội vụ và Văn bản số 1567CV/TU ngày 16/02/2023 của Tỉnh ủy về chấn chỉnh kỷ luật.
- Quán triệt Chỉ thị 35-CT/TU, Kết luận 29-KL/TU ngày 22/7/2021 và Nghị định 59/2012/NĐ-CP của Chính phủ; thực hiện Quyết định Số: 03/QĐ-STP ngày 2.1.2018, Quyết định số 77/QĐ-UBND ngày 01-10-1997 và Quyết định số 88/QĐ-UBND ngày 09 tháng 10 năm 2018.
- Thực hiện Nghị định số 112/NĐ-CP ngày 18/9/2020 của Chính phủ về xử lý kỷ luật; chuyển đổi vị trí công tác (kế hoạch 262/KH-STP ngày 14/4/2020).
- Sở đã ban hành Quyết định số 31/QĐ-STP ngày 31/02/2023 về kiện toàn Tổ công tác; Văn bản số 616/STP-VP ngày 25/6/2023 về phân công nhiệm vụ; số 617/STP-VP ngày 26/6/2023 về lịch trực.

2. Kết quả
Từ 01/01/2023 đến 30/9/2023 có 246 hồ sơ được tiếp nhận; tỷ lệ 1.456/1.625 hồ sơ đúng hạn. Năm 2022, Sở tiếp nhận 310 hồ sơ. Trong quý II/2023 tiếp nhận 80 hồ sơ; 6 tháng đầu năm 2023 tiếp nhận 150 hồ sơ; tháng 9/2023 tiếp nhận 20 hồ sơ.
Sở áp dụng hệ thống quản lý chất lượng TCVN ISO 9001:2015 theo ISO 9001:2015; phòng chống dịch Covid-19; thực hiện khoản 2 Điều 9 của Luật; đường dây nóng 0232.3822.123; xếp thứ 5/63 tỉnh. Ngày 05/3/2023, Sở tổ chức hội nghị. Theo Quyết định của UBND tỉnh công bố danh mục thủ tục hành chính, Sở đã niêm yết.
Sở tham mưu Quyết định số 12/QĐ-\fUBND ngày 05/01/2023 và Kế hoạch số
15/KH-UBND ngày
16/01/2023 của UBND tỉnh; Quyết
định số 99/QĐ-UBND ngày 07/02/2023 của UBND tỉnh.
Thực hiện Quyết định số 45/QĐ-UBND ngày 20/3/2023 của UBND tỉnh về việc công bố thủ tục hành chính mới, sửa đổi của
ngành tư pháp.

II. NHIỆM VỤ
Tiếp tục thực hiện Kế hoạch số 20/KH-STP.

Nơi nhận:
- UBND tỉnh;
- Lưu: VT.
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "so-tu-phap.txt"
    path.write_text(SYNTHETIC, encoding="utf-8")
    return _read(path)


def _by_number(refs):
    out = {}
    for r in refs:
        out.setdefault(r.number, []).append(r)
    return out


def test_synthetic_report_finds_exactly_the_cited_documents(synthetic):
    _, _, _, refs = synthetic
    assert [r.number for r in refs] == [
        "12/KH-UBND", "41/KH-STP", "70/KH-STP", "505/STP-VP", "05-NQ/TU", "1800/SNV-CCHC&VTLT", "1567CV/TU",
        "35-CT/TU", "29-KL/TU", "59/2012/NĐ-CP", "03/QĐ-STP", "77/QĐ-UBND", "88/QĐ-UBND", "112/NĐ-CP",
        "262/KH-STP", "31/QĐ-STP", "616/STP-VP", "617/STP-VP", "12/QĐ-UBND", "15/KH-UBND", "99/QĐ-UBND",
        "45/QĐ-UBND", "20/KH-STP",
    ]  # fmt: skip


def test_synthetic_own_number_excluded(synthetic):
    _, meta, _, refs = synthetic
    assert meta.doc_number == "215/BC-STP"
    assert "215/BC-STP" not in [r.number for r in refs]


@pytest.mark.parametrize(
    "number, doc_type, issued",
    [
        ("12/KH-UBND", "Kế hoạch", date(2023, 1, 10)),
        ("70/KH-STP", "Kế hoạch", date(2023, 1, 21)),  # "…; số 70/KH-STP": the list's type word
        ("505/STP-VP", "Công văn", date(2023, 5, 29)),
        ("05-NQ/TU", "Nghị quyết", date(2021, 10, 22)),
        ("1800/SNV-CCHC&VTLT", "Văn bản", date(2023, 9, 22)),  # ", ngày …"
        ("1567CV/TU", "Văn bản", date(2023, 2, 16)),
        ("35-CT/TU", "Chỉ thị", None),
        ("29-KL/TU", "Kết luận", date(2021, 7, 22)),
        ("59/2012/NĐ-CP", "Nghị định", None),
        ("03/QĐ-STP", "Quyết định", date(2018, 1, 2)),  # "Số:" and "2.1.2018"
        ("77/QĐ-UBND", "Quyết định", date(1997, 10, 1)),  # "01-10-1997"
        ("88/QĐ-UBND", "Quyết định", date(2018, 10, 9)),  # "09 tháng 10 năm 2018"
        ("262/KH-STP", "Kế hoạch", date(2020, 4, 14)),  # lower-case type word
        ("616/STP-VP", "Văn bản", date(2023, 6, 25)),
        ("617/STP-VP", "Văn bản", date(2023, 6, 26)),  # shares "Văn bản": not a Công văn
        ("12/QĐ-UBND", "Quyết định", date(2023, 1, 5)),  # split by a page break
        ("15/KH-UBND", "Kế hoạch", date(2023, 1, 16)),  # split by line breaks
        ("99/QĐ-UBND", "Quyết định", date(2023, 2, 7)),  # type word split by a line break
        ("20/KH-STP", "Kế hoạch", None),
    ],
)
def test_synthetic_forms(synthetic, number, doc_type, issued):
    _, _, _, refs = synthetic
    (ref,) = _by_number(refs)[number]
    assert (ref.doc_type, ref.issued_date) == (doc_type, issued)


def test_synthetic_details(synthetic):
    doc, _, _, refs = synthetic
    by = {r.number: r for r in refs}
    assert by["505/STP-VP"].number_raw == "505/STP - VP"
    assert by["05-NQ/TU"].number_raw == "05- NQ/TU"
    assert by["12/QĐ-UBND"].number_raw == "12/QĐ- UBND"
    assert by["12/QĐ-UBND"].page == 1 and by["99/QĐ-UBND"].page == 2
    assert by["15/KH-UBND"].issuer_text == "của UBND tỉnh"
    assert by["112/NĐ-CP"].year == 2020 and by["112/NĐ-CP"].year_inferred
    assert by["59/2012/NĐ-CP"].year == 2012 and not by["59/2012/NĐ-CP"].year_inferred
    assert by["03/QĐ-STP"].year is None and not by["03/QĐ-STP"].year_inferred  # not normative
    # An impossible date: no date, its text kept.
    assert by["31/QĐ-STP"].issued_date is None and by["31/QĐ-STP"].issued_date_text == "ngày 31/02/2023"
    # The summary of a fronted adverbial stops where the main clause starts.
    assert by["12/KH-UBND"].subject == "về cải cách hành chính năm 2023"
    assert by["41/KH-STP"].subject == "về tuyên truyền CCHC"
    assert by["45/QĐ-UBND"].subject == "về việc công bố thủ tục hành chính mới, sửa đổi của ngành tư pháp"
    assert by["05-NQ/TU"].issuer_text == "của BTV Tỉnh ủy"
    assert doc.text[by["03/QĐ-STP"].char_start : by["03/QĐ-STP"].char_end] == "Quyết định Số: 03/QĐ-STP ngày 2.1.2018"
    assert doc.text[by["70/KH-STP"].char_start : by["70/KH-STP"].char_end] == "số 70/KH-STP ngày 21/01/2023"
    assert by["41/KH-STP"].section_path == "I.1" and by["41/KH-STP"].area == "chi_dao_dieu_hanh"
    assert by["20/KH-STP"].section_path == "II"


# ------------------------------------------------------ stay clear of ---


@pytest.mark.parametrize(
    "text",
    [
        "áp dụng hệ thống quản lý chất lượng ISO 9001:2015",
        "theo tiêu chuẩn TCVN 9001:2015 và TCVN ISO 9001:2015",
        "tỷ lệ hồ sơ đúng hạn 1.456/1.625 hồ sơ",
        "Ngày 16/11/2021, Sở tổ chức hội nghị; từ 01/01/2023 đến 31/8/2023",
        "liên hệ số điện thoại 0239.3856.123 hoặc 0912 345 678",
        "phòng chống dịch Covid-19 và biến chủng Covid-19",
        "theo quy định tại khoản 2 Điều 9 của Nghị định",
        "xếp thứ 5/63 tỉnh, thành phố; mức độ 3/4",
        "Tham mưu UBND tỉnh Quyết định của UBND tỉnh công bố Danh mục",
        "Hiện nay chưa có Nghị định xử phạt vi phạm hành chính",
        "giai đoạn 2021-2025, phát triển kinh tế - xã hội",
        "truy cập https://songoaivu.hatinh.gov.vn/2021/QĐ-UBND",
        "tổng số 24/UBND xã đạt chuẩn",
        "báo cáo theo Mẫu số 01/BC-UBND ban hành kèm theo Thông tư",
    ],
)
def test_not_references(text):
    assert references_in_text(text) == []


# ------------------------------------------- forms of unseen departments ---


@pytest.mark.parametrize(
    "text, expect",
    [
        ("Công văn số 1234/UBND-VX ngày 12/5/2022 của UBND huyện về tiêm chủng",
         {"doc_type": "Công văn", "issuer_code": "UBND", "unit_code": "VX", "type_code": None}),
        ("Thông tư số 45/2022/TT-BYT ngày 30/12/2022 của Bộ Y tế",
         {"doc_type": "Thông tư", "year": 2022, "issuer_code": "BYT", "issuer_text": "của Bộ Y tế"}),
        ("Quy định số 08-QĐi/TW ngày 25/10/2018",
         {"doc_type": "Quy định", "type_code": "QĐi", "issuer_code": "TW", "is_party_doc": True}),
        ("Thông tư liên tịch số 01/2015/TTLT-BNV-BTC ngày 14/4/2015",
         {"doc_type": "Thông tư liên tịch", "issuer_code": "BNV-BTC", "unit_code": None}),
        ("Luật số 80/2015/QH13 ngày 22/6/2015", {"doc_type": "Luật", "year": 2015, "issuer_code": "QH13"}),
        ("Công văn số 123/UBND ngày 05/5/2022", {"doc_type": "Công văn", "issuer_code": "UBND"}),
        ("Kế hoạch số 15a/KH-UBND ngày 10/01/2023", {"serial": 15, "serial_suffix": "a", "number": "15a/KH-UBND"}),
        ("Quyết định số 1.234/QĐ-UBND ngày 10/01/2023", {"serial": 1234, "number": "1.234/QĐ-UBND"}),
        ("KẾ HOẠCH SỐ 07/KH-SYT NGÀY 03/02/2022", {"doc_type": "Kế hoạch", "issued_date": date(2022, 2, 3)}),
        ("Quyet dinh so 12/QD-UBND ngay 05/3/2022", {"doc_type": "Quyết định", "issued_date": date(2022, 3, 5)}),
        ("Tờ trình số 112/TTr-SYT ngày 09/3/2022", {"doc_type": "Tờ trình", "type_code": "TTr"}),
        ("Công văn số 112/TTr-NV ngày 09/3/2022 của Thanh tra tỉnh",
         {"doc_type": "Công văn", "type_code": None, "issuer_code": "TTr", "unit_code": "NV"}),
        ("Quyết định số 12/QĐ-UBND của UBND huyện ngày 05/3/2022 về việc giao chỉ tiêu",
         {"issued_date": date(2022, 3, 5), "issuer_text": "của UBND huyện", "subject": "về việc giao chỉ tiêu"}),
        ("Kế hoạch số 33/KH-UBND ngày … tháng 3 năm 2023", {"issued_date": None, "issued_date_text": "ngày … tháng 3 năm 2023"}),
        ("Chương trình hành động số 12-CTr/HU ngày 03/3/2021 của Huyện ủy",
         {"doc_type": "Chương trình", "issuer_code": "HU", "is_party_doc": True}),
    ],
)
def test_unseen_forms(text, expect):
    (ref,) = references_in_text(text)
    assert {k: getattr(ref, k) for k in expect} == expect


def test_list_shares_its_type_word():
    refs = references_in_text("Văn bản số 505/SNgV-VPTTr ngày 29/5/2023, 506/SNgV-VPTTr ngày 30/5/2023 và số 507/SNgV-VPTTr")
    assert [r.doc_type for r in refs] == ["Văn bản"] * 3
    # A type code of its own wins over the list's word.
    refs = references_in_text("Văn bản số 505/SNgV-VPTTr; số 12/KH-SNgV ngày 03/3/2023")
    assert [r.doc_type for r in refs] == ["Văn bản", "Kế hoạch"]
    # A nested document does not start a list: 616 shares the word of 505, not of 76/NQ-CP.
    refs = references_in_text("Văn bản số 505/SNgV-VPTTr về triển khai Nghị quyết số 76/NQ-CP của Chính phủ; số 616/SNgV-VPTTr")
    assert [r.doc_type for r in refs] == ["Văn bản", "Nghị quyết", "Văn bản"]


def test_same_document_twice_is_two_mentions():
    refs = references_in_text("Nghị quyết số 76/NQ-CP của Chính phủ; tuyên truyền Nghị quyết số 76/NQ-CP.")
    assert [r.number for r in refs] == ["76/NQ-CP", "76/NQ-CP"]
    assert [r.mention_idx for r in refs] == [0, 1]


def test_partial_issued_date_is_never_filled():
    (ref,) = references_in_text("Kế hoạch số 33/KH-UBND ngày tháng 3 năm 2023 của UBND tỉnh")
    assert ref.issued_date is None
    assert ref.issued_date_text == "ngày tháng 3 năm 2023"


def test_sentences_end_at_stops_but_not_at_abbreviations():
    from cchc.pipeline.text.sentences import SentenceIndex

    text = "KT. GIÁM ĐỐC ký. Sở ban hành văn bản của UBND. Tiếp theo; TP. Hà Tĩnh\nDòng mới"
    index = SentenceIndex.of(text)
    assert [text[s:e] for s, e in zip(index.starts, index.ends)] == [
        "KT. GIÁM ĐỐC ký.",
        "Sở ban hành văn bản của UBND.",
        "Tiếp theo;",
        "TP. Hà Tĩnh",
        "Dòng mới",
    ]


@pytest.mark.parametrize(
    "text, sentences",
    [
        # Initials carry no tone or vowel mark, Đ included: an abbreviation.
        ("ĐT. 0239 3856 123", ["ĐT. 0239 3856 123"]),
        ("TM. UBND TỈNH", ["TM. UBND TỈNH"]),
        # A two-letter word with its mark is a word: the sentence ends.
        ("theo hướng dẫn của Bộ. Sở đã triển khai", ["theo hướng dẫn của Bộ.", "Sở đã triển khai"]),
        ("báo cáo Sở. Ủy ban đã xem xét", ["báo cáo Sở.", "Ủy ban đã xem xét"]),
        ("thôn Ô. Xã đã họp", ["thôn Ô.", "Xã đã họp"]),
    ],
)
def test_an_abbreviation_is_one_or_two_unmarked_letters(text, sentences):
    from cchc.pipeline.text.sentences import SentenceIndex

    index = SentenceIndex.of(text)
    assert [text[s:e] for s, e in zip(index.starts, index.ends)] == sentences


@pytest.mark.parametrize(
    "text, dates",
    [
        (
            "Quyết định số 215/QĐ-UBND và số 216/QĐ-UBND cùng ngày 12/4/2022 của UBND tỉnh",
            ["2022-04-12", "2022-04-12"],
        ),
        ("các Kế hoạch số 09/KH-UBND, số 10/KH-UBND ngày 29/01/2024 về", ["2024-01-29", "2024-01-29"]),
        ("các Quyết định số 45/QĐ-STP, 46/QĐ-STP và 47/QĐ-STP ngày 10/3/2023", ["2023-03-10"] * 3),
        # A number followed by its own date keeps it.
        ("Kế hoạch số 5/KH-UBND ngày 01/02/2024 và số 6/KH-UBND ngày 03/02/2024", ["2024-02-01", "2024-02-03"]),
        # Another document with a type word of its own starts another list...
        ("Kế hoạch số 5/KH-UBND và Quyết định số 7/QĐ-UBND ngày 03/02/2024", [None, "2024-02-03"]),
        # ... unless the date is said to be the same day.
        ("Kế hoạch số 5/KH-UBND và Quyết định số 7/QĐ-UBND cùng ngày 03/02/2024", ["2024-02-03", "2024-02-03"]),
        # A number with a summary of its own is not in the list.
        ("Kế hoạch số 5/KH-UBND về cải cách hành chính và số 6/KH-UBND ngày 03/02/2024", [None, "2024-02-03"]),
    ],
)
def test_coordinated_numbers_share_the_date_after_the_last(text, dates):
    refs = references_in_text(text)
    assert [r.issued_date.isoformat() if r.issued_date else None for r in refs] == dates
