"""The pdfium side: a page's characters as arrays, and the fonts they are in."""

from __future__ import annotations

import ctypes
from itertools import groupby

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.read.legacy import (
    TCVN3,
    convert_chars,
    font_encoding,
    is_syllable,
    is_unicode_vietnamese,
    to_unicode,
)

# pdfium reports a hyphen that it judged to split a word at a line end as
# code 2, which its text view turns into U+FFFE.
_PDFIUM_HYPHENS = "\x02\ufffe"
# The word a hyphen ends, read back from the glyph codes before it.
_WORD_END = compile_pattern(r"\w*+$")
# What str.isspace() calls space, besides U+2000-U+200A (tested as a range,
# with the zero-width space U+200B).
_SPACE_CODES = np.array(
    [0x09, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0]
    + [0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)
# Combining diacritical marks, with the supplement and the half marks.
_MARK_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))

# FPDFText_GetCharOrigin through a bare prototype that takes plain addresses:
# it writes straight into a numpy array and halves the per-character cost
# of going through the typed binding.
_ORIGIN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
    ctypes.cast(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_void_p).value
)

_LOOSE_BOX = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
    ctypes.cast(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_void_p).value
)


class _Chars:
    """The visible characters of one text page as parallel arrays, in
    content-stream order: text, baseline origin x and y, whitespace mask.
    Font sizes, boxes and weights are asked of pdfium per line, not per char."""

    def __init__(self, textpage: pdfium.PdfTextPage):
        self.tp = textpage
        raw = textpage.raw
        n = pdfium_c.FPDFText_CountChars(raw)
        text = textpage.get_text_range(0, n) if n > 0 else ""
        if len(text) != n:
            # Rare: pdfium's text view and its char list disagree (chars
            # outside the BMP); ask char by char instead.
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 0xFFFD) for i in range(n))
        xy = np.zeros((n, 2))
        if n:
            address = ctypes.cast(raw, ctypes.c_void_p).value
            base = xy.ctypes.data
            xs, ys = range(base, base + 16 * n, 16), range(base + 8, base + 16 * n, 16)
            list(map(_ORIGIN, [address] * n, range(n), xs, ys))
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        # pdfium's own line breaks ("\r\n") are dropped: lines are found below.
        keep = (codes != 13) & (codes != 10)
        self.index = np.nonzero(keep)[0]
        # A zero-width space is a word break a producer wrote without a gap
        # (text set without space glyphs, pages printed from the web): kept
        # as a space, since normalisation would otherwise glue the words.
        self.text = list(text.replace("\r", "").replace("\n", "").replace("\u200b", " "))
        self.x = xy[keep, 0]
        self.y = xy[keep, 1]
        codes = codes[keep]
        self.space = np.isin(codes, _SPACE_CODES) | ((codes >= 0x2000) & (codes <= 0x200B))
        # Combining marks (a tone mark drawn as a glyph of its own): they
        # belong after the letter they sit on, wherever the stream has them.
        self.mark = np.zeros(len(codes), dtype=bool)
        for lo, hi in _MARK_RANGES:
            self.mark |= (codes >= lo) & (codes <= hi)
        self.has_marks = bool(self.mark.any())
        self._sizes: dict[int, float] = {}
        self._matrix = pdfium_c.FS_MATRIX()

    def __len__(self) -> int:
        return len(self.index)

    def size(self, k: int) -> float:
        """Font size as printed: the nominal size (Tf) times the scale of the
        text and graphics matrices, since some producers set 1pt text and
        scale it up."""
        s = self._sizes.get(k)
        if s is None:
            i = int(self.index[k])
            s = pdfium_c.FPDFText_GetFontSize(self.tp.raw, i)
            if pdfium_c.FPDFText_GetMatrix(self.tp.raw, i, self._matrix):
                m = self._matrix
                s *= abs(m.a * m.d - m.b * m.c) ** 0.5 or 1.0
            s = self._sizes[k] = max(s, 1.0)
        return s

    def advance_rights(self, ks: np.ndarray) -> np.ndarray:
        """Where the pen stands after each character: the right edge of its
        loose box, which pdfium takes from the glyph's advance, not its ink
        (one bare call a character, as for the origins)."""
        n = len(ks)
        boxes = np.zeros((n, 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
        address = ctypes.cast(self.tp.raw, ctypes.c_void_p).value
        base = boxes.ctypes.data
        found = list(map(_LOOSE_BOX, [address] * n, self.index[ks].tolist(), range(base, base + 16 * n, 16)))
        return np.where(np.array(found, dtype=bool), np.maximum(boxes[:, 2], self.x[ks]), self.x[ks])

    def centre(self, k: int) -> float:
        """The middle of the character's ink, across."""
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        if pdfium_c.FPDFText_GetCharBox(self.tp.raw, int(self.index[k]), left, right, bottom, top):
            return (left.value + right.value) / 2
        return float(self.x[k])

    def right(self, k: int) -> float:
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        if pdfium_c.FPDFText_GetCharBox(self.tp.raw, int(self.index[k]), left, right, bottom, top):
            return max(right.value, float(self.x[k]))
        return float(self.x[k])

    def bold(self, k: int) -> bool:
        weight = pdfium_c.FPDFText_GetFontWeight(self.tp.raw, int(self.index[k]))
        if weight > 0:
            return weight >= 600
        name = ctypes.create_string_buffer(128)
        pdfium_c.FPDFText_GetFontInfo(self.tp.raw, int(self.index[k]), name, 128, None)
        return b"bold" in name.value.lower()

    def legacy_to_unicode(self) -> set[tuple[str, str]]:
        """Convert the text of characters in TCVN3 and VNI fonts, told by
        the font's name, to Unicode: one entry per character still, a VNI
        mark joined to the letter before it leaving "".  A font whose text
        already holds Unicode Vietnamese (the PDF maps it) is left alone.
        Returns the (encoding, font name) pairs converted."""
        buf = ctypes.create_string_buffer(256)
        fonts = []
        for i in self.index:
            pdfium_c.FPDFText_GetFontInfo(self.tp.raw, int(i), buf, 256, None)
            fonts.append(buf.value.decode("latin-1"))
        mapped = {font for font, ch in zip(fonts, self.text) if is_unicode_vietnamese(ch)}
        converted = set()
        k = 0
        for font, run in groupby(fonts):
            n = len(list(run))
            legacy = font_encoding(font) if font not in mapped else None
            if legacy is not None:
                texts = self.text[k : k + n]
                if legacy[0] == TCVN3:
                    _tcvn3_line_end_u(texts, self.y[k : k + n])
                self.text[k : k + n] = convert_chars(texts, *legacy)
                converted.add((legacy[0], font))
            k += n
        return converted


def _tcvn3_line_end_u(texts: list[str], ys: np.ndarray) -> None:
    """pdfium takes a byte 0xAD that ends a line for a soft hyphen and
    reports a hyphen mark; in TCVN3 that byte is the letter ư.  It is the
    letter when the word before it on its line takes an ư ("nh" -> "như"):
    Vietnamese words are not hyphenated."""
    for j, ch in enumerate(texts):
        if ch not in _PDFIUM_HYPHENS:
            continue
        start = j
        while start > 0 and not texts[start - 1].isspace() and abs(ys[start - 1] - ys[j]) < 1.0:
            start -= 1
        word = _WORD_END.search(to_unicode("".join(texts[start:j]), TCVN3)).group()
        if word and is_syllable(word + "ư"):
            texts[j] = "\xad"


def _is_legacy_font(font, seen: dict[int, bool]) -> bool:
    key = ctypes.c_void_p.from_buffer(font).value or 0  # the handle's address, read without a cast
    if key not in seen:
        name = ctypes.create_string_buffer(256)
        pdfium_c.FPDFFont_GetBaseFontName(font, name, 256)
        seen[key] = font_encoding(name.value.decode("latin-1")) is not None
    return seen[key]
