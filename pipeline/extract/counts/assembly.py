"""Tables as a reader sees them: one table that runs over a page break is
one table, whatever the format.

A reader gives a table per page (PDF) or per piece (a DOCX table split by a
page break, or written twice with its header repeated).  Two table blocks
are one table when nothing of the body stands between them (only a page's
running header and footer, or its footnotes), they have the same number of
columns, and the second one opens with the first one's header rows repeated
or with a data row; a repeated header (and its column-numbering row) is
dropped.  A second table with a header of its own is a table of its own.

This works on the Document after reading and normalising, for every format:
the blocks are left as they are, and each row keeps the block it came from,
so a cell's span and page stay its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.pipeline.text.numbers import NUMBER
from cchc.pipeline.model import BODY_KINDS, TABLE, Block, Document
from cchc.pipeline.patterns import IGNORECASE, compile_pattern

CELL_NUMBER = compile_pattern(rf"\s*+(?P<num>{NUMBER})\s*+(?P<pct>%)?+\s*+")
COLUMN_NUMBER = compile_pattern(r"^\s*+\(\s*+\d++\s*+\)(?:\s*+=.*+)?+\s*+$")
_MAX_HEADER_ROWS = 4
# "(tiếp theo)", "Biểu 01 (tiếp)": a note that the table goes on.
_CONTINUED = compile_pattern(r"^[^\n]{0,40}?\(?tiếp(?:\s++theo)?+\)?+[.:]?+\s*+$", IGNORECASE)


def is_numeric(cell: str) -> bool:
    return bool(CELL_NUMBER.fullmatch(cell))


@dataclass
class Table:
    """One table as read: its rows (padded to one width), and for each row
    the block it came from and the Document span of each cell (None when
    its text was not found)."""

    rows: list[list[str]]
    blocks: list[Block]  # the block of each row
    spans: list[list[tuple[int, int] | None]]
    caption: str  # the short paragraph before the table, if any

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def header_rows(self) -> int:
        """The leading rows without a number (at most four); none when no
        row has a number (a layout table)."""
        n = 0
        while n < min(len(self.rows), _MAX_HEADER_ROWS) and not any(is_numeric(c) for c in self.rows[n]):
            n += 1
        return 0 if n == len(self.rows) else n


def _cell_spans(block: Block, rows: list[list[str]]) -> list[list[tuple[int, int] | None]]:
    """Where each cell's text stands in the block text (rows joined by
    "\\n", cells by "\\t"), as Document offsets; None when it is not found."""
    spans = []
    cursor = 0
    for row in rows:
        row_spans: list[tuple[int, int] | None] = []
        for cell in row:
            text = cell.strip()
            at = block.text.find(text, cursor) if text else -1
            if at < 0:
                row_spans.append(None)
                continue
            row_spans.append((block.start + at, block.start + at + len(text)))
            cursor = at + len(text)
        spans.append(row_spans)
    return spans


def _table_of(block: Block, caption: str) -> Table | None:
    rows = [list(r) for r in block.cells or [] if any(c.strip() for c in r)]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return Table(rows, [block] * len(rows), _cell_spans(block, rows), caption)


def _same_row(a: list[str], b: list[str]) -> bool:
    return [" ".join(c.split()).lower() for c in a] == [" ".join(c.split()).lower() for c in b]


def _continues(table: Table, more: Table) -> bool:
    """Whether `more` goes on with `table`: same columns, and it opens with
    the header repeated or with a data row."""
    if more.width != table.width or not more.rows:
        return False
    n = table.header_rows()
    if n and len(more.rows) > n and all(_same_row(table.rows[k], more.rows[k]) for k in range(n)):
        return True
    first = [c.strip() for c in more.rows[0]]
    return any(is_numeric(c) for c in first) or all(COLUMN_NUMBER.match(c) or not c for c in first)


def _append(table: Table, more: Table) -> None:
    """Add the rows of `more`, without its repeated header and numbering rows."""
    skip = 0
    n = table.header_rows()
    if n and all(_same_row(table.rows[k], more.rows[k]) for k in range(min(n, len(more.rows)))):
        skip = n
    while skip < len(more.rows) and all(COLUMN_NUMBER.match(c) or not c.strip() for c in more.rows[skip]):
        skip += 1
    table.rows += more.rows[skip:]
    table.blocks += more.blocks[skip:]
    table.spans += more.spans[skip:]


def assemble_tables(doc: Document) -> list[Table]:
    """The tables of a document, each table continued over a page break or
    split by one read as one."""
    tables: list[Table] = []
    previous: Block | None = None  # the last body block seen
    for block in doc.blocks:
        if block.kind not in BODY_KINDS:
            continue  # running headers, footers and footnotes may stand between two pieces
        if block.kind != TABLE and previous is not None and previous.kind == TABLE and _CONTINUED.match(block.text):
            continue
        if block.kind == TABLE and block.cells:
            caption = previous.text if previous is not None and previous.kind != TABLE and len(previous.text) < 300 else ""
            table = _table_of(block, caption)
            if table is not None:
                if previous is not None and previous.kind == TABLE and tables and _continues(tables[-1], table):
                    _append(tables[-1], table)
                else:
                    tables.append(table)
        previous = block
    return tables
