"""Across reports: one metric of one issuer over its periods, and the checks
that need more than one report.

`comparison` has one row per issuer × metric × period.  Where one report
states a metric twice for the same period, its first statement counts; where
two reports of the same issuer state it for the same period, the later report
counts, and a cross_report_mismatch finding says that they disagree.  Periods
of different lengths (a 20-month review against an annual report) are marked
not comparable, and a monthly rate is given for counts so they can still be
set side by side.  A figure one report gives for a period cannot be less than
what the issuer's other reports give for parts of it: that is a
cross_report_mismatch too.

A duplicate (`reports.duplicate_of`, see pipeline/duplicates.py) is not a
report of its own: its facts are not in the tables, and a byte-identical
copy, which shares its canonical's facts, is left out of the join here.

All of it is SQL over the output tables (DuckDB window functions), so the
cost stays small next to parsing however many reports there are; Python only
walks the rows that become findings.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import duckdb

from pipeline.checks import INFO, WARNING, additive_metrics, finding_at, subperiod_contradictions, subperiod_message
from pipeline.query import connect
from pipeline.tables import PARTITION, TABLES

# The first statement of each metric, per report and period, with its issuer.
_STATED = """
CREATE TEMP VIEW stated AS
WITH numbered AS (
    SELECT r.issuer, r.issuer_code, r.report_id, r.report_date, r.source_path,
           m.metric, m.period_start, m.period_end, m.period_source, m.value, m.value_text, m.unit, m.is_percent,
           m.idx,
           m.char_start, m.char_end, m.sentence, m.section_path, m.page,
           row_number() OVER (PARTITION BY m.report_id, m.metric, m.period_start, m.period_end ORDER BY m.idx) AS nth,
           list(m.value) OVER (PARTITION BY m.report_id, m.metric, m.period_start, m.period_end) AS said
    FROM metrics m JOIN reports r USING (report_id)
    WHERE m.metric IS NOT NULL AND m.period_start IS NOT NULL AND m.period_end IS NOT NULL
      AND r.issuer IS NOT NULL AND r.duplicate_of IS NULL
)
SELECT * EXCLUDE (nth) FROM numbered WHERE nth = 1
"""

_COMPARISON = f"""
WITH latest AS (
    SELECT *, (year(period_end) - year(period_start)) * 12 + month(period_end) - month(period_start) + 1 AS months,
           row_number() OVER (PARTITION BY issuer, issuer_code, metric, period_start, period_end
                              ORDER BY report_date DESC NULLS LAST, source_path DESC) AS k
    FROM stated
)
SELECT issuer, issuer_code, metric, period_start, period_end, months, value, is_percent, report_id,
       lag(value) OVER w AS previous_value,
       value - lag(value) OVER w AS change,
       CASE WHEN lag(months) OVER w IS NULL THEN NULL ELSE months = lag(months) OVER w END AS comparable,
       CASE WHEN is_percent THEN NULL ELSE round(value / months, 4) END AS monthly_rate,
       year(period_end) AS {PARTITION.name}
FROM latest WHERE k = 1
WINDOW w AS (PARTITION BY issuer, issuer_code, metric ORDER BY period_end, period_start)
ORDER BY issuer, metric, period_end, period_start
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
# period, another text: pipeline/duplicates.py), pointed at its date line.
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
    return {"report_id": row["report_id"], **asdict(finding)}


def comparison_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    columns = {c.name for c in TABLES["comparison"]} | {PARTITION.name}
    return [{k: v for k, v in row.items() if k in columns} for row in _records(con, _COMPARISON)]


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
            f"Chỉ tiêu {row['metric']} kỳ {row['period_start']:%d/%m/%Y}–{row['period_end']:%d/%m/%Y}: "
            f"báo cáo này nêu {row['value']:g}, báo cáo khác của cùng cơ quan nêu {row['first_value']:g}"
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


def compare_reports(out: str | Path) -> tuple[list[dict], list[dict]]:
    """The comparison rows and the cross-report findings of an output folder,
    each finding with the `report_year` of the report it is about."""
    con = connect(out)
    con.execute(_STATED)
    findings = cross_report_findings(con)
    years = dict(con.execute("SELECT report_id, report_year FROM reports").fetchall())
    for f in findings:
        f[PARTITION.name] = years.get(f["report_id"])
    return comparison_rows(con), findings
