"""Comparison across reports and the checks that need two reports."""

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from typer.testing import CliRunner

from cchc.cli import app
from cchc.pipeline.output.catalogue import metric_catalogue
from cchc.pipeline.output.duplicates import mark_duplicates
from cchc.pipeline.output.compare import Period, compare_reports, previous_period, target_sql
from cchc.pipeline.run.process import process_file
from cchc.pipeline.output.query import connect
from cchc.pipeline.output.store import OutputStore

from conftest import SAMPLES

ANNUAL = ["so-ngoai-vu-ha-tinh-2021.txt", "so-ngoai-vu-ha-tinh-2022.txt", "so-ngoai-vu-ha-tinh-2021-2023.txt"]


def ingest_without_prefect(paths: list[Path], out: Path, duplicates: bool = False) -> None:
    """What the ingest flow does, in this process; with `duplicates`, the
    files of one report are told apart as the flow does."""
    store = OutputStore(out)
    for path in paths:
        store.write(process_file(path))
    if duplicates:
        mark_duplicates(out)
    store.write_across(*compare_reports(out))
    store.write_table("metric_catalogue", metric_catalogue(out))


def test_periods_are_measured_by_the_calendar():
    # The statistical year runs from the 15th to the 14th.
    assert Period(date(2022, 12, 15), date(2023, 12, 14)).months == 12
    assert Period(date(2022, 12, 15), date(2023, 6, 14)).months == 6  # not 7 calendar months spanned
    assert Period(date(2023, 6, 15), date(2023, 9, 14)).months == 3
    assert Period(date(2021, 1, 1), date(2023, 8, 31)).months == 32
    assert Period(date(2024, 2, 1), date(2024, 2, 29)).months == 1
    irregular = Period(date(2023, 1, 1), date(2023, 6, 15))
    assert irregular.months is None and irregular.days == 166
    # Same length: the same months, whatever the days (2024 is a leap year).
    assert Period(date(2023, 1, 1), date(2023, 12, 31)).same_length(Period(date(2024, 1, 1), date(2024, 12, 31)))
    assert not Period(date(2023, 1, 1), date(2023, 6, 30)).same_length(Period(date(2023, 1, 1), date(2023, 12, 31)))
    assert Period(date(2023, 1, 1), date(2023, 6, 15)).same_length(Period(date(2024, 1, 1), date(2024, 6, 14)))


def test_a_period_is_compared_with_the_latest_before_it_never_with_one_it_overlaps():
    y2021, y2022 = Period(date(2021, 1, 1), date(2021, 12, 31)), Period(date(2022, 1, 1), date(2022, 12, 31))
    h1_2023 = Period(date(2023, 1, 1), date(2023, 6, 30))
    y2023 = Period(date(2023, 1, 1), date(2023, 12, 31))
    review = Period(date(2021, 1, 1), date(2023, 8, 31))
    periods = [y2021, y2022, h1_2023, y2023, review]
    others = lambda p: [q for q in periods if q != p]  # noqa: E731
    assert previous_period(y2022, others(y2022)) == y2021
    assert previous_period(y2023, others(y2023)) == y2022  # not the half-year inside it
    assert previous_period(h1_2023, others(h1_2023)) == y2022  # no earlier half-year: the latest period
    assert previous_period(review, others(review)) is None  # it overlaps them all
    assert review.contains(y2021) and not y2021.contains(review) and review.overlaps(y2023)


def test_one_metric_of_one_department_across_its_years(tmp_path):
    ingest_without_prefect([SAMPLES / name for name in ANNUAL], tmp_path)
    rows = connect(tmp_path).execute(
        "SELECT period_start, period_end, months, value, previous_value, change, comparable, contains_other_periods, "
        "monthly_rate FROM comparison WHERE issuer_code = 'SNgV' AND metric = 'directive_documents' ORDER BY period_end"
    ).fetchall()
    values = [(str(r[0]), str(r[1]), *r[2:8]) for r in rows]
    assert values == [
        ("2021-01-01", "2021-12-31", 12, 45.0, None, None, None, False),
        ("2022-01-01", "2022-12-31", 12, 38.0, 45.0, -7.0, True, False),
        # The 32-month review contains both years: it stands apart, compared with neither.
        ("2021-01-01", "2023-08-31", 32, 32.0, None, None, None, True),
    ]
    assert rows[-1][8] == 1.0  # 32 documents in 32 months


