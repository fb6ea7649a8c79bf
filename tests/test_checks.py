"""Auditor checks: the shared report's known defects, the planted ones of the
other samples, and each check on text written here."""

import json
from datetime import date
from pathlib import Path

import pytest

from cchc.pipeline.checks import check_report
from cchc.pipeline.extract import extract
from cchc.pipeline.model import Block, Document, PartialDate, ReportMeta
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.outline.structure import build_sections, parse_header

import golds
from conftest import ROOT, SAMPLES, SEED_DOCX, SEED_PDF, SEED_TXT, read_normalized

GOLDS = sorted((ROOT / "tests" / "fixtures").glob("*.gold.json"))


def findings_of(doc, meta=None):
    meta = meta or parse_header(doc)
    sections = build_sections(doc)
    facts = extract(doc, sections, meta)
    return check_report(doc, meta, facts.references, facts.dates, facts.counts)


# Where the reading of figures and sections falls short of a gold, so that a
# finding the checks would raise cannot be: (check, section) missing and
# (check, section) extra at warning or error.  Nothing else may be missing or
# extra; when the reading is mended the test fails until the entry goes.
READING_GAPS: dict[str, dict[str, set[tuple[str, str]]]] = {}


def compare_with_gold(gold: dict, findings: list) -> tuple[list, list[dict]]:
    """(findings at warning or error that match none of the gold's, gold
    findings at warning or error that none matches), matched one to one by
    the registry's rule and the same severity."""
    wanted = [w for w in gold["findings"] if w["severity"] in golds.SERIOUS]
    extra = []
    for f in (f for f in findings if f.severity in golds.SERIOUS):
        hit = next((w for w in wanted if golds.finding_matches(w, f) and f.severity == w["severity"]), None)
        if hit is None:
            extra.append(f)
        else:
            wanted.remove(hit)
    return extra, wanted


REGISTRY = golds.registry()


@pytest.mark.parametrize("gold", REGISTRY, ids=[g.name for g in REGISTRY])
def test_the_findings_are_exactly_the_golds(gold):
    """Every gold in the repository: no finding at warning or error missing,
    none extra (but for the known gaps of the figure reading)."""
    assert "findings" in gold.data, f"{gold.gold_path.name} lists no findings"
    extra, missing = compare_with_gold(gold.data, golds.read(gold.report_path).findings)
    gaps = READING_GAPS.get(gold.name, {"missing": set(), "extra": set()})
    assert {(f.check, f.section_path) for f in extra} == gaps["extra"], [(f.check, f.section_path, f.evidence) for f in extra]
    assert len(extra) == len(gaps["extra"])
    assert {(w["check"], w["section"]) for w in missing} == gaps["missing"], missing
    assert len(missing) == len(gaps["missing"])


@pytest.mark.parametrize("path", [SEED_TXT, SEED_DOCX, SEED_PDF], ids=["txt", "docx", "pdf"])
def test_the_shared_report_defects_are_found_and_nothing_else(path):
    found = {(f.check, f.evidence): f for f in findings_of(read_normalized(path)) if f.severity != "info"}
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
    # Another body's real code one letter from the body's own is not its slip.
    assert checks_in(text[0], "- Kế hoạch số 05/KH-STP ngày 10/01/2023 về cải cách hành chính năm 2023;",
                     "- Kế hoạch số 210/KH-STC ngày 28/11/2022 về kiểm soát thủ tục hành chính.") == []
    # The year's plan, issued in the last weeks before the year, is the year's.
    assert checks_in(text[0], text[1], "- Kế hoạch số 210/KH-STP ngày 28/12/2022 về cải cách hành chính năm 2023.") == []
    # The province's UBND in a district's report is another body.
    district = ReportMeta(issuer="UBND huyện Can Lộc", issuer_code="UBND", report_date=PartialDate(2023, 12, 15),
                          period_start=date(2023, 1, 1), period_end=date(2023, 12, 31))
    assert [f.check for f in findings_of(doc_of(
        "UBND huyện đã ban hành 2 văn bản, cụ thể như sau:",
        "- Kế hoạch số 05/KH-UBND ngày 10/01/2023 của UBND huyện về cải cách hành chính;",
        "- Kế hoạch số 210/KH-UBND ngày 28/11/2022 của UBND tỉnh về kiểm soát thủ tục hành chính."), district)] == []


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
    assert [(f.check, f.severity) for f in unknown] == [("unknown_code", "warning")]  # one letter from STP
    assert "'STP'" in unknown[0].message


