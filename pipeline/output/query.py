"""SQL over the output tables with DuckDB: each table is a view by its name.

`references` is a reserved word in SQL, so that view is written in double
quotes: `SELECT * FROM "references"`; so is `check`, the findings' column.

For analysts there are three views that need no join and no quoting:

- `metrics_v`, `findings_v`, `references_v`: each fact with its report's
  file, issuer and period beside it (`source_path`, `issuer`,
  `issuer_code`, `report_date`, `report_date_precision`,
  `report_period_start`, `report_period_end`, `report_year`), and the
  Vietnamese words of every code column (`area_label`, `check_label` ...);
  `metrics_v.in_comparison` marks the figures `comparison` keeps (one per
  report, metric and period: docs/comparison.md).
  In `findings_v` the check is `check_name`; in `references_v` the cited
  document's own issuer code and year are `doc_issuer_code` and `doc_year`,
  so that `issuer_code` is the reporting body's in all three.
- `code_labels`: every code and its Vietnamese words (group, code, label).

The `findings` view is what users see: every finding with its
`review_status` (open, confirmed or dismissed: the latest verdict recorded
by `cchc review`) and `review_note`.  The rows as `cchc ingest` wrote them
are the view `findings_rows`, and the verdicts, all of them, `reviews`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from cchc.pipeline.output.labels import label_rows
from cchc.pipeline.output.tables import PARTITION, REVIEWS, TABLES, UNPARTITIONED, arrow_schema

# The report's columns each analyst view carries, under these names.
_REPORT_COLUMNS = {
    "source_path": "source_path",
    "issuer": "issuer",
    "issuer_code": "issuer_code",
    "report_date": "report_date",
    "report_date_precision": "report_date_precision",
    "period_start": "report_period_start",
    "period_end": "report_period_end",
}

# view → (table, its columns renamed in the view)
ANALYST_VIEWS = {
    "metrics_v": ("metrics", {}),
    "findings_v": ("findings", {"check": "check_name"}),
    "references_v": ("references", {"issuer_code": "doc_issuer_code", "year": "doc_year"}),
}


REVIEWS_FILE = Path("reviews") / "reviews.parquet"

# The latest verdict of each finding joined to it; no verdict is "open".
_FINDINGS_VIEW = """
CREATE VIEW findings AS
WITH latest AS (
    SELECT finding_id, verdict, note
    FROM _reviews_rows
    QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY "at" DESC, recorded DESC) = 1
)
SELECT f.*, coalesce(l.verdict, 'open') AS review_status, l.note AS review_note
FROM findings_rows f LEFT JOIN latest l USING (finding_id)
"""


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")



def connect(out: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table of `out`, the
    analysts' views and `code_labels`.

    A table with no files yet is an empty view of the right columns, so a
    query never fails just because, say, no finding was raised.
    """
    out = Path(out)
    con = duckdb.connect()
    for table in TABLES:
        name = "findings_rows" if table == "findings" else table
        folder = out / table
        if folder.is_dir() and any(folder.rglob("*.parquet")):
            pattern = str(folder / "**" / "*.parquet").replace("'", "''")
            if table in UNPARTITIONED:
                source = f"read_parquet('{pattern}', union_by_name = true)"
            else:
                source = (f"read_parquet('{pattern}', hive_partitioning = true, "
                          f"hive_types = {{'{PARTITION.name}': INTEGER}}, union_by_name = true)")
            # Files written by an older cchc may lack a column declared since:
            # it reads as null rather than failing every query.
            present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            missing = "".join(f', CAST(NULL AS {_sql_type(c.type)}) AS "{c.name}"'
                              for c in TABLES[table] if c.name not in present)
            con.execute(f'CREATE VIEW "{name}" AS SELECT *{missing} FROM {source}')
        else:
            empty = arrow_schema(table)
            if table not in UNPARTITIONED:
                empty = empty.append(pa.field(PARTITION.name, PARTITION.type))
            con.register(f"_{table}_empty", empty.empty_table())
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM _{table}_empty')
    reviews = out / REVIEWS_FILE
    if reviews.is_file():
        # The file keeps verdicts in the order they were recorded: within one
        # second, the later row is the later verdict.
        con.execute(f"CREATE VIEW _reviews_rows AS SELECT *, file_row_number AS recorded "
                    f"FROM read_parquet('{_quoted(reviews)}', file_row_number = true)")
        con.execute("CREATE VIEW reviews AS SELECT * EXCLUDE (recorded) FROM _reviews_rows")
    else:
        con.register("_reviews_empty", pa.schema([pa.field(c.name, c.type) for c in REVIEWS]).empty_table())
        con.execute("CREATE VIEW _reviews_rows AS SELECT *, 0::BIGINT AS recorded FROM _reviews_empty")
        con.execute("CREATE VIEW reviews AS SELECT * FROM _reviews_empty")
    con.execute(_FINDINGS_VIEW)
    _create_analyst_views(con)
    return con


def _sql_type(arrow_type: pa.DataType) -> str:
    """The DuckDB type of an Arrow type, read off an empty table of it."""
    empty = pa.table({"x": pa.array([], type=arrow_type)})  # noqa: F841 (read by DuckDB by its name)
    return str(duckdb.connect().sql("SELECT * FROM empty").types[0])


def has_column(con: duckdb.DuckDBPyConnection, view: str, column: str) -> bool:
    return column in [d[0] for d in con.execute(f'SELECT * FROM "{view}" LIMIT 0').description]


def _create_analyst_views(con: duckdb.DuckDBPyConnection) -> None:
    labels = pa.table(dict(zip(("group", "code", "label"), map(list, zip(*label_rows())))))
    con.register("_code_labels", labels)
    con.execute('CREATE VIEW code_labels AS SELECT "group", code, label FROM _code_labels')
    # The same bytes found under two paths are one report with two rows in
    # `reports`: a fact joins one of them only, the canonical file first.
    canonical_first = "duplicate_of IS NOT NULL, " if has_column(con, "reports", "duplicate_of") else ""
    con.execute("CREATE TEMP VIEW one_row_per_report AS SELECT * FROM reports QUALIFY row_number() OVER "
                f"(PARTITION BY report_id ORDER BY {canonical_first}source_path) = 1")
    for view, (table, renamed) in ANALYST_VIEWS.items():
        present = [d[0] for d in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
        select = []
        for name in present:
            if name == PARTITION.name:
                continue  # the report's, below
            select.append(f't."{name}" AS "{renamed.get(name, name)}"')
        select += [f'r."{col}" AS "{alias}"' for col, alias in _REPORT_COLUMNS.items()]
        select.append(f't."{PARTITION.name}" AS "{PARTITION.name}"')
        if table == "metrics":  # the figure `comparison` keeps for its report, metric and period
            select.append("EXISTS (SELECT 1 FROM comparison c WHERE c.report_id = t.report_id "
                          "AND c.figure_idx = t.idx) AS in_comparison")
        joins = []
        for i, column in enumerate(c for c in TABLES[table] if c.codes and c.name in present):
            alias = f"l{i}"
            joins.append(f'LEFT JOIN code_labels {alias} ON {alias}."group" = \'{column.codes}\' '
                         f'AND {alias}.code = t."{column.name}"')
            name = renamed.get(column.name, column.name)
            name = name[: -len("_name")] if name.endswith("_name") else name
            select.append(f'{alias}.label AS "{name}_label"')
        con.execute(
            f'CREATE VIEW {view} AS SELECT {", ".join(select)} FROM "{table}" t '
            f'LEFT JOIN one_row_per_report r ON r.report_id = t.report_id {" ".join(joins)}'
        )
