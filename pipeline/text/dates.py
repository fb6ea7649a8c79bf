"""Dates and periods in Vietnamese text: the grammar, which lives in
`patterns/dates.yaml`.

A date is as precise as the text says ("ngày tháng 9 năm 2023" is a month);
nothing is ever filled in from today.  An impossible date ("31/02/2023") is
kept with its text and flagged, never shifted to a real one: `date` is a real
date only as far as the text goes, a month stored as its first day with
precision "month".

A period in a sentence is read in the report's terms by
`period_in_report_terms`: "cùng kỳ năm 2022" is the report's own months in
2022, and "năm 2023" in a report counted from 15/12 to 14/12 is that
statistical year.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from cchc.pipeline.model import PartialDate
from cchc.pipeline.patterns import IGNORECASE, Match, Pattern, compile_pattern, entries, example_checker
from cchc.pipeline.text.spans import Spans

_ROMAN_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    value: PartialDate | None  # None when the date is impossible
    pattern: str
    # day, month or year: what the text gives, kept for impossible dates too.
    precision: str | None = None

    @property
    def valid(self) -> bool:
        return self.value is not None


@dataclass
class PeriodMention:
    start: int
    end: int
    text: str
    start_date: date
    end_date: date | None  # None for an open end ("đến nay")
    kind: str  # range, quarter, months, month, stage, year
    cutoff: bool = False  # "Số liệu tính từ ...": an explicit data cut-off

    @property
    def months(self) -> int | None:
        if self.end_date is None:
            return None
        return (self.end_date.year - self.start_date.year) * 12 + self.end_date.month - self.start_date.month + 1


@dataclass
class _Rule:
    name: str
    type: str
    kind: str | None
    regex: Pattern


@cache
def _rules() -> list[_Rule]:
    return [
        _Rule(e["name"], e["type"], e.get("kind"), compile_pattern(e["regex"], IGNORECASE))
        for e in entries("dates")
    ]


def make_date(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    """A PartialDate, or None when no such day exists."""
    if not 1 <= year <= 9999:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return PartialDate(year, month, day)


def _date_from_groups(m: Match) -> PartialDate | None:
    g = m.groupdict()
    day = int(g["day"]) if g.get("day") else None
    month = int(g["month"]) if g.get("month") else None
    return make_date(int(g["year"]), month, day)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def find_dates(text: str) -> list[DateMention]:
    """Every date in `text`, in order; where two rules match the same words
    the earlier rule in the pattern file wins."""
    found: list[DateMention] = []
    taken = Spans()
    for rule in _rules():
        if rule.type != "date":
            continue
        for m in rule.regex.finditer(text):
            span = m.span()
            if taken.overlaps(*span):
                continue
            taken.add(*span)
            precision = "day" if m.groupdict().get("day") else "month" if m.groupdict().get("month") else "year"
            found.append(DateMention(span[0], span[1], m.group(), _date_from_groups(m), rule.name, precision))
    return sorted(found, key=lambda d: d.start)


def date_at(text: str, pos: int) -> DateMention | None:
    """The date written exactly at `pos`, by the first rule that reads one
    there (as `find_dates` would, without scanning the rest of the text)."""
    for rule in _rules():
        if rule.type != "date":
            continue
        if m := rule.regex.match(text, pos):
            g = m.groupdict()
            precision = "day" if g.get("day") else "month" if g.get("month") else "year"
            return DateMention(m.start(), m.end(), m.group(), _date_from_groups(m), rule.name, precision)
    return None


def parse_date(text: str) -> PartialDate | None:
    """The first valid date written in `text`."""
    for d in find_dates(text):
        if d.value is not None:
            return d.value
    return None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period_bounds(rule: _Rule, m: Match) -> tuple[date, date | None] | None:
    g = m.groupdict()
    if rule.kind == "range":
        start = _words_date(g["from"]) or _date_in_group(g["from"])
        end_text = g["to"]
        if start is None or start.precision != "day":
            return None
        if not end_text[0].isdigit():
            return start.first_day(), None
        end = _words_date(end_text) or _date_in_group(end_text)
        if end is None or end.precision != "day":
            return None
        return start.first_day(), end.first_day()
    year = int(g["year"]) if g.get("year") else None
    if rule.kind == "quarter":
        q = g["quarter"].upper()
        q = _ROMAN_QUARTERS.get(q) or int(q)
        return date(year, 3 * q - 2, 1), _last_day(year, 3 * q)
    if rule.kind == "months":
        n = int(g["months"])
        if not 1 <= n <= 12:
            return None
        if (g.get("part") or "").lower() == "cuối":
            return date(year, 13 - n, 1), date(year, 12, 31)
        return date(year, 1, 1), _last_day(year, n)
    if rule.kind == "month":
        month = int(g["month"])
        if not 1 <= month <= 12:
            return None
        return date(year, month, 1), _last_day(year, month)
    if rule.kind == "stage":
        a, b = int(g["from_year"]), int(g["to_year"])
        if b < a:
            return None
        return date(a, 1, 1), date(b, 12, 31)
    if rule.kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    raise ValueError(f"unknown period kind {rule.kind!r} in patterns/dates.yaml")


def _date_in_group(text: str) -> PartialDate | None:
    """The date a range's "from"/"to" group holds: the group is one date, so
    reading it where it starts gives what `parse_date` would, without a scan."""
    d = date_at(text, 0)
    return d.value if d is not None else parse_date(text)


_WORDS_DATE = compile_pattern(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def _words_date(text: str) -> PartialDate | None:
    m = _WORDS_DATE.search(text)
    return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


_BLANK_DAY_BEFORE = compile_pattern(r"ngày[\s._…-]*$", IGNORECASE)


def find_periods(text: str, dates: list[DateMention] | None = None) -> list[PeriodMention]:
    """Every period in `text`, in order, most specific first where they overlap.

    A period never overlaps a full date ("năm 2022" in "ngày 05 tháng 3 năm
    2022" is not a period), except a range, which is made of two of them; a
    year never overlaps any date ("tháng 9 năm 2023" is not the whole year).
    """
    if dates is None:  # callers that already have them pass `find_dates(text)`
        dates = find_dates(text)
    day_spans = Spans([(d.start, d.end) for d in dates if d.value and d.value.precision == "day"])
    all_spans = Spans([(d.start, d.end) for d in dates])
    found: list[PeriodMention] = []
    taken = Spans()
    for rule in _rules():
        if rule.type != "period":
            continue
        for m in rule.regex.finditer(text):
            span = m.span()
            if taken.overlaps(*span):
                continue
            if rule.kind != "range" and (all_spans if rule.kind == "year" else day_spans).overlaps(*span):
                continue
            if rule.kind == "month" and _BLANK_DAY_BEFORE.search(text[max(0, span[0] - 16) : span[0]]):
                continue
            bounds = _period_bounds(rule, m)
            if bounds is None:
                continue
            taken.add(*span)
            found.append(
                PeriodMention(
                    span[0], span[1], m.group(), bounds[0], bounds[1], rule.kind, bool(m.groupdict().get("cutoff"))
                )
            )
    return sorted(found, key=lambda p: p.start)


@example_checker("dates")
def check_examples(entry: dict) -> list[str]:
    failures = []
    name = entry["name"]
    for ex in entry.get("examples", []):
        text = ex["text"]
        if entry["type"] == "date":
            got = [d for d in find_dates(text) if d.pattern == name]
            want = ex["value"]
            if not got:
                failures.append(f"{name}: no date in {text!r}")
            elif want == "invalid":
                if got[0].valid:
                    failures.append(f"{name}: {text!r} should be flagged impossible, got {got[0].value.iso()}")
            elif got[0].value is None or got[0].value.iso() != want:
                failures.append(f"{name}: {text!r} gave {got[0].value}, want {want}")
        else:
            got = [p for p in find_periods(text) if p.kind == entry["kind"]]
            if not got:
                failures.append(f"{name}: no period in {text!r}")
                continue
            p = got[0]
            end = p.end_date.isoformat() if p.end_date else None
            if p.start_date.isoformat() != ex["start"] or end != ex["end"]:
                failures.append(f"{name}: {text!r} gave {p.start_date}..{end}, want {ex['start']}..{ex['end']}")
            if bool(ex.get("cutoff")) != p.cutoff:
                failures.append(f"{name}: {text!r} cutoff should be {bool(ex.get('cutoff'))}")
    for text in entry.get("counter_examples", []):
        if entry["type"] == "date":
            bad = [d for d in find_dates(text) if d.pattern == name]
        else:
            bad = [p for p in find_periods(text) if p.kind == entry["kind"]]
        if bad:
            failures.append(f"{name}: counter-example {text!r} matched {bad[0].text!r}")
    return failures


# "so với cùng kỳ năm 2022": the report's own span of months, in that year.
_SAME_TIME_BEFORE = compile_pattern(r"cùng\s+kỳ\s*(?:của\s+)?$", IGNORECASE)
# A statistical year runs from 15/12 to 14/12, its halves and quarters from
# the 15th to the 14th.
_CUT_DAY = 14
_CALENDAR_KINDS = ("year", "months", "quarter")


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def period_in_report_terms(
    period: PeriodMention, text: str, meta_start: date | None, meta_end: date | None
) -> tuple[date, date | None]:
    """What a period written in a sentence covers, in the report's terms.

    "cùng kỳ năm 2022" is the report's own span of months in 2022; "năm
    2023" in a report whose data run 15/12/2022–14/12/2023 is that
    statistical year, not the calendar one, and "năm 2022" in it the one
    before (15/12/2021–14/12/2022).  Other periods are as written."""
    start, end = period.start_date, period.end_date
    if meta_start is None or meta_end is None:
        return start, end
    if period.kind == "year" and _SAME_TIME_BEFORE.search(text, max(0, period.start - 16), period.start):
        years = start.year - meta_end.year
        return _shift_year(meta_start, years), _shift_year(meta_end, years)
    if period.kind in _CALENDAR_KINDS and end is not None and _statistical(meta_start, meta_end):
        # A statistical year: "năm 2023" is 15/12/2022–14/12/2023, "6 tháng
        # đầu năm 2024" 15/12/2023–14/6/2024, "quý I" 15/12–14/3.
        before = start.replace(day=1) - timedelta(days=1)
        return before.replace(day=_CUT_DAY + 1), end.replace(day=_CUT_DAY)
    return start, end


def _statistical(meta_start: date, meta_end: date) -> bool:
    """Whether the report counts by the statistical calendar (15th to 14th)."""
    return meta_start.day == _CUT_DAY + 1 and meta_end.day == _CUT_DAY
