"""Sentence spans, for provenance: every fact quotes the sentence it came from.

A sentence ends at a block boundary, or at ".", "!", "?" or ";" followed by
white space.  A semicolon counts because reports list many cited documents in
one long sentence, one per clause, and the clause is what an auditor needs.
Dots inside numbers and dates ("4.131", "2.1.2018") and in abbreviations
("KT.", "TP.") are not ends.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# The pattern opens with its punctuation so that `re` can jump from one
# candidate to the next; abbreviations are ruled out afterwards.
_END = re.compile(r"[.!?;…]+['\"”’)]*(?=\s)|\n+")
# "KT.", "TM.", "TP.", "Th.": one or two letters, a capital first, before the dot.
_ABBREVIATION = re.compile(r"(?:^|[^\w])[A-ZĐ][A-Za-zĐđ]?$")


@dataclass
class SentenceIndex:
    """Sentence boundaries of one text, for fast lookup of the sentence at an offset."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> "SentenceIndex":
        starts, ends = [], []
        pos = 0
        for m in _END.finditer(text):
            if m.group()[0] == "." and m.end() - m.start() == 1 and _ABBREVIATION.search(text, max(0, m.start() - 3), m.start()):
                continue
            end = m.end() if m.group()[0] != "\n" else m.start()
            if end > pos:
                starts.append(pos)
                ends.append(end)
            pos = m.end()
        if pos < len(text):
            starts.append(pos)
            ends.append(len(text))
        # Skip the white space a sentence starts with.
        for i, s in enumerate(starts):
            while s < ends[i] and text[s].isspace():
                s += 1
            starts[i] = s
        return cls(text, starts, ends)

    def span_at(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            return 0, 0
        return self.starts[i], self.ends[i]

    def sentence_at(self, offset: int) -> str:
        s, e = self.span_at(offset)
        return self.text[s:e]
