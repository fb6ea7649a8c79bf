"""Stretches of text read as one: a block, a paragraph that a page break cut
into blocks (joined by a space, footnotes between them skipped), or one
table cell.  Offsets inside a segment map back to `Document.text`."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from cchc.pipeline.extract.counts.figure import TEXT
from cchc.pipeline.model import FOOTNOTE, HEADING, LIST_ITEM, PARAGRAPH, Document
from cchc.pipeline.read.layout import HEADING_NUMBER, continues

# Running text and footnotes; page headers and footers hold no figures.
TEXT_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, FOOTNOTE)
_JOIN = " "


@dataclass
class Segment:
    text: str
    starts: list[int]  # where each piece (block) begins in `text`
    doc_starts: list[int]  # and in Document.text
    pages: list[int]  # the page of each piece
    source: str
    skip: list[tuple[int, int]] = field(default_factory=list)  # heading numbers
    kind: str = PARAGRAPH  # the kind of its first block

    def doc_offset(self, i: int) -> int:
        k = bisect_right(self.starts, i) - 1
        return self.doc_starts[k] + (i - self.starts[k])

    def page(self, i: int) -> int:
        return self.pages[bisect_right(self.starts, i) - 1]

    def doc_span(self, start: int, end: int) -> tuple[int, int]:
        return self.doc_offset(start), self.doc_offset(max(start, end - 1)) + 1

    def offset_of(self, doc_offset: int) -> int:
        """The segment offset of a Document offset."""
        k = max(bisect_right(self.doc_starts, doc_offset) - 1, 0)
        return self.starts[k] + (doc_offset - self.doc_starts[k])


def text_segments(doc: Document) -> list[Segment]:
    blocks = [b for b in doc.blocks if b.kind in TEXT_KINDS]
    used: set[int] = set()
    segments = []
    for i, block in enumerate(blocks):
        if i in used:
            continue
        seg = Segment(block.text, [0], [block.start], [block.page], block.source or TEXT, kind=block.kind)  # "ocr" from a scan
        if block.kind == HEADING and (m := HEADING_NUMBER.match(block.text)):
            seg.skip.append((0, m.end()))
        last = block
        j = i + 1
        while last.kind in (PARAGRAPH, LIST_ITEM):
            # Footnotes may stand between the two halves of a cut paragraph.
            while j < len(blocks) and blocks[j].kind == FOOTNOTE:
                j += 1
            if j >= len(blocks) or not continues(last, blocks[j]):
                break
            seg.starts.append(len(seg.text) + len(_JOIN))
            seg.doc_starts.append(blocks[j].start)
            seg.pages.append(blocks[j].page)
            seg.text += _JOIN + blocks[j].text
            used.add(j)
            last = blocks[j]
            j += 1
        segments.append(seg)
    return segments
