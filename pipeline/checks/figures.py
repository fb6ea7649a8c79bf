"""Checks on figures: totals against their parts, percentages, periods."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from cchc.pipeline.checks.base import ERROR, INFO, WARNING, Finding, _context, _fmt, _vn_date, finding_at, has_role
from cchc.pipeline.extract.counts import Count
from cchc.pipeline.model import BODY_KINDS, TABLE, Document, ReportMeta
from cchc.pipeline.patterns import IGNORECASE, any_of, compile_pattern, entries
from cchc.pipeline.text.numbers import NUMBER, parse_number
from cchc.pipeline.text.sentences import FULL_STOP


def _cut_by_page(body: list, starts: list[int], count: Count) -> bool:
    """Whether the table a figure stands in may go on across a page break: a
    table block that ends its page with a table block opening the next, or
    the other way round.  Its total row cannot be judged on one page's rows.
    `body` are the document's body blocks, `starts` their start offsets."""
    i = bisect_right(starts, count.char_start) - 1
    if i < 0 or body[i].kind != TABLE or not body[i].start <= count.char_start < body[i].end:
        return False
    neighbours = [body[j] for j in (i - 1, i + 1) if 0 <= j < len(body)]
    return any(n.kind == TABLE and n.page != body[i].page for n in neighbours)


def sum_mismatches(counts: list[Count], doc: Document | None = None) -> list[Finding]:
    by_idx = {c.idx: c for c in counts}
    parts: dict[int, list[Count]] = {}
    for c in counts:
        if c.parent_idx is not None and c.parent_idx in by_idx:
            parts.setdefault(c.parent_idx, []).append(c)
    body = [b for b in doc.blocks if b.kind in BODY_KINDS] if doc is not None else []
    starts = [b.start for b in body]
    findings = []
    for idx, children in parts.items():
        total = by_idx[idx]
        if len(children) < 2 or total.is_percent:
            continue
        computed = sum(c.value for c in children)
        if abs(computed - total.value) < 1e-9:
            continue
        if total.source == "table" and _cut_by_page(body, starts, total):
            continue
        if total.source != "table" and doc is not None and _part_left_out(doc.text, total, children, counts,
                                                                         total.value - computed):
            continue
        check = "table_total" if total.source == "table" else "sum_mismatch"
        listed = " + ".join(c.value_text for c in children)
        message = f"Tổng số {total.value_text} {total.unit} không khớp với các thành phần: {listed} = {_fmt(computed)}"
        findings.append(
            finding_at(total, check, ERROR, message, total.value, computed, f"{total.value_text} {total.unit}",
                       end=max(c.char_end for c in children),
                       others=[(c, f"{c.value_text} {c.unit}") for c in children])
        )
    return findings


def _part_left_out(text: str, total: Count, children: list[Count], counts: list[Count], gap: float) -> bool:
    """Whether the parts as read may be short of one: a figure of the same
    noun in the total's sentence, not read as a part, that is exactly the
    difference ("158.420 ha, trong đó: lúa 115.630 ha, ngô 16.850 ha, rau màu
    các loại 25.940 ha" with the last part not linked).  A sum is judged only
    on parts read with certainty."""
    start, end = _sentence_span(text, total)
    linked = {id(c) for c in children} | {id(total)}
    if any(id(c) not in linked and start <= c.char_start < end and not c.is_percent
           and c.unit.lower() == total.unit.lower() and abs(c.value - gap) < 1e-9 for c in counts):
        return True
    # The same noun after a number the figures left out altogether.
    taken = {c.char_start for c in [total, *children]}
    noun = compile_pattern(rf"(?<![\w.,])(?P<num>{NUMBER})\s+{any_of([total.unit])}(?!\w)", IGNORECASE)
    for m in noun.finditer(text, start, end):
        value = parse_number(m.group("num"))
        if m.start() not in taken and value is not None and abs(value - gap) < 1e-9:
            return True
    return False


_PERCENT = compile_pattern(r"\d+(?:[.,]\d+)*\s*%")


def percent_window(before: str, after: str) -> str:
    """A percentage in its surroundings, the number itself as "<%>", for the
    `not_a_share` words of patterns/finding_context.yaml."""
    return f"{before[-40:]} <%> {after[:40]}"


def percents_over_100(counts: list[Count], text: str | None = None) -> list[Finding]:
    """A share above 100%.  A rate of a plan or a change ("đạt 104% kế
    hoạch", "tăng 120% so với năm trước", "bằng 112% cùng kỳ") may exceed
    it and is left alone; so is a target."""
    findings = []
    for c in counts:
        if not (c.is_percent and c.value > 100) or has_role("target", c.sentence):
            continue
        if text is not None:
            at = _PERCENT.search(text, c.char_start)
            end = at.end() if at and at.start() < c.char_end + 2 else c.char_end
            if has_role("not_a_share", percent_window(text[max(0, c.char_start - 40) : c.char_start], text[end:])):
                continue
        findings.append(finding_at(c, "percent_over_100", WARNING, f"Tỷ lệ {c.value_text}% vượt quá 100%", c.value,
                                   evidence=f"{c.value_text}%"))
    return findings


