"""Page furniture and footnotes: running headers and footers, page numbers,
and the small print under the body."""

from __future__ import annotations

from functools import cache

from cchc.pipeline.model import PAGE_FOOTER, PAGE_HEADER
from cchc.pipeline.patterns import IGNORECASE, Pattern, any_of, compile_pattern, entries, example_checker
from cchc.pipeline.read.layout import TO_SUPERSCRIPT
from cchc.pipeline.read.pdf.lines import _SPACES
from cchc.pipeline.read.pdf.settings import LAYOUT
from cchc.pipeline.read.pdf.shapes import Line, Page, _Metrics

_DIGITS = compile_pattern(r"\d")


def _page_words(name: str) -> list[str]:
    return next(e["words"] for e in entries("page_furniture") if e["name"] == name)


@cache
def _page_number() -> Pattern:
    """A line that is a page number alone (patterns/page_furniture.yaml)."""
    return compile_pattern(
        r"^(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?$"  # "3", "- 3 -"
        rf"|^{any_of(_page_words('page'))}\s*\d{{1,4}}(?:\s*{any_of(_page_words('of'))}\s*\d{{1,4}})?$"  # "Trang 3/12"
        r"|^\d{1,4}\s*/\s*\d{1,4}$",  # "3/12"
        IGNORECASE,
    )


@example_checker("page_furniture")
def _check_page_number(entry: dict) -> list[str]:
    fails = [f"{t!r} should be a page number" for t in entry["examples"] if not _page_number().match(t)]
    fails += [f"{t!r} should not be a page number" for t in entry["counter_examples"] if _page_number().match(t)]
    return fails


def _furniture(pages: list[Page]) -> dict[int, str]:
    """Running headers/footers and page numbers: lines in the top or bottom
    band that are bare page numbers, or that come back (digits masked) on
    other pages.  Maps id(line) to its block kind."""
    candidates = []
    for p in pages:
        for ln in p.lines:
            y = ln.baseline - p.y0
            if y > p.height * (1 - LAYOUT.furniture_band):
                candidates.append((p.number, PAGE_HEADER, ln))
            elif y < p.height * LAYOUT.furniture_band:
                candidates.append((p.number, PAGE_FOOTER, ln))
    key = {id(ln): (zone, _DIGITS.sub("#", _SPACES.sub(" ", ln.text.lower()))) for _, zone, ln in candidates}
    pages_with: dict[tuple, set[int]] = {}
    for number, _, ln in candidates:
        pages_with.setdefault(key[id(ln)], set()).add(number)
    need = max(2, round(0.3 * len(pages)))
    out = {}
    for _, zone, ln in candidates:
        repeated = len(pages) >= 2 and len(pages_with[key[id(ln)]]) >= need
        if repeated or _page_number().match(ln.text):
            out[id(ln)] = zone
    return out


# A note's number in plain digits, under the separator rule: "1 Kế hoạch",
# "1. Kế hoạch", or set close against its text ("1Kế hoạch", as LibreOffice
# does with a note style that has no hanging indent).
_PLAIN_NOTE_NUMBER = compile_pattern(r"^(\d{1,3})(?:[\s.)]\s*|(?=\p{L}))")


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
