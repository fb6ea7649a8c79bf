"""PDF reports: characters from pdfium, layout rules here, table grids by pdfplumber.

Speed decides the split.  pdfplumber (pdfminer) interprets every page in
Python, at 5-15 pages/s; pdfium does it in C.  So pdfium gives the
characters and their positions (the text in one call per page, one ctypes
call per character for its origin), font sizes, weights and boxes where a
line needs them, and the page's vector strokes.  Only pages whose strokes
could form a ruled table go to pdfplumber's lattice table finder, fed with
those strokes, so pdfminer never parses a page.  benchmarks/pdf_reading.py
measures the result against pdfplumber's extract_text.

From characters to blocks:
0. characters in a legacy TCVN3 or VNI font (.VnTime, VNI-Times: the font
   name says so) are converted to Unicode, one entry per character still;
1. characters -> lines, in content-stream order: a line goes on while the
   baseline stays within half a font size and the pen moves right, so small
   raised digits stay on their line and become Unicode superscripts
   ("Kế hoạch¹"); a wide blank splits a line into cells;
2. lines in the top/bottom tenth of a page that come back on other pages
   (digits masked) or are bare page numbers -> page_header / page_footer;
3. small print below the body whose lines open with a raised number (or a
   plain one under a separator rule) -> footnote blocks "¹ ...";
4. the other lines -> paragraphs, cut at gaps wider than the line pitch, at
   first-line indents, after lines that stop short although the next word
   would have fitted, and at font changes; each paragraph's kind comes from
   `classify_line`, the rule every reader shares;
5. paragraphs cut by a page break are re-joined: by geometry (the page's
   last line is full and the next page opens flush left, in the same font)
   and by `join_broken_paragraphs` (the sentence is visibly unfinished).
"""

from __future__ import annotations

import ctypes
import re
import threading
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.model import (
    FOOTNOTE,
    HEADING,
    LIST_ITEM,
    PAGE_FOOTER,
    PAGE_HEADER,
    PARAGRAPH,
    TABLE,
    Block,
    Document,
)
from pipeline.read.layout import (
    LIST_MARKER,
    SUPERSCRIPT_DIGITS,
    TO_SUPERSCRIPT,
    classify_line,
    continues_text,
    ends_sentence,
    join_broken_paragraphs,
)
from pipeline import limits, tools
from pipeline.read.ocr import ocr_page, scan_reason
from pipeline.read.repair import with_trailer
from pipeline.read.legacy import (
    TCVN3,
    conversion_note,
    convert_chars,
    font_encoding,
    is_syllable,
    is_unicode_vietnamese,
    to_unicode,
)

# Furniture lives in the top and bottom tenth of the page.
_BAND = 0.10
# pdfium reports a hyphen that it judged to split a word at a line end as
# code 2, which its text view turns into U+FFFE.
_PDFIUM_HYPHENS = "\x02\ufffe"
_SOFT_HYPHEN = "\u00ad"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
# What str.isspace() calls space, besides U+2000-U+200A (tested as a range).
_SPACE_CODES = np.array(
    [0x09, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0]
    + [0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)
# Combining diacritical marks, with the supplement and the half marks.
_MARK_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
_SPACE_BEFORE_MARK = re.compile(f"(?<=\\S)\\s+(?=[{SUPERSCRIPT_DIGITS}]+(?:\\s|$|[,.;:]))")
_DIGITS = re.compile(r"\d")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?$"  # "3", "- 3 -"
    r"|^(?:trang|page|tr\.)\s*\d{1,4}(?:\s*(?:/|của|of|trên)\s*\d{1,4})?$"  # "Trang 3/12"
    r"|^\d{1,4}\s*/\s*\d{1,4}$",  # "3/12"
    re.IGNORECASE,
)


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


# --- characters -----------------------------------------------------------------

# FPDFText_GetCharOrigin through a bare prototype that takes plain addresses:
# it writes straight into a numpy array and halves the per-character cost
# of going through the typed binding.
_ORIGIN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
    ctypes.cast(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_void_p).value
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
        self.text = list(text.replace("\r", "").replace("\n", ""))
        self.x = xy[keep, 0]
        self.y = xy[keep, 1]
        codes = codes[keep]
        self.space = np.isin(codes, _SPACE_CODES) | ((codes >= 0x2000) & (codes <= 0x200A))
        # Combining marks (a tone mark drawn as a glyph of its own): they
        # belong after the letter they sit on, wherever the stream has them.
        self.mark = np.zeros(len(codes), dtype=bool)
        for lo, hi in _MARK_RANGES:
            self.mark |= (codes >= lo) & (codes <= hi)
        self._sizes: dict[int, float] = {}
        self._matrix = pdfium_c.FS_MATRIX()
        self._rect = pdfium_c.FS_RECTF()

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

    def advance_right(self, k: int) -> float:
        """Where the pen stands after the character: its loose box, which
        pdfium takes from the glyph's advance, not its ink."""
        if pdfium_c.FPDFText_GetLooseCharBox(self.tp.raw, int(self.index[k]), self._rect):
            return max(float(self._rect.right), float(self.x[k]))
        return self.right(k)

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
        word = re.search(r"\w*$", to_unicode("".join(texts[start:j]), TCVN3)).group()
        if word and is_syllable(word + "ư"):
            texts[j] = "\xad"