# A statistical period may be cut a few weeks off the calendar ("từ
# 15/12/2022 đến 14/12/2023" is năm 2023): a figure's period that is off by
# no more than this is the report's own.
_CUTOFF_SLACK = timedelta(days=31)


def within(start: date, end: date, outer_start: date, outer_end: date) -> bool:
    """Whether a period lies in another, allowing for a statistical cut-off."""
    return start >= outer_start - _CUTOFF_SLACK and end <= outer_end + _CUTOFF_SLACK


# A full stop, not a semicolon: the `sentence` of a figure is its clause, and
# the words that explain its period ("so với năm 2018 (5.612 hồ sơ); đã giải
# quyết …") may stand in an earlier clause of the same sentence (FULL_STOP).


def _sentence_span(text: str, c: Count) -> tuple[int, int]:
    """Where the figure's sentence stands, from full stop to full stop."""
    start = max((m.end() for m in FULL_STOP.finditer(text, max(0, c.char_start - 600), c.char_start)), default=0)
    end = FULL_STOP.search(text, c.char_end)
    return start, end.start() if end else len(text)


def _whole_sentence(text: str | None, c: Count) -> str:
    """The figure's sentence to its full stops (its clause when no text is given)."""
    if not text:
        return c.sentence or ""
    start, end = _sentence_span(text, c)
    return text[start:end]


def _figure_period_is_explained(c: Count, start: date, end: date, meta: ReportMeta, sentence: str) -> bool:
    """Why a figure of another period is not out of place: it is a target or
    a plan, it contains the report's period (a year's target quoted in a
    half-year report), or, for an earlier period, it is given as a comparison
    or baseline, or it is a published index of an earlier year."""
    if getattr(c, "is_target", False) or c.section_kind in ("plan", "recommendation"):
        return True
    if has_role("target", sentence):
        return True
    if start <= meta.period_start and end >= meta.period_end:
        return True
    if end < meta.period_end:
        return has_role("comparison", sentence) or has_role("earlier_index", sentence) or c.metric in (
            "par_index_score", "satisfaction_rate")
    return False


def periods_outside_report(counts: list[Count], meta: ReportMeta, text: str | None = None) -> list[Finding]:
    """Figures whose own period lies outside the report's, for no stated
    reason: context (info), one finding per sentence with every such figure
    as evidence.  `text`, the report's, lets the whole sentence explain a
    figure, not only its clause."""
    if meta.period_start is None or meta.period_end is None:
        return []
    by_sentence: dict[tuple[str | None, str], list[tuple[Count, date]]] = {}
    for c in counts:
        if c.period_source != "sentence" or c.period_start is None:
            continue
        end = c.period_end or c.period_start
        if within(c.period_start, end, meta.period_start, meta.period_end):
            continue
        sentence = _whole_sentence(text, c)
        if _figure_period_is_explained(c, c.period_start, end, meta, sentence):
            continue
        by_sentence.setdefault((c.section_path, sentence), []).append((c, end))
    findings = []
    for group in by_sentence.values():
        first, end = group[0]
        shown = ", ".join(f"{c.value_text} {c.unit}" for c, _ in group)
        message = (
            f"Số liệu {shown} tính cho kỳ {_vn_date(first.period_start)}–{_vn_date(end)}, "
            f"ngoài kỳ báo cáo {_vn_date(meta.period_start)}–{_vn_date(meta.period_end)}"
        )
        findings.append(finding_at(first, "period_outside_report", INFO, message, first.value,
                                   evidence=f"{first.value_text} {first.unit}", end=group[-1][0].char_end,
                                   others=[(c, f"{c.value_text} {c.unit}") for c, _ in group[1:]]))
    return findings


@cache
def additive_metrics() -> frozenset[str]:
    """Metrics that add up over time (documents issued, dossiers received),
    from patterns/finding_context.yaml; a stock (staff, computers) does not."""
    return frozenset(k for e in entries("finding_context") if e["name"] == "additive" for k in e["metrics"])


def _contains(outer, inner) -> bool:
    """Whether `inner`'s period is a part of `outer`'s (and not the same period)."""
    return within(inner.period_start, inner.period_end, outer.period_start, outer.period_end) and not within(
        outer.period_start, outer.period_end, inner.period_start, inner.period_end)


def _disjoint(parts: list) -> list:
    """Parts whose periods do not overlap, earliest end first."""
    chosen, last_end = [], None
    for p in sorted(parts, key=lambda p: (p.period_end, p.period_start)):
        if last_end is None or p.period_start > last_end:
            chosen.append(p)
            last_end = p.period_end
    return chosen


