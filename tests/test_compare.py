"""Comparison across reports and the checks that need two reports."""

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from cchc.cli import app
from pipeline.compare import compare_reports
from pipeline.process import process_file
from pipeline.query import connect
from pipeline.store import OutputStore

from conftest import SAMPLES

ANNUAL = ["so-ngoai-vu-ha-tinh-2021.txt", "so-ngoai-vu-ha-tinh-2022.txt", "so-ngoai-vu-ha-tinh-2021-2023.txt"]


def ingest_without_prefect(paths: list[Path], out: Path) -> None:
    store = OutputStore(out)
    for path in paths:
        store.write(process_file(path))
    store.write_across(*compare_reports(out))


def test_one_metric_of_one_department_across_its_years(tmp_path):
    ingest_without_prefect([SAMPLES / name for name in ANNUAL], tmp_path)
    rows = connect(tmp_path).execute(
        "SELECT period_start, period_end, months, value, previous_value, change, comparable, monthly_rate "
        "FROM comparison WHERE issuer_code = 'SNgV' AND metric = 'directive_documents' ORDER BY period_end"
    ).fetchall()
    values = [(str(r[0]), str(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows]
    assert values == [
        ("2021-01-01", "2021-12-31", 12, 45.0, None, None, None),
        ("2022-01-01", "2022-12-31", 12, 38.0, 45.0, -7.0, True),
        # The 32-month review is not directly comparable with a year.
        ("2021-01-01", "2023-08-31", 32, 32.0, 38.0, -6.0, False),
    ]
    assert rows[-1][7] == 1.0  # 32 documents in 32 months


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
    result = CliRunner().invoke(app, ["compare", str(tmp_path), "--issuer", "SNgV", "--metric", "directive_documents"])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if "directive_documents" in ln)
    assert [cell.strip() for cell in line.strip("│ ").split("│")][1:] == ["45", "38", "32*"]
