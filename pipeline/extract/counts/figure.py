"""The data of the figures step: `Count`, one row of the `metrics` table, and
`Figure`, a figure while it is being read (with the words that classify it
and the links of its breakdown)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SENTENCE = "sentence"
REPORT = "report"
TEXT = "text"
TABLE_SOURCE = "table"


@dataclass
class Count:
    """One figure; the fields are the columns of the `metrics` table."""

    idx: int
    value: float
    value_text: str
    unit: str
    subject: str | None
    metric: str | None
    is_percent: bool
    area: str | None
    section_path: str | None
    section_kind: str | None
    period_start: date | None
    period_end: date | None
    period_source: str
    source: str
    parent_idx: int | None
    is_total: bool
    page: int
    char_start: int
    char_end: int
    sentence: str
    # A target or a plan, not a result (pipeline/extract/counts/targets.py).
    is_target: bool = False


@dataclass
class Figure:
    value: float
    value_text: str
    unit: str  # as written
    unit_key: str | None  # canonical, when the lexicon knows the noun
    kind: str | None  # None for a noun the lexicon does not know
    is_percent: bool
    subject: str | None
    lead: str  # the clause before the number
    sentence: str
    start: int  # span in Document.text
    end: int
    seg_start: int  # span in the segment (for breakdowns)
    seg_end: int
    source: str
    page: int
    period: tuple[date | None, date | None] | None = None  # the sentence's own
    parent: Figure | None = None
    is_total: bool = False
    is_ratio: bool = False
    # Weaker evidence for the metric: the words of its total, of figures
    # coordinated with it, of the figure it is a share of, the rest of its clause.
    context: list[str] = field(default_factory=list)
    metric: str | None = None

    def same_noun(self, other: Figure) -> bool:
        """Whether two figures count the same thing: the same lexicon entry,
        or, for nouns the lexicon does not know, the same head: Vietnamese
        nouns put it first ("trường học" and "trường mầm non" are schools)."""
        if self.unit_key is not None or other.unit_key is not None:
            return self.unit_key == other.unit_key
        return self.unit.lower().split()[:1] == other.unit.lower().split()[:1]
