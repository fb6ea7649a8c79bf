"""Dates and periods: the `dates` table of the shared sample and of synthetic
report text written here; the date grammar's promises (precision as written,
impossible dates flagged, nothing filled from today); and the fast scanning,
which must find exactly what the patterns find."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from cchc.pipeline.extract.dates import ROLES, DateRow, date_rows

from cchc.pipeline.text.dates import _rules, date_at, find_dates, find_periods
from cchc.pipeline.extract.references import find_references
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.read import read_document
from cchc.pipeline.outline.structure import build_sections, parse_header

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"

DATE_COLUMNS = [
    "date", "precision", "role", "text", "is_valid", "period_start", "period_end",
    "section_path", "page", "char_start", "char_end", "sentence",
]  # fmt: skip


def _rows(path: Path):
    doc = normalize_document(read_document(path))
    meta = parse_header(doc)
    sections = build_sections(doc)
    refs = find_references(doc, sections, meta)
    return doc, meta, refs, date_rows(doc, sections, meta, refs)


def _rows_of_text(tmp_path: Path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return _rows(path)


@pytest.fixture(scope="module")
def sample():
    return _rows(SAMPLE)


def test_date_columns_are_the_schema():
    assert [f.name for f in dataclasses.fields(DateRow)] == DATE_COLUMNS


# ---------------------------------------------------------------- sample ---


def test_sample_issued_dates_match_the_references(sample):
    doc, _, refs, rows = sample
    issued = [r for r in rows if r.role == "issued"]
    dated = [r for r in refs if r.issued_date_text]
    assert len(issued) == len(dated) == 102
    assert [r.date for r in issued] == [r.issued_date for r in dated]
    for row, ref in zip(issued, dated):
        assert row.char_end == ref.char_end
        assert doc.text[row.char_start : row.char_end] == row.text


def test_sample_report_date_and_period(sample):
    _, meta, _, rows = sample
    (report_date,) = [r for r in rows if r.role == "report_date"]
    # "Hà Tĩnh, ngày    tháng 9 năm 2023": a month, not a day made up.
    assert (report_date.date, report_date.precision) == (date(2023, 9, 1), "month")
    title_start, title_end = [r for r in rows if r.section_path is None and r.role in ("period_start", "period_end")][:2]
    assert (title_start.role, title_start.date) == ("period_start", date(2021, 1, 1))
    assert (title_end.role, title_end.date) == ("period_end", date(2023, 8, 31))
    assert (title_start.period_start, title_start.period_end) == (meta.period_start, meta.period_end)


def test_sample_rows_are_well_formed(sample):
    doc, _, _, rows = sample
    assert [r.char_start for r in rows] == sorted(r.char_start for r in rows)
    for r in rows:
        assert r.role in ROLES
        assert doc.text[r.char_start : r.char_end] == r.text
        assert r.text in r.sentence or r.sentence in r.text
        assert r.is_valid == (r.date is not None)
        assert r.precision in ("day", "month", "year")


def test_sample_sentence_level_periods(sample):
    _, _, _, rows = sample
    periods = [(r.text, r.period_start, r.period_end) for r in rows if r.role in ("period_start", "period_end")]
    assert ("01/01/2023", date(2023, 1, 1), date(2023, 8, 31)) in periods  # "từ 01/01/2023 đến 31/8/2023 có 246 hồ sơ"
    assert ("01/01/2021", date(2021, 1, 1), None) in periods  # "Từ 01/01/2021 đến nay"
    assert ("Năm 2021", date(2021, 1, 1), date(2021, 12, 31)) in periods  # scopes "02 công chức"
    # "năm 2021" naming a plan ("Kế hoạch … năm 2021") is not a period of the report.
    years = [r for r in rows if r.precision == "year" and r.text.lower().startswith("năm")]
    assert [r.text for r in years] == ["Năm 2021", "năm 2022"]


# ------------------------------------------------------------- synthetic ---

SYNTHETIC = """UBND HUYỆN CẨM XUYÊN
PHÒNG NỘI VỤ

Số: 45/BC-PNV

Cẩm Xuyên, ngày    tháng 7 năm 2023

