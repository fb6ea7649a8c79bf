from datetime import date

import pytest

from cchc.pipeline.model import Block, Document
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.outline.structure import build_sections, parse_header, section_at

import json

from conftest import ROOT, SAMPLES, SEED_DOCX, SEED_PDF, SEED_TXT, read_normalized

GOLDS = sorted((ROOT / "tests" / "fixtures").glob("*.gold.json"))

EXPECTED_PATHS = (
    ["I"] + [f"I.{i}" for i in range(1, 7)]
    + ["II"] + [f"II.{i}" for i in range(1, 7)] + ["II.6.1", "II.6.2"]
    + ["III"] + [f"III.{i}" for i in range(1, 8)]
    + ["IV"] + [f"IV.{i}" for i in range(1, 8)]
    + ["V", "V.1", "V.2"]
)


@pytest.fixture(scope="module", params=[SEED_TXT, SEED_DOCX, SEED_PDF], ids=["txt", "docx", "pdf"])
def seed(request):
    return read_normalized(request.param)


def test_header_metadata_is_the_same_in_every_format(seed):
    meta = parse_header(seed)
    assert meta.issuer == "Sở Ngoại vụ"
    assert meta.province == "Hà Tĩnh"
    assert meta.issuer_code == "SNgV"
    assert meta.doc_number == "/BC-SNgV"
    assert meta.place == "Hà Tĩnh"
    assert (meta.report_date.year, meta.report_date.month, meta.report_date.precision) == (2023, 9, "month")
    assert (meta.period_start, meta.period_end) == (date(2021, 1, 1), date(2023, 8, 31))
    assert meta.title.startswith("Kết quả thực hiện công tác cải cách hành chính")
    assert meta.signer == "Ngô Thị Hoài Nam"
    assert meta.signer_role == "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
    assert meta.recipients[:2] == ["Văn phòng UBND tỉnh", "Sở Nội vụ"]
    assert len(meta.recipients) == 9


def test_section_tree_is_the_same_in_every_format(seed):
    sections = build_sections(seed)
    assert [s.section_path for s in sections] == EXPECTED_PATHS
    by_path = {s.section_path: s for s in sections}
    assert by_path["II.6.1"].area == "chinh_quyen_so"
    assert by_path["III.4"].area == "to_chuc_bo_may"
    assert by_path["II.6.2"].area == "chinh_quyen_so"  # inherited from II.6
    assert by_path["II"].area is None  # "cải cách hành chính" names no single area
    for path, s in by_path.items():
        top = path.split(".")[0]
        want = {"I": "result", "II": "result", "III": "limitation", "IV": "plan", "V": "recommendation"}[top]
        assert s.kind == want, path
    # Spans nest: a subsection lies inside its parent.
    assert by_path["II"].start <= by_path["II.6.1"].start < by_path["II.6.1"].end <= by_path["II"].end


@pytest.fixture(scope="module", params=GOLDS, ids=[g.name.split(".")[0] for g in GOLDS])
def gold_report(request):
    gold = json.loads(request.param.read_text(encoding="utf-8"))
    return read_normalized(SAMPLES / request.param.name.replace(".gold.json", ".txt")), gold


def test_header_matches_the_gold_of_every_sample(gold_report):
    doc, gold = gold_report
    meta, want = parse_header(doc), gold["report"]
    issuer = meta.issuer if meta.province is None or meta.province in meta.issuer else f"{meta.issuer} {meta.province}"
    assert issuer == want["issuer"]
    assert meta.doc_number == want["number"]
    assert meta.place == want["place"]
    assert meta.report_date.iso() == want["date"]
    assert (str(meta.period_start), str(meta.period_end)) == (want["period_start"], want["period_end"])
    assert meta.signer == want["signer"]


def test_sections_match_the_gold_area_and_kind(gold_report):
    doc, gold = gold_report
    by_path = {s.section_path: s for s in build_sections(doc)}
    for count in gold["counts"]:
        section = by_path[count["section"]]
        assert (section.area, section.kind) == (count["area"], count["kind"]), count


def test_section_at_finds_the_innermost_section(seed_txt):
    sections = build_sections(seed_txt)
    offset = seed_txt.text.index("24 máy tính")
    assert section_at(sections, offset).section_path == "II.6.1"
    assert section_at(sections, 0) is None  # the front matter belongs to no section


def _doc(*lines: str) -> Document:
    return normalize_document(Document("x", "txt", [Block("paragraph", ln) for ln in lines]))