def test_percentages_and_dates_beyond_the_report():
    assert checks_in("Tỷ lệ hồ sơ đúng hạn đạt 104,5%.") == [("percent_over_100", "104,5%")]
    # A rate of a plan, or a growth rate, may pass 100%.
    assert checks_in("Tỷ lệ giải ngân đạt 104,5% kế hoạch vốn được giao.") == []
    assert checks_in("Số hồ sơ trực tuyến tăng 120% so với năm 2022.") == []
    assert checks_in("Thực hiện Kế hoạch số 05/KH-STP ngày 20/12/2023 về cải cách hành chính.") == [
        ("date_after_report", "20/12/2023")
    ]


def severities_in(*paragraphs: str, meta: ReportMeta = META) -> list[tuple[str, str]]:
    return [(f.check, f.severity) for f in findings_of(doc_of(*paragraphs), meta)]


def test_severity_says_whether_the_report_contradicts_itself():
    listed = ("Sở đã ban hành 2 văn bản, cụ thể: Quyết định số 12/QĐ-STP ngày 10/3/2023 về quy chế; "
              "Quyết định số 15/QĐ-STP ngày 12/4/2023 về kiểm tra; Quyết định số 20/QĐ-STP ngày 02/6/2023 về phân cấp.")
    assert severities_in(listed) == [("claimed_vs_listed", "error")]
    assert severities_in("Tiếp nhận 120 hồ sơ, trong đó 80 hồ sơ trực tuyến, 30 hồ sơ trực tiếp.") == [
        ("sum_mismatch", "error")]
    # Two dates for one number is a slip to judge, not arithmetic.
    assert severities_in("Thực hiện Kế hoạch số 05/KH-STP ngày 10/01/2023 về cải cách hành chính.",
                         "Theo Kế hoạch số 05/KH-STP ngày 12/01/2023, Sở đã kiểm tra.") == [
        ("conflicting_citation", "warning")]
    # A code the catalogue lacks, far from any known one, is context.
    assert severities_in("Thực hiện Kế hoạch số 08/KH-XYZW ngày 10/02/2023.") == [("unknown_code", "info")]


def test_a_list_announced_as_a_selection_is_not_a_claimed_count():
    selection = ("Trong năm, Sở đã ban hành 45 văn bản chỉ đạo, điều hành, trong đó có các văn bản chủ yếu sau: "
                 "Quyết định số 12/QĐ-STP ngày 10/3/2023 về quy chế; Kế hoạch số 15/KH-STP ngày 12/4/2023 về kiểm tra.")
    assert checks_in(selection) == []
    assert checks_in(selection.replace("trong đó có các văn bản chủ yếu sau", "cụ thể như sau")) == [
        ("claimed_vs_listed", "45 văn bản")]


def test_one_number_in_two_years_is_two_documents():
    # Serials start again each year: 15/KH-STP of 2022 and of 2023 are two plans.
    assert checks_in("Thực hiện Kế hoạch số 15/KH-STP ngày 20/01/2022 về cải cách hành chính năm 2022.",
                     "Sở đã ban hành Kế hoạch số 15/KH-STP ngày 10/02/2023 về kiểm tra.") == []


def test_one_finding_per_fault_with_every_span_as_evidence():
    [finding] = findings_of(doc_of(
        "Thực hiện Nghị định số 30/NĐ-CP ngày 05/3/2020 và Nghị định số 30/NĐ-CP ngày 05/3/2020 của Chính phủ."), META)
    assert finding.check == "missing_year"
    assert [s["text"] for s in finding.evidence_spans] == ["30/NĐ-CP", "30/NĐ-CP"]
    [total] = findings_of(doc_of("Tiếp nhận 120 hồ sơ, trong đó 80 hồ sơ trực tuyến, 30 hồ sơ trực tiếp."), META)
    text = doc_of("Tiếp nhận 120 hồ sơ, trong đó 80 hồ sơ trực tuyến, 30 hồ sơ trực tiếp.").text
    assert [text[s["char_start"]:s["char_end"]] for s in total.evidence_spans] == ["120 hồ sơ", "80 hồ sơ", "30 hồ sơ"]


STATISTICAL_2019 = ReportMeta(issuer="Sở Tư pháp", issuer_code="STP", report_date=PartialDate(2019, 12, 16),
                              period_start=date(2018, 12, 15), period_end=date(2019, 12, 14))
