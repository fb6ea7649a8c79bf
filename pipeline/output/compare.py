"""Across reports: one metric of one issuer over its periods, and the checks
that need more than one report.

`comparison` has one row per issuer × metric × period, built from each
report's own results (docs/comparison.md has the rule in full):

- a figure counts when it has a canonical metric and a period inside its
  report's period, is not a target or a plan (`metrics.is_target`: a figure
  a word of aim, plan or assignment governs, or one in a plan or
  recommendation section), and is not a part of a total
  of the same metric (the "14 máy tính để bàn" of "24 máy tính");
- one value per report, metric and period: the first such figure in a
  result section, else the first elsewhere;
- where two reports of the same issuer give the same metric and period, the
  later report counts, and a cross_report_mismatch finding says that they
  disagree.

Periods are measured by the calendar: a period from day d to the day before
d, n months later, is n months (01/01–31/12 and the statistical year
15/12–14/12 are both 12 months); any other period is measured in days only.
Each period is compared with the latest period of the same issuer and metric
that ends before it starts (one of the same length when there is one), never
with a period it overlaps: a 2021–2023 review stands apart from the years it
contains.  `comparable` is true when the two periods have the same length.
A figure one report gives for a period cannot be less than what the
issuer's other reports give for parts of it: that is a cross_report_mismatch
too.

A duplicate (`reports.duplicate_of`, see pipeline/output/duplicates.py) is not a
report of its own: its facts are not in the tables, and a byte-identical
copy, which shares its canonical's facts, is left out of the join here.

The figures are chosen in SQL over the output tables (DuckDB window
functions), so the cost stays small next to parsing however many reports
there are; the periods of each issuer and metric, a handful, are laid out in
Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow.parquet as pq

from cchc.pipeline.checks import INFO, WARNING, additive_metrics, finding_at, subperiod_contradictions, subperiod_message
from cchc.pipeline.model import as_row
from cchc.pipeline.output.labels import vn_date, vn_number
from cchc.pipeline.output.query import connect, has_column
from cchc.pipeline.output.tables import PARTITION, TABLES

# Sections whose figures are not results of the period, for a folder
# written before `metrics.is_target`.
NOT_RESULTS = ("plan", "recommendation")
AVERAGE_MONTH_DAYS = 365.25 / 12


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> int | None:
        """Whole calendar months, or None: from day d to the day before d,
        n months later, is n months (15/12/2022–14/12/2023 is 12)."""
        after = date.fromordinal(self.end.toordinal() + 1)
        if after.day != self.start.day:
            return None
        months = (after.year - self.start.year) * 12 + after.month - self.start.month
        return months if months > 0 else None

    def same_length(self, other: "Period") -> bool:
        """Comparable lengths: the same number of calendar months, or, for
        periods that are not whole months, the same number of days."""
        if self.months is not None and other.months is not None:
            return self.months == other.months
        return self.days == other.days

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: "Period") -> bool:
        return self.start <= other.start and other.end <= self.end and self != other

    def per_month(self, value: float) -> float:
        return value / self.months if self.months else value / (self.days / AVERAGE_MONTH_DAYS)


def previous_period(period: Period, others: list[Period]) -> Period | None:
    """The period to compare `period` with: the latest of `others` that ends
    before it starts, preferring one of the same length."""
    before = [p for p in others if p.end < period.start]
    if not before:
        return None
    same = [p for p in before if p.same_length(period)]
    return max(same or before, key=lambda p: (p.end, p.start))


def target_sql(con: duckdb.DuckDBPyConnection, alias: str = "m") -> str:
    """The SQL condition that a figure of `metrics` (as `alias`) is a target
    or a plan rather than a result: `is_target`, which the extractor gives
    every figure (pipeline/extract/counts/targets.py).  A folder written by
    an older cchc has no such column (it reads as null): there a figure in a
    plan or recommendation section is taken for a target, as that cchc did."""
    by_section = f"coalesce({alias}.section_kind, '') IN {NOT_RESULTS}"
    if not has_column(con, "metrics", "is_target"):
        return f"({by_section})"
    return f"coalesce({alias}.is_target, {by_section})"


def _stated_sql(target: str) -> str:
    """The figures that stand for their report, metric and period."""
    return f"""
