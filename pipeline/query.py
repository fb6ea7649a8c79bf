"""SQL over the output tables with DuckDB: each table is a view by its name.

`references` is a reserved word in SQL, so that view is written in double
quotes: `SELECT * FROM "references"`.

The `findings` view is what users see: every finding with its
`review_status` (open, confirmed or dismissed: the latest verdict recorded
by `cchc review`) and `review_note`.  The rows as `cchc ingest` wrote them
are the view `findings_rows`, and the verdicts, all of them, `reviews`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.tables import PARTITION, REVIEWS, TABLES, arrow_schema

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


def _sql_type(arrow_type: pa.DataType) -> str:
    """The DuckDB type of an Arrow type, read off an empty table of it."""
    empty = pa.table({"x": pa.array([], type=arrow_type)})
    return str(duckdb.connect().sql("SELECT * FROM empty").types[0])


def connect(out: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table of `out`.

    A table with no files yet is an empty view of the right columns, so a
    query never fails just because, say, no finding was raised.
    """
    out = Path(out)
    con = duckdb.connect()
    for table in TABLES:
        name = "findings_rows" if table == "findings" else table
        folder = out / table
        # The findings of every report, not the reviews: those live apart.
        if folder.is_dir() and any(folder.glob(f"{PARTITION.name}=*/*.parquet")):
            pattern = _quoted(folder / f"{PARTITION.name}=*" / "*.parquet")
            source = (f"read_parquet('{pattern}', hive_partitioning = true, "
                      f"hive_types = {{'{PARTITION.name}': INTEGER}}, union_by_name = true)")
            # Files written by an older cchc may lack a column added since:
            # it reads as null rather than failing every query.
            present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            missing = [c for c in TABLES[table] if c.name not in present]
            extra = "".join(f", CAST(NULL AS {_sql_type(c.type)}) AS \"{c.name}\"" for c in missing)
            con.execute(f"CREATE VIEW \"{name}\" AS SELECT *{extra} FROM {source}")
        else:
            empty = arrow_schema(table).append(pa.field(PARTITION.name, PARTITION.type)).empty_table()
            con.register(f"_{table}_empty", empty)
            con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM _{table}_empty")
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
    return con
