"""Normalise a document's text so that equal words are equal strings.

What changes, and why:
- NFC composition of the joined text.  PDF text often comes out decomposed
  (a base letter followed by combining tone marks), even with pdfplumber's own
  normalisation, and a decomposed "ệ" never matches a pattern written with "ệ".
- Zero-width characters and soft hyphens are removed; NBSP and other spaces
  become plain spaces; the Icelandic eth "Ð" that legacy fonts use for "Đ"
  becomes "Đ".
- Tone marks on the open syllables "oa", "oe" and "uy" are put on the first
  vowel: "hoà" becomes "hòa", "khoẻ" becomes "khỏe", "thuỷ" becomes "thủy".
  Reports mix both placements, often in one page; the canonical form kept here
  is the one most official text uses.  "quý" is left alone, since its "u"
  belongs to the consonant "qu".

Every change keeps a map from normalised positions back to the source, so a
span in the normalised text can be traced to what the reader produced.
"""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass

from cchc.pipeline.model import Document
from cchc.pipeline.patterns import compile_pattern

BLOCK_SEPARATOR = "\n\n"

_DELETED = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000"
_ONE_TO_ONE = str.maketrans({**{c: " " for c in _SPACES}, "\u00d0": "\u0110", "\u00f0": "\u0111"})

_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A starter with its combining marks, or a character to delete.
_NEEDS_WORK = compile_pattern(f"[^{_COMBINING}]?[{_COMBINING}]+|[{_DELETED}]")

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _tone_tables() -> tuple[dict[str, tuple[str, str]], str]:
    """Map each toned a/e/y to (its bare vowel, its tone mark)."""
    table = {}
    for base in "aeyAEY":
        for tone in _TONES:
            table[unicodedata.normalize("NFC", base + tone)] = (base, tone)
    return table, "".join(table)


_TONED, _TONED_CHARS = _tone_tables()
_TONED_AE = "".join(c for c in _TONED_CHARS if _TONED[c][0] in "aAeE")
_TONED_Y = "".join(c for c in _TONED_CHARS if _TONED[c][0] in "yY")
# A toned second vowel of an open "oa"/"oe"/"uy" syllable.
_OLD_TONE_PLACEMENT = compile_pattern(f"(?<=[oO])[{_TONED_AE}](?!\\w)|(?<=[uU])[{_TONED_Y}](?!\\w)")


def canonical_tones(text: str) -> str:
    """Put the tone of open "oa", "oe", "uy" on the first vowel (hoà → hòa)."""
    if not _OLD_TONE_PLACEMENT.search(text):
        return text
    chars = list(text)
    for m in _OLD_TONE_PLACEMENT.finditer(text):
        i = m.start()
        if i > 1 and chars[i - 2] in "qQ":
            continue
        bare, tone = _TONED[chars[i]]
        chars[i - 1] = unicodedata.normalize("NFC", chars[i - 1] + tone)
        chars[i] = bare
    return "".join(chars)


@dataclass
class Normalized:
    text: str
    # to_source[i] is the source position of normalised character i, with one
    # extra entry for the end; None when every character stayed in place.
    to_source: array | None

    def source_index(self, i: int) -> int:
        return i if self.to_source is None else self.to_source[i]


def normalize_text(raw: str) -> Normalized:
    """Normalise a string, keeping the map back to `raw`."""
    if not _NEEDS_WORK.search(raw) and unicodedata.is_normalized("NFC", raw):
        return Normalized(canonical_tones(raw.translate(_ONE_TO_ONE)), None)

    pieces: list[str] = []
    to_source = array("l")
    pos = 0

    def keep(chunk: str, at: int) -> None:
        out = unicodedata.normalize("NFC", chunk)
        pieces.append(out)
        if len(out) == len(chunk):
            to_source.extend(range(at, at + len(out)))
        else:
            to_source.extend([at] * len(out))

    for m in _NEEDS_WORK.finditer(raw):
        if m.start() > pos:
            keep(raw[pos : m.start()], pos)
        seg = "".join(c for c in m.group() if c not in _DELETED)
        if seg:
            keep(seg, m.start())
        pos = m.end()
    if pos < len(raw):
        keep(raw[pos:], pos)
    to_source.append(len(raw))
    text = canonical_tones("".join(pieces).translate(_ONE_TO_ONE))
    return Normalized(text, to_source)


def comparable(text: str) -> str:
    """Text as words are compared with the pattern files' words: normalised
    and in small letters."""
    return normalize_text(text).text.lower()


def normalize_document(doc: Document) -> Document:
    """Join the blocks, normalise the joined text, and give every block its
    span in it.  Blocks keep their order; empty blocks are dropped."""
    blocks = [b for b in doc.blocks if b.text.strip() or b.cells]
    raw_spans = []
    parts = []
    pos = 0
    for b in blocks:
        if parts:
            parts.append(BLOCK_SEPARATOR)
            pos += len(BLOCK_SEPARATOR)
        parts.append(b.text)
        raw_spans.append((pos, pos + len(b.text)))
        pos += len(b.text)
    norm = normalize_text("".join(parts))
    for b, (rs, re_) in zip(blocks, raw_spans):
        if norm.to_source is None:
            b.start, b.end = rs, re_
        else:
            b.start = bisect_left(norm.to_source, rs)
            b.end = bisect_left(norm.to_source, re_)
        b.text = norm.text[b.start : b.end]
        if b.cells:
            b.cells = [[normalize_text(c).text for c in row] for row in b.cells]
    doc.blocks = blocks
    doc.text = norm.text
    return doc
