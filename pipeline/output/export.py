"""Every output table in one Excel workbook, for readers who work in Excel.

One sheet per table, named in Vietnamese (`Báo cáo`, `Số liệu`,
`Phát hiện` ...: the `table` words of `patterns/labels.yaml`), with the
Vietnamese column labels of `pipeline/output/tables.py` as its header row.  Cells of
a code column hold the code's Vietnamese words (`Lỗi`, not `error`; the
codes stay in the parquet files).  Each sheet of facts (sections, references,
dates, metrics, findings) has the report's file, issuer and where its page
numbers come from beside its report id.  A table with no rows yet still gets its sheet, header only, so
the workbook always has the same shape.  The header row is frozen and
carries an autofilter; dates are real Excel dates shown as precisely as the
report gave them (dd/mm/yyyy, mm/yyyy or yyyy), numbers are numbers, and
booleans are Excel booleans.

Rows are streamed: DuckDB hands them over in batches and openpyxl's
write-only mode writes each row to disk as it comes (with inline strings, so
no shared-string table grows in memory), so a table of millions of rows
costs no more memory than one batch.

Excel holds at most 1,048,576 rows a sheet, the header included.  A larger
table is cut at that limit: the sheet keeps the first rows, a last sheet
`Ghi chú` names every cut table and how many of its rows were left out, and
`ExportResult.truncated` lists them (the `cchc export` command then exits 1).
The full table is always in the parquet files and `cchc query --csv`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cchc.pipeline.output.labels import evidence_marks, evidence_texts, label, sheet_name, vn_message
from cchc.pipeline.output.query import connect
from cchc.pipeline.output.store import atomic_write
from cchc.pipeline.output.reviews import STATUS_LABELS
from cchc.pipeline.output.tables import REVIEW_VIEW_COLUMNS, TABLES, Column, read_columns

EXCEL_MAX_ROWS = 1_048_576  # rows in one sheet, the header row included
EXCEL_MAX_CELL_CHARS = 32_767
NOTES_SHEET = "Ghi chú"
DATE_FORMAT = "dd/mm/yyyy"  # the Vietnamese way of writing a date
# A date known only to the month or the year is shown as such.
DATE_FORMATS = {"day": DATE_FORMAT, "month": "mm/yyyy", "year": "yyyy"}
BATCH_ROWS = 5_000
# Column widths, in Excel's character units.
MIN_WIDTH, MAX_WIDTH = 8, 60
# Room for the autofilter's drop-down button beside the header text.
FILTER_BUTTON = 3

# The two small tables are sorted for reading.  The fact tables are left in
# their stored order, which is already readable (by year, then report, then
# reading order within the report): sorting them would make DuckDB hold the
# whole table before the first row comes out, and they can be millions of rows.
ORDER_BY = {
    "reports": "report_year, source_path",
    "comparison": "issuer, metric, period_end, period_start",
}

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGN = Alignment(vertical="top", wrap_text=True)


@dataclass
class SheetResult:
    table: str
    sheet: str
    rows_written: int
    rows_in_table: int

    @property
    def truncated(self) -> bool:
        return self.rows_written < self.rows_in_table


@dataclass
class ExportResult:
    path: Path
    sheets: list[SheetResult] = field(default_factory=list)

    @property
    def truncated(self) -> list[SheetResult]:
        return [s for s in self.sheets if s.truncated]


# The report's columns shown beside each fact, after its report id.
REPORT_CONTEXT = [c for c in TABLES["reports"] if c.name in ("source_path", "issuer", "page_source")]
_NO_CONTEXT = {"reports", "comparison", "metric_catalogue"}


def _has_context(table: str) -> bool:
    return table not in _NO_CONTEXT and any(c.name == "report_id" for c in TABLES[table])


def table_columns(table: str) -> list[Column]:
    """The columns of a table's sheet: the declared ones, with the report's
    file and issuer after the report id of a fact, then the partition.  The
    findings sheet has the review columns after the finding's id, for the
    auditor to fill in (`cchc review --from-xlsx`)."""
    cols = read_columns(table)
    if table == "findings":
        cols = [cols[0], *REVIEW_VIEW_COLUMNS, *cols[1:]]
    if not _has_context(table):
        return cols
    at = [c.name for c in cols].index("report_id") + 1
    return [*cols[:at], *REPORT_CONTEXT, *cols[at:]]


def _select(table: str, cols: list[Column]) -> str:
    """The sheet's query: the table's own columns, and the report's from the
    first `reports` row of its report id."""
    if not _has_context(table):
        return f'SELECT {", ".join(_selected(table, c) for c in cols)} FROM "{table}" t'
    names = ", ".join(f"r.{_q(c.name)}" if c in REPORT_CONTEXT else _selected(table, c) for c in cols)
    return f'SELECT {names} FROM "{table}" t LEFT JOIN one_row_per_report r ON r.report_id = t.report_id'


def _q(name: str) -> str:
    return f'"{name}"'


def _selected(table: str, column: Column) -> str:
    """The SQL that gives a column's cells: the review status in Vietnamese."""
    if table == "findings" and column.name == "review_status":
        cases = " ".join(f"WHEN '{code}' THEN '{label}'" for code, label in STATUS_LABELS.items())
        return f'CASE t."review_status" {cases} ELSE t."review_status" END'
    return f"t.{_q(column.name)}"


