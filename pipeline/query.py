"""SQL over the output tables with DuckDB: each table is a view by its name.

`references` is a reserved word in SQL, so that view is written in double
quotes: `SELECT * FROM "references"`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.tables import PARTITION, TABLES, arrow_schema


def connect(out: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table of `out`.

    A table with no files yet is an empty view of the right columns, so a
    query never fails just because, say, no finding was raised.
    """
    out = Path(out)
    con = duckdb.connect()
    for table in TABLES:
        folder = out / table
        if folder.is_dir() and any(folder.rglob("*.parquet")):
            pattern = str(folder / "**" / "*.parquet").replace("'", "''")
            con.execute(
                f"CREATE VIEW \"{table}\" AS SELECT * FROM read_parquet('{pattern}', hive_partitioning = true, "
                f"hive_types = {{'{PARTITION.name}': INTEGER}}, union_by_name = true)"
            )
        else:
            empty = arrow_schema(table).append(pa.field(PARTITION.name, PARTITION.type)).empty_table()
            con.register(f"_{table}_empty", empty)
            con.execute(f"CREATE VIEW \"{table}\" AS SELECT * FROM _{table}_empty")
    return con

