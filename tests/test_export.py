"""`cchc export`: every table in one Excel workbook, read back with openpyxl."""

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from cchc.cli import app
from cchc.pipeline.output.export import DATE_FORMAT, NOTES_SHEET, export_xlsx, table_columns
from cchc.pipeline.output.labels import sheet_name
from cchc.pipeline.output.labels import vn_message
from cchc.pipeline.patterns import entries
from cchc.pipeline.output.tables import PARTITION, TABLES

from conftest import SAMPLES
from test_compare import ingest_without_prefect


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    ingest_without_prefect(sorted(p for p in SAMPLES.iterdir() if p.is_file()), folder)
    return folder


@pytest.fixture(scope="module")
def workbook(out, tmp_path_factory):
    target = tmp_path_factory.mktemp("xlsx") / "cchc.xlsx"
    result = export_xlsx(out, target)
    assert not result.truncated
    return openpyxl.load_workbook(target)


def _column(ws, label: str) -> int:
    """1-based index of the column headed `label`."""
    return [c.value for c in ws[1]].index(label) + 1


def test_every_label_is_there_and_unique_within_its_table():
    for table, cols in TABLES.items():
        labels = [c.label for c in cols] + [PARTITION.label]
        assert all(label.strip() for label in labels), table
        assert len(set(labels)) == len(labels), f"{table}: two columns share a header"


def test_one_sheet_per_table_with_vietnamese_headers_frozen_and_filtered(workbook):
    assert workbook.sheetnames == [sheet_name(t) for t in TABLES]
    for table in TABLES:
        ws = workbook[sheet_name(table)]
        labels = [c.label for c in table_columns(table)]
        assert [c.value for c in ws[1]] == labels
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{get_column_letter(len(labels))}{ws.max_row}"
        assert ws[1][0].font.b  # the header stands out
        for i in range(1, len(labels) + 1):
            assert ws.column_dimensions[get_column_letter(i)].width >= 8


def test_rows_are_the_parquet_rows(out, workbook):
    for table in TABLES:
        frame = pd.read_parquet(out / table)
        assert len(frame) > 0, table  # the samples fill every table
        assert workbook[sheet_name(table)].max_row - 1 == len(frame), table


