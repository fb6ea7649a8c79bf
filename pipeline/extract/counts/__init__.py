"""Figures: every count and percentage a report states, with what it counts.

One figure is one row of the `metrics` table.  A number followed by a noun
phrase is a figure unless the grammar says it is something else: the unit
lexicon (patterns/units.yaml) names the nouns it knows, with their kind and
canonical name, but it is not a gate, and a noun it does not know is a
figure's unit as written with a null kind.  The steps, one a module:

- `numbers` (in pipeline/extract): the Vietnamese number grammar;
- `nouns`: the unit and the noun phrase after a number;
- `not_counts`: what is not a count (patterns/not_counts.yaml);
- `text`: figures in running text, `periods`: the period each covers;
- `breakdowns`: totals and their parts (patterns/breakdowns.yaml);
- `assembly` and `tables`: tables continued over a page, and their cells;
- `metrics`: the canonical metric (patterns/metrics.yaml);
- `targets`: targets and plans, not results (patterns/targets.yaml);
- `examples`: the pattern files' examples, run through `find_counts`.

Area: the area of the section the figure stands in, which is what the
report's own structure says: a figure in a section without an area ("III.
TỒN TẠI, HẠN CHẾ") has none, even when its metric belongs to an area.
"""

from __future__ import annotations

from cchc.pipeline.extract.counts.assembly import assemble_tables
from cchc.pipeline.extract.counts.breakdowns import link_list_lines, link_parts
from cchc.pipeline.extract.counts.figure import REPORT, SENTENCE, Count, Figure
from cchc.pipeline.extract.counts.grammar import grammar
from cchc.pipeline.extract.counts.metrics import classify
from cchc.pipeline.extract.counts.nouns import NounUsage
from cchc.pipeline.extract.counts.tables import table_figures
from cchc.pipeline.extract.counts.targets import mark_targets
from cchc.pipeline.extract.counts.text import FigureBudget, text_figures
from cchc.pipeline.extract.counts.segments import text_segments
from cchc.pipeline import limits
from cchc.pipeline.text.locator import Locator
from cchc.pipeline.text.numbers import parse_number
from cchc.pipeline.text.spans import Spans
from cchc.pipeline.model import Document, ReportMeta, Section

__all__ = ["Count", "find_counts", "parse_number", "classify"]


def _read_figures(doc: Document, meta: ReportMeta, excluded: Spans, summaries: Spans) -> list[Figure]:
    g = grammar()
    usage = NounUsage(doc.text, g.head_ends)
    budget = FigureBudget(limits.current().max_figures)
    figures: list[Figure] = []
    read: list = []
    for seg in text_segments(doc):
        found = text_figures(seg, g, excluded, meta, summaries, usage, budget)
        link_parts(found, seg.text, g)
        read.append((seg, found))
        figures.extend(found)
    link_list_lines(read, g)
    for table in assemble_tables(doc):
        cells, text_cells = table_figures(table, doc, g, excluded, meta)
        figures.extend(budget.take(cells))
        for seg in text_cells:
            found = text_figures(seg, g, excluded, meta, usage=usage, budget=budget)
            link_parts(found, seg.text, g)
            figures.extend(found)
    if budget.cut:
        # Told as what of the file was not read, so the report is `partial`.
        doc.lost.append(limits.figures_cut_note(limits.current().max_figures))
    figures.sort(key=lambda f: (f.start, f.seg_start))
    return figures


def find_counts(
    doc: Document,
    sections: list[Section],
    meta: ReportMeta,
    excluded_spans: list[tuple[int, int]],
    locator: Locator | None = None,
    cited_summaries: list[tuple[int, int]] = (),
) -> list[Count]:
    """Every figure of a normalised document, in reading order.

    `excluded_spans` are spans of `doc.text` that hold no figure: the cited
    documents and the dates found by the other extractors.  `cited_summaries`
    are the summaries of cited documents ("về … giai đoạn 2020 - 2023"): their
    figures count, but their periods are the document's own.  `locator` may be
    shared with the other extractors to index the text once."""
    locator = locator or Locator(doc, sections)
    figures = _read_figures(doc, meta, Spans(list(excluded_spans)), Spans(list(cited_summaries)))
    index = {id(f): i for i, f in enumerate(figures)}
    counts = []
    for i, fig in enumerate(figures):
        fig.metric = classify(fig)
        section = locator.section_at(fig.start)
        if fig.period is not None:
            (p_start, p_end), p_source = fig.period, SENTENCE
        else:
            p_start, p_end, p_source = meta.period_start, meta.period_end, REPORT
        counts.append(
            Count(
                idx=i,
                value=fig.value,
                value_text=fig.value_text,
                unit=fig.unit,
                subject=fig.subject,
                metric=fig.metric,
                is_percent=fig.is_percent,
                area=section.area if section else None,
                section_path=section.section_path if section else None,
                section_kind=section.kind if section else None,
                period_start=p_start,
                period_end=p_end,
                period_source=p_source,
                source=fig.source,
                parent_idx=index[id(fig.parent)] if fig.parent is not None else None,
                is_total=fig.is_total,
                page=fig.page,
                char_start=fig.start,
                char_end=fig.end,
                sentence=fig.sentence,
            )
        )
    for count, target in zip(counts, mark_targets(figures, [c.section_kind for c in counts])):
        count.is_target = target
    return counts