@pytest.mark.parametrize(
    "title, start, end",
    [
        ("Kết quả công tác cải cách hành chính năm 2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("Công tác cải cách hành chính quý III năm 2023", date(2023, 7, 1), date(2023, 9, 30)),
        ("Kết quả cải cách hành chính 6 tháng đầu năm 2023", date(2023, 1, 1), date(2023, 6, 30)),
    ],
)
def test_reporting_period_from_the_title(title, start, end):
    meta = parse_header(_doc("UBND TỈNH QUẢNG BÌNH", "SỞ TƯ PHÁP", "Số: 12/BC-STP", "Quảng Bình, ngày 15 tháng 6 năm 2023", "BÁO CÁO", title))
    assert (meta.period_start, meta.period_end) == (start, end)
    assert meta.issuer == "Sở Tư pháp"
    assert meta.province == "Quảng Bình"
    assert meta.report_date.precision == "day"


def test_an_explicit_data_cutoff_wins_over_the_calendar_period():
    meta = parse_header(
        _doc(
            "Số: 45/BC-UBND",
            "Can Lộc, ngày 20 tháng 9 năm 2023",
            "BÁO CÁO",
            "Kết quả cải cách hành chính quý III năm 2023",
            "Số liệu tính từ ngày 15/6/2023 đến ngày 14/9/2023.",
        )
    )
    assert (meta.period_start, meta.period_end) == (date(2023, 6, 15), date(2023, 9, 14))


def test_arabic_only_documents_get_paths_too():
    doc = normalize_document(
        Document(
            "x",
            "txt",
            [
                Block("heading", "1. Cải cách thủ tục hành chính"),
                Block("paragraph", "Đã tiếp nhận 246 hồ sơ."),
                Block("heading", "1.1. Kiểm soát TTHC"),
                Block("heading", "a) Công bố TTHC"),
                Block("heading", "2. Những tồn tại, hạn chế"),
            ],
        )
    )
    sections = build_sections(doc)
    assert [(s.section_path, s.level) for s in sections] == [("1", 1), ("1.1", 2), ("1.1.a", 3), ("2", 1)]
    assert sections[2].area == "tthc"
    assert sections[3].kind == "limitation"


def _sections_of(*blocks: Block):
    doc = normalize_document(Document("x", "docx", list(blocks)))
    return doc, build_sections(doc)


def test_lettered_subsections_are_siblings():
    _, sections = _sections_of(
        Block("heading", "II. KẾT QUẢ THỰC HIỆN"),
        Block("heading", "2. Cải cách thủ tục hành chính"),
        Block("heading", "a) Công bố, công khai thủ tục hành chính"),
        Block("heading", "b) Kết quả giải quyết hồ sơ"),
        Block("heading", "3. Cải cách tổ chức bộ máy"),
    )
    assert [s.section_path for s in sections] == ["II", "II.2", "II.2.a", "II.2.b", "II.3"]


def test_an_appendix_after_the_signature_is_a_section_of_its_own():
    doc, sections = _sections_of(
        Block("heading", "V. KIẾN NGHỊ, ĐỀ XUẤT"),
        Block("paragraph", "Đề nghị UBND tỉnh bố trí kinh phí."),
        Block("paragraph", "KT. CHỦ TỊCH"),
        Block("paragraph", "Nguyễn Văn A"),
        Block("paragraph", "PHỤ LỤC"),
        Block("paragraph", "SỐ LIỆU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI BỘ PHẬN MỘT CỬA"),
        Block("paragraph", "(Kèm theo Báo cáo số 87/BC-UBND ngày 17/6/2024)"),
        Block("paragraph", "- Hồ sơ tiếp nhận: 1.286 hồ sơ;"),
        Block("paragraph", "Biểu số 01. Kết quả theo lĩnh vực"),
        Block("table", "Lĩnh vực\tSố hồ sơ\nHộ tịch\t742", cells=[["Lĩnh vực", "Số hồ sơ"], ["Hộ tịch", "742"]]),
    )
    by_path = {s.section_path: s for s in sections}
    assert list(by_path) == ["V", "PHỤ LỤC", "PHỤ LỤC.Biểu số 01"]
    appendix, form = by_path["PHỤ LỤC"], by_path["PHỤ LỤC.Biểu số 01"]
    # The appendix ends section V; its area comes from its title; it is a result.
    assert by_path["V"].end == appendix.start
    assert (appendix.area, appendix.kind) == ("tthc", "result")
    assert "THỦ TỤC HÀNH CHÍNH" in appendix.title
    assert (form.area, form.kind, form.title) == ("tthc", "result", "Kết quả theo lĩnh vực")
    assert section_at(sections, doc.text.index("1.286")).section_path == "PHỤ LỤC"
    assert section_at(sections, doc.text.index("742")).section_path == "PHỤ LỤC.Biểu số 01"


@pytest.mark.parametrize(
    "line, path",
    [("Phụ lục II", "Phụ lục II"), ("PHỤ LỤC I: DANH MỤC VĂN BẢN", "PHỤ LỤC I"), ("Biểu số 03", "Biểu số 03")],
)
def test_appendix_headings_as_written(line, path):
    _, sections = _sections_of(Block("heading", "I. KẾT QUẢ"), Block("paragraph", line), Block("paragraph", "Có 05 văn bản."))
    assert [s.section_path for s in sections] == ["I", path]


@pytest.mark.parametrize(
    "line",
    ["Phụ lục kèm theo báo cáo này gồm 3 biểu.", "Biểu số liệu được gửi kèm;", "phụ lục I được ban hành kèm theo Quyết định"],
)
def test_running_text_about_an_appendix_is_not_one(line):
    _, sections = _sections_of(Block("heading", "I. KẾT QUẢ"), Block("paragraph", line))
    assert [s.section_path for s in sections] == ["I"]
