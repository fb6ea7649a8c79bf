"""Dates and periods in Vietnamese report text.

The grammar lives in `patterns/dates.yaml`.  A date is as precise as the text
says ("ngày tháng 9 năm 2023" is a month); nothing is ever filled in from
today.  An impossible date ("31/02/2023") is kept with its text and flagged,
never shifted to a real one.

`date_rows` makes the `dates` table: one row per date mention, and one per
period mention that is not made of two dates.

- A date's role is `issued` when it is the date of a cited document (the
  `references` rows say which), `report_date` for the report's own date in
  its front matter, `period_start` / `period_end` for the first and second
  date of a range ("từ 01/01/2023 đến 31/8/2023": the report's period, or a
  sentence's own), and `other` for the rest.  A range's rows carry the range
  in `period_start` / `period_end`.
- A period written without two dates ("6 tháng đầu năm 2023", "quý II/2022",
  "tháng 9/2023", "giai đoạn 2021-2025", "năm 2021") is one row with role
  `period_start`: `date` is its first day, `precision` says how much of that
  day the text gives (month for months and quarters, year for years and
  stages), and `period_start` / `period_end` hold both bounds.  One row
  rather than two, because the text has one mention and its end is implied,
  not written.
- "năm 2021" is so common ("Kế hoạch CCHC năm 2021" names a document) that it
  counts as a period only where it scopes a figure: its clause holds a count
  ("Năm 2021, thực hiện việc điều động 02 công chức") and no cited document
  with a summary comes before it in that clause; or it is the report's own
  period in the front matter.
- `date` is a real date only as far as the text goes: a month is stored as
  its first day with precision "month", never filled from today; an
  impossible date has `date` null, `is_valid` false and its text kept.

Speed: provenance (section, page, sentence) is looked up by bisection
(`Locator`), so the cost grows linearly with the text.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from pipeline.extract.numbers import CANDIDATE, parse_number
from pipeline.extract.sentences import SentenceIndex
from pipeline.extract.spans import Spans
from pipeline.model import HEADING, Document, PartialDate, ReportMeta, Section, page_at, section_at
from pipeline.patterns import entries, example_checker

if TYPE_CHECKING:
    from pipeline.extract.references import Reference

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
    regex: re.Pattern


@cache
def _rules() -> list[_Rule]:
    return [
        _Rule(e["name"], e["type"], e.get("kind"), re.compile(e["regex"], re.IGNORECASE))
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


def _date_from_groups(m: re.Match) -> PartialDate | None:
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


def _period_bounds(rule: _Rule, m: re.Match) -> tuple[date, date | None] | None:
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


_WORDS_DATE = re.compile(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def _words_date(text: str) -> PartialDate | None:
    m = _WORDS_DATE.search(text)
    return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


_BLANK_DAY_BEFORE = re.compile(r"ngày[\s._…-]*$", re.IGNORECASE)


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


# ------------------------------------------------------------ provenance ---


class Locator:
    """Section, page and sentence of an offset of `doc.text`, each found by
    bisection: the extractors ask for thousands of offsets, and a linear
    lookup per offset would make their cost grow with the square of the text."""

    def __init__(self, doc: Document, sections: list[Section]):
        self.doc = doc
        self.sections = sections
        self._section_starts = [s.start for s in sections]
        self._blocks = doc.blocks
        self._block_starts = [b.start for b in doc.blocks]
        self.sentences = SentenceIndex.of(doc.text)

    def section_at(self, offset: int) -> Section | None:
        return section_at(self.sections, offset, self._section_starts)

    def section_path(self, offset: int) -> str | None:
        s = self.section_at(offset)
        return s.section_path if s else None

    def page_at(self, offset: int) -> int:
        return page_at(self._blocks, offset, self._block_starts)

    def sentence_at(self, offset: int) -> str:
        return self.sentences.sentence_at(offset)

    def front_end(self, meta: ReportMeta | None = None) -> int:
        """Where the front matter ends: at the first heading, else after the
        title, else after the first 600 characters."""
        for b in self._blocks:
            if b.kind == HEADING:
                return b.start
        if meta is not None and meta.title:
            at = self.doc.text.find(meta.title)
            if at >= 0:
                return at + len(meta.title)
        return min(len(self.doc.text), 600)


# ---------------------------------------------------------- dates table ---

ISSUED = "issued"
REPORT_DATE = "report_date"
PERIOD_START = "period_start"
PERIOD_END = "period_end"
OTHER = "other"
ROLES = (ISSUED, REPORT_DATE, PERIOD_START, PERIOD_END, OTHER)

# The precision of a period's first day, as its text gives it.
_PERIOD_PRECISION = {"quarter": "month", "months": "month", "month": "month", "stage": "year", "year": "year"}


@dataclass
class DateRow:
    date: date | None
    precision: str | None
    role: str
    text: str
    is_valid: bool
    period_start: date | None
    period_end: date | None
    section_path: str | None
    page: int
    char_start: int
    char_end: int
    sentence: str


# A noun or "%" right after a number: a count in running text ("02 công
# chức", "4.131 hồ sơ", "99,71%").  Used only to tell a year that scopes a
# figure from a year that names something.
_FIGURE_NOUN_AFTER = re.compile(r"\s*(?:%|[^\W\d_])")
# Numbers that are labels, not counts (DESIGN: "mức độ 3", "xếp thứ 5/63",
# "đối tượng 2", "khoản 2 Điều 9").
_LABEL_BEFORE = re.compile(
    r"(?:mức\s+độ|thứ|đối\s+tượng|khoản|điều|cấp|lần|nhóm|loại|hạng|quý|tháng|năm|ngày|giai\s+đoạn|iso|tcvn|số)\s*$",
    re.IGNORECASE,
)


def _has_figure(text: str, start: int, end: int, excluded: Spans) -> bool:
    for m in CANDIDATE.finditer(text, start, end):
        digits = m.group("num")
        if m.group("base") is not None or parse_number(digits) is None:
            continue
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            continue  # a year
        if excluded.overlaps(*m.span()):
            continue
        if not _FIGURE_NOUN_AFTER.match(text, m.end()):
            continue
        if _LABEL_BEFORE.search(text, max(start, m.start() - 14), m.start()):
            continue
        return True
    return False


def date_rows(
    doc: Document,
    sections: list[Section],
    meta: ReportMeta,
    references: list["Reference"],
    locator: Locator | None = None,
) -> list[DateRow]:
    """The `dates` table of one report (see the module docstring for roles)."""
    text = doc.text
    loc = locator or Locator(doc, sections)
    front_end = loc.front_end(meta)
    dates = find_dates(text)
    periods = find_periods(text, dates)

    # The date of each cited document ends where its mention ends.
    issued_ends = {r.char_end: r.char_start for r in references if r.issued_date_text}

    report_date_at = None
    if meta.report_date is not None:
        for d in dates:
            if d.start >= front_end:
                break
            if d.value == meta.report_date:
                report_date_at = d.start
                break

    # Ranges lend their roles to the dates they are made of.
    range_role: dict[int, tuple[str, PeriodMention]] = {}
    month_period: dict[tuple[int, int], PeriodMention] = {}
    date_starts = [d.start for d in dates]
    for p in periods:
        if p.kind == "range":
            i = bisect_left(date_starts, p.start)
            inside = []
            while i < len(dates) and dates[i].end <= p.end:
                inside.append(dates[i])
                i += 1
            for d, role in zip(inside, (PERIOD_START, PERIOD_END)):
                range_role[d.start] = (role, p)
        elif p.kind == "month":
            month_period[(p.start, p.end)] = p

    rows: list[DateRow] = []

    def add(value: date | None, precision, role, span, mention_text, valid, p_start, p_end) -> None:
        rows.append(
            DateRow(
                date=value,
                precision=precision,
                role=role,
                text=mention_text,
                is_valid=valid,
                period_start=p_start,
                period_end=p_end,
                section_path=loc.section_path(span[0]),
                page=loc.page_at(span[0]),
                char_start=span[0],
                char_end=span[1],
                sentence=loc.sentence_at(span[0]),
            )
        )

    for d in dates:
        value = d.value.first_day() if d.value else None
        p_start = p_end = None
        if d.end in issued_ends and issued_ends[d.end] <= d.start:
            role = ISSUED
        elif d.start == report_date_at:
            role = REPORT_DATE
        elif d.start in range_role:
            role, p = range_role[d.start]
            p_start, p_end = p.start_date, p.end_date
        elif (d.start, d.end) in month_period:
            # "tháng 9/2023" is a date of month precision and a one-month period.
            p = month_period[(d.start, d.end)]
            role, p_start, p_end = PERIOD_START, p.start_date, p.end_date
        else:
            role = OTHER
        add(value, d.precision, role, (d.start, d.end), d.text, d.value is not None, p_start, p_end)

    taken = Spans([(d.start, d.end) for d in dates])
    excluded = Spans()
    for span in sorted(
        [(d.start, d.end) for d in dates] + [(p.start, p.end) for p in periods] + [(r.char_start, r.char_end) for r in references]
    ):
        if not excluded.overlaps(*span):
            excluded.add(*span)
    # A year after a cited document with a summary, in its clause, is most
    # likely part of that summary ("… về việc giao dự toán … năm 2023").
    summarised = sorted(r.char_start for r in references if r.subject)
    for p in periods:
        if p.kind in ("range", "month") or taken.overlaps(p.start, p.end):
            continue
        if p.kind == "year":
            own = p.start < front_end and p.start_date == meta.period_start and p.end_date == meta.period_end
            clause = loc.sentences.span_at(p.start)
            i = bisect_left(summarised, clause[0])
            in_summary = i < len(summarised) and summarised[i] < p.start
            if not own and (in_summary or not _has_figure(text, clause[0], clause[1], excluded)):
                continue
        add(p.start_date, _PERIOD_PRECISION[p.kind], PERIOD_START, (p.start, p.end), p.text, True, p.start_date, p.end_date)

    rows.sort(key=lambda r: r.char_start)
    return rows


# "so với cùng kỳ năm 2022": the report's own span of months, in that year.
_SAME_TIME_BEFORE = re.compile(r"cùng\s+kỳ\s*(?:của\s+)?$", re.IGNORECASE)
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