HALF_YEAR = ReportMeta(issuer="UBND huyện", issuer_code="UBND", report_date=PartialDate(2023, 6, 20),
                       period_start=date(2022, 12, 15), period_end=date(2023, 6, 14))


def test_figures_of_other_periods_are_context_and_silent_when_explained():
    def outside(text: str, meta: ReportMeta = META):
        return [(f.check, f.severity) for f in findings_of(doc_of(text), meta) if f.check == "period_outside_report"]

    # The report's statistical year: 15/12/2018–14/12/2019 is năm 2019.
    assert outside("Năm 2019, Sở đã tiếp nhận 1.234 hồ sơ và giải quyết 1.230 hồ sơ.", STATISTICAL_2019) == []
    assert outside("6 tháng đầu năm 2023, UBND huyện tiếp nhận 1.625 hồ sơ.", HALF_YEAR) == []
    # A comparison, a baseline, a target, a plan for next year, an earlier index.
    assert outside("Tiếp nhận 1.456 hồ sơ, tăng 222 hồ sơ so với cùng kỳ năm 2022 (năm 2022: 1.234 hồ sơ).") == []
    assert outside("Năm 2024 phấn đấu hoàn thành 25 nhiệm vụ cải cách hành chính.") == []
    assert outside("Năm 2023, UBND huyện đề ra 40 nhiệm vụ cải cách hành chính.", HALF_YEAR) == []
    assert outside("Chỉ số cải cách hành chính năm 2022 của Sở đạt 86,5 điểm.") == []
    # No reason given: context, one finding for the sentence, every figure as evidence.
    [finding] = findings_of(doc_of("Năm 2021, Sở tiếp nhận 246 hồ sơ, giải quyết 240 hồ sơ và trả 6 hồ sơ."), META)
    assert (finding.check, finding.severity) == ("period_outside_report", "info")
    assert [s["text"] for s in finding.evidence_spans] == ["246 hồ sơ", "240 hồ sơ", "6 hồ sơ"]


def test_a_period_cannot_have_less_than_its_parts():
    parts = ("Năm 2021, Sở đã ban hành 45 văn bản chỉ đạo, điều hành về công tác CCHC.",
             "Năm 2022, Sở đã ban hành 38 văn bản chỉ đạo, điều hành về công tác CCHC.")
    whole = "Từ 01/01/2021 đến 31/8/2023, Sở đã ban hành {} văn bản chỉ đạo, điều hành về công tác CCHC."
    review = ReportMeta(issuer="Sở Tư pháp", issuer_code="STP", report_date=PartialDate(2023, 9, 15),
                        period_start=date(2021, 1, 1), period_end=date(2023, 8, 31))
    [finding] = [f for f in findings_of(doc_of(*parts, whole.format(32)), review) if f.severity != "info"]
    assert (finding.check, finding.severity, finding.value_stated, finding.value_computed) == (
        "subperiod_mismatch", "error", 32, 83)
    assert [s["text"] for s in finding.evidence_spans] == ["32 văn bản", "45 văn bản", "38 văn bản"]
    assert [f for f in findings_of(doc_of(*parts, whole.format(95)), review) if f.severity != "info"] == []
    # Items of one enumeration are summed before they are compared.
    items = ("Từ 01/01/2021 đến nay, Sở tiếp nhận 01 công chức từ Ban Tuyên giáo; tuyển dụng 03 viên chức; "
             "tiếp nhận 03 công chức theo kỳ thi tuyển.")
    assert [f.check for f in findings_of(doc_of("Năm 2022, Sở tuyển dụng 02 công chức.", items), review)
            if f.severity != "info"] == []


def test_a_table_total_is_not_judged_on_one_page_of_a_table_that_goes_on():
    head = ["Đơn vị", "Số hồ sơ"]

    def table(page: int, rows: list[list[str]]) -> Block:
        cells = [head, *rows]
        return Block("table", "\n".join("\t".join(r) for r in cells), page=page, cells=cells)

    def found(*blocks: Block) -> list[str]:
        doc = normalize_document(Document("x.txt", "txt", [Block("paragraph", "Kết quả giải quyết hồ sơ:"), *blocks]))
        return [f.check for f in findings_of(doc, META)]

    second_page = table(2, [["Cấp tỉnh", "50"], ["Cấp xã", "10"], ["Tổng cộng", "210"]])
    assert found(second_page) == ["table_total"]
    assert found(table(1, [["Cấp huyện", "120"], ["Cấp thôn", "30"]]), second_page) == []


