"""Figures in running text: each number that a noun phrase follows, unless
the grammar of not_counts.yaml says it is something else.

- White space between number and unit may be a line break, and a paragraph
  cut by a page break is read as one segment ("222" / "hồ sơ").
- A number with no unit after it is a figure only in the label form "Tổng số
  hồ sơ tiếp nhận: 1.625".  Number words ("hai", "một số") are not read.
- Not figures: numbers in the spans the caller excludes (cited documents and
  dates), numbers inside periods ("6 tháng đầu năm 2023"), numbers glued to
  "/" or "-" and letters (document numbers), heading numbers.
- Ratios: "1.456/1.625 hồ sơ" gives two figures: the part 1456, whose parent
  is the base 1625 (a total whose subject is the unit).
- A figure's lead is its clause: back to a comma, colon, semicolon or
  parenthesis, the sentence start, or the end of the previous figure.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from cchc.pipeline.extract.counts.figure import Figure
from cchc.pipeline.extract.counts.grammar import Grammar
from cchc.pipeline.extract.counts.not_counts import not_a_count
from cchc.pipeline.extract.counts.nouns import (
    Noun,
    NounUsage,
    Window,
    coordinated_units,
    label_unit,
    noun_at,
    phrase_after,
    phrase_before,
)
from cchc.pipeline.extract.counts.periods import sentence_period
from cchc.pipeline.extract.counts.segments import Segment
from cchc.pipeline.text.dates import find_periods
from cchc.pipeline.text.numbers import CANDIDATE, NUMBER, parse_number
from cchc.pipeline.text.sentences import CLAUSE_BREAK, FULL_STOP, SentenceIndex
from cchc.pipeline.text.spans import Spans
from cchc.pipeline.model import ReportMeta
from cchc.pipeline.patterns import Match, compile_pattern

_SPACE = compile_pattern(r"\s++")
# A figure's sentence is quoted whole up to this many characters either side
# of its number: a run-on "sentence" of an odd file must not be copied into
# every one of its figures.
_QUOTE = 400


def clean(text: str, start: int, end: int) -> str:
    """text[start:end] on one line, as a subject or a sentence is shown."""
    return _SPACE.sub(" ", text[start:end]).strip()


# The numbers that may be figures: followed by a word or "%" (a line break
# may stand between), or after a label ("… tiếp nhận: 1.625").  A crafted run
# of bare numbers never leaves the regex engine, and the look-behind in front
# keeps the look-ahead from rescanning a long number from each of its digits.
_FIGURE_CANDIDATE = compile_pattern(
    rf"(?<![\w.,/:\-–])(?:(?<=(?i:[:=]|là|đạt)\s{{0,8}})|(?={NUMBER}(?:[ \t]*+/[ \t]*+{NUMBER})?+\s*+[\p{{L}}%]))" + CANDIDATE.pattern
)


@dataclass
class FigureBudget:
    """How many more figures a report may give (`Limits.max_figures`).

    A candidate number is taken from the budget whether or not it turns out
    to be a figure: the cost of reading is per candidate, and a cut before
    reading keeps a crafted text of numbers from costing a second a thousand."""

    room: int
    cut: bool = False

    def take(self, items: list) -> list:
        if len(items) > self.room:
            items, self.cut = items[: self.room], True
        self.room -= len(items)
        return items


def _candidates(seg: Segment, excluded: Spans) -> list[Match]:
    out = []
    for m in _FIGURE_CANDIDATE.finditer(seg.text):
        if parse_number(m.group("num")) is None and parse_number(m.group("num"), "percent") is None:
            continue  # "1.1.1.1", "0239.3856": no number at all
        if any(s <= m.start() < e for s, e in seg.skip):
            continue
        if excluded.overlaps(*seg.doc_span(m.start(), m.end())):
            continue
        out.append(m)
    return out


def text_figures(
    seg: Segment,
    grammar: Grammar,
    excluded: Spans,
    meta: ReportMeta,
    summaries: Spans | None = None,
    usage: NounUsage | None = None,
    budget: FigureBudget | None = None,
) -> list[Figure]:
    text = seg.text
    candidates = _candidates(seg, excluded)
    if budget is not None:
        candidates = budget.take(candidates)
    if not candidates:
        return []
    sentences = SentenceIndex.of(text)
    # A period in a cited document's summary dates the document, not a figure.
    periods = [
        p
        for p in find_periods(text)
        if not excluded.inside(*seg.doc_span(p.start, p.end))
        and not (summaries and summaries.overlaps(*seg.doc_span(p.start, p.end)))
    ]
    in_period = Spans((p.start, p.end) for p in periods)
    windows: dict[tuple[int, int], Window] = {}
    figures: list[Figure] = []
    for m in candidates:
        if in_period.overlaps(m.start(), m.end()):
            continue
        s_start, s_end = sentences.span_at(m.start())
        after = m.end()
        while after < len(text) and text[after].isspace():
            after += 1
        if after < len(text):
            s_end = max(s_end, sentences.span_at(after)[1])
        key = (s_start, s_end)
        if key not in windows:
            windows[key] = Window(grammar, text[s_start:s_end], s_start, usage)
        figures.extend(_read_figure(m, after, windows[key], seg, grammar, excluded, key))
    _set_leads(figures, text, sentences)
    full_stops = [m.end() for m in FULL_STOP.finditer(text)]
    for fig in figures:
        fig.period = sentence_period(fig, periods, sentences, full_stops, text, meta)
    return figures


def _set_leads(figures: list[Figure], text: str, sentences: SentenceIndex) -> None:
    """A figure's lead is its clause, back to the end of the previous figure.
    (A label-form figure's lead is its label, set when it was read.)"""
    breaks = list(CLAUSE_BREAK.finditer(text)) if figures else []
    break_ends = [b.end() for b in breaks]
    previous_end = 0
    for fig in figures:
        s_start = sentences.span_at(fig.seg_start)[0]
        clause = before = s_start
        last_break = ""
        # The last two clause breaks between the sentence start and the number.
        k = bisect_right(break_ends, fig.seg_start)
        for b in breaks[max(0, k - 2) : k]:
            if b.start() >= s_start:
                before, clause, last_break = clause, b.end(), b.group()
        if last_break == ":" and not text[clause : fig.seg_start].strip():
            clause = before  # "tổng số TTHC thuộc thẩm quyền: 1.850 TTHC": the label
        lead_from = max(clause, previous_end) if previous_end <= fig.seg_start else clause
        if not fig.lead and not fig.is_total:
            fig.lead = clean(text, lead_from, fig.seg_start)
            if lead_from > clause:
                # The clause's words before an earlier figure ("03 đợt kiểm tra
                # tại 15 cơ quan"): weaker evidence.
                fig.context.append(clean(text, clause, lead_from))
        previous_end = max(previous_end, fig.seg_end)


def _marker(window: Window):
    """Whether the number at token i of the window is a level, a rank or an
    identifier ("mức độ 4"): it then stays inside a noun phrase."""

    def is_marker(i: int) -> bool:
        t = window.doc[i]
        return not_a_count(window.text, t.idx, t.idx + len(t.text), t.text, False) is not None

    return is_marker


def _read_figure(
    m: Match,
    after: int,
    window: Window,
    seg: Segment,
    grammar: Grammar,
    excluded: Spans,
    sentence_span: tuple[int, int],
) -> list[Figure]:
    """The figure(s) a number candidate gives: none, one, or a ratio's two."""
    text = seg.text
    tok = window.token_at.get(after)
    noun = noun_at(window, grammar, tok) if tok is not None else None
    limit = excluded.next_start(seg.doc_offset(m.end()))
    limit = None if limit is None else seg.offset_of(limit)
    marker = _marker(window)
    lead = ""
    if noun is not None:
        is_percent = noun.kind == "percent"
        phrase_end = phrase_after(window, grammar, noun.end, limit, marker)
        if is_percent:
            subject = window.doc[noun.end : phrase_end].text if phrase_end > noun.end else None
            subject = subject or phrase_before(window, grammar, window.token_at.get(m.start()))
            span_end = window.char_end(noun.end - 1)
        else:
            if phrase_end == noun.end and noun.key is not None:
                phrase_end = coordinated_units(window, grammar, noun, limit, marker)
            subject = window.doc[noun.start : max(phrase_end, noun.end)].text
            span_end = window.char_end(max(phrase_end, noun.end) - 1)
        span_start = m.start()
        unit_span_end = window.char_end(noun.end - 1)
    else:
        if m.group("base") is not None:
            return []
        label = label_unit(window.token_at.get(m.start()), window, grammar)
        if label is None:
            return []
        noun, lead = label
        is_percent = False
        subject = lead
        span_start = window.char(noun.start)
        span_end = unit_span_end = m.end()
    # "2015 văn bản" counts; "Năm 2020, 2021 Sở Ngoại vụ" names a year and a body.
    lexicon_unit = noun.key is not None and noun.kind != "percent" and noun.text[:1].islower()
    if not_a_count(text, m.start(), m.end(), m.group("num"), lexicon_unit):
        return []
    value = parse_number(m.group("num"), noun.kind)
    if value is None:
        return []
    doc_start, doc_end = seg.doc_span(span_start, unit_span_end)
    sentence = clean(text, max(sentence_span[0], m.start() - _QUOTE), min(sentence_span[1], m.end() + _QUOTE))
    fig = Figure(
        value=value,
        value_text=m.group("num"),
        unit=noun.text,
        unit_key=noun.key,
        kind=noun.kind,
        is_percent=is_percent,
        subject=clean(subject, 0, len(subject)) or None if subject else None,
        lead=lead,
        sentence=sentence,
        start=doc_start,
        end=doc_end,
        seg_start=m.start(),
        seg_end=span_end,
        source=seg.source,
        page=seg.page(m.start()),
    )
    if m.group("base") is None:
        return [fig]
    return _ratio(fig, m, seg, noun)


def _ratio(fig: Figure, m: Match, seg: Segment, noun: Noun) -> list[Figure]:
    """"1.456/1.625 hồ sơ": the part and its base."""
    base_value = parse_number(m.group("base"), noun.kind)
    if base_value is None or fig.is_percent:
        return []
    fig.is_ratio = True
    base = Figure(
        value=base_value,
        value_text=m.group("base"),
        unit=fig.unit,
        unit_key=fig.unit_key,
        kind=fig.kind,
        is_percent=False,
        subject=fig.unit,
        lead="",
        sentence=fig.sentence,
        start=seg.doc_offset(m.start("base")),
        end=fig.end,
        seg_start=m.start("base"),
        seg_end=fig.seg_end,
        source=seg.source,
        page=fig.page,
        is_total=True,
        is_ratio=True,
    )
    fig.parent = base
    return [fig, base]