def export_xlsx(out: str | Path, target: str | Path, *, max_rows: int = EXCEL_MAX_ROWS) -> ExportResult:
    """Write every table of the output folder `out` to the workbook `target`.

    `max_rows` is the sheet's row limit, the header included (Excel's by
    default; tests lower it).  The workbook is written beside `target` under a
    temporary name and renamed into place, so a failed export never leaves a
    half-written file where a good one was.
    """
    target = Path(target)
    con = connect(out)
    con.execute("SET enable_progress_bar = false")  # DuckDB would draw one on stdout for a long query
    wb = Workbook(write_only=True)
    result = ExportResult(path=target)
    for table in TABLES:
        result.sheets.append(_write_sheet(wb, con, table, max_rows))
    if result.truncated:
        _write_notes(wb, result.truncated, max_rows)
    atomic_write(target, wb.save)
    return result


def _write_sheet(wb: Workbook, con, table: str, max_rows: int) -> SheetResult:
    cols = table_columns(table)
    ws = wb.create_sheet(sheet_name(table))
    [(total,)] = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()
    limit = max(0, max_rows - 1)  # the header takes one row
    order = f" ORDER BY {ORDER_BY[table]}" if table in ORDER_BY else ""
    batches = (
        [_shown_row(cols, row) for row in batch]
        for batch in _row_batches(con.sql(f"{_select(table, cols)}{order} LIMIT {limit}"))
    )
    first = next(batches, [])

    # Write-only sheets write their column widths and panes before any row,
    # so widths are judged from the first batch of rows.
    for i, width in enumerate(_widths(cols, first), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"

    ws.append([_header_cell(ws, c.label) for c in cols])
    written = 0
    for batch in chain([first], batches):
        for row in batch:
            ws.append([_cell(ws, value) for value in row])
        written += len(batch)
    # The filter covers the header and every written row; it is written after
    # the rows, so it can be set now that their number is known.
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{written + 1}"
    if table == "findings":
        _status_choices(ws, cols, written)
    return SheetResult(table=table, sheet=ws.title, rows_written=written, rows_in_table=total)


# Columns that say what went wrong with a file: shown in Vietnamese first.
_MESSAGES = {"error"}


def _shown_row(cols: list[Column], row: tuple) -> list:
    """A row as people read it: codes as their words, an error in Vietnamese
    before its own words, and each date with the number format of its
    precision."""
    values = dict(zip((c.name for c in cols), row))
    shown = []
    for col, value in zip(cols, row):
        if col.name == "sentence" and value and "evidence" in values:
            value = _marked(value, evidence_texts(values))
        elif col.name in _MESSAGES and value:
            value = f"{vn_message(value)} (Chi tiết: {value})"
        elif col.codes and value is not None:
            value = label(col.codes, value)
        elif col.precision and value is not None:
            value = PreciseDate(value, DATE_FORMATS.get(values.get(col.precision), DATE_FORMAT))
        shown.append(value)
    return shown


_MARK = InlineFont(b=True, color="FFB3261E")


def _marked(sentence: str, pieces: list[str]) -> CellRichText | str:
    """A finding's sentence with each piece of evidence in bold red."""
    sentence = _as_text(sentence)
    marks = evidence_marks(sentence, pieces)
    if not marks:
        return sentence
    parts, cursor = [], 0
    for a, b in marks:
        parts += [sentence[cursor:a], TextBlock(_MARK, sentence[a:b])]
        cursor = b
    parts.append(sentence[cursor:])
    return CellRichText([p for p in parts if p])


@dataclass(frozen=True)
class PreciseDate:
    """A date cell and its Excel number format."""

    value: date
    number_format: str


def _status_choices(ws, cols: list[Column], rows: int) -> None:
    """A drop-down of the review statuses on the findings sheet's status column."""
    letter = get_column_letter(next(i for i, c in enumerate(cols, start=1) if c.name == "review_status"))
    choices = DataValidation(type="list", formula1='"' + ",".join(STATUS_LABELS.values()) + '"', allow_blank=True)
    choices.add(f"{letter}2:{letter}{max(rows + 1, 2)}")
    ws.data_validations.append(choices)


def _row_batches(relation) -> Iterator[list[tuple]]:
    """The rows of a DuckDB relation, BATCH_ROWS at a time, streamed through
    Arrow so the whole result is never held in memory."""
    # to_arrow_reader is DuckDB 2's name; 1.x calls it fetch_arrow_reader.
    reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    for batch in reader(BATCH_ROWS):
        if batch.num_rows:
            yield list(zip(*(column.to_pylist() for column in batch.columns)))


def _write_notes(wb: Workbook, cut: list[SheetResult], max_rows: int) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    for letter, width in zip("ABCD", (16, 18, 18, 90)):
        ws.column_dimensions[letter].width = width
    ws.append([_header_cell(ws, h) for h in ("Trang tính", "Số dòng của bảng", "Số dòng đã ghi", "Ghi chú")])
    for s in cut:
        ws.append([
            s.sheet,
            s.rows_in_table,
            s.rows_written,
            f"Bảng bị cắt: Excel chỉ chứa tối đa {_vn_int(max_rows)} dòng mỗi trang tính (kể cả dòng tiêu đề); "
            f"{_vn_int(s.rows_in_table - s.rows_written)} dòng không được ghi. Bảng đầy đủ nằm trong tệp parquet "
            f"và lấy được bằng: cchc query OUT 'SELECT * FROM \"{s.table}\"' --csv",
        ])


def _vn_int(n: int) -> str:
    """1048576 as Vietnamese write it: 1.048.576."""
    return f"{n:,}".replace(",", ".")


def _header_cell(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_as_text(text))
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGN
    return cell


def _cell(ws, value):
    """A value as Excel should hold it.

    Strings come from the reports and are untrusted: one starting with '='
    would become a formula, and '#N/A' an error value, so they are forced to
    text.  Numbers stay numbers, dates become date cells with a date format.
    """
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # Excel has no NaN or infinity
    if isinstance(value, CellRichText):
        return WriteOnlyCell(ws, value=value)
    if isinstance(value, PreciseDate):
        cell = WriteOnlyCell(ws, value=value.value)
        cell.number_format = value.number_format
        return cell
    if isinstance(value, (date, datetime)):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, list):  # evidence spans: "start–end words; …"
        return _as_text("; ".join(
            f"{s['char_start']}–{s['char_end']} {s.get('text') or ''}".strip() if isinstance(s, dict) else str(s)
            for s in value))
    if isinstance(value, str):
        text = _as_text(value)
        if (len(text) > 1 and text.startswith("=")) or text in ERROR_CODES:
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"
            return cell
        return text  # a plain string is text already, and cheaper than a cell
    return _as_text(str(value))


def _as_text(text: str) -> str:
    """Text Excel accepts: no control characters, at most 32,767 characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_MAX_CELL_CHARS:
        text = text[: EXCEL_MAX_CELL_CHARS - 1] + "…"
    return text


def _widths(cols: list[Column], sample: list[tuple]) -> list[float]:
    """A width per column: the header's, or the longest value of the sample
    if wider, within MIN_WIDTH..MAX_WIDTH (long sentences wrap nowhere, the
    reader widens the column when needed)."""
    widths = []
    for i, col in enumerate(cols):
        longest = max((len(_shown(row[i])) for row in sample), default=0)
        header = len(col.label) + FILTER_BUTTON
        widths.append(float(min(MAX_WIDTH, max(MIN_WIDTH, header, longest + 2))))
    return widths


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime, PreciseDate)):
        return "00/00/0000"
    if isinstance(value, CellRichText):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
