"""Characters into lines, placed by position."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.read.layout import SUPERSCRIPT_DIGITS, TO_SUPERSCRIPT
from cchc.pipeline.read.pdf.chars import _PDFIUM_HYPHENS, _Chars
from cchc.pipeline.read.pdf.settings import LAYOUT
from cchc.pipeline.read.pdf.shapes import Line

_SOFT_HYPHEN = "\u00ad"
_CONTROL = compile_pattern(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SPACES = compile_pattern(r"\s+")
_SPACE_BEFORE_MARK = compile_pattern(f"(?<=\\S)\\s+(?=[{SUPERSCRIPT_DIGITS}]+(?:\\s|$|[,.;:]))")
_GLUED_HYPHEN = compile_pattern(r"[^\s\-–—]-$")


def _fragments(chars: _Chars, members: np.ndarray) -> list[np.ndarray]:
    """Runs of consecutive characters on one exact baseline.  A superscript
    is a fragment of its own at this stage."""
    if len(members) == 0:
        return []
    x, y = chars.x[members], chars.y[members]
    breaks = (np.abs(np.diff(y)) > LAYOUT.fragment_baseline) | (np.diff(x) < -LAYOUT.fragment_back)
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
    """Near the line's baseline; or smaller print raised above it by up to
    most of the line's size, as a note marker set with a large rise
    (reportlab's <super>)."""
    if abs(base - g.base) < LAYOUT.same_line_share * max(size, g.size):
        return True
    (small, small_base), (big, big_base) = sorted(((size, base), (g.size, g.base)))
    return small < LAYOUT.small_share * big and 0 < small_base - big_base <= LAYOUT.raised_share * big


def _host(on_baseline: dict[int, list[_Group]], base: float, size: float, x0: float, x1: float) -> _Group | None:
    """The latest line on this baseline whose extent holds the fragment
    (give or take a letter at either end)."""
    for key in (round(base), round(base) - 1, round(base) + 1):
        for g in reversed(on_baseline.get(key, ())):
            near = abs(g.base - base) < LAYOUT.late_run_baseline_share * max(size, g.size)
            if near and x0 >= g.x0 - size and x1 <= g.x1 + size:
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


def _ordered(chars: _Chars, ks: np.ndarray, size: float) -> _Run:
    """A line's characters in order of position.  In the usual case the
    stream is already in order and the line is kept as pdfium gave it,
    spaces pdfium generated for wide gaps included.  When letters come back
    leftwards, or marks are drawn as glyphs of their own, the letters are
    sorted by x and word spaces are found again from the gaps between one
    letter's advance and the next letter (pdfium's generated spaces stand
    in holes that late letters fill, or beside marks it could not place);
    each combining mark goes after the letter whose box holds the middle of
    its ink."""
    space, xs = chars.space[ks], chars.x[ks]
    mark = chars.mark[ks] if chars.has_marks else None
    # Spaces stand where the pen is, so in stream order they step forward too.
    if mark is None or not mark.any():
        if not (np.diff(xs) < -LAYOUT.step_back_share * size).any():
            return _Run(ks, [chars.text[k] for k in ks], xs, space)
        mark = np.zeros(len(ks), dtype=bool)
    letters = np.nonzero(~space & ~mark)[0]
    order = letters[np.argsort(xs[letters], kind="stable")]
    kk, x = ks[order], xs[order]
    right = chars.advance_rights(kk) if len(kk) else x
    gaps = np.nonzero(x[1:] - right[:-1] > LAYOUT.word_gap_share * size)[0]
    # Letter i moves on by the number of spaces before it; the space after
    # letter g borrows its index and stands at its advance.
    n, m = len(kk), len(gaps)
    letter_at = np.arange(n) + np.searchsorted(gaps, np.arange(n), side="left")
    space_at = gaps + 1 + np.arange(m)
    out_k, out_x = np.empty(n + m, dtype=ks.dtype), np.empty(n + m)
    out_k[letter_at], out_k[space_at] = kk, kk[gaps]
    out_x[letter_at], out_x[space_at] = x, right[gaps]
    space_mask = np.zeros(n + m, dtype=bool)
    space_mask[space_at] = True
    texts = [" "] * (n + m)
    for i, k in zip(letter_at.tolist(), kk.tolist()):
        texts[i] = chars.text[k]
    run = _Run(out_k, texts, out_x, space_mask)
    return _with_marks(chars, run, ks[mark]) if mark.any() else run


def _with_marks(chars: _Chars, run: _Run, marks: np.ndarray) -> _Run:
    """Each combining mark after the letter whose box holds the middle of
    its ink (before the line's first letter when none does)."""
    bases = np.nonzero(~run.space)[0]
    starts = run.x[bases]
    after: dict[int, list[int]] = {}
    for k in marks.tolist():
        b = bisect_right(starts, chars.centre(k) + 0.5) - 1
        after.setdefault(int(bases[b]) if len(bases) and b >= 0 else -1, []).append(k)
    order: list[tuple[int, str, float, bool]] = [(k, chars.text[k], float(chars.x[k]), False) for k in after.get(-1, [])]
    for i in range(len(run.ks)):
        order.append((int(run.ks[i]), run.text[i], float(run.x[i]), bool(run.space[i])))
        order += [(k, chars.text[k], float(chars.x[k]), False) for k in after.get(i, [])]
    return _Run(
        np.array([o[0] for o in order], dtype=run.ks.dtype),
        [o[1] for o in order],
        np.array([o[2] for o in order]),
        np.array([o[3] for o in order], dtype=bool),
    )


def _split_gutters(run: _Run, size: float) -> list[_Run]:
    """Cut a line where the pen jumps across a wide blank: two cells of an
    unruled table ("Số: 12/BC-SNgV ... Hà Tĩnh, ngày ...") on one baseline."""
    pos = np.nonzero(~run.space)[0]
    if len(pos) < 2:
        return [run]
    wide = np.nonzero(np.diff(run.x[pos]) > max(LAYOUT.gutter, LAYOUT.gutter_share * size))[0]
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
    for j in np.nonzero(chars.y[ks] - base > max(1.0, size * LAYOUT.superscript_rise_share))[0]:
        if texts[j].isdigit() and chars.size(ks[j]) < size * LAYOUT.small_share:
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
