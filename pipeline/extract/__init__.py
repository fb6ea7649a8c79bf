"""The extract step: cited documents, dates and figures of one report.

The three extractors share one text index (`Locator`), and the figures are
read around what the others found: a number inside a cited document's number
or date is never one of the report's figures, and a period inside its summary
is the document's ("Kế hoạch số 262/KH-SNgV … về chuyển đổi vị trí công tác
giai đoạn 2020 - 2023" does not date a figure next to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.pipeline.extract.counts import Count, find_counts
from cchc.pipeline.extract.dates import DateRow, date_rows
from cchc.pipeline.text.locator import Locator
from cchc.pipeline.extract.references import Reference, find_references
from cchc.pipeline.model import Document, ReportMeta, Section

# How far after a mention its summary may start ("ngày …" and "của …" first).
_SUMMARY_WITHIN = 200


@dataclass
class Extracted:
    references: list[Reference]
    dates: list[DateRow]
    counts: list[Count]


def summary_spans(text: str, references: list[Reference]) -> list[tuple[int, int]]:
    """Where each cited document's summary stands in the text."""
    spans = []
    for r in references:
        if r.subject:
            at = text.find(r.subject, r.char_end, r.char_end + _SUMMARY_WITHIN + len(r.subject))
            if at >= 0:
                spans.append((at, at + len(r.subject)))
    return spans


def extract(doc: Document, sections: list[Section], meta: ReportMeta) -> Extracted:
    locator = Locator(doc, sections)
    references = find_references(doc, sections, meta, locator)
    dates = date_rows(doc, sections, meta, references, locator)
    excluded = [(r.char_start, r.char_end) for r in references] + [(d.char_start, d.char_end) for d in dates]
    counts = find_counts(doc, sections, meta, excluded, locator, summary_spans(doc.text, references))
    return Extracted(references, dates, counts)