def test_an_unknown_code_is_a_slip_only_when_the_report_shows_the_right_one():
    # "BCĐ" (a steering committee) is one letter from "BCA", which the report
    # cites, but nothing says it is a slip: a code the catalogue lacks.
    assert severities_in(
        "Thực hiện Thông tư số 12/2023/TT-BCA ngày 10/02/2023 và Thông tư số 15/2023/TT-BCA ngày 12/3/2023.",
        "Ban Chỉ đạo đã ban hành Kế hoạch số 01/KH-BCĐ ngày 15/02/2023.") == [("unknown_code", "info")]
    assert severities_in("Thực hiện Kế hoạch số 05/KH-VP ngày 15/02/2023.") == [("unknown_code", "info")]
    # A letter dropped from a code the report writes elsewhere is a slip.
    assert severities_in(
        "Sở đã ban hành Kế hoạch số 05/KH-SNgV ngày 10/01/2023 và Công văn số 887/SNg-VPTTr ngày 12/01/2023.") == [
        ("unknown_code", "warning")]


def test_each_years_plan_number_one_is_its_own_document():
    assert checks_in("Thực hiện Kế hoạch số 01/KH-STP về cải cách hành chính năm 2022.",
                     "Sở ban hành Kế hoạch số 01/KH-STP về cải cách hành chính năm 2023.") == []


def test_documents_listed_side_by_side_are_each_counted():
    listed = ("Sở đã ban hành {} văn bản, cụ thể: Quyết định số 12/QĐ-STP và số 13/QĐ-STP cùng ngày 22/01/2023 "
              "về kiện toàn Ban Chỉ đạo; các Kế hoạch số 09/KH-STP, số 10/KH-STP ngày 29/01/2023 về cải cách "
              "hành chính; Quyết định số 15/QĐ-STP ngày 12/4/2023 sửa đổi Quyết định số 10/QĐ-STP ngày 21/3/2023.")
    assert checks_in(listed.format(5)) == []
    assert checks_in(listed.format(6)) == [("claimed_vs_listed", "6 văn bản")]


def test_a_whole_period_less_than_other_reports_parts_of_it(tmp_path):
    from cchc.pipeline.output.query import connect
    from test_compare import ANNUAL, ingest_without_prefect

    ingest_without_prefect([SAMPLES / name for name in ANNUAL], tmp_path)
    con = connect(tmp_path)
    rows = con.execute(
        "SELECT r.source_path, f.severity, f.value_stated, f.value_computed, f.evidence, f.related_report_id "
        "FROM findings f JOIN reports r USING (report_id) WHERE f.\"check\" = 'cross_report_mismatch'").fetchall()
    # 45 (2021) + 38 (2022) documents against 32 for 2021 – 08/2023.
    assert [(Path(r[0]).name, r[1], r[2], r[3], r[4]) for r in rows] == [
        ("so-ngoai-vu-ha-tinh-2021-2023.txt", "warning", 32, 83, "32 văn bản")]
    other = con.execute("SELECT source_path FROM reports WHERE report_id = ?", [rows[0][5]]).fetchone()[0]
    assert Path(other).name in ("so-ngoai-vu-ha-tinh-2021.txt", "so-ngoai-vu-ha-tinh-2022.txt")


def test_a_sum_is_not_judged_when_a_part_was_left_out_of_the_reading():
    from cchc.pipeline.checks.figures import sum_mismatches
    from cchc.pipeline.extract.counts import Count

    def judged(sentence: str) -> list[tuple[float, float]]:
        doc = doc_of(sentence)

        def figure(idx: int, text: str, parent: int | None) -> Count:
            at = doc.text.index(text)
            value = float(text.split()[0].replace(".", ""))
            return Count(idx=idx, value=value, value_text=text.split()[0], unit="ha", subject=None, metric=None,
                         is_percent=False, area=None, section_path=None, section_kind=None, period_start=None,
                         period_end=None, period_source="report", source="text", parent_idx=parent,
                         is_total=parent is None, page=1, char_start=at, char_end=at + len(text), sentence=doc.text)

        # The parts as read: the total and two of its three parts.
        counts = [figure(0, "158.420 ha", None), figure(1, "115.630 ha", 0), figure(2, "16.850 ha", 0)]
        return [(f.value_stated, f.value_computed) for f in sum_mismatches(counts, doc)]

    whole = "Vụ Đông Xuân, toàn tỉnh gieo trồng được 158.420 ha, trong đó: lúa 115.630 ha, ngô 16.850 ha, rau màu {}."
    assert judged(whole.format("25.940 ha")) == []  # the third part is the difference: the reading is short
    assert judged(whole.format("25.000 ha")) == [(158420, 132480)]


