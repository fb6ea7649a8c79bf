"""Across reports: one metric of one issuer over its periods, and the checks
that need more than one report.

`comparison` has one row per issuer × metric × period.  Where one report
states a metric twice for the same period, its first statement counts; where
two reports of the same issuer state it for the same period, the later report
counts, and a cross_report_mismatch finding says that they disagree.  Periods
of different lengths (a 20-month review against an annual report) are marked
not comparable, and a monthly rate is given for counts so they can still be
set side by side.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.checks import WARNING, finding_at
from pipeline.query import connect
from pipeline.tables import PARTITION

# The first statement of each metric, per report and period, with its issuer.
_STATEMENTS = """
WITH stated AS (
    SELECT r.issuer, r.issuer_code, r.report_id, r.report_date, r.source_path,
           m.metric, m.period_start, m.period_end, m.value, m.is_percent, m.idx,
           m.char_start, m.char_end, m.sentence, m.section_path, m.page,
           row_number() OVER (PARTITION BY m.report_id, m.metric, m.period_start, m.period_end ORDER BY m.idx) AS nth
    FROM metrics m JOIN reports r USING (report_id)
    WHERE m.metric IS NOT NULL AND m.period_start IS NOT NULL AND m.period_end IS NOT NULL
      AND r.issuer IS NOT NULL
)
SELECT * EXCLUDE (nth) FROM stated WHERE nth = 1
"""


def _months(start, end) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def statements(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(_STATEMENTS).df()


def comparison_rows(stated: pd.DataFrame) -> list[dict]:
    """The comparison table from the first statement of each metric per report."""
    rows: list[dict] = []
    if stated.empty:
        return rows
    latest = (
        stated.sort_values(["report_date", "source_path"], na_position="first")
        .groupby(["issuer", "issuer_code", "metric", "period_start", "period_end"], dropna=False, sort=False)
        .tail(1)
    )
    for (issuer, code, metric), series in latest.groupby(["issuer", "issuer_code", "metric"], dropna=False, sort=True):
        previous = None
        for s in series.sort_values(["period_end", "period_start"]).itertuples(index=False):
            months = _months(s.period_start, s.period_end)
            row = {
                "issuer": issuer,
                "issuer_code": code,
                "metric": metric,
                "period_start": s.period_start,
                "period_end": s.period_end,
                "months": months,
                "value": float(s.value),
                "is_percent": bool(s.is_percent),
                "report_id": s.report_id,
                "previous_value": None,
                "change": None,
                "comparable": None,
                "monthly_rate": None if s.is_percent else round(float(s.value) / months, 4),
                PARTITION.name: s.period_end.year,
            }
            if previous is not None:
                row["previous_value"] = previous["value"]
                row["change"] = row["value"] - previous["value"]
                row["comparable"] = months == previous["months"]
            rows.append(row)
            previous = row
    return rows


def _across(later, first, check: str, message: str, stated=None, computed=None, evidence=None) -> dict:
    """A finding row about the `later` report, pointing at the `first`."""
    finding = finding_at(later, check, WARNING, message, stated, computed, evidence)
    finding.related_report_id = first.report_id
    return {"report_id": later.report_id, **asdict(finding)}


def cross_report_findings(stated: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Findings that compare two reports of the same issuer."""
    findings: list[dict] = []
    groups = stated.groupby(["issuer", "issuer_code", "metric", "period_start", "period_end"], dropna=False)
    for (_, _, metric, start, end), group in groups:
        if group.value.nunique() < 2:
            continue
        ordered = group.sort_values(["report_date", "source_path"], na_position="first")
        first = ordered.iloc[0]
        for later in ordered.iloc[1:].itertuples(index=False):
            if later.value != first.value:
                message = (
                    f"Chỉ tiêu {metric} kỳ {start:%d/%m/%Y}–{end:%d/%m/%Y}: báo cáo này nêu {later.value:g}, "
                    f"báo cáo khác của cùng cơ quan nêu {first.value:g}"
                )
                findings.append(
                    _across(later, first, "cross_report_mismatch", message, float(later.value), float(first.value))
                )
    cited = con.execute(
        """
        SELECT r.issuer, x.report_id, x.number, x.issued_date, x.issued_date_text, x.section_path, x.page,
               x.char_start, x.char_end, x.sentence, r.report_date, r.source_path
        FROM "references" x JOIN reports r USING (report_id)
        WHERE x.issued_date IS NOT NULL
        """
    ).df()
    # Within one issuer's reports: "01/KH-UBND" of two districts are two documents.
    for (_, number), group in cited.groupby(["issuer", "number"]):
        by_report = group.sort_values(["report_date", "source_path", "char_start"]).drop_duplicates("report_id")
        if by_report.issued_date.nunique() < 2:
            continue
        first = by_report.iloc[0]
        for later in by_report.iloc[1:].itertuples(index=False):
            if later.issued_date != first.issued_date:
                message = (
                    f"Văn bản số {number} được dẫn ngày {later.issued_date:%d/%m/%Y}, "
                    f"báo cáo khác dẫn ngày {first.issued_date:%d/%m/%Y}"
                )
                findings.append(
                    _across(later, first, "cross_report_citation_date", message, evidence=later.issued_date_text)
                )
    return findings


def compare_reports(out: str | Path) -> tuple[list[dict], list[dict]]:
    """The comparison rows and the cross-report findings of an output folder,
    each finding with the `report_year` of the report it is about."""
    con = connect(out)
    stated = statements(con)
    findings = cross_report_findings(stated, con)
    years = dict(con.execute("SELECT report_id, report_year FROM reports").fetchall())
    for f in findings:
        f[PARTITION.name] = years.get(f["report_id"])
    return comparison_rows(stated), findings