BÁO CÁO
Kết quả cải cách hành chính 6 tháng đầu năm 2023

I. KẾT QUẢ THỰC HIỆN

1. Thủ tục hành chính
Từ 01/01/2023 đến 30/6/2023 có 318 hồ sơ được tiếp nhận. Trong quý II/2023 tiếp nhận 120 hồ sơ; tháng 6/2023 tiếp nhận 45 hồ sơ. Năm 2022, Phòng giải quyết 512 hồ sơ.
Phòng ban hành Kế hoạch số 05/KH-PNV ngày 16/01/2023 về cải cách hành chính năm 2023 và Quyết định số 09/QĐ-PNV ngày 31/02/2023 về kiện toàn tổ công tác.
Ngày 15/3/2023, Phòng tổ chức hội nghị triển khai; ngày 2.1.2023 và ngày 01-10-2022 Phòng kiểm tra 03 xã; cán bộ được cử đi học ngày 09 tháng 10 năm 2022.
Thực hiện kế hoạch giai đoạn 2021-2025 và 9 tháng năm 2022.
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return _rows_of_text(tmp_path_factory.mktemp("dates"), SYNTHETIC)


def _row(rows, text):
    found = [r for r in rows if r.text == text]
    assert len(found) == 1, f"{text!r}: {found}"
    return found[0]


def test_synthetic_roles(synthetic):
    _, meta, _, rows = synthetic
    report = _row(rows, "ngày    tháng 7 năm 2023")
    assert (report.role, report.date, report.precision) == ("report_date", date(2023, 7, 1), "month")
    assert meta.period_start == date(2023, 1, 1) and meta.period_end == date(2023, 6, 30)
    title = _row(rows, "6 tháng đầu năm 2023")
    assert (title.role, title.precision, title.period_start, title.period_end) == (
        "period_start", "month", date(2023, 1, 1), date(2023, 6, 30),
    )  # fmt: skip
    start, end = _row(rows, "01/01/2023"), _row(rows, "30/6/2023")
    assert (start.role, end.role) == ("period_start", "period_end")
    assert start.period_start == end.period_start == date(2023, 1, 1)
    assert start.period_end == end.period_end == date(2023, 6, 30)
    assert _row(rows, "16/01/2023").role == "issued"
    assert _row(rows, "15/3/2023").role == "other"
    assert start.section_path == "I.1"


def test_synthetic_date_forms(synthetic):
    _, _, _, rows = synthetic
    assert _row(rows, "2.1.2023").date == date(2023, 1, 2)
    assert _row(rows, "01-10-2022").date == date(2022, 10, 1)
    assert _row(rows, "ngày 09 tháng 10 năm 2022").date == date(2022, 10, 9)


def test_impossible_date_is_flagged_not_shifted(synthetic):
    _, _, refs, rows = synthetic
    row = _row(rows, "31/02/2023")
    assert (row.is_valid, row.date, row.role, row.precision) == (False, None, "issued", "day")
    (ref,) = [r for r in refs if r.number == "09/QĐ-PNV"]
    assert ref.issued_date is None and ref.issued_date_text == "ngày 31/02/2023"


def test_period_mentions(synthetic):
    _, _, _, rows = synthetic
    quarter = _row(rows, "quý II/2023")
    assert (quarter.role, quarter.date, quarter.precision) == ("period_start", date(2023, 4, 1), "month")
    assert (quarter.period_start, quarter.period_end) == (date(2023, 4, 1), date(2023, 6, 30))
    month = _row(rows, "tháng 6/2023")
    assert (month.role, month.precision, month.period_end) == ("period_start", "month", date(2023, 6, 30))
    year = _row(rows, "Năm 2022")
    assert (year.precision, year.period_start, year.period_end) == ("year", date(2022, 1, 1), date(2022, 12, 31))
    stage = _row(rows, "giai đoạn 2021-2025")
    assert (stage.precision, stage.period_end) == ("year", date(2025, 12, 31))
    nine = _row(rows, "9 tháng năm 2022")
    assert (nine.period_start, nine.period_end) == (date(2022, 1, 1), date(2022, 9, 30))
    # "năm 2023" in the plan's summary scopes no figure.
    assert not [r for r in rows if r.text == "năm 2023"]


