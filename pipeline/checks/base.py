"""What every check shares: the finding, how it points at its evidence,
and the words of patterns/finding_context.yaml that explain a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from cchc.pipeline.patterns import IGNORECASE, Pattern, compile_pattern, entries

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass
class Finding:
    check: str
    severity: str
    message: str
    value_stated: float | None
    value_computed: float | None
    section_path: str | None
    page: int
    char_start: int
    char_end: int
    sentence: str
    evidence: str | None = None  # the words at fault, as written
    related_report_id: str | None = None
    # Every span the finding rests on (a total and each of its parts), each
    # {"char_start", "char_end", "text"}; the first is the main one.
    evidence_spans: list[dict] = field(default_factory=list)


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def span_of(fact, text: str | None = None) -> dict:
    """One evidence span: a fact's characters, and the words they hold."""
    return {"char_start": fact.char_start, "char_end": fact.char_end, "text": text}


def finding_at(
    fact,
    check: str,
    severity: str,
    message: str,
    stated: float | None = None,
    computed: float | None = None,
    evidence: str | None = None,
    end: int | None = None,
    others: list | None = None,
) -> Finding:
    """A finding whose evidence is one extracted fact: anything with section_path,
    page, char_start, char_end and sentence (a Count, a Reference, a DateRow,
    a row of the metrics table).  `others` are the further facts it rests on
    (the parts of a total, the other figures of a sentence), each a
    (fact, words) pair."""
    spans = [span_of(fact, evidence)] + [span_of(f, words) for f, words in (others or [])]
    return Finding(
        check=check,
        severity=severity,
        message=message,
        value_stated=stated,
        value_computed=computed,
        section_path=fact.section_path,
        page=fact.page,
        char_start=fact.char_start,
        char_end=fact.char_end if end is None else end,
        sentence=fact.sentence,
        evidence=evidence,
        evidence_spans=spans,
    )



# --------------------------------------------------------------- context ---


@cache
def _context() -> dict[str, Pattern]:
    """Role → the words of patterns/finding_context.yaml that show it."""
    return {e["name"]: compile_pattern(e["regex"], IGNORECASE) for e in entries("finding_context") if "regex" in e}


def has_role(role: str, text: str | None) -> bool:
    return bool(text) and bool(_context()[role].search(text))