# --- lines ----------------------------------------------------------------------


def _fragments(chars: _Chars, members: np.ndarray) -> list[np.ndarray]:
    """Runs of consecutive characters on one exact baseline.  A superscript
    is a fragment of its own at this stage."""
    if len(members) == 0:
        return []
    x, y = chars.x[members], chars.y[members]
    breaks = (np.abs(np.diff(y)) > 0.5) | (np.diff(x) < -20.0)
    return np.split(members, np.nonzero(breaks)[0] + 1)


@dataclass
class _Group:
    """The fragments of one line as they come in the stream."""

    frags: list[np.ndarray]
    base: float
    size: float
    x0: float  # the extent of its characters' origins
    x1: float
    x_end: float  # where the last fragment stopped: does the next go on from here?


def _group_lines(chars: _Chars, members: np.ndarray, page: int) -> list[Line]:
    """Characters -> lines, by position.  A fragment joins the line it
    continues (baseline within half a font size, going on to the right:
    superscripts and subscripts come in, the next line does not), or else
    the line on its baseline that it falls inside.  The second case is for
    producers that set a line in two passes: LibreOffice writes the letters
    it takes from a fallback font (Ỉ, Ư, Ớ … when the font lacks them) as a
    run after the rest of the line.  Lines keep the order in which they
    start in the stream, so the cells of a table and the columns of a
    letterhead still read one after the other; within a line, characters
    are put in order of position by `_ordered`."""
    groups: list[_Group] = []
    on_baseline: dict[int, list[_Group]] = {}
    current: _Group | None = None
    for frag in _fragments(chars, members):
        vis = frag[~chars.space[frag]]
        if not len(vis):
            if current is not None:
                current.frags.append(frag)
            continue
        size = chars.size(vis[0])
        base = float(chars.y[vis[0]])
        xs = chars.x[vis]
        x0, x1 = float(xs.min()), float(xs.max())
        g = current
        if g is not None and _same_line(g, base, size) and float(xs[0]) >= g.x_end - 1.0:
            g.frags.append(frag)
            if size > g.size:  # a line's size and baseline are those of its largest text
                g.base, g.size = base, size
            g.x0, g.x1, g.x_end = min(g.x0, x0), max(g.x1, x1), float(xs[-1])
            continue
        host = _host(on_baseline, base, size, x0, x1)
        if host is not None:
            host.frags.append(frag)
            host.x0, host.x1 = min(host.x0, x0), max(host.x1, x1)
            continue
        current = _Group([frag], base, size, x0, x1, float(xs[-1]))
        groups.append(current)
        on_baseline.setdefault(round(base), []).append(current)
    lines = []
    for g in groups:
        ks = np.concatenate(g.frags) if len(g.frags) > 1 else g.frags[0]
        for part in _split_gutters(_ordered(chars, ks, g.size), g.size):
            line = _make_line(chars, part, g.base, g.size, page)
            if line is not None:
                lines.append(line)
    return lines


def _same_line(g: _Group, base: float, size: float) -> bool:
    """Within half a font size of the line's baseline; or smaller print
    raised by up to 0.7 of the line's size, as a note marker set with a
    large rise (reportlab's <super>)."""
    if abs(base - g.base) < 0.5 * max(size, g.size):
        return True
    (small, small_base), (big, big_base) = sorted(((size, base), (g.size, g.base)))
    return small < 0.9 * big and 0 < small_base - big_base <= 0.7 * big


def _host(on_baseline: dict[int, list[_Group]], base: float, size: float, x0: float, x1: float) -> _Group | None:
    """The latest line on this baseline whose extent holds the fragment
    (give or take a letter at either end)."""
    for key in (round(base), round(base) - 1, round(base) + 1):
        for g in reversed(on_baseline.get(key, ())):
            if abs(g.base - base) < 0.2 * max(size, g.size) and x0 >= g.x0 - size and x1 <= g.x1 + size:
                return g
    return None


@dataclass
class _Run:
    """A line's characters in reading order: for each, the index of the
    pdfium character it stands for (a space put in by `_ordered` borrows the
    index of the letter before it), its text, its x and whether it is space."""

    ks: np.ndarray
    text: list[str]
    x: np.ndarray
    space: np.ndarray

    def part(self, a: int, b: int) -> _Run:
        return _Run(self.ks[a:b], self.text[a:b], self.x[a:b], self.space[a:b])


# A blank wider than this share of the font size between one letter's
# advance and the next letter is a word space.
_WORD_GAP = 0.1


