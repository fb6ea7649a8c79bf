"""The `metric_catalogue` table: every canonical metric of
`patterns/metrics.yaml`, with its Vietnamese label, unit, area and how it is
recognised, and how many figures, targets, reports and comparison rows an
output folder holds for it.  Written with every run (`cchc metrics` lists it).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cchc.pipeline.output.compare import target_sql
from cchc.pipeline.output.labels import label, labels
from cchc.pipeline.patterns import entries
from cchc.pipeline.output.query import connect

PERCENT = "%"


def metric_unit(entry: dict) -> str:
    """The unit a reader sees for a metric: '%' for a rate, else its first
    unit, a kind of noun (`person`) named in words (`người`)."""
    units = [str(u) for u in entry.get("unit") or []]
    if PERCENT in units:
        return PERCENT
    return label("unit_kind", units[0]) if units else ""


def describe(entry: dict) -> str:
    """How a figure is recognised as the metric, in Vietnamese, from its rule."""
    if entry.get("description"):
        return str(entry["description"])
    kinds = labels("unit_kind")
    units = [kinds[u] + " (mọi loại)" if u in kinds else str(u) for u in entry.get("unit") or []]
    parts = [f"Đếm bằng: {', '.join(units)}"] if units else []
    for key, words in (("any", "có một trong các từ"), ("and_any", "và một trong các từ"),
                       ("sentence_any", "câu có một trong các từ"), ("none", "không có từ"),
                       ("sentence_none", "câu không có từ")):
        if entry.get(key):
            parts.append(f"{words}: {', '.join(map(str, entry[key]))}")
    return "; ".join(parts)


def catalogue_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """One row per canonical metric, in the order of patterns/metrics.yaml."""
    counted = {
        key: (figures, targets, reports)
        for key, figures, targets, reports in con.execute(
            f"""SELECT m.metric, count(*), count(*) FILTER (WHERE {target_sql(con)}), count(DISTINCT m.report_id)
                FROM metrics m WHERE m.metric IS NOT NULL GROUP BY m.metric"""
        ).fetchall()
    }
    compared = dict(con.execute("SELECT metric, count(*) FROM comparison GROUP BY metric").fetchall())
    rows = []
    for entry in entries("metrics"):
        key = entry["key"]
        figures, targets, reports = counted.get(key, (0, 0, 0))
        rows.append({
            "key": key,
            "label": entry.get("label") or key,
            "unit": metric_unit(entry),
            "units": ", ".join(map(str, entry.get("unit") or [])),
            "area": entry.get("area"),
            "is_percent": metric_unit(entry) == PERCENT,
            "description": describe(entry),
            "figures": figures,
            "targets": targets,
            "reports": reports,
            "comparison_rows": compared.get(key, 0),
        })
    return rows


def metric_catalogue(out: str | Path) -> list[dict]:
    return catalogue_rows(connect(out))


def series_unit(key: str, written: list[str | None], catalogue_units: dict[str, str]) -> str:
    """The unit to show for a metric's values: the one the reports wrote
    when they all wrote the same ('triệu đồng'), else the catalogue's."""
    units = {u for u in written if u}
    return units.pop() if len(units) == 1 else catalogue_units.get(key, "")
