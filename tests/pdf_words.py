"""The PDF reader's words against pdfplumber's: both ordered by line, and
where they part."""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path

from cchc.pipeline.read.layout import SUPERSCRIPT_DIGITS

_PLAIN_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
# pdfplumber's default: characters whose tops differ by at most this many
# points are on one line.
_LINE_TOLERANCE = 3.0


def _canonical(text: str) -> list[str]:
    """Words as both sides can agree on them: NFC, note markers as plain digits."""
    return unicodedata.normalize("NFC", text).translate(_PLAIN_DIGITS).split()


def plumber_words(path: Path) -> list[str]:
    """pdfplumber's `extract_words`, page by page, in its line order (top
    down, then left to right)."""
    import pdfplumber

    words: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for w in page.extract_words():
                words += _canonical(w["text"])
            page.close()
    return words


def reader_words(path: Path) -> list[str]:
    """The PDF reader's lines, page by page, ordered by line the way
    pdfplumber orders its words: rows of lines whose baselines lie within
    its tolerance, top down, each row left to right."""
    from cchc.pipeline.read.pdf import read_lines

    words: list[str] = []
    for lines in read_lines(path):
        rows: list[list] = []
        for ln in sorted(lines, key=lambda ln: -ln.baseline):
            if rows and rows[-1][0].baseline - ln.baseline <= _LINE_TOLERANCE:
                rows[-1].append(ln)
            else:
                rows.append([ln])
        for row in rows:
            for ln in sorted(row, key=lambda ln: ln.x0):
                words += _canonical(ln.text)
    return words


def similarity(expected: list[str], got: list[str]) -> float:
    return difflib.SequenceMatcher(None, expected, got, autojunk=False).ratio()


def first_difference(expected: list[str], got: list[str], context: int = 6) -> str:
    """Where two word sequences first part, with a few words either side."""
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, expected, got, autojunk=False).get_opcodes():
        if tag != "equal":
            before = " ".join(expected[max(0, a0 - context) : a0])
            return (f"{tag} at word {a0}: after “{before}”, expected “{' '.join(expected[a0 : a1][:12])}”, "
                    f"got “{' '.join(got[b0 : b1][:12])}”")
    return "no difference"
