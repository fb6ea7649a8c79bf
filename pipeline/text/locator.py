"""Where an offset of a report's text is: its section, page and sentence.

Each is found by bisection: the extractors ask for thousands of offsets, and
a linear lookup per offset would make their cost grow with the square of the
text."""

from __future__ import annotations

from cchc.pipeline.model import HEADING, Document, ReportMeta, Section, page_at, section_at
from cchc.pipeline.text.sentences import SentenceIndex


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
