"""Sentence spans, for provenance: every fact quotes the sentence it came from.

A sentence ends at a block boundary, or at ".", "!", "?" or ";" followed by
white space.  A semicolon counts because reports list many cited documents in
one long sentence, one per clause, and the clause is what an auditor needs.
Dots inside numbers and dates ("4.131", "2.1.2018") and in abbreviations
("KT.", "TP.") are not ends.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from cchc.pipeline.patterns import compile_pattern

# The pattern opens with its punctuation so that `re` can jump from one
# candidate to the next; abbreviations are ruled out afterwards.
# The white space after the punctuation is checked in code, not by a
# look-ahead: a look-ahead that fails after a long run of dots would send
# the scan back into the run once per dot.
_END = compile_pattern(r"[.!?;…]++['\"”’)]*+|\n++")
# "KT.", "TM.", "TP.", "ĐT.": one or two letters, a capital first, before the
# dot.  An abbreviation is made of initials, and an initial carries no tone
# or vowel mark (a letter with one decomposes canonically, "ộ" to "o" and its
# marks; "Đ" does not), so that "của Bộ." or "Sở." still ends a sentence.
_ABBREVIATION = compile_pattern(r"(?:^|[^\w])(?!\p{dt=canonical})\p{Lu}(?:(?!\p{dt=canonical})\p{L})?$")


# Within a sentence, where one clause ends and the next begins: a comma,
# semicolon or colon before white space, or a parenthesis.  Every extractor
# that needs "the clause around a word" cuts with this one pattern.
CLAUSE_BREAK = compile_pattern(r"[,;:](?=\s)|[()]")
# The end of a sentence in the narrow sense: not the ";" between list clauses.
FULL_STOP = compile_pattern(r"[.!?…]['\"”’)]*+\s|\n")


def clause_start(text: str, start: int, at: int) -> int:
    """Where the clause holding offset `at` begins, looking no further back
    than `start` (a sentence start)."""
    found = start
    for m in CLAUSE_BREAK.finditer(text, start, at):
        found = m.end()
    return found


def clause_end(text: str, at: int, end: int) -> int:
    """Where the clause holding offset `at` ends, at `end` (a sentence end) at most."""
    m = CLAUSE_BREAK.search(text, at, end)
    return m.start() if m else end


# Between the items of a list written as one sentence ("…: Quyết định số
# 12/QĐ-UBND …; Kế hoạch số 09/KH-UBND …"): a semicolon or a line end.
LIST_ITEM_BREAK = compile_pattern(r"[;\n]")
# A full stop before a capital, not after a one-letter initial ("T. Hà"), or
# a line end: where two things cited one after the other are no longer in
# one sentence, read without the sentence index.
SENTENCE_BREAK = compile_pattern(r"(?<!\b\p{Lu})\.\s+(?=\p{Lu})|\n")
_ENCLOSING = compile_pattern(r"[()\n]")


def enclosed_clause_end(text: str, start: int, limit: int) -> int:
    """Where a clause that opens at `start` inside parentheses or a line
    ends, no later than `limit`: at the line end, or at a ")" it did not
    open itself ("(về việc …)" ends at its ")", "(… (sửa đổi) …)" at the
    second)."""
    depth = 0
    for m in _ENCLOSING.finditer(text, start, limit):
        c = m.group()
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        else:
            return m.start()
    return limit


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
            if m.group()[0] != "\n" and not (m.end() < len(text) and text[m.end()].isspace()):
                continue
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
