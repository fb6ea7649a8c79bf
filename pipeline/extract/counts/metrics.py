"""Metric assignment: the canonical metric of patterns/metrics.yaml a figure
states, so that years and departments can be compared.

A metric fits a figure when the figure's unit (or its kind) is one of the
metric's units, one of its `any` words is in the figure's own words (the
clause before the number and the noun phrase after it) or, as weaker
evidence, in its context (its total's words, those of figures coordinated
with it, of the figure it is a share of, and the rest of its clause), none of
its `none` words is in its own words, and its `sentence_any`/`sentence_none`
hold on the sentence.  Of the metrics that fit, the one whose word stands
nearest the number wins; ties go to the earlier entry.  A figure whose noun
the lexicon does not know has no metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cchc.pipeline.extract.counts.figure import Figure
from cchc.pipeline.extract.counts.grammar import whole_words
from cchc.pipeline.text.normalize import comparable
from cchc.pipeline.patterns import Pattern, entries

_FAR = 1000  # a word found only in the context: weaker than any own word


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    area: str | None
    units: frozenset[str]  # canonical unit names or unit kinds
    any: Pattern | None
    and_any: Pattern | None
    none: Pattern | None
    sentence_any: Pattern | None
    sentence_none: Pattern | None


@cache
def metrics() -> list[Metric]:
    return [
        Metric(
            key=e["key"],
            label=e["label"],
            area=e.get("area"),
            units=frozenset(e["unit"]),
            any=whole_words(e.get("any")),
            and_any=whole_words(e.get("and_any")),
            none=whole_words(e.get("none")),
            sentence_any=whole_words(e.get("sentence_any")),
            sentence_none=whole_words(e.get("sentence_none")),
        )
        for e in entries("metrics")
    ]


def _nearest(pattern: Pattern, text: str, at: int) -> int | None:
    best = None
    for m in pattern.finditer(text):
        d = at - m.end() if m.end() <= at else m.start() - at
        best = d if best is None else min(best, max(d, 0))
    return best


def _distance(metric: Metric, own: str, at: int, context: str) -> int | None:
    """How near the number the metric's word stands, or None when it does not fit."""
    if metric.and_any is not None and not (metric.and_any.search(own) or metric.and_any.search(context)):
        return None
    if metric.any is None:
        return _FAR // 2
    distance = _nearest(metric.any, own, at)
    if distance is None and metric.any.search(context):
        distance = _FAR
    return distance


def classify(fig: Figure) -> str | None:
    """The canonical metric of a figure, or None."""
    if fig.unit_key is None and fig.kind != "percent":
        return None
    lead = comparable(fig.lead)
    own = f"{lead} \u2016 {comparable(fig.subject or '')}"
    at = len(lead) + 1
    context = comparable(" ".join(fig.context))
    sentence = comparable(fig.sentence)
    best: tuple[int, int, str] | None = None
    for order, metric in enumerate(metrics()):
        if fig.unit_key not in metric.units and fig.kind not in metric.units:
            continue
        if metric.none is not None and metric.none.search(own):
            continue
        if metric.sentence_none is not None and metric.sentence_none.search(sentence):
            continue
        if metric.sentence_any is not None and not metric.sentence_any.search(sentence):
            continue
        distance = _distance(metric, own, at, context)
        if distance is not None and (best is None or (distance, order) < best[:2]):
            best = (distance, order, metric.key)
    return best[2] if best else None