def test_more_slips_a_person_must_judge():
    # A decree's number without its year, even with no date to tell it.
    assert checks_in("Thực hiện Nghị định số 61/NĐ-CP của Chính phủ về một cửa.") == [("missing_year", "61/NĐ-CP")]
    # Two letters swapped in a code the report writes right elsewhere.
    assert severities_in("UBND huyện ban hành Kế hoạch số 05/KH-UBND ngày 10/01/2023 và Công văn số 12/UBDN-VP "
                         "ngày 12/01/2023.") == [("unknown_code", "warning")]
    # A share above 100%, with a growth rate after it in the sentence.
    assert checks_in("Tỷ lệ hồ sơ đúng hạn đạt 100,5%, tăng 2% so với năm trước.") == [("percent_over_100", "100,5%")]
    # Summaries that differ only in a year, for a number that carries none:
    # each year's plan, unless one date ties the two mentions together.
    assert checks_in("Theo Nghị quyết số 12-NQ/TU ngày 26/5/2022 về cải cách hành chính đến năm 2025.",
                     "Nghị quyết số 12-NQ/TU ngày 26/5/2022 về cải cách hành chính đến năm 2030.") == [
        ("conflicting_citation", "12-NQ/TU")]


def test_two_reports_disagree_only_when_neither_states_the_others_value(tmp_path):
    from cchc.pipeline.output.query import connect
    from test_compare import ingest_without_prefect

    template = (
        "SỞ TƯ PHÁP\n\nSố: {n}/BC-STP\n\nNinh Bình, ngày {d} tháng 12 năm 2022\n\nBÁO CÁO\n\n"
        "Kết quả cải cách hành chính năm 2022\n\nI. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\n\n1. Văn bản chỉ đạo\n\n{body}\n\n"
        "GIÁM ĐỐC\n\nNguyễn Văn An\n"
    )
    item_then_total = ("Sở đã ban hành 05 văn bản chỉ đạo, điều hành về chuyển đổi số. "
                       "Tổng cộng, Sở đã ban hành 38 văn bản chỉ đạo, điều hành về công tác CCHC.")

    def across(total: int) -> list[str]:
        out = tmp_path / str(total)
        first, second = out / "a.txt", out / "b.txt"
        out.mkdir()
        first.write_text(template.format(n=10, d=15, body=item_then_total), encoding="utf-8")
        second.write_text(template.format(n=11, d=20, body=f"Sở đã ban hành {total} văn bản chỉ đạo, điều hành "
                                                            "về công tác CCHC."), encoding="utf-8")
        ingest_without_prefect([first, second], out / "out")
        rows = connect(out / "out").execute(
            "SELECT \"check\" FROM findings WHERE related_report_id IS NOT NULL").fetchall()
        return [r[0] for r in rows]

    assert across(38) == []  # the first report's 05 is an item; its total agrees
    assert across(40) == ["cross_report_mismatch"]


def test_a_slip_of_the_year_in_a_date_is_one_document_with_two_dates():
    assert checks_in("Thực hiện Kế hoạch số 15/KH-STP ngày 15/3/2023 về kiểm tra cải cách hành chính.",
                     "Theo Kế hoạch số 15/KH-STP ngày 15/3/2022, Sở đã kiểm tra 05 đơn vị.") == [
        ("conflicting_citation", "15/KH-STP")]
    assert checks_in("Thực hiện Kế hoạch số 15/KH-STP ngày 20/01/2022 về kiểm tra cải cách hành chính.",
                     "Sở ban hành Kế hoạch số 15/KH-STP ngày 10/02/2023 về kiểm tra cải cách hành chính.") == [
        ("conflicting_citation", "15/KH-STP")]  # the same summary: one document


