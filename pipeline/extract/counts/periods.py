"""The period a figure covers, from its own sentence.

The sentence's own period when it states one (the nearest before the number
in the sentence, across the ";" that separate list clauses, or one inside the
figure's clause after it): period_source "sentence"; an open end ("từ
01/01/2021 đến nay") ends with the report's period.  A period is read in the
report's terms: "so với cùng kỳ năm 2022 (1.234 hồ sơ)" is the report's span
of months in 2022, and "năm 2023" in a report whose statistical year runs
15/12/2022–14/12/2023 is that year.  A comparison's period dates only the
figure right after it, a date of an event ("công bố vào tháng 4/2023") none,
and a difference ("tăng 2,11 điểm") has no period of its own.  A part in a sentence of its own
inherits its total's period.  Otherwise the report's period: "report".
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from datetime import date

from cchc.pipeline.extract.counts.figure import Figure
from cchc.pipeline.text.dates import PeriodMention, find_periods, period_in_report_terms
from cchc.pipeline.text.sentences import SentenceIndex, clause_end
from cchc.pipeline.model import ReportMeta
from cchc.pipeline.patterns import IGNORECASE, Pattern, any_of, compile_pattern, load


def sentence_period(
    fig: Figure,
    periods: list[PeriodMention],
    sentences: SentenceIndex,
    full_stops: list[int],
    text: str,
    meta: ReportMeta,
) -> tuple[date | None, date | None] | None:
    """The period the figure's sentence gives it: the nearest one before the
    number, back to the full stop (a period fronted before a list of ";"
    clauses covers them all), else one in the figure's own clause after it."""
    if _difference_before().search(text, max(0, fig.seg_start - 16), fig.seg_start):
        return None  # "tăng 724 hồ sơ": a difference, over the report's period
    s_start, s_end = sentences.span_at(fig.seg_start)
    k = bisect_right(full_stops, fig.seg_start) - 1
    full_start = full_stops[k] if k >= 0 else 0
    starts = [p.start for p in periods]
    chosen = None
    # The nearest period before the number that dates it, looking back to the full stop.
    for p in reversed(periods[bisect_right(starts, full_start - 1) : bisect_right(starts, fig.seg_start)]):
        if (
            p.end <= fig.seg_start
            and (p.start >= s_start or _fronted(text, full_start, p))
            and not _aside(text, p, fig.seg_start)
            and not _event(text, p)
            and not _compared_elsewhere(text, p, fig.seg_start)
        ):
            chosen = p
            break
    if chosen is None:
        end = clause_end(text, fig.seg_end, min(s_end, fig.seg_end + _CLAUSE_AHEAD))
        after = periods[bisect_right(starts, fig.seg_end - 1) : bisect_right(starts, end - 1)]
        chosen = next((p for p in after if not _compared(text, p) and not _event(text, p)), None)
    if chosen is None:
        return None
    return _in_report_terms(chosen, text, meta)


# A difference from another period has none of its own: "tăng 2,11 điểm".
@cache
def _difference_before() -> Pattern:
    """`difference_words` of patterns/units.yaml, right before a figure."""
    return compile_pattern(rf"(?<!\w){any_of(load('units')['difference_words'])}(?:\s+thêm)?\s*+$", IGNORECASE)

_CLAUSE_AHEAD = 300  # characters a figure's clause is looked at after it
_FRONT_WORDS = 3  # "Trong 6 tháng đầu năm 2023, ...": a few words may come first


def _fronted(text: str, full_start: int, period: PeriodMention) -> bool:
    """Whether the period opens its sentence (or what follows the sentence's
    label: "- Kết quả giải quyết TTHC: từ 01/01/2021 đến 30/11/2021 có ..."),
    so that it covers the ";" clauses that follow it."""
    start = max(full_start, period.start - 200)
    label_end = text.rfind(":", start, period.start) + 1
    return len(text[max(start, label_end) : period.start].split()) <= _FRONT_WORDS and (
        start == full_start or label_end > 0
    )


def _aside(text: str, period: PeriodMention, at: int) -> bool:
    """Whether the period stands in a parenthesis closed before `at`, with a
    figure of its own: "(năm 2022: 38 văn bản), gồm: 04 Quyết định" dates
    the 38, not the 04; "6 tháng đầu năm (từ ngày 15/12/2022 đến ngày
    14/6/2023), Sở tiếp nhận 7.215 hồ sơ" dates the 7.215."""
    opened = text.rfind("(", max(0, period.start - 80), period.start)
    if opened < 0 or text.find(")", opened, period.start) >= 0:
        return False
    closed = text.find(")", period.end, min(at, period.end + 200))
    return closed >= 0 and any(ch.isdigit() for ch in text[period.end : closed])


# "công bố vào tháng 4/2023": when something happened, not what a figure covers.
_EVENT_BEFORE = compile_pattern(r"(?:công\s+bố|ban\s+hành|tổ\s+chức|phê\s+duyệt)\s+(?:vào\s+)?(?:tháng|quý)?\s*$", IGNORECASE)
# "so với (cùng kỳ) năm 2022 (21.036 hồ sơ)": the base of a comparison.
_COMPARED_BEFORE = compile_pattern(r"so\s+với\s+(?:cùng\s+kỳ\s+)?(?:của\s+)?$", IGNORECASE)
_RIGHT_AFTER = compile_pattern(r"\s*+[(:]?+\s*+")


def _event(text: str, period: PeriodMention) -> bool:
    return _EVENT_BEFORE.search(text, max(0, period.start - 24), period.start) is not None


def _compared(text: str, period: PeriodMention) -> bool:
    return _COMPARED_BEFORE.search(text, max(0, period.start - 24), period.start) is not None


def _compared_elsewhere(text: str, period: PeriodMention, at: int) -> bool:
    """A comparison's period dates only the figure right after it ("so với
    năm 2022 (21.036 hồ sơ)"), not the figures of the rest of the sentence
    ("tăng 15,6% so với năm 2022")."""
    return _compared(text, period) and _RIGHT_AFTER.fullmatch(text, period.end, at) is None


def _in_report_terms(period: PeriodMention, text: str, meta: ReportMeta) -> tuple[date | None, date | None]:
    start, end = period_in_report_terms(period, text, meta.period_start, meta.period_end)
    return start, end if end is not None else meta.period_end


def period_of_labels(labels: tuple[str, ...], meta: ReportMeta) -> tuple[date | None, date | None] | None:
    """A table cell's period: the first that its column header, its row
    label or the table's caption states."""
    for where in labels:
        if found := find_periods(where):
            return _in_report_terms(found[0], where, meta)
    return None
