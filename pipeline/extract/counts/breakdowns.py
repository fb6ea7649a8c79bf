"""Breakdowns: which figures are the parts of which total.

- A figure is a part of the figure before it when "(" or a breakdown marker
  (breakdowns.yaml) stands between them ("24 máy tính, trong đó có 14 ...",
  "12.345 hồ sơ (trực tuyến 8.120 hồ sơ, ...", "... 05 dịch vụ công. Trong
  đó 01 ..."), or when that figure was introduced as a total ("Trong tổng số
  71 đơn vị ..., có 04 ..."); so is each following figure joined by "," or
  "và" (percentages between them aside), while the sentence and the
  parenthesis last and its unit fits the total's: the same noun, or a kind
  the total's unit covers ("văn bản" covers Quyết định, Kế hoạch ...;
  "trường hợp" covers people).
- A colon list: "ban hành 15 văn bản, cụ thể:" followed by list lines ("-
  04 Quyết định;", "- 06 Kế hoạch;"): the first figure of each line that fits.
- Words of comparison ("tăng 20 hồ sơ so với") make no part.  A part's
  parent is its total; a total has is_total.  Percentages are never parts,
  and a figure has one parent: a total broken down twice keeps the first.
- A count whose parts are named, not counted ("ở 3 cấp: tỉnh, huyện, xã") is
  one figure: nothing here makes parts without numbers.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cache

from cchc.pipeline.extract.counts.figure import Figure
from cchc.pipeline.extract.counts.grammar import Grammar
from cchc.pipeline.text.normalize import comparable
from cchc.pipeline.extract.counts.segments import Segment
from cchc.pipeline.model import LIST_ITEM, PARAGRAPH
from cchc.pipeline.patterns import IGNORECASE, Pattern, any_of, compile_pattern, load

# Between two coordinated figures: words that qualify the first one (its
# phrase may have stopped early) and a comma, "và" or "hoặc"; no clause or
# sentence break.
_COORDINATED = compile_pattern(r"[^.;:()\d]*?(?:,|\bvà\b|\bhoặc\b)[^.;:()\d]*+|\s*+", IGNORECASE)
# Inside a parenthesis, ";" separates parts too: "(trực tuyến 3.615 hồ sơ;
# trực tiếp 1.193 hồ sơ)".
_COORDINATED_IN_PARENS = compile_pattern(r"[^.:()\d]*?(?:[,;]|\bvà\b|\bhoặc\b)[^.:()\d]*+", IGNORECASE)
# Nothing but a separator: how the later parts of a breakdown whose nouns the
# lexicon does not know follow each other ("3.412 cán bộ quản lý, 48.012
# giáo viên và 3.746 nhân viên"); ", với 862.450 học sinh" is not a part.
_SEPARATOR = compile_pattern(r"\s*+(?:[,;]\s*+)?(?:(?:và|hoặc)\s++)?", IGNORECASE)
_MAX_GAP = 400  # characters between two figures of one breakdown, at most
_MAX_CONTEXT = 6  # words of coordinated figures a figure keeps as evidence
# A list line: "- 04 Quyết định;", "+ 02 Kế hoạch", "a) 05 Công văn", "-
# Viên chức sự nghiệp: 1.358 người;".
_LIST_LINE = compile_pattern(r"\s*+(?:[-–—+•*▪●○◦]|[a-zđ]\)|\d{1,2}[.)])?+\s*+(?:[^:\d\n]{1,80}+:\s*+)?+")
# What ends a sentence that announces a list: a colon, maybe after "như sau".
_ANNOUNCES = compile_pattern(r"[^.;\d]{0,60}?:\s*+$")


def fits(total: Figure, part: Figure, grammar: Grammar, announced: bool = False) -> bool:
    """Whether `part` can be a part of `total`.  `announced`: a breakdown
    marker or a parenthesis opened the breakdown, so a noun the lexicon does
    not know may be a part of any total ("55.180 người ..., gồm 3.412 cán
    bộ quản lý, 48.012 giáo viên")."""
    if part.is_percent or total.is_percent:
        return False
    if total.same_noun(part) or (announced and part.kind is None):
        return True
    covers = grammar.units[total.unit_key].covers if total.unit_key in grammar.units else frozenset()
    return part.kind in covers


def _gap(text: str, prev: Figure, fig: Figure, percents: list[Figure]) -> str | None:
    """The words between two figures, without the percentages that stand
    between them ("1.452 hồ sơ, đạt 99,73%, trễ hạn 04 hồ sơ"); None when
    they stand too far apart to be read together."""
    if fig.seg_start - prev.seg_end > _MAX_GAP:
        return None
    pieces, at = [], prev.seg_end
    first = bisect_left([p.seg_start for p in percents], at)
    for p in percents[first:]:
        if p.seg_start >= fig.seg_start:
            break
        if at <= p.seg_start and p.seg_end <= fig.seg_start:
            pieces.append(text[at : p.seg_start])
            at = p.seg_end
    pieces.append(text[at : fig.seg_start])
    return "".join(pieces)


def own_words(fig: Figure) -> str:
    return f"{fig.lead} {fig.subject or ''}"


@cache
def _share() -> Pattern:
    """What may stand between a figure and its share: `share_words` of patterns/units.yaml."""
    return compile_pattern(rf"\s*+[,(]?+\s*+{any_of(load('units')['share_words'])}?+\s*+", IGNORECASE)


def _shares(figures: list[Figure], text: str) -> None:
    """A percentage right after a figure is its share: "1.452 hồ sơ, đạt
    99,73%"; after a ratio, the share of the ratio's part."""
    ratio_parts = {id(f.parent): f for f in figures if f.is_ratio and f.parent is not None}
    for prev, fig in zip(figures, figures[1:]):
        if (
            fig.is_percent
            and not prev.is_percent
            and fig.seg_start - prev.seg_end <= _MAX_GAP
            and _share().fullmatch(text[prev.seg_end : fig.seg_start])
        ):
            of = ratio_parts.get(id(prev), prev)
            fig.context.append(own_words(of))
            fig.subject = fig.subject or of.subject


def link_parts(figures: list[Figure], text: str, grammar: Grammar) -> None:
    """Set the parent of each part of a breakdown, and share the words of
    coordinated figures, within one segment."""
    percents = [f for f in figures if f.is_percent]
    _shares(figures, text)
    # A ratio's base is not a total of what follows; its part may be.
    chain = [f for f in figures if not f.is_percent and not (f.is_ratio and f.parent is None)]
    total: Figure | None = None
    in_parens = False
    for prev, fig in zip(chain, chain[1:]):
        gap = _gap(text, prev, fig, percents)
        if gap is None:
            total = None
            continue
        coordinated = _COORDINATED.fullmatch(gap) is not None
        opened = grammar.opens_parts.fullmatch(gap) is not None
        if grammar.comparison.search(comparable(gap)):
            total = None  # "150 hồ sơ (tăng 20 hồ sơ so với cùng kỳ)"
        elif (opened or (grammar.total_lead.search(prev.lead) and coordinated)) and fits(prev, fig, grammar, opened):
            total, in_parens = prev, "(" in gap
            fig.parent = total
        elif (
            total is not None
            and (coordinated or (in_parens and _COORDINATED_IN_PARENS.fullmatch(gap)))
            and not (in_parens and ")" in gap)
            and fits(total, fig, grammar, announced=_SEPARATOR.fullmatch(gap) is not None)
        ):
            fig.parent = total
        else:
            total = None
        if coordinated:
            # Coordinated figures share a predicate: "02 công chức, 02 viên
            # chức học Trung cấp"; "03 đợt kiểm tra tại 15 cơ quan và 10 xã".
            prev.context.append(own_words(fig))
            fig.context.extend([own_words(prev), *prev.context[-_MAX_CONTEXT:]])
    inherit_from_totals(figures)


def inherit_from_totals(figures: list[Figure]) -> None:
    for fig in figures:
        if fig.parent is not None:
            fig.parent.is_total = True
            fig.context.append(own_words(fig.parent))
            if fig.period is None and fig.parent.period is not None:
                fig.period = fig.parent.period


def link_list_lines(segments: list[tuple[Segment, list[Figure]]], grammar: Grammar) -> None:
    """A total that announces a list ("15 văn bản, cụ thể như sau:") and the
    list lines after it: the first figure of each line that fits is a part.
    `segments` are the text segments in order, each with its figures."""
    i = 0
    while i < len(segments):
        seg, figs = segments[i]
        total = _announcing_total(seg, figs)
        i += 1
        if total is None:
            continue
        parts = []
        while i < len(segments):
            line, line_figs = segments[i]
            if line.kind not in (LIST_ITEM, PARAGRAPH) or not line_figs or not _is_list_line(line, line_figs[0]):
                break
            first = line_figs[0]
            if first.parent is not None or not fits(total, first, grammar, announced=True):
                break
            parts.append(first)
            i += 1
        if len(parts) >= 2:
            for part in parts:
                part.parent = total
            inherit_from_totals(parts)


def _announcing_total(seg: Segment, figs: list[Figure]) -> Figure | None:
    text = seg.text
    # The last figure outside parentheses: "14 văn bản (cùng kỳ năm 2023: 11
    # văn bản), cụ thể:" announces the 14.
    if not text.rstrip().endswith(":"):
        return None
    last = None
    opened = closed = 0
    at = len(text)
    for f in reversed(figs[-_MAX_CONTEXT:]):
        opened, closed, at = opened + text.count("(", f.seg_end, at), closed + text.count(")", f.seg_end, at), f.seg_end
        if not f.is_percent and opened >= closed:
            last = f
            break
    if last is None:
        return None
    if last.parent is not None or any(f.parent is last for f in figs):
        return None
    # What follows the total, past a parenthesis closed after it, ends in ":".
    return last if _ANNOUNCES.match(text, max(last.seg_end, text.rfind(")") + 1)) else None


def _is_list_line(seg: Segment, first: Figure) -> bool:
    """The line opens with its figure, after a list mark and a label."""
    return _LIST_LINE.fullmatch(seg.text, 0, first.seg_start) is not None