def _ordered(chars: _Chars, ks: np.ndarray, size: float) -> _Run:
    """A line's characters in order of position.  In the usual case the
    stream is already in order and the line is kept as pdfium gave it,
    spaces pdfium generated for wide gaps included.  When letters come back
    leftwards, they are sorted by x and word spaces are found again from
    the gaps between one letter's advance and the next letter (pdfium's
    generated spaces stand in holes that the late letters fill).  Combining
    marks go after the letter whose box holds the middle of their ink."""
    space, mark, xs = chars.space[ks], chars.mark[ks], chars.x[ks]
    letters = np.nonzero(~space & ~mark)[0]
    back = len(letters) > 1 and bool((np.diff(xs[letters]) < -0.25 * size).any())
    if not back and not mark.any():
        return _Run(ks, [chars.text[k] for k in ks], xs, space)
    items: list[tuple[int, str, float, bool]] = []  # (k, text, x, is_space)
    if back:
        right = None
        for j in letters[np.argsort(xs[letters], kind="stable")]:
            k = int(ks[j])
            if right is not None and xs[j] - right > _WORD_GAP * size:
                items.append((k, " ", right, True))
            items.append((k, chars.text[k], float(xs[j]), False))
            right = chars.advance_right(k)
    else:
        items = [(int(ks[j]), chars.text[ks[j]], float(xs[j]), bool(space[j])) for j in range(len(ks)) if not mark[j]]
    if mark.any():
        bases = [i for i, it in enumerate(items) if not it[3]]
        starts = [items[i][2] for i in bases]
        after: dict[int, list] = {}
        for j in np.nonzero(mark)[0]:
            k = int(ks[j])
            b = bisect_right(starts, chars.centre(k) + 0.5) - 1
            after.setdefault(bases[b] if bases and b >= 0 else -1, []).append((k, chars.text[k], float(xs[j]), False))
        items = after.get(-1, []) + [x for i, it in enumerate(items) for x in (it, *after.get(i, ()))]
    return _Run(
        np.array([it[0] for it in items], dtype=ks.dtype),
        [it[1] for it in items],
        np.array([it[2] for it in items]),
        np.array([it[3] for it in items], dtype=bool),
    )


def _split_gutters(run: _Run, size: float) -> list[_Run]:
    """Cut a line where the pen jumps across a wide blank: two cells of an
    unruled table ("Số: 12/BC-SNgV ... Hà Tĩnh, ngày ...") on one baseline."""
    pos = np.nonzero(~run.space)[0]
    if len(pos) < 2:
        return [run]
    wide = np.nonzero(np.diff(run.x[pos]) > max(40.0, 4.0 * size))[0]
    if not len(wide):
        return [run]
    cuts = [0, *(int(pos[w + 1]) for w in wide), len(run.ks)]
    return [run.part(a, b) for a, b in zip(cuts, cuts[1:])]


def _make_line(chars: _Chars, run: _Run, base: float, size: float, page: int) -> Line | None:
    ks, texts = run.ks, list(run.text)
    visible = np.nonzero(~run.space)[0]
    if not len(visible):
        return None
    # Superscripts: digits set smaller than the line and raised above it.
    for j in np.nonzero(chars.y[ks] - base > max(1.0, size * 0.15))[0]:
        if texts[j].isdigit() and chars.size(ks[j]) < size * 0.9:
            texts[j] = texts[j].translate(TO_SUPERSCRIPT)
    raw = "".join(texts)
    # pdfium's end-of-line hyphen mark becomes a hyphen again; other control
    # characters (form feeds, unmapped glyph codes) become spaces.
    raw = _CONTROL.sub(lambda m: "-" if m.group() in _PDFIUM_HYPHENS else " ", raw)
    text = _SPACES.sub(" ", raw).strip()
    if not text:
        return None
    mark = text[0] in SUPERSCRIPT_DIGITS
    if mark:
        n = len(text) - len(text.lstrip(SUPERSCRIPT_DIGITS))
        text = text[:n] + " " + text[n:].lstrip()
    text = _SPACE_BEFORE_MARK.sub("", text)
    first, last = ks[visible[0]], ks[visible[-1]]
    x0 = float(run.x[visible[0]])
    x1 = chars.right(last)
    # The first word's width, to the space after it: would it have fitted
    # at the end of the line above?
    gap = np.nonzero(run.space[visible[0] :])[0]
    first_word_w = (float(run.x[visible[0] + gap[0]]) if len(gap) else x1) - x0
    # Bold when its first and last characters are: a bold lead-in phrase
    # does not make a body line bold.
    bold = chars.bold(first) and chars.bold(last)
    return Line(text, x0, x1, base, float(size), bold, first_word_w, page, mark)


# --- vector graphics and tables ---------------------------------------------------