def test_a_long_code_one_letter_from_a_known_one_is_a_slip():
    assert severities_in("Thực hiện Thông tư số 01/2023/TT-BNVV ngày 10/02/2023 của Bộ Nội vụ.") == [
        ("unknown_code", "warning")]
    # A changed letter may be another body's real code: Ban Nội chính, not Ban Tổ chức.
    assert severities_in("Thực hiện Hướng dẫn số 05-HD/BNCTU ngày 10/02/2023.") == [("unknown_code", "info")]


def test_a_whole_and_its_parts_speak_of_the_same_scope():
    review = ReportMeta(issuer="Sở Tư pháp", issuer_code="STP", report_date=PartialDate(2023, 12, 15),
                        period_start=date(2023, 1, 1), period_end=date(2023, 12, 31))
    text = ("Từ 01/01/2023 đến 30/11/2023, Sở tiếp nhận 1.200 hồ sơ.",
            "Quý III năm 2023, {} tiếp nhận 2.500 hồ sơ.")

    def serious(scope: str) -> list[str]:
        return [f.check for f in findings_of(doc_of(text[0], text[1].format(scope)), review) if f.severity != "info"]

    assert serious("toàn tỉnh") == []  # the province's quarter is no part of the department's year
    assert serious("Sở") == ["subperiod_mismatch"]


def test_a_whole_that_runs_past_the_report_is_a_plan():
    review = ReportMeta(issuer="Sở Tư pháp", issuer_code="STP", report_date=PartialDate(2023, 12, 15),
                        period_start=date(2023, 1, 1), period_end=date(2023, 12, 31))
    text = ("Giai đoạn 2021 - 2025, Sở tuyển dụng 10 công chức.", "Năm 2023, Sở đã tuyển dụng 12 công chức.")
    assert [f.check for f in findings_of(doc_of(*text), review) if f.severity != "info"] == []


def test_a_list_of_bulleted_paragraphs():
    text = ("Năm 2023, Sở đã ban hành 3 văn bản chỉ đạo, cụ thể như sau:",
            "• Kế hoạch số 05/KH-STP ngày 10/01/2023 về cải cách hành chính năm 2023;",
            "• Kế hoạch số 06/KH-STP ngày 12/01/2023 về kiểm tra cải cách hành chính.")
    assert checks_in(*text) == [("claimed_vs_listed", "3 văn bản")]


def test_two_versions_of_one_report_are_not_set_against_each_other(tmp_path):
    from cchc.pipeline.output.compare import compare_reports
    from cchc.pipeline.output.duplicates import mark_duplicates
    from cchc.pipeline.run.process import process_file
    from cchc.pipeline.output.query import connect
    from cchc.pipeline.output.store import OutputStore

    header = ("SỞ TƯ PHÁP\n\nSố: 15/BC-STP\n\nNinh Bình, ngày 15 tháng 9 năm 2023\n\nBÁO CÁO\n\n"
              "Kết quả cải cách hành chính từ năm 2021 đến tháng 8 năm 2023\n\n"
              "Số liệu tính từ ngày 01/01/2021 đến ngày 31/8/2023.\n\nI. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\n\n")
    draft = header + ("Từ 01/01/2021 đến 31/8/2023, Sở đã ban hành 32 văn bản chỉ đạo, điều hành về công tác CCHC.\n\n"
                      "GIÁM ĐỐC\n\nNguyễn Văn An\n")
    signed = header + ("Năm 2021, Sở đã ban hành 20 văn bản chỉ đạo, điều hành về công tác CCHC. Năm 2022, Sở đã ban "
                       "hành 18 văn bản chỉ đạo, điều hành về công tác CCHC. Việc ban hành văn bản được thực hiện đúng "
                       "quy trình, kịp thời, bám sát chỉ đạo của UBND tỉnh và Sở Nội vụ.\n\nGIÁM ĐỐC\n\nNguyễn Văn An\n")
    store = OutputStore(tmp_path / "out")
    for name, text in (("du-thao.txt", draft), ("ban-ky.txt", signed)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        store.write(process_file(tmp_path / name))
    mark_duplicates(tmp_path / "out")
    store.write_across(*compare_reports(tmp_path / "out"))
    con = connect(tmp_path / "out")
    assert con.execute("SELECT count(*) FROM reports WHERE other_versions IS NOT NULL").fetchone()[0] == 2
    checks = [r[0] for r in con.execute("SELECT \"check\" FROM findings WHERE related_report_id IS NOT NULL").fetchall()]
    assert "cross_report_mismatch" not in checks  # a report is not set against its own draft
