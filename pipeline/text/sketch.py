"""A text's sketch: how near two texts are, from 128 numbers each.

"Nearly the same text" is the Jaccard similarity of the sets of 5-word
shingles, estimated from a bottom-k sketch (the k smallest shingle hashes)
of each text: the same report in two formats measures 0.97 and more (headers,
footers and page numbers differ), two years of one department's report
about 0.1.  The worker that reads a file sketches its text, so that grouping
duplicates after the run (`pipeline.output.duplicates`) does not read and
hash every text again in one process.
"""

from __future__ import annotations

import zlib
from heapq import nsmallest

from cchc.pipeline.patterns import compile_pattern

SKETCH_SIZE = 128
SHINGLE_WORDS = 5
_WORD = compile_pattern(r"\w+")


def sketch(text: str) -> list[int]:
    """The SKETCH_SIZE smallest hashes of the text's 5-word shingles (lower case)."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    return sorted(nsmallest(SKETCH_SIZE, {zlib.crc32(s.encode("utf-8")) for s in shingles if s}))


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two texts from their sketches."""
    if not a or not b:
        return 0.0
    union = nsmallest(SKETCH_SIZE, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for v in union if v in both) / len(union)
