"""The plain data that flows through the pipeline.

A reader turns a file into a `Document` of `Block`s, in reading order.  The
normalise step joins the blocks into one normalised text and records each
block's span in it, so every later fact can point at `Document.text[start:end]`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, fields
from datetime import date

# Block kinds, in the words of the data contract.
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE = "table"
FOOTNOTE = "footnote"
PAGE_HEADER = "page_header"
PAGE_FOOTER = "page_footer"
BLOCK_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, TABLE, FOOTNOTE, PAGE_HEADER, PAGE_FOOTER)

# Kinds that are part of the report's running text, as opposed to page
# furniture and notes that a reader moves out of the way.
BODY_KINDS = (HEADING, PARAGRAPH, LIST_ITEM, TABLE)

# Where a block's page number comes from (`Block.page_source`).
# A Word file's pages as Word laid them out when it last saved the file
# (w:lastRenderedPageBreak).
PAGE_RENDERED = "rendered"
# Page breaks the author put in: Word's hard page breaks, form feeds in a
# text file.  Pages that overflowed without a break are not counted.
PAGE_EXPLICIT = "explicit"


@dataclass
class Block:
    """One unit of a document: a paragraph, a heading, a table, a footnote...

    `text` is what the reader saw.  After normalisation it is replaced by the
    normalised text, and `start`/`end` locate it in `Document.text`.
    A table's `text` is its cells, tab-separated, one row a line; `cells`
    keeps the grid.

    `page` is the page of the source file where the block starts, None when
    the file says nothing of pages (a text file without form feeds, a Word
    file never laid out by Word); `page_source` says where the number comes
    from, so that an auditor knows how far to trust it.
    """

    kind: str
    text: str
    page: int | None = 1
    cells: list[list[str]] | None = None
    # A heading level the format itself declares (Word's "Heading 2", a PDF
    # font size rank); None where the reader cannot tell.
    level: int | None = None
    start: int = 0
    end: int = 0
    # "ocr" for text that OCR read off a scanned page; None for the file's own text.
    source: str | None = None
    # Where `page` comes from: PAGE_RENDERED, PAGE_EXPLICIT, or None.
    page_source: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")


@dataclass
class Document:
    """A report as read from one file."""

    source_path: str
    format: str  # txt, docx, pdf
    blocks: list[Block]
    n_pages: int = 1
    encoding: str | None = None  # for text files: the encoding that was detected
    warnings: list[str] = field(default_factory=list)
    # Scanned pages (no usable text layer) left unread for want of OCR: the
    # report is `needs_ocr`.  What else of the file could not be read (pages
    # lost, text cut at a limit): the report is `partial`.
    scanned_pages: list[int] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    # Characters of the file's text past `Limits.max_chars` that a reader
    # counted without keeping them (a Word text node of 50 MB); the cut and
    # its note are made once, by `pipeline.run.process`.
    chars_not_read: int = 0
    # Where the blocks' page numbers come from (see `Block.page_source`).
    page_source: str | None = None
    # Filled by normalisation.
    text: str = ""

    def body_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kind in BODY_KINDS]

    def page_at(self, offset: int) -> int | None:
        """Page of the block that holds a character offset of `text`."""
        return page_at(self.blocks, offset)


@dataclass
class PartialDate:
    """A date as precise as the text says: a day, a month, or only a year."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


@dataclass
class ReportMeta:
    """What the header and the closing block say about the report itself."""

    issuer: str | None = None
    issuer_code: str | None = None
    province: str | None = None
    doc_number: str | None = None
    report_date: PartialDate | None = None
    place: str | None = None
    title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    period_text: str | None = None
    signer: str | None = None
    signer_role: str | None = None
    recipients: list[str] = field(default_factory=list)

    @property
    def report_year(self) -> int | None:
        if self.report_date is not None:
            return self.report_date.year
        if self.period_end is not None:
            return self.period_end.year
        return None


@dataclass
class Section:
    """A numbered heading and the text under it, up to the next heading of
    the same or a higher level."""

    section_path: str  # e.g. "II.6.1"
    number: str  # the heading's own number as written: "II", "6.1", "a"
    title: str
    level: int
    area: str | None
    kind: str  # result, limitation, plan, recommendation, other
    start: int  # span of the whole section in Document.text
    end: int
    heading_end: int
    page: int | None = 1


def section_at(sections: list[Section], offset: int, starts: list[int] | None = None) -> Section | None:
    """The innermost section that holds a character offset.  `starts`, the
    sections' start offsets, may be passed in when asking many times."""
    starts = starts if starts is not None else [s.start for s in sections]
    i = bisect_right(starts, offset) - 1
    while i >= 0:
        if sections[i].start <= offset < sections[i].end:
            return sections[i]
        i -= 1
    return None


def page_at(blocks: list[Block], offset: int, starts: list[int] | None = None) -> int | None:
    """Page of the block that holds a character offset (of the block before
    it, for the separator between two blocks); None where the file gives no
    pages.  `starts`, the blocks' start offsets, may be passed in when asking
    many times."""
    if not blocks:
        return None
    starts = starts if starts is not None else [b.start for b in blocks]
    i = bisect_right(starts, offset) - 1
    return blocks[max(i, 0)].page


# ------------------------------------------------------------ a file's result ---

# The status of a file in the `reports` table (pipeline/run/process.py says
# what each means).
OK, PARTIAL, FAILED, NEEDS_OCR = "ok", "partial", "failed", "needs_ocr"
SKIPPED, MISSING = "skipped", "missing"
NOT_A_REPORT = "not_a_report"
STATUSES = (OK, PARTIAL, FAILED, NEEDS_OCR, NOT_A_REPORT, SKIPPED, MISSING)


@dataclass
class ReportResult:
    """Everything one file gives: its `reports` row, the rows of the fact
    tables, and its normalised text (for provenance)."""

    report: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    text: str = ""
    # A tool (tools.TESSERACT, tools.SOFFICE) whose installation would let a
    # re-run read more of the file: the manifest does not skip it then.
    waits_for: str | None = None
    sketch: list[int] | None = None  # of its text, for grouping duplicates (pipeline.text.sketch)

    @property
    def report_id(self) -> str:
        return self.report["report_id"]

    @property
    def status(self) -> str:
        return self.report["status"]


_FIELD_NAMES: dict[type, list[str]] = {}


def as_row(obj) -> dict:
    """A dataclass of plain values (a fact, a manifest entry) as a table row:
    its fields by name.  Unlike `dataclasses.asdict`, lists and dicts are
    the object's own, not deep copies: a report has hundreds of facts, and
    copying them cost a tenth of its reading."""
    names = _FIELD_NAMES.get(type(obj))
    if names is None:
        names = _FIELD_NAMES[type(obj)] = [f.name for f in fields(obj)]
    return {name: getattr(obj, name) for name in names}
