"""Figures: the gold acceptance on the shared sample report, and the
hard cases on synthetic snippets and a synthetic statistics table."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from datetime import date

import pytest

from cchc.pipeline.checks import sum_mismatches
from cchc.pipeline.extract import extract as extract_facts
from cchc.pipeline.extract.counts import Count, parse_number
from cchc.pipeline.extract.counts.examples import check_metric_examples, check_unit_examples
from cchc.pipeline.model import Block, Document, ReportMeta
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.patterns import EXAMPLE_CHECKERS, entries
from cchc.pipeline.outline.structure import build_sections, parse_header

from conftest import ROOT, SAMPLES, SEED_DOCX, SEED_PDF, read_normalized
from golds import match_gold, precision_recall

# The shared report (>= 0.98) and reports of other departments and years,
# with hand-checked golds (>= 0.95).
OTHER_REPORTS = ["so-ngoai-vu-ha-tinh-2021", "so-ngoai-vu-ha-tinh-2022", "ubnd-huyen-can-loc-2023-6thang"]


def extract(doc: Document, meta: ReportMeta | None = None) -> list[Count]:
    """The figures as the pipeline reads them, around cited documents and dates."""
    sections = build_sections(doc)
    meta = meta if meta is not None else parse_header(doc)
    return extract_facts(doc, sections, meta).counts


def document(*blocks: Block) -> Document:
    return normalize_document(Document(source_path="snippet.docx", format="docx", blocks=list(blocks)))


def figures(text: str, meta: ReportMeta | None = None) -> list[Count]:
    """The figures of one paragraph, as the pipeline reads them."""
    return extract_facts(document(Block("paragraph", text)), [], meta or ReportMeta()).counts


def one(counts: list[Count], value: float, unit: str | None = None) -> Count:
    found = [c for c in counts if c.value == value and (unit is None or c.unit == unit)]
    assert len(found) == 1, f"want one {value} {unit}, got {[(c.value, c.unit) for c in counts]}"
    return found[0]


# ------------------------------------------------------------------ gold ---


@pytest.fixture(scope="module")
def seed_counts(seed_txt) -> list[Count]:
    return extract(seed_txt)


def test_precision_and_recall_on_the_gold(gold, seed_counts):
    assert len(gold["counts"]) == 61
    precision, recall = precision_recall(gold["counts"], seed_counts)
    pairs, missed, extra = match_gold(gold["counts"], seed_counts)
    detail = f"missed {[(g['value'], g['unit'], g['section']) for g in missed]}, extra {[(c.value, c.unit, c.section_path, c.sentence) for c in extra]}"
    assert precision >= 0.98, detail
    assert recall >= 0.98, detail


@pytest.mark.parametrize("path", [SEED_DOCX, SEED_PDF], ids=["docx", "pdf"])
def test_precision_and_recall_on_the_other_formats(gold, path):
    try:
        doc = read_normalized(path)
    except Exception as exc:  # the readers are being written concurrently
        pytest.skip(f"reader failed: {exc}")
    precision, recall = precision_recall(gold["counts"], extract(doc))
    assert precision >= 0.98 and recall >= 0.98


def test_area_and_kind_of_matched_figures(gold, seed_counts):
    pairs, _, _ = match_gold(gold["counts"], seed_counts)
    right = sum(1 for g, c in pairs if c.area == g["area"] and c.section_kind == g["kind"])
    assert right / len(pairs) >= 0.98, [(g["value"], g["unit"], g["area"], c.area, g["kind"], c.section_kind) for g, c in pairs]


@pytest.fixture(scope="module", params=OTHER_REPORTS)
def other_report(request) -> tuple[dict, Document, list[Count]]:
    gold = json.loads((ROOT / "tests" / "fixtures" / f"{request.param}.gold.json").read_text(encoding="utf-8"))
    doc = read_normalized(SAMPLES / f"{request.param}.txt")
    return gold, doc, extract(doc)


def test_precision_and_recall_on_other_reports(other_report):
    gold, _, counts = other_report
    precision, recall = precision_recall(gold["counts"], counts)
    _, missed, extra = match_gold(gold["counts"], counts)
    detail = f"missed {[(g['value'], g['unit'], g['section']) for g in missed]}, extra {[(c.value, c.unit, c.section_path) for c in extra]}"
    assert precision >= 0.95, detail
    assert recall >= 0.95, detail


def test_area_kind_and_periods_on_other_reports(other_report):
    gold, _, counts = other_report
    pairs, _, _ = match_gold(gold["counts"], counts)
    right = sum(1 for g, c in pairs if c.area == g["area"] and c.section_kind == g["kind"])
    assert right / len(pairs) >= 0.95
    # The district report states no period of its own in a sentence with a
    # figure; the department reports do ("từ 01/01/2021 đến 30/11/2021 có ...").
    for g, c in [(g, c) for g, c in pairs if g["period_start"] is not None]:
        assert (c.period_source, str(c.period_start), str(c.period_end)) == ("sentence", g["period_start"], g["period_end"]), g


def test_no_figure_from_the_not_counts_of_other_reports(other_report):
    gold, doc, counts = other_report
    for phrase in gold["not_counts"]:
        for m in re.finditer(re.escape(phrase), doc.text):
            assert not [c for c in counts if c.char_start < m.end() and m.start() < c.char_end], phrase


def _breakdown_links(gold: dict, counts: list[Count]) -> tuple[set, set]:
    """(total, part) value pairs: the gold's (consistent ones and sum
    mismatches) and the ones parent_idx makes."""
    stated = {
        (float(b["total"]), float(part))
        for b in gold["consistent_breakdowns"] + [c for c in gold["checks"] if "parts" in c]
        for part in b["parts"]
    }
    made = {(counts[c.parent_idx].value, c.value) for c in counts if c.parent_idx is not None}
    return stated, made


def test_breakdown_links_agree_with_the_golds(gold, seed_counts, other_report):
    stated_all, made_all = set(), set()
    for g, counts in ((gold, seed_counts), other_report[0::2]):
        stated, made = _breakdown_links(g, counts)
        # Every link made is one the gold states...
        assert made <= stated, made - stated
        stated_all |= stated
        made_all |= made
    # ...and most stated links are made.  Those left need more than grammar:
    # "toàn bộ hồ sơ ..., trong đó 179 ..." (the total only by reference), a
    # total with two breakdowns (parent_idx holds one), received = resolved
    # + pending.
    assert len(made_all) / len(stated_all) >= 0.75


def test_figures_with_their_own_period_carry_it(gold, seed_counts):
    pairs, _, _ = match_gold(gold["counts"], seed_counts)
    dated = [(g, c) for g, c in pairs if g["period_start"] is not None]
    # "Năm 2021, thực hiện việc điều động 02 công chức; năm 2022 điều động 02
    # công chức, điều động bổ nhiệm 02 Phó phòng": each its own year.
    assert sorted(g["value"] for g, _ in dated) == [2, 2, 2, 222, 246]
    for g, c in dated:
        assert c.period_source == "sentence"
        assert (c.period_start.isoformat(), c.period_end.isoformat()) == (g["period_start"], g["period_end"])
    received = one(seed_counts, 246, "hồ sơ")
    assert (received.period_start, received.period_end) == (date(2023, 1, 1), date(2023, 8, 31))
    postal = one(seed_counts, 222, "hồ sơ")
    assert (postal.period_start, postal.period_end) == (date(2021, 1, 1), date(2023, 8, 31))


def test_figures_without_their_own_period_take_the_reports(seed_counts):
    rooms = one(seed_counts, 5, "phòng")
    assert rooms.period_source == "report"
    assert (rooms.period_start, rooms.period_end) == (date(2021, 1, 1), date(2023, 8, 31))


def test_canonical_metrics_on_the_sample(seed_counts):
    want = {
        (32, "văn bản"): "directive_documents",
        (919, "nhiệm vụ"): "tasks_completed",
        (246, "hồ sơ"): "dossiers_received",
        (222, "hồ sơ"): "dossiers_postal",
        (4127, "văn bản"): "documents_issued",
        (3920, "văn bản"): "documents_issued_online",
        (207, "văn bản"): "documents_secret",
        (24, "máy tính"): "computers",
    }
    for (value, unit), metric in want.items():
        assert one(seed_counts, value, unit).metric == metric, (value, unit)
    services = [c for c in seed_counts if c.unit == "dịch vụ công"]
    assert [(c.value, c.metric) for c in services] == [
        (5, "online_services"),
        (1, "online_services_full"),
        (4, "online_services_partial"),
    ]


def test_breakdowns_point_at_their_total(gold, seed_counts):
    by_idx = {c.idx: c for c in seed_counts}
    assert [c.idx for c in seed_counts] == list(range(len(seed_counts)))

    def parts_of(total_value: float, unit: str) -> list[float]:
        total = next(c for c in seed_counts if c.value == total_value and c.unit == unit and c.is_total)
        return [c.value for c in seed_counts if c.parent_idx == total.idx]

    for item in gold["consistent_breakdowns"]:
        unit = {4127: "văn bản", 5: "dịch vụ công", 2: "trường hợp"}[item["total"]]
        assert parts_of(item["total"], unit) == item["parts"]
    # 24 computers with 14 + 9 parts: the report's own sum mismatch stays visible.
    (check,) = gold["checks"]
    assert parts_of(check["total"], "máy tính") == check["parts"]
    # Printers, copiers and scanners follow the computers but are not parts.
    for unit in ("máy in", "máy photocopy", "máy scan"):
        assert one(seed_counts, {"máy in": 18, "máy photocopy": 2, "máy scan": 1}[unit], unit).parent_idx is None
    # Every parent is a total, and every total has a part.
    parents = {c.parent_idx for c in seed_counts if c.parent_idx is not None}
    assert parents == {c.idx for c in seed_counts if c.is_total}
    assert all(by_idx[p].is_total for p in parents)


def test_no_figure_from_the_gold_not_counts(gold, seed_txt, seed_counts):
    for phrase in gold["not_counts"]:
        for m in re.finditer(re.escape(phrase), seed_txt.text):
            hits = [c for c in seed_counts if c.char_start < m.end() and m.start() < c.char_end]
            assert not hits, (phrase, [(c.value, c.unit) for c in hits])


def test_provenance_of_the_sample(seed_txt, seed_counts):
    for c in seed_counts:
        written = seed_txt.text[c.char_start : c.char_end]
        assert written.startswith(c.value_text), (written, c.value_text)
        assert c.unit.lower() in written.lower()
        assert c.value_text in c.sentence
        assert c.sentence in " ".join(seed_txt.text.split())
        assert c.source == "text" and c.page is None  # the text has no form feeds: no pages
    assert one(seed_counts, 246, "hồ sơ").subject == "hồ sơ TTHC được tiếp nhận và trả kết quả"


def test_the_fields_are_the_metrics_columns():
    assert [f.name for f in dataclasses.fields(Count)] == [
        "idx", "value", "value_text", "unit", "subject", "metric", "is_percent", "area", "section_path",
        "section_kind", "period_start", "period_end", "period_source", "source", "parent_idx", "is_total",
        "page", "char_start", "char_end", "sentence", "is_target",
    ]  # fmt: skip


# --------------------------------------------------------- pattern files ---


@pytest.mark.parametrize("name", ["units", "metrics"])
def test_pattern_examples_run_through_the_extractor(name):
    assert EXAMPLE_CHECKERS[name] in (check_unit_examples, check_metric_examples)
    failures = [f for entry in entries(name) for f in EXAMPLE_CHECKERS[name](entry)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", ["units", "metrics"])
def test_every_pattern_entry_has_examples_both_ways(name):
    for entry in entries(name):
        assert entry.get("examples") and entry.get("counter_examples"), entry.get("unit") or entry.get("key") or entry.get("marker")


def test_the_taxonomy_covers_what_reports_state():
    keys = {e["key"] for e in entries("metrics")}
    assert len(keys) >= 30
    assert {
        "directive_documents", "inspections_held", "normative_documents_issued", "normative_documents_reviewed",
        "procedures_published", "procedures_cut", "dossiers_received", "dossiers_on_time", "dossiers_late",
        "online_services", "online_services_full", "online_services_partial", "dossiers_postal", "documents_issued",
        "documents_issued_online", "digital_signature_rate", "staff_recruited", "staff_trained", "staff_disciplined",
        "departments", "public_service_units", "self_financing_units", "computers",
    } <= keys  # fmt: skip


# ----------------------------------------------------------- number grammar ---


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("4.131", "dossier", 4131),
        ("1.456", "dossier", 1456),
        ("05", "person", 5),
        ("99,71", "percent", 99.71),
        ("1.234,5", "money", 1234.5),
        ("1,5", "money", 1.5),
        ("1,234", "dossier", 1234),  # three digits after a comma before a counted noun: a thousands group
        ("99.5", "percent", 99.5),
        ("0239.3856.123", "dossier", None),  # a phone number
        ("0912345678", "person", None),
        ("6.1", "document", None),  # a section number
        ("9001", "item", 9001),
    ],
)
def test_vietnamese_number_grammar(text, kind, value):
    assert parse_number(text, kind) == value


def test_a_percentage():
    (rate,) = figures("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 99,71%.")
    assert (rate.value, rate.value_text, rate.unit, rate.is_percent) == (99.71, "99,71", "%", True)
    assert rate.subject == "Tỷ lệ hồ sơ giải quyết đúng hạn"
    assert rate.metric == "dossiers_on_time_rate"


# ------------------------------------------------------------ hard cases ---


def test_coordination_gives_a_figure_per_number():
    sessions, people = figures(
        "Tổ chức 34 cuộc tuyên truyền phổ biến giáo dục pháp luật với 816 lượt người tham dự."
    )
    assert (sessions.value, sessions.unit, sessions.subject) == (34, "cuộc", "cuộc tuyên truyền phổ biến giáo dục pháp luật")
    assert (people.value, people.unit, people.subject) == (816, "lượt người", "lượt người tham dự")
    assert sessions.parent_idx is None and people.parent_idx is None

    civil, public = figures("Sở đã cử 02 công chức, 02 viên chức học Trung cấp lý luận chính trị.")
    assert (civil.value, civil.unit, public.value, public.unit) == (2, "công chức", 2, "viên chức")
    assert civil.parent_idx is None and public.parent_idx is None
    # They share the predicate that follows them.
    assert civil.metric == public.metric == "staff_trained"


def test_a_breakdown_in_parentheses():
    cases, civil, public = figures(
        "Sở thực hiện xử lý kỷ luật 02 trường hợp (01 công chức, 01 viên chức) hình thức khiển trách."
    )
    assert (cases.value, cases.unit, cases.is_total, cases.parent_idx) == (2, "trường hợp", True, None)
    assert (civil.unit, civil.parent_idx, public.unit, public.parent_idx) == ("công chức", 0, "viên chức", 0)
    assert cases.metric == "staff_disciplined"


def test_a_breakdown_after_trong_do_stops_at_another_unit():
    counts = figures(
        "Sở có 24 máy tính, trong đó có 14 máy tính để bàn, 9 máy tính xách tay, 18 máy in, 02 máy photocopy."
    )
    assert [(c.value, c.unit, c.parent_idx) for c in counts] == [
        (24, "máy tính", None),
        (14, "máy tính", 0),
        (9, "máy tính", 0),
        (18, "máy in", None),
        (2, "máy photocopy", None),
    ]
    assert counts[1].subject == "máy tính để bàn"


def test_a_breakdown_opened_by_the_next_sentence():
    total, full, partial = figures(
        "Hiện nay, Sở cung cấp 05 dịch vụ công trực tuyến. Trong đó 01 dịch vụ công trực tuyến toàn trình "
        "và 04 dịch vụ công trực tuyến một phần."
    )
    assert (full.parent_idx, partial.parent_idx) == (total.idx, total.idx)
    assert (total.metric, full.metric, partial.metric) == ("online_services", "online_services_full", "online_services_partial")


def test_parts_may_be_named_before_their_number():
    counts = figures(
        "Tiếp nhận 12.345 hồ sơ (trực tuyến 8.120 hồ sơ, trực tiếp 4.225 hồ sơ); đã giải quyết 12.100 hồ sơ, "
        "trong đó đúng hạn 12.050 hồ sơ, quá hạn 50 hồ sơ."
    )
    assert [(c.value, c.parent_idx, c.metric) for c in counts] == [
        (12345, None, "dossiers_received"),
        (8120, 0, "dossiers_online"),
        (4225, 0, "dossiers_in_person"),
        (12100, None, "dossiers_resolved"),
        (12050, 3, "dossiers_on_time"),
        (50, 3, "dossiers_late"),
    ]


def test_a_difference_is_not_a_part():
    total, more = figures("Tiếp nhận 150 hồ sơ (tăng 20 hồ sơ so với cùng kỳ).")
    assert more.parent_idx is None and not total.is_total


def test_a_number_cut_from_its_noun_by_a_line_break():
    (postal,) = figures("kết quả trả qua dịch vụ bưu chính công ích đạt 222\nhồ sơ trả kết quả;")
    assert (postal.value, postal.unit, postal.metric) == (222, "hồ sơ", "dossiers_postal")


def test_a_number_cut_from_its_noun_by_a_page_break_with_a_footnote_between():
    doc = document(
        Block("paragraph", "Tính từ 01/01/2021 đến 31/8/2023, kết quả tiếp nhận hồ sơ qua bưu chính công ích đạt 222", page=12),
        Block("footnote", "¹ Kế hoạch số 88/KH-SNgV ngày 05/02/2021 về kiểm soát thủ tục hành chính.", page=12),
        Block("page_footer", "12", page=12),
        Block("paragraph", "hồ sơ trả kết quả; Sở ban hành 4127 văn bản.", page=13),
    )
    counts = extract_facts(doc, [], ReportMeta()).counts
    assert [(c.value, c.unit) for c in counts] == [(222, "hồ sơ"), (4127, "văn bản")]
    postal = counts[0]
    assert doc.text[postal.char_start : postal.char_start + 3] == "222"
    assert doc.text[postal.char_end - 5 : postal.char_end] == "hồ sơ"
    assert postal.page == 12 and counts[1].page == 13
    assert postal.sentence.endswith("đạt 222 hồ sơ trả kết quả;")
    assert (postal.period_start, postal.period_end, postal.period_source) == (date(2021, 1, 1), date(2023, 8, 31), "sentence")


def test_a_ratio_gives_a_part_and_its_base():
    part, base = figures("Giải quyết đúng hạn 1.456/1.625 hồ sơ, đạt 89,6%.")[:2]
    assert (part.value, part.unit, part.parent_idx, part.metric) == (1456, "hồ sơ", base.idx, "dossiers_on_time")
    assert (base.value, base.unit, base.is_total, base.parent_idx, base.metric) == (1625, "hồ sơ", True, None, None)


def test_a_label_and_its_value():
    (received,) = figures("Tổng số hồ sơ tiếp nhận: 1.625; không có hồ sơ quá hạn.")
    assert (received.value, received.unit, received.subject, received.metric) == (
        1625, "hồ sơ", "hồ sơ tiếp nhận", "dossiers_received",
    )  # fmt: skip


def test_a_level_stays_in_the_subject():
    (services,) = figures("Cung cấp 20 dịch vụ công trực tuyến mức độ 3 cho người dân.")
    assert services.subject == "dịch vụ công trực tuyến mức độ 3 cho người dân"
    assert services.metric == "online_services_partial"


# ------------------------------------------------------------- not counts ---


@pytest.mark.parametrize(
    "text",
    [
        "Kế hoạch CCHC năm 2023 văn bản hướng dẫn",  # a year
        "giai đoạn 2021 - 2025 hồ sơ điện tử",  # years
        "ban hành ngày 15/6/2023 văn bản",  # a date
        "ngày 05 tháng 3 năm 2022 hồ sơ",  # a date in words
        "Quyết định số 39/QĐ-SNgV ngày 16/11/2021",  # document numbers
        "Nghị định 107/2021/NĐ-CP sửa đổi",
        "Nghị quyết số 05- NQ/TU của Tỉnh ủy",
        "Văn bản số 1567CV/TU của Tỉnh ủy",
        "Văn bản số 505/SNgV - VPTTr ngày 29/5/2023",
        "nộp hồ sơ qua DVC trực tuyến mức độ 3 hoặc qua dịch vụ BCCI",  # a level
        "cung cấp dịch vụ công mức độ 4 thủ tục",
        "xếp thứ 5 cả nước về Chỉ số PAPI",  # ranks
        "Chỉ số PAR INDEX xếp thứ 5/63 tỉnh, thành phố",
        "đứng thứ 12/63 hồ sơ",
        "lớp bồi dưỡng quốc phòng an ninh đối tượng 2",
        "bồi dưỡng đối tượng 3 công chức",
        "viên chức hạng III",
        "viên chức hạng 3 viên chức",
        "hệ thống quản lý chất lượng TCVN ISO 9001:2015",  # a standard
        "áp dụng ISO 9001:2018 văn bản",
        "số điện thoại 0239.3856.123",  # phone numbers
        "Điện thoại: 0239 3856 123",
        "đường dây nóng 1022 hồ sơ",
        "phòng chống dịch Covid-19",
        "dịch Covid - 19 người",
        "theo quy định tại Điều 9 văn bản",  # an article
        "khoản 2 Điều 9 văn bản",
        "Hội nghị lần thứ 3 cuộc",  # an ordinal
        "hàng chục lượt công chức, viên chức tham gia",  # no number
        "Năm 2020, 2021 Sở Ngoại vụ đã đề xuất tuyển dụng",
    ],
)
def test_not_a_count(text):
    assert figures(text) == []


def test_a_heading_number_is_not_a_count():
    doc = document(
        Block("heading", "II. KẾT QUẢ"),
        Block("heading", "2 Văn bản chỉ đạo, điều hành"),
        Block("heading", "6.1. Ứng dụng công nghệ thông tin"),
        Block("paragraph", "Sở đã ban hành 05 văn bản."),
    )
    counts = extract(doc, ReportMeta())
    assert [(c.value, c.unit, c.section_path) for c in counts] == [(5, "văn bản", "II.6.1")]


# ------------------------------------------------------- periods and areas ---


def test_sentence_period_and_open_end():
    meta = ReportMeta(period_start=date(2021, 1, 1), period_end=date(2023, 8, 31))
    (trained,) = figures("Từ 01/01/2021 đến nay, Sở đã cử 02 công chức học Trung cấp lý luận chính trị.", meta)
    assert (trained.period_start, trained.period_end, trained.period_source) == (date(2021, 1, 1), date(2023, 8, 31), "sentence")
    (rotated,) = figures("Năm 2022, thực hiện việc điều động 02 công chức.", meta)
    assert (rotated.period_start, rotated.period_end) == (date(2022, 1, 1), date(2022, 12, 31))
    (reviewed,) = figures("Tiến hành rà soát 07 văn bản QPPL trên lĩnh vực đối ngoại.", meta)
    assert (reviewed.period_start, reviewed.period_end, reviewed.period_source) == (date(2021, 1, 1), date(2023, 8, 31), "report")
    (half,) = figures("6 tháng đầu năm 2023, toàn tỉnh tiếp nhận 150.000 hồ sơ.", meta)
    assert (half.value, half.period_start, half.period_end) == (150000, date(2023, 1, 1), date(2023, 6, 30))


def test_area_is_the_sections_own():
    doc = document(
        Block("heading", "II. KẾT QUẢ THỰC HIỆN"),
        Block("heading", "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"),
        Block("paragraph", "Tính từ 01/01/2021, kết quả qua bưu chính công ích đạt 222 hồ sơ trả kết quả."),
        Block("heading", "V. KIẾN NGHỊ, ĐỀ XUẤT"),
        Block("paragraph", "Năm 2024 đề nghị bố trí kinh phí 150 triệu đồng."),
    )
    postal, budget = extract(doc, ReportMeta())
    assert (postal.metric, postal.area, postal.section_path, postal.section_kind) == (
        "dossiers_postal", "chinh_quyen_so", "II.6", "result",
    )  # fmt: skip
    # A section without an area gives none, whatever the metric's area: the
    # golds say so, and metrics.yaml keeps the metric's own.
    assert (budget.metric, budget.area, budget.section_path, budget.section_kind) == (
        "budget_amount", None, "V", "recommendation",
    )  # fmt: skip
    assert next(e for e in entries("metrics") if e["key"] == "budget_amount")["area"] == "tai_chinh_cong"


# ------------------------------------------------------------------ tables ---

STATISTICS = [
    ["STT", "Lĩnh vực", "Số hồ sơ nhận giải quyết", "", "", "Kết quả giải quyết", "", "Tỷ lệ đúng hạn (%)"],
    ["", "", "Tổng số", "Trực tuyến", "Trực tiếp", "Đúng hạn", "Quá hạn", ""],
    ["(1)", "(2)", "(3)=(4)+(5)", "(4)", "(5)", "(6)", "(7)", "(8)"],
    ["1", "Hộ tịch", "1.200", "800", "400", "1.190", "10", "99,17"],
    ["2", "Chứng thực", "800", "500", "300", "800", "0", "100"],
    ["Tổng cộng", "", "2.000", "1.300", "700", "1.990", "10", "99,5"],
]


def table_block(rows: list[list[str]]) -> Block:
    """A table as the DOCX reader gives it: cells by tab, rows by line."""
    return Block("table", "\n".join("\t".join(r) for r in rows), cells=rows)


@pytest.fixture(scope="module")
def table_doc() -> Document:
    return document(
        Block("heading", "II. KẾT QUẢ THỰC HIỆN"),
        Block("heading", "2. Cải cách thủ tục hành chính"),
        Block("paragraph", "Kết quả giải quyết hồ sơ TTHC năm 2023 như sau:"),
        table_block(STATISTICS),
        Block("paragraph", "Ngoài ra, Sở đã ban hành 05 văn bản."),
    )


def test_a_statistics_table_gives_a_figure_per_numeric_cell(table_doc):
    counts = extract(table_doc, ReportMeta())
    cells = [c for c in counts if c.source == "table"]
    assert len(cells) == 3 * 6
    assert [c.value for c in cells[:6]] == [1200, 800, 400, 1190, 10, 99.17]
    for c in cells:
        # The span is the cell's own text inside the table block.
        assert table_doc.text[c.char_start : c.char_end] == c.value_text
        assert (c.section_path, c.area, c.section_kind) == ("II.2", "tthc", "result")
        assert (c.period_start, c.period_end, c.period_source) == (date(2023, 1, 1), date(2023, 12, 31), "sentence")
    first = cells[0]
    assert (first.unit, first.subject) == ("hồ sơ", "Số hồ sơ nhận giải quyết Tổng số - Hộ tịch")
    assert "Hộ tịch" in first.sentence and "1.200" in first.sentence
    # Units come from the header, or the nearest header to the left.
    assert {c.unit for c in cells if not c.is_percent} == {"hồ sơ"}
    assert [c.is_percent for c in cells[:6]] == [False] * 5 + [True]
    assert [c.metric for c in cells[:6]] == [
        "dossiers_received", "dossiers_online", "dossiers_in_person", "dossiers_on_time", "dossiers_late",
        "dossiers_on_time_rate",
    ]  # fmt: skip
    (text,) = [c for c in counts if c.source == "text"]
    assert (text.value, text.unit) == (5, "văn bản")


def test_a_total_row_is_the_parent_of_the_rows_above(table_doc):
    cells = [c for c in extract(table_doc, ReportMeta()) if c.source == "table"]
    rows = [cells[0:6], cells[6:12], cells[12:18]]
    total = rows[2]
    assert [c.is_total for c in total] == [True] * 5 + [False]  # a rate is not a sum
    for column in range(5):
        assert rows[0][column].parent_idx == rows[1][column].parent_idx == total[column].idx
    assert rows[0][5].parent_idx is None and rows[1][5].parent_idx is None
    # The parts add up here; a sum check can read them from parent_idx.
    for column in range(5):
        assert sum(c.value for c in cells if c.parent_idx == total[column].idx) == total[column].value


def test_a_total_row_first_is_the_parent_of_the_rows_below():
    rows = [
        ["Nội dung", "Số văn bản"],
        ["Tổng số", "15"],
        ["Văn bản chỉ đạo, điều hành", "10"],
        ["Văn bản QPPL", "5"],
    ]
    counts = extract(document(table_block(rows)), ReportMeta())
    assert [(c.value, c.unit, c.parent_idx, c.is_total) for c in counts] == [
        (15, "văn bản", None, True),
        (10, "văn bản", 0, False),
        (5, "văn bản", 0, False),
    ]
    assert counts[1].metric == "directive_documents"


def test_table_rows_name_the_unit_and_years_are_not_counts():
    rows = [
        ["TT", "Tên văn bản", "Năm ban hành", "Số văn bản ban hành"],
        ["1", "Kế hoạch CCHC", "2022", "3"],
        ["2", "Kế hoạch tuyên truyền", "2023", "2"],
    ]
    counts = extract(document(table_block(rows)), ReportMeta())
    assert [(c.value, c.unit) for c in counts] == [(3, "văn bản"), (2, "văn bản")]
    by_year = [
        ["Chỉ tiêu", "Năm 2022", "Năm 2023"],
        ["Số TTHC được công bố", "105", "110"],
        ["Số hồ sơ tiếp nhận", "1.600", "1.625"],
    ]
    counts = extract(document(table_block(by_year)), ReportMeta())
    assert [(c.value, c.unit, c.period_start) for c in counts] == [
        (105, "TTHC", date(2022, 1, 1)),
        (110, "TTHC", date(2023, 1, 1)),
        (1600, "hồ sơ", date(2022, 1, 1)),
        (1625, "hồ sơ", date(2023, 1, 1)),
    ]


def test_a_layout_table_is_read_as_text():
    rows = [["Nơi nhận:\n- Sở Nội vụ;\n- Lưu: VT.", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"], ["Kết quả", "Đã ban hành 05 văn bản chỉ đạo."]]
    (c,) = extract(document(table_block(rows)), ReportMeta())
    assert (c.value, c.unit, c.source, c.metric) == (5, "văn bản", "table", "directive_documents")


def test_counts_come_in_report_order_with_their_index():
    counts = figures("Sở tiếp nhận 10 hồ sơ, giải quyết 9 hồ sơ và 1 hồ sơ quá hạn.")
    assert [c.idx for c in counts] == [0, 1, 2]
    assert [c.char_start for c in counts] == sorted(c.char_start for c in counts)
    assert Counter(c.metric for c in counts) == Counter(["dossiers_received", "dossiers_resolved", "dossiers_late"])


# ------------------------------------------------------- open vocabulary ---


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("Toàn huyện có 15 di tích được xếp hạng.", 15, "di tích"),
        ("Các doanh nghiệp đã thu hút 320 lao động địa phương.", 320, "lao động"),
        ("Năm 2023 đón 1.250 lượt khách du lịch.", 1250, "lượt"),
        ("Đã nâng cấp 46 km đường giao thông nông thôn.", 46, "km"),
        ("Trên địa bàn có 04 bến xe đang hoạt động.", 4, "bến xe"),
        ("Xã có 12 tổ dân phố.", 12, "tổ dân phố"),
        ("Kinh phí thực hiện là 1,2 tỷ đồng.", 1.2, "tỷ đồng"),
        ("Diện tích gieo trồng đạt 12,5 ha.", 12.5, "ha"),
        ("Tổ chức tập huấn tại 3 cấp: tỉnh, huyện, xã.", 3, "cấp"),
    ],
)
def test_a_noun_no_lexicon_names_is_still_a_figure(text, value, unit):
    found = one(figures(text), value)
    assert found.unit == unit
    if unit not in {u for e in entries("units") for u in e["forms"]}:
        assert found.metric is None


def test_parts_of_a_noun_no_lexicon_names():
    total, part = figures("Xây dựng 9 nhà văn hóa (trong đó 02 nhà văn hóa mới xây).")
    assert (total.unit, part.unit, part.parent_idx, total.is_total) == ("nhà văn hóa", "nhà văn hóa", total.idx, True)
    counts = figures("Toàn ngành có 55.180 người làm việc tại các trường, gồm 3.412 cán bộ quản lý, 48.012 giáo viên và 3.746 nhân viên.")
    assert [c.parent_idx for c in counts] == [None, 0, 0, 0]


def test_a_total_announces_the_list_lines_after_it():
    doc = document(
        Block("paragraph", "UBND xã ban hành 14 văn bản chỉ đạo (cùng kỳ năm 2023: 11 văn bản), cụ thể:"),
        Block("list_item", "- 02 Quyết định;"),
        Block("list_item", "- Kế hoạch thực hiện: 05 Kế hoạch;"),
        Block("list_item", "- 06 Công văn."),
        Block("paragraph", "Ngoài ra, đã tổ chức 03 hội nghị."),
    )
    counts = extract_facts(doc, [], ReportMeta(period_start=date(2024, 1, 1), period_end=date(2024, 6, 30))).counts
    assert [(c.value, c.parent_idx) for c in counts] == [(14, None), (11, None), (2, 0), (5, 0), (6, 0), (3, None)]
    # The comparison's period is the same half of 2023; the list is the report's.
    assert (counts[1].period_start, counts[1].period_end) == (date(2023, 1, 1), date(2023, 6, 30))
    assert counts[2].period_source == "report"


def test_periods_in_a_statistical_year():
    meta = ReportMeta(period_start=date(2022, 12, 15), period_end=date(2023, 12, 14))
    this_year, last_year = figures("Năm 2023, Sở ban hành 41 văn bản (năm 2022: 38 văn bản).", meta)
    assert (this_year.period_start, this_year.period_end) == (date(2022, 12, 15), date(2023, 12, 14))
    assert (last_year.period_start, last_year.period_end) == (date(2021, 12, 15), date(2022, 12, 14))
    (half,) = figures("6 tháng đầu năm 2023, Sở tiếp nhận 7.215 hồ sơ.", meta)
    assert (half.period_start, half.period_end) == (date(2022, 12, 15), date(2023, 6, 14))
    received, rise = figures("So với cùng kỳ năm 2022 (4.102 hồ sơ), số hồ sơ tiếp nhận tăng 724 hồ sơ.", meta)
    assert (received.period_start, received.period_end) == (date(2021, 12, 15), date(2022, 12, 14))
    assert rise.period_source == "report"


# -------------------------------------------------- tables across pages ---

HEADER = [["STT", "Lĩnh vực", "Số hồ sơ", "", ""], ["", "", "Tiếp nhận", "Đã giải quyết", "Đang giải quyết"]]


@pytest.mark.parametrize("repeated", [True, False], ids=["header repeated", "no header"])
def test_a_table_continued_on_the_next_page_is_one_table(repeated):
    first = HEADER + [["1", "Hộ tịch", "100", "90", "10"], ["2", "Đất đai", "50", "45", "5"]]
    second = (HEADER if repeated else []) + [["3", "Tư pháp", "30", "30", "0"], ["", "Tổng cộng", "180", "165", "15"]]
    doc = document(
        Block("paragraph", "Kết quả giải quyết hồ sơ như sau:", page=1),
        Block("table", "\n".join("\t".join(r) for r in first), cells=first, page=1),
        Block("page_footer", "1", page=1),
        Block("page_header", "Sở Y tế", page=2),
        Block("table", "\n".join("\t".join(r) for r in second), cells=second, page=2),
    )
    counts = extract(doc, ReportMeta())
    totals = [c for c in counts if c.is_total]
    assert [t.value for t in totals] == [180, 165, 15]
    for t in totals:
        parts = [c.value for c in counts if c.parent_idx == t.idx]
        assert len(parts) == 3 and sum(parts) == t.value
    # The group header "Số hồ sơ" gives its unit to the columns under it,
    # on either page, and a repeated header gives no figures.
    assert {c.unit for c in counts} == {"hồ sơ"} and len(counts) == 12
    assert [c.page for c in counts if c.value == 30] == [2, 2]
    assert not sum_mismatches(counts)


def test_a_new_table_with_its_own_header_is_not_a_continuation():
    one_table = [["Nội dung", "Số văn bản"], ["Kế hoạch", "4"], ["Tổng số", "4"]]
    other = [["Đơn vị", "Số cán bộ"], ["Phòng Nội vụ", "6"], ["Tổng số", "6"]]
    doc = document(table_block(one_table), table_block(other))
    counts = extract(doc, ReportMeta())
    assert [(c.value, c.unit) for c in counts] == [(4, "văn bản"), (4, "văn bản"), (6, "cán bộ"), (6, "cán bộ")]


# ------------------------------------------------- accuracy on the golds ---

from golds import match_gold as gold_match, precision_recall as gold_precision_recall, registry as gold_registry, score  # noqa: E402

GOLDS = gold_registry()


@pytest.mark.parametrize("gold", GOLDS, ids=[g.name for g in GOLDS])
def test_accuracy_on_every_gold(gold):
    s = score(gold)
    assert s.precision >= 0.98 and s.recall >= 0.98, (s.precision, s.recall)
    for right, of in (s.area_kind,):
        assert right >= 0.98 * of
    right, marked, targets = s.targets
    assert right >= 0.95 * marked and right >= 0.95 * targets, s.targets
    assert s.periods[0] >= 0.95 * s.periods[1], s.periods
    assert s.dates[0] >= 0.99 * s.dates[1], s.dates
    found, planted, extra = s.planted
    assert (found, extra) == (planted, 0), s.planted


_ABLATION = """
import json, sys
sys.path.insert(0, sys.argv[1])
from golds import read, registry, precision_recall
print(json.dumps({g.name: precision_recall(g.data["counts"], read(g.report_path).counts)[1] for g in registry()}))
"""


def test_the_lexicon_does_not_make_figures(tmp_path):
    """With units.yaml emptied of units, recall stays >= 0.95 on every gold:
    the lexicon adds kinds and metrics, not figures."""
    import os
    import shutil
    import subprocess
    import sys

    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    units = (patterns / "units.yaml").read_text(encoding="utf-8")
    head, rest = units.split("\nentries:", 1)
    rest = rest[rest.index("\n# Words that end a counted noun phrase") :]
    (patterns / "units.yaml").write_text(head + "\nentries: []\n" + rest, encoding="utf-8")
    env = {**os.environ, "CCHC_PATTERNS": str(patterns)}
    out = subprocess.run(
        [sys.executable, "-c", _ABLATION, str(ROOT / "tests")], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    recalls = json.loads(out.stdout)
    assert set(recalls) == {g.name for g in GOLDS}
    assert all(r >= 0.95 for r in recalls.values()), recalls