CREATE TEMP VIEW stated AS
WITH candidates AS (
    SELECT r.issuer, r.issuer_code, r.report_id, r.report_date, r.source_path,
           m.metric, m.period_start, m.period_end, m.period_source, m.value, m.value_text, m.unit, m.is_percent, m.idx,
           m.char_start, m.char_end, m.sentence, m.section_path, m.page,
           row_number() OVER (PARTITION BY m.report_id, m.metric, m.period_start, m.period_end
                              ORDER BY CASE WHEN m.section_kind = 'result' THEN 0 ELSE 1 END, m.idx) AS nth,
           list(m.value) OVER (PARTITION BY m.report_id, m.metric, m.period_start, m.period_end) AS said
    FROM metrics m
    JOIN reports r USING (report_id)
    LEFT JOIN metrics total ON total.report_id = m.report_id AND total.idx = m.parent_idx
    WHERE m.metric IS NOT NULL AND m.period_start IS NOT NULL AND m.period_end IS NOT NULL
      AND r.issuer IS NOT NULL AND r.duplicate_of IS NULL
      AND NOT {target}
      AND total.metric IS DISTINCT FROM m.metric
      AND (r.period_start IS NULL OR m.period_start >= r.period_start)
      AND (r.period_end IS NULL OR m.period_end <= r.period_end)
)
SELECT * EXCLUDE (nth) FROM candidates WHERE nth = 1
"""


# Per issuer, metric and period, the value of the latest report.
_LATEST = """
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY issuer, issuer_code, metric, period_start, period_end
                                 ORDER BY report_date DESC NULLS LAST, source_path DESC) AS k
    FROM stated
)
SELECT issuer, issuer_code, metric, period_start, period_end, value, unit, is_percent, report_id, idx AS figure_idx
FROM ranked WHERE k = 1
ORDER BY issuer, issuer_code, metric, period_end, period_start
"""

# A later report of the same issuer stating another value for the same
# metric and period than the first report did.  A report may state a metric
# for a period more than once (an item before the total): the two disagree
# only when neither report states the other's value at all.
_METRIC_MISMATCHES = """
WITH ordered AS (
    SELECT *, first_value(value) OVER g AS first_value, first_value(report_id) OVER g AS first_report,
           first_value(said) OVER g AS first_said, row_number() OVER g AS pos
    FROM stated
    WINDOW g AS (PARTITION BY issuer, issuer_code, metric, period_start, period_end
                 ORDER BY report_date NULLS FIRST, source_path)
)
SELECT * EXCLUDE (said, first_said) FROM ordered
WHERE pos > 1 AND value <> first_value AND NOT list_contains(first_said, value) AND NOT list_contains(said, first_value)
ORDER BY report_id, char_start
"""

# Each report's first dated citation of a number, against the first report
# of the same issuer that cited it.  Within one issuer's reports only:
# "01/KH-UBND" of two districts are two documents.
_CITATION_MISMATCHES = """
WITH dated AS (
    SELECT r.issuer, x.report_id, x.number, x.issued_date, x.issued_date_text, x.section_path, x.page,
           x.char_start, x.char_end, x.sentence, r.report_date, r.source_path,
           row_number() OVER (PARTITION BY r.issuer, x.number, x.report_id ORDER BY x.char_start) AS nth
    FROM "references" x JOIN reports r USING (report_id)
    WHERE x.issued_date IS NOT NULL AND r.issuer IS NOT NULL AND r.duplicate_of IS NULL
), ordered AS (
    SELECT *, first_value(issued_date) OVER g AS first_date, first_value(report_id) OVER g AS first_report,
           row_number() OVER g AS pos
    FROM dated WHERE nth = 1
    WINDOW g AS (PARTITION BY issuer, number ORDER BY report_date NULLS FIRST, source_path, char_start)
)
SELECT * FROM ordered WHERE pos > 1 AND issued_date <> first_date
ORDER BY report_id, char_start
"""


# A report of which another version was read (same issuer, number and
# period, another text: pipeline/output/duplicates.py), pointed at its date line.
_VERSIONS = """
WITH dated AS (
    SELECT report_id, page, char_start, char_end, sentence, text,
           row_number() OVER (PARTITION BY report_id ORDER BY char_start) AS nth
    FROM dates WHERE role = 'report_date'
)
SELECT r.report_id, r.doc_number, r.report_date, r.other_versions, split_part(r.other_versions, ' ', 1) AS first_report,
       NULL AS section_path, coalesce(d.page, 1) AS page, coalesce(d.char_start, 0) AS char_start,
       coalesce(d.char_end, 0) AS char_end, coalesce(d.sentence, '') AS sentence, d.text AS date_text
FROM reports r LEFT JOIN dated d ON d.report_id = r.report_id AND d.nth = 1
WHERE r.other_versions IS NOT NULL AND r.duplicate_of IS NULL
ORDER BY r.report_id
"""


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _across(row: dict, check: str, message: str, stated=None, computed=None, evidence=None) -> dict:
    """A finding row about the report of `row`, pointing at the first report."""
    finding = finding_at(SimpleNamespace(**row), check, WARNING, message, stated, computed, evidence)
    finding.related_report_id = row["first_report"]
    return {"report_id": row["report_id"], **as_row(finding)}


def comparison_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rows of `comparison`: each issuer's periods of each metric, with
    the period each is compared with."""
    rows = []
    for _, series in groupby(_records(con, _LATEST), key=lambda r: (r["issuer"], r["issuer_code"], r["metric"])):
        series = list(series)
        periods = [Period(r["period_start"], r["period_end"]) for r in series]
        values = dict(zip(periods, series))
        for row, period in zip(series, periods):
            others = [p for p in periods if p != period]
            before = previous_period(period, others)
            previous = values[before]["value"] if before else None
            rows.append({
                **row,
                "days": period.days,
                "months": period.months,
                "previous_period_start": before.start if before else None,
                "previous_period_end": before.end if before else None,
                "previous_value": previous,
                "change": None if previous is None else round(row["value"] - previous, 6),
                "comparable": None if before is None else period.same_length(before),
                "contains_other_periods": any(period.contains(p) for p in others),
                "overlaps_other_periods": any(period.overlaps(p) for p in others),
                "monthly_rate": None if row["is_percent"] else round(period.per_month(row["value"]), 4),
                PARTITION.name: period.end.year,
            })
    columns = {c.name for c in TABLES["comparison"]} | {PARTITION.name}
    return [{k: v for k, v in row.items() if k in columns} for row in rows]


