"""Auditor checks within one report: figures and citations that do not hold
together.  Each finding points at its evidence (section, page, span,
sentence) and says what is wrong in Vietnamese, in the report's own words.

The checks, by name (the `check` column):
- sum_mismatch: a total whose listed parts do not add up ("24 máy tính,
  trong đó có 14 … , 9 …").  A total with a single part is a subset, not a
  breakdown, and is left alone.
- table_total: the same for a statistics table's total row.
- claimed_vs_listed: "32 văn bản …, cụ thể như sau:" against the documents
  listed after it.  A listed document is the first cited document of each
  list clause; documents cited inside another's summary are not counted.
- out_of_period: a document of the reporting body listed as the period's
  output ("đã ban hành …"), dated outside the period.
- conflicting_citation: one number cited with different dates, or with
  summaries that agree but for a number ("định hướng đến năm 2023" / "2030").
- missing_year: a normative document number without its year.
- unknown_code: an issuer code not in `patterns/issuers.yaml`; a warning
  when the report shows it is a slip for a code it uses (SNg for SNgV).
- type_code_mismatch: a type word that disagrees with the type code.
- percent_over_100, date_after_report, period_outside_report.
- subperiod_mismatch: a figure for a period that is less than the same
  figure for a part of it ("năm 2021: 45 văn bản" against "từ 01/01/2021 đến
  31/8/2023: 32 văn bản").

The checks live by family: `figures` (totals, percentages, periods and
sub-periods), `lists` (claimed counts, the period's output), `citations`
(codes, years, type words, dates); `base` holds the finding itself.
What each asserts, its severity and when it stays silent: docs/checks.md.
One finding per fault: a sentence with several figures of another period,
or several numbers with the same wrong code, is one finding whose evidence
spans name every one.
"""

from __future__ import annotations

from datetime import date

from cchc.pipeline.checks.base import ERROR, INFO, WARNING, Finding, finding_at, has_role, span_of
from cchc.pipeline.checks.citations import (conflicting_citations, dates_after_report, missing_years,
                                       type_code_mismatches, unknown_codes)
from cchc.pipeline.checks.figures import (_PERCENT, PeriodFigure, additive_metrics, percent_window, percents_over_100, periods_outside_report,
                                     subperiod_contradictions, subperiod_message, subperiod_mismatches,
                                     sum_mismatches, within)
from cchc.pipeline.checks.lists import _clause_heads, _side_by_side, _listed_region, claims_against_lists, list_openings, out_of_period
from cchc.pipeline.extract.counts import Count
from cchc.pipeline.extract.dates import DateRow
from cchc.pipeline.extract.references import Reference
from cchc.pipeline.model import PARAGRAPH, Document, ReportMeta
from cchc.pipeline.patterns import IGNORECASE, compile_pattern, example_checker, search_failures

__all__ = [
    "ERROR", "INFO", "WARNING", "Finding", "PeriodFigure", "additive_metrics", "check_report", "finding_at",
    "has_role", "span_of", "subperiod_contradictions", "subperiod_message", "within",
]


@example_checker("finding_context")
def _check_context(entry: dict) -> list[str]:
    if entry["name"] == "additive":
        return _check_additive(entry)
    if entry["name"] == "not_a_share":
        return _check_not_a_share(entry)
    if entry["name"] == "side_by_side":
        whole_gap = _side_by_side()
        fails = [f"side_by_side: {t!r} should be a gap" for t in entry["examples"] if not whole_gap.fullmatch(t)]
        return fails + [f"side_by_side: {t!r} should not be a gap" for t in entry["counter_examples"]
                        if whole_gap.fullmatch(t)]
    return search_failures(entry, compile_pattern(entry["regex"], IGNORECASE))


def _check_not_a_share(entry: dict) -> list[str]:
    """Each example's first percentage must be read as not a share, and no
    counter-example's."""
    def silent(t: str) -> bool:
        m = _PERCENT.search(t)
        return m is not None and has_role("not_a_share", percent_window(t[: m.start()], t[m.end() :]))

    fails = [f"not_a_share: {t!r} should be silent" for t in entry["examples"] if not silent(t)]
    fails += [f"not_a_share: {t!r} should be a share" for t in entry["counter_examples"] if silent(t)]
    return fails


def _check_additive(entry: dict) -> list[str]:
    """The additive metrics' examples, through the real extractor: each
    example must give a subperiod_mismatch and no counter-example may."""
    from cchc.pipeline.extract import extract
    from cchc.pipeline.model import Block
    from cchc.pipeline.text.normalize import normalize_document
    from cchc.pipeline.outline.structure import build_sections

    meta = ReportMeta(issuer_code="STP", period_start=date(2021, 1, 1), period_end=date(2022, 12, 31))

    def checks_of(text: str) -> list[str]:
        doc = normalize_document(Document("example.txt", "txt", [Block(PARAGRAPH, text)]))
        facts = extract(doc, build_sections(doc), meta)
        return [f.check for f in subperiod_mismatches(facts.counts, meta)]

    fails = [f"additive: {t!r} should give a subperiod_mismatch" for t in entry["examples"]
             if "subperiod_mismatch" not in checks_of(t)]
    fails += [f"additive: {t!r} should give none" for t in entry["counter_examples"] if checks_of(t)]
    return fails


# ------------------------------------------------------------------ all ---


def check_report(
    doc: Document,
    meta: ReportMeta,
    references: list[Reference],
    dates: list[DateRow],
    counts: list[Count],
) -> list[Finding]:
    """Every within-report check, findings in text order."""
    listed: set[int] = set()
    for m in list_openings(doc.text):
        region = _listed_region(doc, m.end())
        if region and has_role("issued", doc.text[max(0, m.start() - 300) : m.start()]):
            listed |= {r.mention_idx for r in _clause_heads(doc.text, region, references)}
    findings = (
        sum_mismatches(counts, doc)
        + subperiod_mismatches(counts, meta)
        + percents_over_100(counts, doc.text)
        + periods_outside_report(counts, meta, doc.text)
        + claims_against_lists(doc, counts, references)
        + unknown_codes(references, meta.issuer_code)
        + missing_years(references)
        + type_code_mismatches(doc, references)
        + conflicting_citations(references)
        + out_of_period(doc, meta, references, listed)
        + dates_after_report(meta, dates)
    )
    return sorted(findings, key=lambda f: (f.char_start, f.check))