def test_statistical_years_are_twelve_months_and_comparable(tmp_path):
    template = (
        "SỞ TƯ PHÁP\n\nSố: {n}/BC-STP\n\nQuảng Bình, ngày 16 tháng 12 năm {y}\n\nBÁO CÁO\n\n"
        "Kết quả cải cách hành chính năm {y}\n\n(Số liệu tính từ ngày 15/12/{p} đến ngày 14/12/{y})\n\n"
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\n\n1. Văn bản chỉ đạo\n\n"
        "Sở đã ban hành {v} văn bản chỉ đạo, điều hành về công tác CCHC.\n\n"
        "II. NHIỆM VỤ NĂM {q}\n\n1. Chỉ đạo\n\nPhấn đấu ban hành {t} văn bản chỉ đạo, điều hành về công tác CCHC.\n\n"
        "GIÁM ĐỐC\n\nNguyễn Văn An\n"
    )
    paths = []
    for n, year, value, target in ((10, 2022, 18, 30), (11, 2023, 24, 40)):
        path = tmp_path / f"{year}.txt"
        path.write_text(template.format(n=n, y=year, p=year - 1, q=year + 1, v=value, t=target), encoding="utf-8")
        paths.append(path)
    out = tmp_path / "out"
    ingest_without_prefect(paths, out)
    rows = connect(out).execute(
        "SELECT period_start, period_end, days, months, value, previous_value, comparable, monthly_rate "
        "FROM comparison WHERE metric = 'directive_documents' ORDER BY period_end"
    ).fetchall()
    assert [(str(r[0]), str(r[1]), *r[2:]) for r in rows] == [
        ("2021-12-15", "2022-12-14", 365, 12, 18.0, None, None, 1.5),
        ("2022-12-15", "2023-12-14", 365, 12, 24.0, 18.0, True, 2.0),
    ]  # the targets (30, 40) of the plan sections are not results


