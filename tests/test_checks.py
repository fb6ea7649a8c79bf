"""Auditor checks: the shared report's known defects, the planted ones of the
other samples, and each check on text written here."""

import json
from datetime import date

import pytest

from pipeline.checks import check_report
from pipeline.extract import extract
from pipeline.model import Block, Document, PartialDate, ReportMeta
from pipeline.normalize import normalize_document
from pipeline.structure import build_sections, parse_header

from conftest import ROOT, SAMPLES, SEED_DOCX, SEED_PDF, SEED_TXT, read_normalized

GOLDS = sorted((ROOT / "tests" / "fixtures").glob("*.gold.json"))


def findings_of(doc, meta=None):
    meta = meta or parse_header(doc)
    sections = build_sections(doc)
    facts = extract(doc, sections, meta)
    return check_report(doc, meta, facts.references, facts.dates, facts.counts)


@pytest.mark.parametrize("path", [SEED_TXT, SEED_DOCX, SEED_PDF], ids=["txt", "docx", "pdf"])
def test_the_shared_report_defects_are_found_and_nothing_else(path):
    found = {(f.check, f.evidence): f for f in findings_of(read_normalized(path))}
    assert set(found) == {
        ("sum_mismatch", "24 máy tính"),
        ("claimed_vs_listed", "32 văn bản"),
        ("out_of_period", "887/SNg-VPTTr"),
        ("unknown_code", "887/SNg-VPTTr"),
        ("conflicting_citation", "12-NQ/TU"),
        ("missing_year", "112/NĐ-CP"),
    }
    mismatch = found[("sum_mismatch", "24 máy tính")]
    assert (mismatch.value_stated, mismatch.value_computed, mismatch.section_path) == (24, 23, "II.6.1")
    assert "24 máy tính" in mismatch.sentence
    claim = found[("claimed_vs_listed", "32 văn bản")]
    assert (claim.value_stated, claim.value_computed, claim.section_path) == (32, 31, "I.1")
    assert "SNgV" in found[("unknown_code", "887/SNg-VPTTr")].message
    assert "2030" in found[("conflicting_citation", "12-NQ/TU")].message
    assert "112/2020/NĐ-CP" in found[("missing_year", "112/NĐ-CP")].message


@pytest.mark.parametrize("gold_path", GOLDS, ids=[g.name.split(".")[0] for g in GOLDS])
def test_every_planted_mismatch_is_found_without_false_alarms(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = read_normalized(SAMPLES / gold_path.name.replace(".gold.json", ".txt"))
    found = findings_of(doc)
    sums = [(f.value_stated, f.value_computed, f.section_path) for f in found if f.check == "sum_mismatch"]
    want = [(c["total"], sum(c["parts"]), c["section"]) for c in gold["checks"] if c["kind"] == "sum_mismatch"]
    assert sums == want
    for kind in ("out_of_period", "conflicting_citation"):
        planted = [f for f in gold["optional_findings"] if f["kind"] == kind]
        assert len([f for f in found if f.check == kind]) == len(planted), kind


def doc_of(*paragraphs: str) -> Document:
    return normalize_document(Document("x.txt", "txt", [Block("paragraph", p) for p in paragraphs]))


META = ReportMeta(
    issuer="Sở Tư pháp",
    issuer_code="STP",
    report_date=PartialDate(2023, 12, 15),
    period_start=date(2023, 1, 1),
    period_end=date(2023, 12, 31),
)


def checks_in(*paragraphs: str) -> list[tuple[str, str | None]]:
    return [(f.check, f.evidence) for f in findings_of(doc_of(*paragraphs), META)]


def test_consistent_breakdowns_and_single_subsets_are_not_mismatches():
    assert checks_in("Sở ban hành 4127 văn bản, trong đó 3920 văn bản được ban hành trên môi trường mạng và 207 văn bản mật.") == []
    assert checks_in("Xử lý kỷ luật 02 trường hợp (01 công chức, 01 viên chức).") == []
    assert checks_in("Tiếp nhận 120 hồ sơ, trong đó 80 hồ sơ trực tuyến.") == []
    assert checks_in("Tiếp nhận 120 hồ sơ, trong đó 80 hồ sơ trực tuyến, 30 hồ sơ trực tiếp.") == [("sum_mismatch", "120 hồ sơ")]


def test_a_claimed_count_against_the_documents_listed():
    listed = (
        "Sở đã tham mưu ban hành 3 văn bản QPPL, cụ thể: Quyết định số 12/2023/QĐ-UBND ngày 10/3/2023 về quy chế; "
        "Quyết định số 15/2023/QĐ-UBND ngày 12/4/2023 sửa đổi Quyết định số 10/2016/QĐ-UBND ngày 21/3/2016; "
        "Quyết định số 20/2023/QĐ-UBND ngày 02/6/2023 về phân cấp."
    )
    assert checks_in(listed) == []  # the document amended inside a summary is not a fourth
    assert checks_in(listed.replace("3 văn bản", "4 văn bản")) == [("claimed_vs_listed", "4 văn bản")]


def test_out_of_period_documents_of_the_reporting_body():
    text = (
        "Năm 2023, Sở đã ban hành 2 văn bản chỉ đạo, cụ thể như sau:",
        "- Kế hoạch số 05/KH-STP ngày 10/01/2023 về cải cách hành chính năm 2023;",
        "- Kế hoạch số 210/KH-STP ngày 28/12/2022 về kiểm soát thủ tục hành chính.",
    )
    assert checks_in(*text) == [("out_of_period", "210/KH-STP")]
    # Another body's document of an earlier year is context, not output.
    assert checks_in("Thực hiện Kế hoạch số 150/KH-UBND ngày 20/12/2022 của UBND tỉnh, Sở đã triển khai.") == []


def test_citations_that_contradict_each_other():
    found = checks_in(
        "Thực hiện Kế hoạch số 05/KH-STP ngày 10/01/2023 về cải cách hành chính.",
        "Theo Kế hoạch số 05/KH-STP ngày 12/01/2023, Sở đã kiểm tra.",
    )
    assert found == [("conflicting_citation", "05/KH-STP")]


def test_codes_years_and_type_words():
    assert checks_in("Thực hiện Nghị định số 30/NĐ-CP ngày 05/3/2020 của Chính phủ.") == [("missing_year", "30/NĐ-CP")]
    assert checks_in("Thực hiện Quyết định số 12/KH-STP ngày 10/02/2023 của Sở.") == [("type_code_mismatch", "12/KH-STP")]
    unknown = findings_of(doc_of("Thực hiện Kế hoạch số 08/KH-STPP ngày 10/02/2023."), META)
    assert [(f.check, f.severity) for f in unknown] == [("unknown_code", "warning")]
    assert "'STP'" in unknown[0].message


def test_percentages_dates_and_periods_beyond_the_report():
    assert checks_in("Tỷ lệ hồ sơ đúng hạn đạt 104,5%.") == [("percent_over_100", "104,5%")]
    assert checks_in("Thực hiện Kế hoạch số 05/KH-STP ngày 20/12/2023 về cải cách hành chính.") == [
        ("date_after_report", "20/12/2023")
    ]
    assert [f for f, _ in checks_in("Từ 01/01/2022 đến 31/12/2022 có 246 hồ sơ được tiếp nhận.")] == ["period_outside_report"]
