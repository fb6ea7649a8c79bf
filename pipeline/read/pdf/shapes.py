"""What the PDF reader finds on a page: lines of text, ruled tables, rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from cchc.pipeline.model import Block


@dataclass
class Line:
    """A run of characters on one baseline, in page coordinates (points,
    y grows upwards as in PDF)."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float  # the font size of most of its characters
    bold: bool
    first_word_w: float  # lets us ask: would this word have fitted on the line above?
    page: int
    mark: bool = False  # opens with a raised number: a footnote's first line


@dataclass
class Table:
    top: float  # page coordinates of its upper edge, to place it in reading order
    cells: list[list[str]]
    page: int
    lines: list[Line] = field(default_factory=list)  # its cells' lines, for comparisons


@dataclass
class Page:
    number: int
    width: float
    height: float
    y0: float = 0.0  # the media box's lower edge: bands are measured from it
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # Short horizontal strokes: the separator above footnotes looks like one.
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x0, x1, y)
    # A scanned page (pipeline.read.ocr): why its text layer is unusable, and
    # the blocks OCR read off it (None: not OCR'd).
    scan: str | None = None
    ocr: list[Block] | None = None
    ocr_error: str | None = None


@dataclass
class _Metrics:
    """The body text's geometry, taken from the whole document."""

    body_size: float
    pitch: float  # baseline to baseline inside a paragraph, at body size
    left: float  # where body lines start
    right: float  # where full body lines end
    heading_levels: dict[float, int]  # font size above the body's -> level