@dataclass
class _Graphics:
    h_edges: int = 0
    v_edges: int = 0
    images: int = 0
    rules: list[tuple[float, float, float]] = field(default_factory=list)
    legacy_fonts: bool = False  # some text is in a TCVN3 or VNI font

    @property
    def may_hold_table(self) -> bool:
        return self.h_edges >= 2 and self.v_edges >= 2


def _objects(page: pdfium.PdfPage):
    """(object, its page-space matrix as a 6-tuple) for every object on the
    page, descending into form XObjects."""
    m = pdfium_c.FS_MATRIX()
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = [(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, identity, 0)]
    while stack:
        parent, count, get, ctm, depth = stack.pop()
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
                pdfium_c.FPDFPageObj_GetMatrix(obj, m)
                inner = _compose((m.a, m.b, m.c, m.d, m.e, m.f), ctm)
                children = (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject)
                stack.append((obj, *children, inner, depth + 1))
            else:
                yield obj, kind, ctm


def _compose(m, n):
    """The matrix that applies m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _graphics(page: pdfium.PdfPage) -> _Graphics:
    """Count strokes and boxes by their bounds: cheap, and enough to tell
    which pages are worth looking for a ruled table on."""
    g = _Graphics()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    legacy_font: dict[int, bool] = {}
    for obj, kind, ctm in _objects(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if not g.legacy_fonts:
                g.legacy_fonts = _is_legacy_font(pdfium_c.FPDFTextObj_GetFont(obj), legacy_font)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            g.images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            a, _, _, d, e, f = ctm  # forms are rarely rotated: map the bounds' corners
            x0, x1 = sorted((a * left.value + e, a * right.value + e))
            y0, y1 = sorted((d * bottom.value + f, d * top.value + f))
            w, h = x1 - x0, y1 - y0
            if w >= 5 and h <= 2:
                g.h_edges += 1
                g.rules.append((x0, x1, (y0 + y1) / 2))
            elif h >= 5 and w <= 2:
                g.v_edges += 1
            elif w >= 5 and h >= 5:  # a box: four edges at once
                g.h_edges += 2
                g.v_edges += 2
    return g


def _is_legacy_font(font, seen: dict[int, bool]) -> bool:
    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    if key not in seen:
        name = ctypes.create_string_buffer(256)
        pdfium_c.FPDFFont_GetBaseFontName(font, name, 256)
        seen[key] = font_encoding(name.value.decode("latin-1")) is not None
    return seen[key]


def _line_object(x0: float, x1: float, top: float, bottom: float) -> dict:
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top}


def _edges(page: pdfium.PdfPage, top: float) -> tuple[list[dict], list[dict]]:
    """Straight horizontal and vertical strokes of the page's paths, as
    pdfplumber line objects (y measured down from `top`)."""
    h: list[dict] = []
    v: list[dict] = []
    m = pdfium_c.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()

    def add(p, q):
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= 3:
            y = top - (y0 + y1) / 2
            h.append(_line_object(min(x0, x1), max(x0, x1), y, y))
        elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= 3:
            x = (x0 + x1) / 2
            v.append(_line_object(x, x, top - max(y0, y1), top - min(y0, y1)))

    for obj, kind, ctm in _objects(page):
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        pdfium_c.FPDFPageObj_GetMatrix(obj, m)
        a, b, c, d, e, f = _compose((m.a, m.b, m.c, m.d, m.e, m.f), ctm)
        start = prev = None
        for s in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, s)
            pdfium_c.FPDFPathSegment_GetPoint(seg, fx, fy)
            point = (a * fx.value + c * fy.value + e, b * fx.value + d * fy.value + f)
            kind_ = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind_ == pdfium_c.FPDF_SEGMENT_MOVETO or prev is None:
                start = point
            elif kind_ == pdfium_c.FPDF_SEGMENT_LINETO:
                add(prev, point)
            prev = point
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                add(prev, start)
                prev = start
    return h, v


def _find_tables(page: pdfium.PdfPage, plumber_page, top: float) -> list[tuple[tuple, list[list]]]:
    """Ruled tables as (bbox, rows of cell boxes), boxes as (x0, y0, x1, y1)
    in PDF coordinates.  pdfplumber's lattice finder does the geometry
    (merging strokes, intersections, cells, tables), fed with pdfium's
    strokes, so the page's content is never parsed by pdfminer.  A single
    box is a frame, not a table."""
    from pdfplumber.table import TableFinder

    h, v = _edges(page, top)
    if len(h) < 2 or len(v) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": v,
        "explicit_horizontal_lines": h,
    }
    found = []
    for table in TableFinder(plumber_page, settings).tables:
        rows = [list(row.cells) for row in table.rows]
        if sum(c is not None for row in rows for c in row) < 2:
            continue
        flip = [[None if c is None else (c[0], top - c[3], c[2], top - c[1]) for c in row] for row in rows]
        x0, t, x1, b = table.bbox
        found.append(((x0, top - b, x1, top - t), flip))
    return found


def _inside(chars: _Chars, members: np.ndarray, box, tol: float = 1.0) -> np.ndarray:
    x, y = chars.x[members], chars.y[members]
    x0, y0, x1, y1 = box
    return (x >= x0 - tol) & (x <= x1 + tol) & (y >= y0 - tol) & (y <= y1 + tol)


def _cell_text(lines: list[Line]) -> str:
    """A cell's lines, one paragraph a line: a line that visibly goes on
    with the sentence above ("đơn vị trực" / "thuộc;") is joined to it, as
    the TXT reader joins hard-wrapped lines."""
    paragraphs: list[list[str]] = []
    for ln in lines:
        if paragraphs and continues_text(paragraphs[-1][-1], ln.text):
            paragraphs[-1].append(ln.text)
        else:
            paragraphs.append([ln.text])
    return "\n".join(_join(p) for p in paragraphs)


def _read_page(pdf: pdfium.PdfDocument, index: int, plumber, warnings: list[str]) -> Page:
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        result = Page(index + 1, right - left, top - bottom, y0=bottom)
        textpage = page.get_textpage()
        try:
            chars = _Chars(textpage)
            graphics = _graphics(page)
            result.rules = graphics.rules
            if graphics.legacy_fonts:
                for used in sorted(chars.legacy_to_unicode()):
                    if conversion_note(*used) not in warnings:
                        warnings.append(conversion_note(*used))
            scan = scan_reason("".join(chars.text), graphics.images > 0)
            if scan is not None:
                return _scanned_page(page, result, scan, warnings)
            if not len(chars):
                warnings.append(f"page {index + 1} has no text layer")
                return result
            members = np.arange(len(chars))
            tables = []
            if graphics.may_hold_table:
                try:
                    tables = _find_tables(page, plumber().pages[index], top)
                except Exception as e:  # keep the page's text even if the table finder fails
                    warnings.append(f"page {index + 1}: table detection failed: {type(e).__name__}: {e}")
            for box, rows in tables:
                inside = _inside(chars, members, box)
                in_table, members = members[inside], members[~inside]
                cells = []
                for row in rows:
                    texts = []
                    for cell in row:
                        if cell is None:  # covered by a merged cell
                            texts.append("")
                            continue
                        own = in_table[_inside(chars, in_table, cell, tol=0.5)]
                        texts.append(_cell_text(_group_lines(chars, own, index + 1)))
                    cells.append(texts)
                result.tables.append(Table(top=box[3], cells=cells, page=index + 1))
            result.lines = _group_lines(chars, members, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()
    return result


# --- the document: furniture, footnotes, paragraphs ------------------------------


@dataclass
class _Metrics:
    """The body text's geometry, taken from the whole document."""

    body_size: float
    pitch: float  # baseline to baseline inside a paragraph, at body size
    left: float  # where body lines start
    right: float  # where full body lines end
    heading_levels: dict[float, int]  # font size above the body's -> level