@dataclass
class PeriodFigure:
    """What one source (a report) says of a metric for one period: its first
    figure, and the sum of all its figures that are not parts of another."""

    first: object
    period_start: date
    period_end: date
    value: float  # the first figure's
    total: float  # the sum
    stated: bool  # the period is stated in a sentence, not the report's by default


# Each whole is set against every other period of its metric: past this many
# periods of one metric (no report, nor one body's reports, state so many)
# the metric is not checked, so that a crafted text costs no quadratic time.
MAX_PERIODS = 200


def _unit(figure) -> str:
    return " ".join((figure.unit or "").lower().split())


def _scope(figure) -> frozenset[str]:
    """Whose figure it is, as its sentence says ("toàn tỉnh", "cấp xã"): a
    province's quarter is no part of one department's year."""
    return frozenset(" ".join(m.group().lower().split()) for m in _context()["scope"].finditer(figure.sentence or ""))


def subperiod_contradictions(figures: list, source=None, until=None) -> list[tuple[object, list]]:
    """(whole, parts): a metric's figure for a period, less than the sum of
    the same metric's figures for disjoint parts of that period.  `figures`
    are anything with metric, value, is_percent, period_start, period_end,
    period_source and parent_idx (Counts, or rows of several reports of one
    issuer); `source(figure)` tells whose statement it is (None: all one).

    The whole is what a source says for the period in all: the sum of its
    figures for it ("tiếp nhận 01 đồng chí …; tuyển dụng 03 viên chức" is 4,
    not 1), and it must state its period in a sentence ("từ 01/01/2021 đến
    31/8/2023, … 32 văn bản"): a figure that only inherits the report's
    period is as often one event among several as the period's total.  A
    part is a source's first figure for its period (the smaller reading).
    With `source`, the parts must come from other sources than the whole.
    `until(figure)`, the end of the period its report covers: a whole that
    runs past it ("giai đoạn 2021-2025: 30 công chức" in a 2023 report) is a
    plan, not a result."""
    additive = additive_metrics()
    kept = [f for f in figures if f.metric in additive and not f.is_percent and f.period_start and f.period_end]
    whose = (lambda f: source(f)) if source else (lambda f: None)
    # A part of a total of the same metric is in that total already.
    indices = {(whose(f), f.metric, f.idx) for f in kept}
    said: dict[tuple, PeriodFigure] = {}
    for f in kept:
        key = (whose(f), f.metric, f.period_start, f.period_end)
        parent = getattr(f, "parent_idx", None)
        top = 0.0 if parent is not None and (whose(f), f.metric, parent) in indices else f.value
        if key not in said:
            said[key] = PeriodFigure(f, f.period_start, f.period_end, f.value, top, f.period_source == "sentence")
        else:
            said[key].total += top
            said[key].stated = said[key].stated or f.period_source == "sentence"
    periods: dict[str, int] = {}
    for _, metric, *_ in said:
        periods[metric] = periods.get(metric, 0) + 1
    found = []
    for (whose, metric, *_), whole in said.items():
        if not whole.stated or periods[metric] > MAX_PERIODS:
            continue
        end = until(whole.first) if until else None
        if end is not None and whole.period_end > end + _CUTOFF_SLACK:
            continue
        candidates = [p for (other, m, *_), p in said.items()
                      if m == metric and p is not whole and _contains(whole, p) and (source is None or other != whose)
                      and _unit(p.first) == _unit(whole.first) and _scope(p.first) == _scope(whole.first)]
        parts = _disjoint(candidates)
        if parts and sum(p.value for p in parts) > whole.total + 1e-9:
            found.append((whole, parts))
    return found


def _period_words(f) -> str:
    return f"{_vn_date(f.period_start)}–{_vn_date(f.period_end)}"


def subperiod_message(whole: PeriodFigure, parts: list[PeriodFigure]) -> str:
    listed = "; ".join(f"{_period_words(p)}: {_fmt(p.value)}" for p in parts)
    return (f"Số liệu cả kỳ {_period_words(whole)} ({_fmt(whole.total)}) nhỏ hơn tổng số liệu "
            f"các kỳ con ({listed}; cộng {_fmt(sum(p.value for p in parts))})")


def subperiod_mismatches(counts: list[Count], meta: ReportMeta | None = None) -> list[Finding]:
    """Within one report: the whole cannot be less than its parts.  Only
    figures that are results, not targets or comparisons."""
    results = [c for c in counts if c.parent_idx is None and not getattr(c, "is_target", False)
               and c.section_kind not in ("plan", "recommendation")
               and not has_role("target", c.sentence) and not has_role("comparison", c.sentence)]
    findings = []
    report_end = meta.period_end if meta is not None else None
    for whole, parts in subperiod_contradictions(results, until=lambda f: report_end):
        first = whole.first
        findings.append(finding_at(
            first, "subperiod_mismatch", ERROR, subperiod_message(whole, parts), whole.total,
            sum(p.value for p in parts), f"{first.value_text} {first.unit}",
            others=[(p.first, f"{p.first.value_text} {p.first.unit}") for p in parts]))
    return findings