@pytest.mark.parametrize(
    "sentence, scopes",
    [
        ("Năm 2022, Sở tiếp nhận 12 hồ sơ.", True),
        # The numbers of these clauses are labels to the figures grammar too.
        ("Hội nghị năm 2022 được tổ chức lúc 14 giờ tại hội trường.", False),
        ("Tuyên truyền Luật Đất đai năm 2022, Nghị quyết Hội nghị Trung ương 5 khóa XIII.", False),
        ("Năm 2022 cung cấp dịch vụ công mức độ 4 trên cổng.", False),
    ],
)
def test_a_year_is_a_period_where_its_clause_holds_a_figure(tmp_path, sentence, scopes):
    head = SYNTHETIC[: SYNTHETIC.index("1. Thủ tục hành chính")]
    _, _, _, rows = _rows_of_text(tmp_path, f"{head}1. Kết quả\n{sentence}\n")
    assert bool([r for r in rows if r.text.lower() == "năm 2022" and r.role == "period_start"]) is scopes


def test_partial_dates_are_never_filled_from_today():
    for text, iso, precision in [
        ("Hà Tĩnh, ngày tháng 9 năm 2023", "2023-09", "month"),
        ("ngày ... tháng 12 năm 2022", "2022-12", "month"),
        ("trong tháng 12/2022", "2022-12", "month"),
    ]:
        (d,) = find_dates(text)
        assert (d.value.iso(), d.precision, d.value.day) == (iso, precision, None)


def test_impossible_date_in_grammar():
    (d,) = find_dates("ngày 31/02/2023")
    assert d.value is None and not d.valid and d.text == "31/02/2023" and d.precision == "day"
    (d,) = find_dates("ngày 29/02/2023")
    assert d.value is None
    (d,) = find_dates("ngày 29/02/2024")
    assert d.value.iso() == "2024-02-29"


def test_date_at_reads_only_at_its_position():
    text = "ngày 16/11/2021 và ngày 09 tháng 10 năm 2018"
    assert date_at(text, 5).value.iso() == "2021-11-16"
    assert date_at(text, 19).value.iso() == "2018-10-09"
    assert date_at(text, 0) is None


def test_find_periods_accepts_its_dates():
    text = "từ 01/01/2023 đến 31/8/2023 có 246 hồ sơ; 6 tháng đầu năm 2023; quý II/2022"
    assert find_periods(text) == find_periods(text, find_dates(text))
    assert [p.kind for p in find_periods(text)] == ["range", "months", "quarter"]


@pytest.mark.parametrize(
    "text, meta, want",
    [
        # A report on the statistical calendar: years, halves and quarters run 15th to 14th.
        ("năm 2023", (date(2022, 12, 15), date(2023, 12, 14)), (date(2022, 12, 15), date(2023, 12, 14))),
        ("năm 2022", (date(2022, 12, 15), date(2023, 12, 14)), (date(2021, 12, 15), date(2022, 12, 14))),
        ("6 tháng đầu năm 2024", (date(2023, 12, 15), date(2024, 6, 14)), (date(2023, 12, 15), date(2024, 6, 14))),
        ("quý I năm 2024", (date(2023, 12, 15), date(2024, 6, 14)), (date(2023, 12, 15), date(2024, 3, 14))),
        # "cùng kỳ năm X": the report's own months, in year X.
        ("so với cùng kỳ năm 2023", (date(2024, 1, 1), date(2024, 6, 30)), (date(2023, 1, 1), date(2023, 6, 30))),
        # A calendar report reads the calendar as written.
        ("năm 2022", (date(2023, 1, 1), date(2023, 12, 31)), (date(2022, 1, 1), date(2022, 12, 31))),
        ("từ 01/01/2021 đến 31/8/2023", (date(2022, 12, 15), date(2023, 12, 14)), (date(2021, 1, 1), date(2023, 8, 31))),
    ],
)
def test_a_period_in_the_reports_terms(text, meta, want):
    from cchc.pipeline.text.dates import period_in_report_terms

    (period,) = find_periods(text)
    assert period_in_report_terms(period, text, *meta) == want
