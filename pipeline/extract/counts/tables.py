"""Figures of statistics tables, read on assembled tables (assembly.py).

One figure per numeric cell.  Its unit comes from its column header (a
counted noun of the lexicon, or the noun after "Số"/"Tổng số": "Số trường"),
from the group header that spans it ("Số hồ sơ" over "Tiếp nhận | Đã giải
quyết"), or from the nearest number column's header to its left ("Tổng số
hồ sơ | Đúng hạn | Quá hạn"), else from its row label ("Số TTHC được công
bố"); "%" in the cell or "%"/"tỷ lệ" in the header makes a percentage.  A
cell nothing names a unit for is not read.  The subject is "<column header>
- <row label>", the sentence the header and the row.

Cells of a total row ("Tổng cộng", "Tổng số") are totals: the cells of the
same column in the rows above it, up to the header or an earlier total row,
are its parts (the rows below it when the total row comes first); a
percentage in a total row is a rate, not a sum, and has no parts.  Index
columns ("STT"), column-numbering rows ("(1) (2)", "1 2 3 4") and columns of
years ("Năm ban hành") are not figures; text cells are read as text.
"""

from __future__ import annotations

from functools import cache

from cchc.pipeline.extract.counts.assembly import CELL_NUMBER, COLUMN_NUMBER, Table, is_numeric
from cchc.pipeline.extract.counts.figure import TABLE_SOURCE, Figure
from cchc.pipeline.extract.counts.grammar import Grammar
from cchc.pipeline.extract.counts.nouns import Noun, Window, noun_at
from cchc.pipeline.extract.counts.periods import period_of_labels
from cchc.pipeline.extract.counts.segments import Segment
from cchc.pipeline.text.dates import find_periods
from cchc.pipeline.text.numbers import parse_number
from cchc.pipeline.text.spans import Spans
from cchc.pipeline.model import Document, ReportMeta
from cchc.pipeline.patterns import IGNORECASE, Pattern, compile_pattern, entries, example_checker, search_failures

_YEAR = compile_pattern(r"(?:19|20)\d{2}")


@cache
def _header_words(name: str) -> Pattern:
    """What a header cell says of its column (patterns/table_headers.yaml)."""
    return compile_pattern(next(e["regex"] for e in entries("table_headers") if e["name"] == name), IGNORECASE)


@example_checker("table_headers")
def _check_header_words(entry: dict) -> list[str]:
    return search_failures(entry, _header_words(entry["name"]))

Unit = tuple[str, str | None, str | None]  # as written, lexicon key, kind


def _consecutive(values: list[str]) -> bool:
    """"1 2 3 4": row numbers, or a row that numbers the columns."""
    if len(values) < 2 or not all(v.isdigit() for v in values):
        return False
    first = int(values[0])
    return [int(v) for v in values] == list(range(first, first + len(values)))


def _label_unit(text: str, grammar: Grammar) -> Unit | None:
    """The unit a header or row label names: the first counted noun of the
    lexicon in it, else the noun after "Số" ("Số trường": "trường")."""
    if not text.strip():
        return None
    window = Window(grammar, text, 0)
    for start in sorted(window.units):
        end, key = window.units[start]
        if grammar.units[key].kind != "percent":
            return window.doc[start:end].text, key, grammar.units[key].kind
    if m := _header_words("counted").search(text):
        tok = window.token_at.get(m.end())
        noun: Noun | None = noun_at(window, grammar, tok) if tok is not None else None
        if noun is not None and noun.kind != "percent":
            return noun.text, noun.key, noun.kind
    return None


def headers(rows: list[list[str]], n_header: int) -> list[str]:
    """Each column's header, the header rows joined top to bottom.  A group
    header merged over several columns is written in its first column only
    (or repeated in each, as Word's merged cells are read): it is carried
    right over the columns whose lower header cells are set."""
    width = len(rows[0]) if rows else 0
    grid = [[c.strip() for c in row] for row in rows[:n_header]]
    for r in range(n_header - 1):
        for j in range(1, width):
            if not grid[r][j] and grid[r][j - 1] and grid[-1][j] and grid[-1][j - 1]:
                grid[r][j] = grid[r][j - 1]
    out = []
    for j in range(width):
        parts: list[str] = []
        for r in range(n_header):
            cell = grid[r][j]
            if cell and not COLUMN_NUMBER.match(cell) and cell not in parts:
                parts.append(cell)
        out.append(" ".join(" ".join(parts).split()))
    return out


def _cell_unit(units: list[Unit | None], text_cols: set[int], j: int, label: str, header: str, cell: str, grammar: Grammar) -> Unit | None:
    """The unit of a numeric cell: "%" when the cell or its header says so;
    else its column's (the group header's words are in it), or the nearest
    number column's header to its left, else its row label's.  The header of
    a label column ("Chỉ tiêu", "Tên văn bản") names the labels, not the
    numbers."""
    if cell.endswith("%") or _header_words("percent").search(header):
        key = next((u.unit for u in grammar.units.values() if u.kind == "percent"), None)
        return "%", key, "percent"
    for k in range(j, -1, -1):
        if k in text_cols:
            break
        if units[k] is not None:
            return units[k]
    return _label_unit(label, grammar)


