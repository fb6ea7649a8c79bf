"""Spans of a text (start, end), kept sorted and merged, with logarithmic
tests: the extractors ask thousands of times whether a match falls on words
another extractor already took, and a list scan would make them quadratic."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable


class Spans:
    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Add a span, merged with those it overlaps or touches."""
        i = bisect_left(self.starts, start)
        if i > 0 and self.ends[i - 1] >= start:
            i -= 1
            start, end = self.starts[i], max(end, self.ends[i])
            del self.starts[i], self.ends[i]
        while i < len(self.starts) and self.starts[i] <= end:
            end = max(end, self.ends[i])
            del self.starts[i], self.ends[i]
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def overlaps(self, start: int, end: int) -> bool:
        # The last span that starts before `end` is the only one that can
        # reach into [start, end), since the spans do not overlap each other.
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start

    def inside(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside a longer span: a year in the title
        of a cited document, not a date that is itself a span."""
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.ends[i] and self.ends[i] - self.starts[i] > end - start

    def next_start(self, offset: int) -> int | None:
        i = bisect_left(self.starts, offset)
        return self.starts[i] if i < len(self.starts) else None