def test_dates_are_dates_numbers_are_numbers(workbook):
    reports = workbook[sheet_name("reports")]
    by_path = {row[_column(reports, "Tệp nguồn") - 1].value: row for row in reports.iter_rows(min_row=2)}
    seed = by_path[str(SAMPLES / "so-ngoai-vu-ha-tinh-2021-2023.txt")]
    # "Hà Tĩnh, ngày     tháng 9 năm 2023": a date known to the month is shown as 09/2023.
    report_date = seed[_column(reports, "Ngày báo cáo") - 1]
    assert report_date.is_date and report_date.number_format == "mm/yyyy"
    assert report_date.value == datetime(2023, 9, 1)
    assert seed[_column(reports, "Độ chính xác ngày báo cáo") - 1].value == "Tháng"
    annual = by_path[str(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt")]
    assert annual[_column(reports, "Ngày báo cáo") - 1].number_format == DATE_FORMAT
    n_pages = seed[_column(reports, "Số trang") - 1]
    assert n_pages.data_type == "n" and isinstance(n_pages.value, int)
    assert seed[_column(reports, "Trạng thái") - 1].value == "Đọc được"  # not "ok"

    comparison = workbook[sheet_name("comparison")]
    cols = {label: _column(comparison, label) for label in ("Mã cơ quan", "Chỉ tiêu", "Giá trị", "So sánh được")}
    rows = [
        r for r in comparison.iter_rows(min_row=2, values_only=True)
        if r[cols["Mã cơ quan"] - 1] == "SNgV" and r[cols["Chỉ tiêu"] - 1] == "Văn bản chỉ đạo, điều hành CCHC đã ban hành"
    ]
    assert [r[cols["Giá trị"] - 1] for r in rows] == [45, 38, 32]
    assert [r[cols["So sánh được"] - 1] for r in rows] == [None, True, None]


def test_sheets_checks_and_severities_are_in_vietnamese(out, workbook):
    assert workbook.sheetnames[:8] == [
        "Báo cáo", "Mục", "Văn bản dẫn chiếu", "Ngày tháng và kỳ", "Số liệu", "Phát hiện", "So sánh qua các kỳ",
        "Danh mục chỉ tiêu"]
    findings = workbook[sheet_name("findings")]
    rows = list(findings.iter_rows(min_row=2, values_only=True))
    checks = {r[_column(findings, "Loại kiểm tra") - 1] for r in rows}
    severities = {r[_column(findings, "Mức độ") - 1] for r in rows}
    assert "Tổng không khớp với các thành phần" in checks and not checks & {"sum_mismatch", "table_total"}
    assert severities <= {"Lỗi", "Cảnh báo", "Thông tin"} and "Lỗi" in severities
    # The codes stay in the parquet files.
    assert "sum_mismatch" in set(pd.read_parquet(out / "findings").check)
    # Each finding names its file and issuer beside the report id.
    reports = pd.read_parquet(out / "reports").drop_duplicates("report_id").set_index("report_id")
    for r in rows:
        report_id = r[_column(findings, "Mã báo cáo") - 1]
        assert r[_column(findings, "Tệp nguồn") - 1] == reports.loc[report_id, "source_path"]
        assert r[_column(findings, "Cơ quan báo cáo") - 1] == reports.loc[report_id, "issuer"]
    metrics = workbook[sheet_name("metrics")]
    areas = {r[_column(metrics, "Lĩnh vực cải cách") - 1] for r in metrics.iter_rows(min_row=2, values_only=True)}
    assert "Cải cách thủ tục hành chính" in areas and "tthc" not in areas
    assert _column(metrics, "Tệp nguồn") == _column(metrics, "Mã báo cáo") + 1


def test_a_table_with_no_rows_is_a_header_only_sheet(tmp_path):
    junk = tmp_path / "in" / "not-a-report.doc"
    junk.parent.mkdir()
    junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an old Word file: failed, no facts
    ingest_without_prefect([junk], tmp_path / "out")
    result = export_xlsx(tmp_path / "out", tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert wb.sheetnames == [sheet_name(t) for t in TABLES]
    # What went wrong, in Vietnamese first, then the reader's own words.
    reports = wb[sheet_name("reports")]
    error = pd.read_parquet(tmp_path / "out" / "reports").error.iloc[0]
    assert reports.cell(row=2, column=_column(reports, "Lỗi")).value == f"{vn_message(error)} (Chi tiết: {error})"
    assert vn_message(error).startswith(("Tệp Word 97-2003", "LibreOffice không chuyển đổi"))
    # The catalogue lists every metric even when no report stated one.
    expected = {t: int(t == "reports") for t in TABLES} | {"metric_catalogue": len(entries("metrics"))}
    assert {s.table: s.rows_written for s in result.sheets} == expected
    for table in TABLES:
        ws = wb[sheet_name(table)]
        assert [c.value for c in ws[1]] == [c.label for c in table_columns(table)]
        assert ws.max_row == 1 + expected[table]
        assert ws.freeze_panes == "A2"


def test_report_text_never_becomes_a_formula(tmp_path):
    # Report text is untrusted: a title such as "=HYPERLINK(...)" must stay text.
    report = tmp_path / "in" / "bao-cao.txt"
    report.parent.mkdir()
    report.write_text(
        "SỞ TƯ PHÁP\n\nSố: 10/BC-STP\n\nNinh Bình, ngày 15 tháng 12 năm 2022\n\nBÁO CÁO\n\n"
        '=HYPERLINK("file:///etc/passwd","Kết quả cải cách hành chính năm 2022")\n\n'
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\n\nSở đã ban hành 12 văn bản chỉ đạo, điều hành về công tác CCHC.\n\n"
        "GIÁM ĐỐC\n\nNguyễn Văn An\n",
        encoding="utf-8",
    )
    ingest_without_prefect([report], tmp_path / "out")
    title = pd.read_parquet(tmp_path / "out" / "reports").title.iloc[0]
    assert title.startswith("=HYPERLINK")
    export_xlsx(tmp_path / "out", tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")[sheet_name("reports")]
    cell = ws.cell(row=2, column=_column(ws, "Tiêu đề"))
    assert cell.data_type == "s" and cell.value == title


def test_a_table_longer_than_the_sheet_is_cut_and_said_so(out, tmp_path):
    # Excel's 1,048,576 rows, lowered to 50 so the test stays small.
    result = export_xlsx(out, tmp_path / "x.xlsx", max_rows=50)
    cut = {s.table for s in result.truncated}
    assert cut == {t for t in TABLES if len(pd.read_parquet(out / t)) > 49}
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert wb.sheetnames[-1] == NOTES_SHEET
    for table in cut:
        assert wb[sheet_name(table)].max_row == 50
    notes = list(wb[NOTES_SHEET].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in notes} == {sheet_name(t) for t in cut}
    metrics = next(row for row in notes if row[0] == sheet_name("metrics"))
    assert metrics[1:3] == (len(pd.read_parquet(out / "metrics")), 49)
    assert "Excel chỉ chứa tối đa 50 dòng" in metrics[3]


def test_cli_export(out, tmp_path):
    target = tmp_path / "bang.xlsx"
    result = CliRunner().invoke(app, ["export", str(out), "--xlsx", str(target)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target, read_only=True).sheetnames == [sheet_name(t) for t in TABLES]
    assert sheet_name("metrics") in result.output


def test_the_words_at_fault_stand_out_in_the_sentence(out, tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    export_xlsx(out, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx", rich_text=True)[sheet_name("findings")]
    findings = pd.read_parquet(out / "findings")
    sentence_col, evidence_col = _column(ws, "Câu trích"), _column(ws, "Chỗ sai (nguyên văn)")
    marked = 0
    for row in ws.iter_rows(min_row=2):
        cell, evidence = row[sentence_col - 1], row[evidence_col - 1].value
        if not (evidence and isinstance(cell.value, CellRichText)):
            continue
        bold = [str(block.text) for block in cell.value if isinstance(block, TextBlock) and block.font.b]
        assert evidence in bold
        assert str(cell.value) in set(findings.sentence)  # the whole sentence, nothing lost
        marked += 1
    assert marked >= len(findings[findings.check == "sum_mismatch"]) > 0