def _cell_figure(cell: str, unit: Unit, header: str, label: str, row_text: str, span: tuple[int, int], page: int, period) -> Figure | None:
    number = CELL_NUMBER.fullmatch(cell).group("num")
    if _YEAR.fullmatch(number) and _header_words("time").search(header) and not find_periods(header):
        return None  # a column of years ("Năm ban hành")
    unit_text, unit_key, kind = unit
    value = parse_number(number, kind)
    if value is None:
        return None
    if span[1] - span[0] == len(cell):  # the cell was found in the block text
        span = (span[0] + cell.find(number), span[0] + cell.find(number) + len(number))
    return Figure(
        value=value,
        value_text=number,
        unit=unit_text,
        unit_key=unit_key,
        kind=kind,
        is_percent=kind == "percent",
        subject=" - ".join(x for x in (header, label) if x) or None,
        lead=header,
        sentence=" | ".join(x for x in (header, row_text) if x),
        start=span[0],
        end=span[1],
        seg_start=0,
        seg_end=0,
        source=TABLE_SOURCE,
        page=page,
        period=period,
    )


def _columns(table: Table, n_header: int, hdrs: list[str], body: list[int]) -> tuple[set[int], set[int]]:
    """(index columns, text columns) of a table."""
    rows, width = table.rows, table.width
    index_cols = {j for j, h in enumerate(hdrs) if _header_words("index").search(h)}
    if not index_cols and _consecutive([rows[i][0].strip() for i in body if rows[i][0].strip()]):
        index_cols.add(0)
    text_cols = {j for j in range(width) if sum(is_numeric(rows[i][j]) for i in body) * 2 < len(body)} | index_cols
    return index_cols, text_cols


def _link_total_rows(total_rows: list[int], body: list[int], n_header: int, n_rows: int, by_cell: dict) -> None:
    """The cells of a total row are the totals of their column: of the rows
    above it up to the header or an earlier total row, or of the rows below
    it when it comes first."""
    for t in total_rows:
        if t == body[0]:
            later = [k for k in total_rows if k > t]
            part_rows = range(t + 1, later[0] if later else n_rows)
        else:
            earlier = [k for k in total_rows if k < t]
            part_rows = range(earlier[-1] + 1 if earlier else n_header, t)
        for (i, j), fig in by_cell.items():
            total = by_cell.get((t, j))
            if i in part_rows and i not in total_rows and total is not None and total.is_total:
                fig.parent = total


def table_figures(table: Table, doc: Document, grammar: Grammar, excluded: Spans, meta: ReportMeta) -> tuple[list[Figure], list[Segment]]:
    """The figures of a statistics table, and its text cells to be read as text."""
    rows, width = table.rows, table.width
    n_header = table.header_rows()
    hdrs = headers(rows, n_header) if n_header else [""] * width
    units = [_label_unit(h, grammar) for h in hdrs]
    body = list(range(n_header, len(rows)))
    index_cols, text_cols = _columns(table, n_header, hdrs, body)
    figures: list[Figure] = []
    text_cells: list[Segment] = []
    by_cell: dict[tuple[int, int], Figure] = {}
    total_rows: list[int] = []
    for i in body:
        row = [c.strip() for c in rows[i]]
        numbers = [j for j in range(width) if j not in index_cols and is_numeric(row[j])]
        # The row label: its text cells ("Tổng cộng" may stand in the STT column).
        label = " ".join(row[j] for j in sorted(text_cols) if row[j] and not is_numeric(row[j]))
        if not label and len(numbers) >= 3 and _consecutive([row[j] for j in numbers]):
            continue  # a row "1 2 3 4 ..." that numbers the columns
        is_total_row = bool(grammar.total_label.match(label))
        if is_total_row:
            total_rows.append(i)
        row_text = " | ".join(c for c in row if c)
        block = table.blocks[i]
        for j in range(width):
            if not row[j] or j in index_cols:
                continue
            span = table.spans[i][j]
            if not is_numeric(row[j]):
                if span is not None:
                    text_cells.append(Segment(doc.text[span[0] : span[1]], [0], [span[0]], [block.page], TABLE_SOURCE))
                continue
            unit = _cell_unit(units, text_cols, j, label, hdrs[j], row[j], grammar)
            if unit is None:
                continue  # nothing says what the number counts
            period = period_of_labels((hdrs[j], label, table.caption), meta)
            fig = _cell_figure(row[j], unit, hdrs[j], label, row_text, span or (block.start, block.end), block.page, period)
            if fig is not None and not excluded.overlaps(fig.start, fig.end):
                figures.append(fig)
                by_cell[(i, j)] = fig
                # A rate is not a sum: a total row's percentage has no parts.
                fig.is_total = is_total_row and not fig.is_percent
    _link_total_rows(total_rows, body, n_header, len(rows), by_cell)
    return figures, text_cells
