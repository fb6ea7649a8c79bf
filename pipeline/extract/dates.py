"""The `dates` table: `date_rows` makes one row per date mention, and one per
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

Speed: provenance (section, page, sentence) is looked up by bisection
(`cchc.pipeline.text.locator.Locator`), so the cost grows linearly with the
text.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from cchc.pipeline.extract.counts.not_counts import not_a_count
from cchc.pipeline.extract.references import Reference
from cchc.pipeline.model import Document, ReportMeta, Section
from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.text.dates import DateMention, PeriodMention, find_dates, find_periods
from cchc.pipeline.text.locator import Locator
from cchc.pipeline.text.numbers import CANDIDATE, parse_number
from cchc.pipeline.text.spans import Spans


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
_FIGURE_NOUN_AFTER = compile_pattern(r"\s*(?:%|\p{L})")


def _has_figure(text: str, start: int, end: int, excluded: Spans) -> bool:
    """Whether text[start:end] holds a count.  A number that the figures
    grammar reads as a label ("mức độ 3", "xếp thứ 5/63", "khoản 2 Điều 9",
    "lúc 14 giờ": patterns/not_counts.yaml) is none."""
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
        if not_a_count(text, m.start(), m.end(), digits, has_unit=False) is not None:
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
    loc = locator or Locator(doc, sections)
    front_end = loc.front_end(meta)
    dates = find_dates(doc.text)
    periods = find_periods(doc.text, dates)
    rows = _rows_of_dates(loc, meta, front_end, references, dates, periods)
    rows += _rows_of_periods(loc, meta, front_end, references, dates, periods)
    rows.sort(key=lambda r: r.char_start)
    return rows


def _row(loc: Locator, role: str, mention: DateMention | PeriodMention, **values) -> DateRow:
    """A row for `mention`; `values` are its date, precision, validity and period."""
    return DateRow(
        role=role,
        text=mention.text,
        section_path=loc.section_path(mention.start),
        page=loc.page_at(mention.start),
        char_start=mention.start,
        char_end=mention.end,
        sentence=loc.sentence_at(mention.start),
        **values,
    )


def _report_date_start(dates: list[DateMention], meta: ReportMeta, front_end: int) -> int | None:
    """Where the report's own date is written in its front matter."""
    if meta.report_date is None:
        return None
    for d in dates:
        if d.start >= front_end:
            break
        if d.value == meta.report_date:
            return d.start
    return None


@dataclass
class _PeriodRoles:
    """The roles that periods lend to the dates they are made of."""

    in_range: dict[int, tuple[str, PeriodMention]]  # date start -> its role in a range, the range
    month: dict[tuple[int, int], PeriodMention]  # a month's span -> the one-month period


def _period_roles(dates: list[DateMention], periods: list[PeriodMention]) -> _PeriodRoles:
    roles = _PeriodRoles({}, {})
    date_starts = [d.start for d in dates]
    for p in periods:
        if p.kind == "range":
            i = bisect_left(date_starts, p.start)
            inside = []
            while i < len(dates) and dates[i].end <= p.end:
                inside.append(dates[i])
                i += 1
            for d, role in zip(inside, (PERIOD_START, PERIOD_END)):
                roles.in_range[d.start] = (role, p)
        elif p.kind == "month":
            roles.month[(p.start, p.end)] = p
    return roles


def _rows_of_dates(
    loc: Locator,
    meta: ReportMeta,
    front_end: int,
    references: list[Reference],
    dates: list[DateMention],
    periods: list[PeriodMention],
) -> list[DateRow]:
    # The date of each cited document ends where its mention ends.
    issued_ends = {r.char_end: r.char_start for r in references if r.issued_date_text}
    report_date_at = _report_date_start(dates, meta, front_end)
    roles = _period_roles(dates, periods)
    rows = []
    for d in dates:
        p_start = p_end = None
        if d.end in issued_ends and issued_ends[d.end] <= d.start:
            role = ISSUED
        elif d.start == report_date_at:
            role = REPORT_DATE
        elif d.start in roles.in_range:
            role, p = roles.in_range[d.start]
            p_start, p_end = p.start_date, p.end_date
        elif (d.start, d.end) in roles.month:
            # "tháng 9/2023" is a date of month precision and a one-month period.
            p = roles.month[(d.start, d.end)]
            role, p_start, p_end = PERIOD_START, p.start_date, p.end_date
        else:
            role = OTHER
        value = d.value.first_day() if d.value else None
        valid = d.value is not None
        rows.append(
            _row(loc, role, d, date=value, precision=d.precision, is_valid=valid, period_start=p_start, period_end=p_end)
        )
    return rows


def _rows_of_periods(
    loc: Locator,
    meta: ReportMeta,
    front_end: int,
    references: list[Reference],
    dates: list[DateMention],
    periods: list[PeriodMention],
) -> list[DateRow]:
    """One row for each period not made of dates; a year only where it scopes
    a figure, or is the report's own period."""
    taken = Spans([(d.start, d.end) for d in dates])
    excluded = Spans()
    spans = [(d.start, d.end) for d in dates] + [(p.start, p.end) for p in periods]
    for span in sorted(spans + [(r.char_start, r.char_end) for r in references]):
        if not excluded.overlaps(*span):
            excluded.add(*span)
    # A year after a cited document with a summary, in its clause, is most
    # likely part of that summary ("… về việc giao dự toán … năm 2023").
    summarised = sorted(r.char_start for r in references if r.subject)
    rows = []
    for p in periods:
        if p.kind in ("range", "month") or taken.overlaps(p.start, p.end):
            continue
        if p.kind == "year":
            own = p.start < front_end and p.start_date == meta.period_start and p.end_date == meta.period_end
            clause = loc.sentences.span_at(p.start)
            i = bisect_left(summarised, clause[0])
            in_summary = i < len(summarised) and summarised[i] < p.start
            if not own and (in_summary or not _has_figure(loc.doc.text, clause[0], clause[1], excluded)):
                continue
        precision = _PERIOD_PRECISION[p.kind]
        rows.append(_row(loc, PERIOD_START, p, date=p.start_date, precision=precision, is_valid=True,
                         period_start=p.start_date, period_end=p.end_date))
    return rows