def _figure(row: dict) -> str:
    return f"{row['value_text']} {row['unit']}" if row.get("value_text") else f"{row['value']:g}"


def subperiod_findings(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """A figure one report gives for a period, less than what other reports
    of the same issuer give for parts of it (the 2021 and 2022 reports' 45
    and 38 documents against a 2021–2023 review's 32)."""
    by_issuer: dict[tuple, list[SimpleNamespace]] = {}
    sql = f"""
        SELECT r.issuer, r.issuer_code, r.report_id, r.period_end AS report_period_end,
               -- the versions of one report are one source: a report is not set against its own draft
               list_min(string_split(concat_ws(' ', r.report_id, r.other_versions), ' ')) AS source,
               m.metric, m.period_start, m.period_end, m.period_source,
               m.value, m.value_text, m.unit, m.is_percent, m.parent_idx, m.idx, m.char_start, m.char_end,
               m.sentence, m.section_path, m.page
        FROM metrics m JOIN reports r USING (report_id)
        WHERE m.metric IN ({_listed(additive_metrics())}) AND r.issuer IS NOT NULL AND r.duplicate_of IS NULL
        ORDER BY r.report_id, m.idx"""
    for row in _records(con, sql):
        by_issuer.setdefault((row["issuer"], row["issuer_code"]), []).append(SimpleNamespace(**row))
    findings = []
    for figures in by_issuer.values():
        for whole, parts in subperiod_contradictions(figures, source=lambda f: f.source,
                                                     until=lambda f: f.report_period_end):
            row = {**vars(whole.first), "first_report": parts[0].first.report_id}
            message = f"Chỉ tiêu {row['metric']}: {subperiod_message(whole, parts)} theo các báo cáo khác của cùng cơ quan"
            findings.append(_across(row, "cross_report_mismatch", message, whole.total,
                                    sum(p.value for p in parts), _figure(row)))
    return findings


def _listed(keys) -> str:
    return ", ".join("'" + k.replace("'", "''") + "'" for k in sorted(keys)) or "NULL"


def cross_report_findings(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Findings that compare two reports of the same issuer, and the
    reports that exist in more than one version."""
    findings = []
    for row in _records(con, _METRIC_MISMATCHES):
        message = (
            f"Chỉ tiêu {row['metric']} kỳ {vn_date(row['period_start'])}–{vn_date(row['period_end'])}: "
            f"báo cáo này nêu {vn_number(row['value'])}, báo cáo khác của cùng cơ quan nêu "
            f"{vn_number(row['first_value'])}"
        )
        findings.append(_across(row, "cross_report_mismatch", message, row["value"], row["first_value"],
                                _figure(row)))
    findings += subperiod_findings(con)
    for row in _records(con, _CITATION_MISMATCHES):
        message = (
            f"Văn bản số {row['number']} được dẫn ngày {row['issued_date']:%d/%m/%Y}, "
            f"báo cáo khác dẫn ngày {row['first_date']:%d/%m/%Y}"
        )
        findings.append(_across(row, "cross_report_citation_date", message, evidence=row["issued_date_text"]))
    for row in _records(con, _VERSIONS):
        n = len(row["other_versions"].split())
        message = (
            f"Báo cáo số {row['doc_number']} có {n} phiên bản khác cùng số hiệu, cùng kỳ nhưng nội dung khác "
            f"({row['other_versions']}): số liệu có thể khác nhau giữa các phiên bản"
        )
        finding = _across(row, "report_version", message, evidence=row["date_text"])
        finding["severity"] = INFO
        findings.append(finding)
    return findings


def comparison_is_current(out: str | Path) -> bool:
    """Whether `out` has a comparison with every column declared now (an
    older cchc wrote fewer: it is computed again, since the reports that
    feed it are skipped as unchanged)."""
    files = sorted((Path(out) / "comparison").glob("*/*.parquet"))
    if not files:
        return False
    return {c.name for c in TABLES["comparison"]} <= set(pq.read_schema(files[0]).names)


def compare_reports(out: str | Path) -> tuple[list[dict], list[dict]]:
    """The comparison rows and the cross-report findings of an output folder,
    each finding with the `report_year` of the report it is about."""
    con = connect(out)
    con.execute(_stated_sql(target_sql(con)))
    findings = cross_report_findings(con)
    years = dict(con.execute("SELECT report_id, report_year FROM reports").fetchall())
    for f in findings:
        f[PARTITION.name] = years.get(f["report_id"])
    return comparison_rows(con), findings