def test_targets_and_parts_of_a_total_stay_out_of_the_comparison(tmp_path):
    ingest_without_prefect(sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt"), tmp_path)
    con = connect(tmp_path)
    values = lambda code, metric: [  # noqa: E731
        r[0] for r in con.execute(
            "SELECT value FROM comparison WHERE issuer_code = ? AND metric = ? ORDER BY period_end, period_start",
            [code, metric]).fetchall()
    ]
    # "phấn đấu tỷ lệ hồ sơ tiếp nhận trực tuyến đạt trên 50%" is a target; 45,1% is the result.
    assert values("UBND", "dossiers_online_rate") == [45.1]
    assert values("SNgV", "dossiers_online_rate") == [25.6, 29.7]  # not the 2022 plan's 40%
    # "1.625 hồ sơ, trong đó kỳ trước chuyển sang 37 hồ sơ, tiếp nhận mới 1.588": the total stands.
    assert values("UBND", "dossiers_received") == [1625.0]
    # "24 máy tính, trong đó có 14 máy tính để bàn, 9 máy tính xách tay": the total, not its parts.
    assert values("SNgV", "computers") == [25.0, 26.0, 24.0]
    # One value per metric and period.
    [(duplicates,)] = con.execute(
        "SELECT count(*) FROM (SELECT issuer, metric, period_start, period_end FROM comparison "
        "GROUP BY ALL HAVING count(*) > 1)").fetchall()
    assert duplicates == 0
    # The catalogue counts the targets it kept out.
    [(figures, targets)] = con.execute(
        "SELECT figures, targets FROM metric_catalogue WHERE key = 'dossiers_online_rate'").fetchall()
    assert targets == 2 and figures > targets  # the plans of 2022 (40%) and of Can Lộc (50%)


def test_a_target_inside_a_result_section_is_marked_and_left_out(tmp_path):
    report = tmp_path / "so-tu-phap-2023.txt"
    report.write_text(
        "SỞ TƯ PHÁP\n\nSố: 12/BC-STP\n\nQuảng Bình, ngày 16 tháng 12 năm 2023\n\nBÁO CÁO\n\n"
        "Kết quả cải cách hành chính năm 2023\n\nI. KẾT QUẢ THỰC HIỆN\n\n1. Cải cách thủ tục hành chính\n\n"
        "Năm 2023, Sở phấn đấu tỷ lệ hồ sơ tiếp nhận trực tuyến đạt trên 50%. "
        "Kết quả, tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 42,6%.\n\n"
        "2. Cải cách tài chính công\n\nĐến ngày 14/12/2023 đã giải ngân 1.265 triệu đồng, đạt 38,2% kế hoạch.\n\n"
        "GIÁM ĐỐC\n\nNguyễn Văn An\n",
        encoding="utf-8",
    )
    ingest_without_prefect([report], tmp_path / "out")
    con = connect(tmp_path / "out")
    marked = dict(con.execute("SELECT value, is_target FROM metrics WHERE section_kind = 'result'").fetchall())
    # The target comes first in its result section; the result against a plan is a result.
    assert marked == {50.0: True, 42.6: False, 1265.0: False, 38.2: False}
    assert con.execute("SELECT value FROM comparison WHERE metric = 'dossiers_online_rate'").fetchall() == [(42.6,)]
    [(figures, targets)] = con.execute(
        "SELECT figures, targets FROM metric_catalogue WHERE key = 'dossiers_online_rate'").fetchall()
    assert (figures, targets) == (2, 1)


def test_an_older_output_without_is_target_keeps_plan_sections_out(tmp_path):
    ingest_without_prefect([SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt"], tmp_path)
    for path in (tmp_path / "metrics").rglob("*.parquet"):
        pq.write_table(pq.read_table(path).drop_columns(["is_target"]), path)
    con = connect(tmp_path)
    [(planned,)] = con.execute(f"SELECT count(*) FROM metrics m WHERE {target_sql(con)}").fetchall()
    [(in_plans,)] = con.execute(
        "SELECT count(*) FROM metrics WHERE section_kind IN ('plan', 'recommendation')").fetchall()
    assert planned == in_plans > 0


def test_two_reports_of_one_issuer_that_disagree(tmp_path):
    template = (
        "SỞ TƯ PHÁP\n\nSố: {n}/BC-STP\n\nNinh Bình, ngày {d} tháng 12 năm 2022\n\nBÁO CÁO\n\n"
        "Kết quả cải cách hành chính năm 2022\n\nI. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\n\n"
        "1. Văn bản chỉ đạo\n\nSở đã ban hành {v} văn bản chỉ đạo, điều hành về công tác CCHC. "
        "Thực hiện Kế hoạch số 15/KH-UBND ngày {k}/01/2022 của UBND tỉnh.\n\n"
        "GIÁM ĐỐC\n\nNguyễn Văn An\n"
    )
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(template.format(n=10, d=15, v=12, k=10), encoding="utf-8")
    second.write_text(template.format(n=11, d=20, v=14, k=12), encoding="utf-8")
    out = tmp_path / "out"
    ingest_without_prefect([first, second], out)
    findings = pd.read_parquet(out / "findings")
    across = findings[findings.related_report_id.notna()].sort_values("check")
    assert list(across.check) == ["cross_report_citation_date", "cross_report_mismatch"]
    mismatch = across[across.check == "cross_report_mismatch"].iloc[0]
    assert (mismatch.value_stated, mismatch.value_computed) == (14, 12)
    reports = pd.read_parquet(out / "reports").set_index("source_path")
    assert mismatch.report_id == reports.loc[str(second), "report_id"]
    assert mismatch.related_report_id == reports.loc[str(first), "report_id"]
    # The later report's value stands in the comparison.
    comparison = pd.read_parquet(out / "comparison")
    assert comparison[comparison.metric == "directive_documents"].value.tolist() == [14.0]


def test_cli_compare_prints_the_years_side_by_side(tmp_path):
    ingest_without_prefect([SAMPLES / name for name in ANNUAL], tmp_path)
    result = CliRunner().invoke(app, ["compare", str(tmp_path), "--issuer", "SNgV"])
    assert result.exit_code == 0, result.output
    header = next(ln for ln in result.output.splitlines() if "Chỉ tiêu" in ln)
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == [
        "Chỉ tiêu", "Đơn vị", "01/2021–11/2021", "2021", "01/2022–11/2022", "2022", "01/2021–08/2023",
        "01/2023–08/2023"]

    def cells(words: str) -> list[str]:
        rows = [[cell.strip() for cell in ln.split("│")[1:-1]] for ln in result.output.splitlines()]
        return next(row for row in rows if row and row[0] == words)

    # The label and unit of the metric; ⊃ marks the review that contains the years.
    assert cells("Văn bản chỉ đạo, điều hành CCHC đã ban hành") == [
        "Văn bản chỉ đạo, điều hành CCHC đã ban hành", "văn bản", "", "45", "", "38", "32 ⊃", ""]
    # Numbers the Vietnamese way, with the unit as the reports write it.
    assert cells("Văn bản đi đã ban hành")[1:] == ["văn bản", "", "1.286", "", "1.452", "4.127 ⊃", ""]
    # "tổng dự toán chi ngân sách được giao trong năm là 7.845 triệu đồng": a budget assigned is a plan.
    assert not any("Kinh phí, dự toán" in ln for ln in result.output.splitlines())
    assert cells("Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến")[3:6] == ["25,6%", "", "29,7%"]
    # Eight months of 2023 against the eleven of 2022: not the same length.
    assert cells("Hồ sơ TTHC tiếp nhận")[2:] == ["180", "", "212", "", "", "246*"]


def test_metric_catalogue_and_cli_metrics(tmp_path):
    ingest_without_prefect([SAMPLES / name for name in ANNUAL], tmp_path)
    catalogue = pd.read_parquet(tmp_path / "metric_catalogue").set_index("key")
    assert len(catalogue) == len(set(catalogue.index)) >= 50  # every canonical metric, once
    received = catalogue.loc["dossiers_received"]
    assert (received.label, received.unit, received.area) == ("Hồ sơ TTHC tiếp nhận", "hồ sơ", "tthc")
    assert catalogue.loc["dossiers_online_rate", "unit"] == "%" and catalogue.loc["dossiers_online_rate", "is_percent"]
    assert catalogue.loc["staff_recruited", "unit"] == "người"  # counted in any noun of people
    assert "tiếp nhận" in received.description
    assert (received.reports, received.comparison_rows) == (3, 3)

    runner = CliRunner()
    listed = runner.invoke(app, ["metrics", str(tmp_path), "--area", "tthc"])
    assert listed.exit_code == 0, listed.output
    rows = [[c.strip() for c in ln.split("│")[1:-1]] for ln in listed.output.splitlines() if ln.startswith("│")]
    counts = [str(received[k]) for k in ("figures", "targets", "reports", "comparison_rows")]
    assert ["dossiers_received", "Hồ sơ TTHC tiếp nhận", "hồ sơ", "Cải cách thủ tục hành chính", *counts] in rows
    assert all(r[3] == "Cải cách thủ tục hành chính" for r in rows if r[0])
    bare = runner.invoke(app, ["metrics"])
    assert bare.exit_code == 0 and f"Danh mục chỉ tiêu ({len(catalogue)})" in bare.output


def test_metrics_view_marks_the_figure_the_comparison_keeps(tmp_path):
    ingest_without_prefect([SAMPLES / "ubnd-huyen-can-loc-2023-6thang.txt"], tmp_path)
    rows = connect(tmp_path).execute(
        "SELECT value, in_comparison FROM metrics_v WHERE metric = 'dossiers_received' ORDER BY idx").fetchall()
    # 1.625 received, of which 37 carried over and 1.588 new, and 3.512 at the communes: one stands.
    assert sorted(v for v, kept in rows if kept) == [1625.0]
    assert len(rows) >= 3
    [(kept,)] = connect(tmp_path).execute(
        "SELECT count(*) FROM metrics_v WHERE in_comparison").fetchall()
    [(compared,)] = connect(tmp_path).execute("SELECT count(*) FROM comparison").fetchall()
    assert kept == compared > 0


def test_a_comparison_of_an_older_shape_is_computed_again(tmp_path):
    import pyarrow.parquet as pq

    from cchc.pipeline.output.compare import comparison_is_current

    assert not comparison_is_current(tmp_path)  # none yet
    ingest_without_prefect([SAMPLES / name for name in ANNUAL], tmp_path)
    assert comparison_is_current(tmp_path)
    for path in (tmp_path / "comparison").glob("*/*.parquet"):  # as an older cchc wrote it
        pq.write_table(pq.read_table(path).drop_columns(["days", "contains_other_periods"]), path)
    assert not comparison_is_current(tmp_path)