def _mode(values, default: float) -> float:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else default


def _metrics(pages: list[Page], furniture: set[int]) -> _Metrics:
    lines = [ln for p in pages for ln in p.lines if id(ln) not in furniture]
    sizes = Counter()
    for ln in lines:
        sizes[round(ln.size * 2) / 2] += len(ln.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 12.0
    body = [ln for ln in lines if abs(ln.size - body_size) < 0.6]
    steps = []
    for p in pages:
        prev = None
        for ln in p.lines:
            if abs(ln.size - body_size) < 0.6:
                if prev is not None and 0.8 * body_size < prev.baseline - ln.baseline < 2.5 * body_size:
                    steps.append(round((prev.baseline - ln.baseline) * 2) / 2)
                prev = ln
    pitch = _mode(steps, body_size * 1.2)
    # The left margin: the leftmost start shared by a good share of the
    # lines (the most common start may be the first-line indent).
    starts = Counter(round(ln.x0) for ln in body)
    common = max(starts.values(), default=0)
    left = float(min((x for x, n in starts.items() if n >= 0.2 * common), default=0))
    right = float(np.percentile([ln.x1 for ln in body], 90)) if body else 0.0
    larger = sorted({s for s in sizes if s > body_size + 0.5}, reverse=True)
    return _Metrics(body_size, pitch, left, right, {s: i + 1 for i, s in enumerate(larger)})


def _furniture(pages: list[Page]) -> dict[int, str]:
    """Running headers/footers and page numbers: lines in the top or bottom
    band that are bare page numbers, or that come back (digits masked) on
    other pages.  Maps id(line) to its block kind."""
    candidates = []
    for p in pages:
        for ln in p.lines:
            y = ln.baseline - p.y0
            if y > p.height * (1 - _BAND):
                candidates.append((p.number, PAGE_HEADER, ln))
            elif y < p.height * _BAND:
                candidates.append((p.number, PAGE_FOOTER, ln))
    key = {id(ln): (zone, _DIGITS.sub("#", _SPACES.sub(" ", ln.text.lower()))) for _, zone, ln in candidates}
    pages_with: dict[tuple, set[int]] = {}
    for number, _, ln in candidates:
        pages_with.setdefault(key[id(ln)], set()).add(number)
    need = max(2, round(0.3 * len(pages)))
    out = {}
    for _, zone, ln in candidates:
        repeated = len(pages) >= 2 and len(pages_with[key[id(ln)]]) >= need
        if repeated or _PAGE_NUMBER.match(ln.text):
            out[id(ln)] = zone
    return out


_PLAIN_NOTE_NUMBER = re.compile(r"^(\d{1,3})[\s.)]\s*")


def _footnote_lines(page: Page, body: list[Line], m: _Metrics) -> tuple[list[Line], list[Line]]:
    """Split the page's small print at the bottom into footnote lines.

    Returns (lines that continue the previous page's last footnote, lines
    of this page's footnotes), each top-down; the caller drops both from the
    body.  Footnotes sit below every body line, in a smaller font, and open
    with a raised number (or, under a separator rule, a plain one)."""
    region: list[Line] = []
    for ln in sorted(body, key=lambda ln: ln.baseline):
        if ln.size >= m.body_size * 0.9:
            break
        region.append(ln)
    if not region:
        return [], []
    region.reverse()
    in_region = {id(ln) for ln in region}
    above = [ln.baseline for ln in body if id(ln) not in in_region]
    ceiling = min(above) if above else page.y0 + page.height
    # Word's separator: a short stroke between the body and the notes.
    ruled = any(
        x1 - x0 < page.width * 0.5 and region[0].baseline < y < ceiling for x0, x1, y in page.rules
    )

    def opens_note(ln: Line) -> bool:
        return ln.mark or (ruled and _PLAIN_NOTE_NUMBER.match(ln.text) is not None)

    first = next((i for i, ln in enumerate(region) if opens_note(ln)), None)
    if first is None:
        # Small print under a separator rule but no number: the rest of the
        # previous page's last footnote.  Without a rule it is just small text.
        return (region if ruled else []), []
    for ln in region[first:]:
        if not ln.mark and opens_note(ln):  # "1 Kế hoạch ..." under a rule
            number = _PLAIN_NOTE_NUMBER.match(ln.text)
            ln.text = number.group(1).translate(TO_SUPERSCRIPT) + " " + ln.text[number.end() :]
            ln.mark = True
    return (region[:first] if ruled else []), region[first:]


# "II. ", "6.1. ", "a) ": a numbered heading or item, not a sentence going on.
_NUMBERED = re.compile(r"^(?:[IVXL]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3})\.\s|^[a-zđ]\)\s")
_GLUED_HYPHEN = re.compile(r"[^\s\-–—]-$")


def _join(texts: list[str]) -> str:
    """Lines of one paragraph into one string: a space at each wrap, none
    after a soft hyphen, and none after a hyphen that closes a word part
    ("2022-" + "2025"); a spaced dash ("kinh tế -" + "xã hội") keeps its
    spaces.  Vietnamese words are not hyphenated, so hyphens stay."""
    out = texts[0]
    for t in texts[1:]:
        if out.endswith(_SOFT_HYPHEN):
            out = out[:-1] + t
        elif _GLUED_HYPHEN.search(out) and t[:1].isalnum():
            out += t
        else:
            out += " " + t
    return out


def _centred(line: Line, m: _Metrics) -> bool:
    left, right = line.x0 - m.left, m.right - line.x1
    return left > line.size and right > line.size and abs(left - right) < 0.5 * line.size


def _starts_paragraph(prev: Line, line: Line, m: _Metrics) -> bool:
    size = max(prev.size, line.size)
    dy = prev.baseline - line.baseline
    if dy < 0.3 * size:  # same baseline or back up: another column or cell
        return True
    if dy > m.pitch * size / m.body_size * 1.2 + 1.0:  # a blank or spaced gap
        return True
    if abs(prev.size - line.size) > 0.5 or prev.bold != line.bold:
        return True
    if _centred(prev, m) and _centred(line, m):  # a title set over several lines
        return False
    if line.x0 > prev.x0 + 0.6 * size and line.x0 > m.left + 0.6 * size:  # first-line indent
        return True
    # A sentence ends the line and a list item or a numbered heading opens
    # the next: the shape the TXT reader splits on too.
    if ends_sentence(prev.text) and (LIST_MARKER.match(line.text) or _NUMBERED.match(line.text)):
        return True
    # The previous line stopped short although this line's first word would
    # have fitted after it: it was ended on purpose.
    return prev.x1 + 0.3 * size + line.first_word_w < m.right - 1.0


def _reading_order(lines: list[Line]) -> list[Line]:
    """Content-stream order is reading order in word-processor PDFs; when
    most steps go up the page instead, sort top-down."""
    ups = sum(1 for a, b in zip(lines, lines[1:]) if b.baseline > a.baseline + a.size and b.x0 <= a.x0)
    if ups > 3 and ups > 0.25 * len(lines):
        return sorted(lines, key=lambda ln: (-round(ln.baseline), ln.x0))
    return lines


@dataclass
class _Para:
    lines: list[Line]


def _page_blocks(
    page: Page, furniture: dict[int, str], m: _Metrics, earlier_notes: list[Block]
) -> tuple[list, list[Block], list[Block], list[Block]]:
    """One page -> (body items, headers, footnotes, footers).  Body items are
    _Para and Table, in reading order."""
    headers, footers = [], []
    for ln in page.lines:
        zone = furniture.get(id(ln))
        if zone is not None:
            block = Block(kind=zone, text=ln.text, page=page.number)
            (headers if zone == PAGE_HEADER else footers).append(block)
    body = [ln for ln in page.lines if id(ln) not in furniture]
    carried, note_lines = _footnote_lines(page, body, m)
    if carried and earlier_notes:
        earlier_notes[-1].text = _join([earlier_notes[-1].text] + [ln.text for ln in carried])
    elif carried:
        note_lines = carried + note_lines
    notes: list[list[Line]] = []
    for ln in note_lines:
        if ln.mark or not notes:
            notes.append([ln])
        else:
            notes[-1].append(ln)
    footnotes = [Block(kind=FOOTNOTE, text=_join([ln.text for ln in g]), page=page.number) for g in notes]
    dropped = {id(ln) for ln in carried + note_lines}
    body = _reading_order([ln for ln in body if id(ln) not in dropped])

    items: list = []
    tables = sorted(page.tables, key=lambda t: -t.top)
    for ln in body:
        while tables and tables[0].top > ln.baseline:
            items.append(tables.pop(0))
        last = items[-1] if items else None
        if isinstance(last, _Para) and not _starts_paragraph(last.lines[-1], ln, m):
            last.lines.append(ln)
        else:
            items.append(_Para([ln]))
    items.extend(tables)
    return items, headers, footnotes, footers


def _to_block(item, m: _Metrics) -> Block:
    if isinstance(item, Table):
        text = "\n".join("\t".join(row) for row in item.cells)
        return Block(kind=TABLE, text=text, page=item.page, cells=item.cells)
    text = _join([ln.text for ln in item.lines])
    kind = classify_line(text)
    first = item.lines[0]
    level = m.heading_levels.get(round(first.size * 2) / 2) if kind == HEADING else None
    return Block(kind=kind, text=text, page=first.page, level=level)


def _continues_on_next_page(prev: _Para, nxt: _Para, m: _Metrics) -> bool:
    """Geometry says the paragraph runs over the page break: its last line
    is full (the next page's first word would not have fitted), and the next
    page opens flush left, in the same font, without a list or heading mark."""
    a, b = prev.lines[-1], nxt.lines[0]
    if abs(a.size - b.size) > 0.5 or a.bold != b.bold:
        return False
    if b.x0 > m.left + 0.3 * b.size or LIST_MARKER.match(b.text) or _NUMBERED.match(b.text):
        return False
    full = a.x1 + 0.3 * a.size + b.first_word_w >= m.right - 1.0
    return full and not ends_sentence(a.text)


def _glue(blocks: list[Block], glued: set[int]) -> list[Block]:
    """Append each glued block to the body block before it, moving the page
    furniture and footnotes in between to after the joined paragraph."""
    out: list[Block] = []
    movable = (FOOTNOTE, PAGE_HEADER, PAGE_FOOTER)
    for b in blocks:
        if id(b) in glued:
            j = len(out) - 1
            while j >= 0 and out[j].kind in movable:
                j -= 1
            if j >= 0 and out[j].kind in (PARAGRAPH, LIST_ITEM):
                head = out[j]
                text = _join([head.text, b.text])
                merged = Block(kind=head.kind, text=text, page=head.page, level=head.level)
                out[j:] = [merged] + out[j + 1 :]
                continue
        out.append(b)
    return out


def _scanned_page(page: pdfium.PdfPage, result: Page, scan: str, warnings: list[str]) -> Page:
    """The OCR hook: a page whose text layer is unusable is read by
    Tesseract when it is installed, else left for `needs_ocr`."""
    result.scan = scan
    if tools.tesseract() is None:
        warnings.append(f"page {result.number} has {scan}: a scan? it needs OCR")
        return result
    try:
        result.ocr = ocr_page(page, result.number)
        warnings.append(f"page {result.number} has {scan}: read by OCR (tesseract, vie)")
    except tools.ToolError as e:
        result.ocr_error = str(e)
        warnings.append(f"page {result.number} has {scan}, and OCR failed: {e}")
    return result


def _assemble(pages: list[Page]) -> list[Block]:
    furniture = _furniture(pages)
    m = _metrics(pages, set(furniture))
    blocks: list[Block] = []
    notes_so_far: list[Block] = []
    glued: set[int] = set()
    prev_last = None
    for page in pages:
        if page.ocr is not None:  # a scanned page: OCR's blocks, no layout
            blocks.extend(page.ocr)
            prev_last = None
            continue
        items, headers, notes, footers = _page_blocks(page, furniture, m, notes_so_far)
        blocks.extend(headers)
        for k, item in enumerate(items):
            block = _to_block(item, m)
            if (
                k == 0
                and isinstance(item, _Para)
                and isinstance(prev_last, _Para)
                and _continues_on_next_page(prev_last, item, m)
            ):
                glued.add(id(block))
            blocks.append(block)
        prev_last = items[-1] if items else None
        blocks.extend(notes)
        blocks.extend(footers)
        notes_so_far.extend(notes)
    return join_broken_paragraphs(_glue(blocks, glued))


def _open(path: Path, truncated: bool) -> tuple[pdfium.PdfDocument, bool]:
    """Open with pdfium; a PDF encrypted with an empty user password opens
    as it would in a viewer, one that needs a real password does not.
    Also says whether a truncated file had to be repaired to open."""
    for password in (None, ""):
        try:
            return pdfium.PdfDocument(path, password=password), False
        except pdfium.PdfiumError as e:
            if getattr(e, "err_code", None) != pdfium_c.FPDF_ERR_PASSWORD:
                repaired = with_trailer(path) if truncated else None
                if repaired is not None:  # a half-downloaded file: read what survived
                    try:
                        return pdfium.PdfDocument(repaired, password=password), True
                    except pdfium.PdfiumError:
                        pass
                hint = " (it looks truncated: no %%EOF at its end)" if truncated else ""
                raise ValueError(f"unreadable PDF{hint}: {e}") from e
    raise ValueError("encrypted PDF: needs a password")


def _truncated(path: Path) -> bool:
    """A complete PDF ends with %%EOF (give or take trailing junk)."""
    with path.open("rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 2048))
        return b"%%EOF" not in f.read()


def read_pdf(path: Path) -> Document:
    """Read a PDF report into blocks in reading order, with page numbers."""
    path = Path(path)
    warnings: list[str] = []
    truncated = _truncated(path)
    if truncated:
        warnings.append("the file does not end with %%EOF: it may be truncated, pages may be missing")
    with _PDFIUM_LOCK:
        pages, n_pages, repaired = _read_pages(path, truncated, warnings)
    return Document(
        source_path=str(path),
        format="pdf",
        blocks=_assemble(pages),
        n_pages=n_pages,
        warnings=warnings,
        scanned_pages=[p.number for p in pages if p.scan and p.ocr is None and p.ocr_error is None],
        lost=_lost(pages, n_pages, repaired),
    )


def _lost(pages: list[Page], n_pages: int, repaired: bool) -> list[str]:
    """What of the file was not read, for the report's status (`partial`)."""
    lost = []
    if repaired:
        empty = [p.number for p in pages if not p.lines and not p.tables and not p.scan]
        said = f"; pages {_page_list(empty)} came out empty" if empty else ""
        lost.append(f"the file does not end with %%EOF: it is truncated, pages may be missing{said}")
    read = {p.number for p in pages}
    max_pages = limits.current().max_pages
    failed = [n for n in range(1, min(n_pages, max_pages) + 1) if n not in read]
    if failed:
        lost.append(f"{len(failed)} of {n_pages} pages could not be read: {_page_list(failed)}")
    if n_pages > max_pages:
        lost.append(f"the PDF has {n_pages} pages: pages {max_pages + 1}-{n_pages} were not read "
                    f"(Limits.max_pages = {max_pages})")
    lost.extend(f"page {p.number}: OCR failed: {p.ocr_error}" for p in pages if p.ocr_error)
    return lost


def _page_list(numbers: list[int]) -> str:
    """1, 2, 3, 7 -> "1-3, 7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


# pdfium is not thread-safe, and a flow may run readers in threads.
_PDFIUM_LOCK = threading.Lock()


def _read_pages(path: Path, truncated: bool, warnings: list[str]) -> tuple[list[Page], int, bool]:
    pdf, repaired = _open(path, truncated)
    plumber_pdf = None

    def plumber():
        # pdfplumber's table finder wants its own page object.  Opening
        # parses no page content, but is still only done when needed.
        nonlocal plumber_pdf
        if plumber_pdf is None:
            import pdfplumber

            plumber_pdf = pdfplumber.open(path, password="")
        return plumber_pdf

    pages: list[Page] = []
    try:
        n_pages = len(pdf)
        for i in range(min(n_pages, limits.current().max_pages)):
            try:
                pages.append(_read_page(pdf, i, plumber, warnings))
            except Exception as e:  # one bad page must not lose the others
                warnings.append(f"page {i + 1} could not be read: {type(e).__name__}: {e}")
    finally:
        if plumber_pdf is not None:
            plumber_pdf.close()
        pdf.close()
    return pages, n_pages, repaired
