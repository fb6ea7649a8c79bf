"""Scanned pages: tell them apart, and read them with Tesseract when it is there.

A page is a scan when it has no text layer but holds an image, or when its
text layer lies: text that is there but is not the page's words.  A font
without a usable ToUnicode map gives codes it could not map ("(cid:12)",
private-use, replacement and control characters, letters of scripts a
Vietnamese report does not use), or plain Latin letters that spell no
Vietnamese word ("Vr fdqk fkíqk"): consonant clusters and vowel runs that no
syllable has.  An invisible OCR layer laid over a scanned image is a text
layer like any other, and is read.  Only the scanned pages are OCR'd, one at a time: the page is rendered by pdfium at 300 dpi (at
most `_MAX_SIDE` pixels a side) and piped as PNG through
`tesseract stdin stdout -l vie`.  The blocks it gives carry `source = "ocr"`,
and so do the figures read from them.

Tesseract is optional.  Without it a scanned page stays unread and the
report's status is `needs_ocr`, with the command that installs it.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections import Counter

from cchc.pipeline import limits, tools
from cchc.pipeline.model import Block
from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.read.legacy import is_syllable

OCR = "ocr"  # Block.source and metrics.source of what OCR read
_DPI = 300
_MAX_SIDE = 5000  # pixels: a hostile page size must not make a giant bitmap
# "(cid:N)" is what PDF text extraction writes for a glyph with no Unicode.
_CID = compile_pattern(r"\(cid:\d+\)")
_FEW = 10  # a scan may carry a stamped page number or a scanner's name
# Letters that only Vietnamese writes (ă â đ ê ô ơ ư and the toned vowels):
# a page with some of them is Vietnamese text, not glyph codes.
_VIETNAMESE_ONLY = compile_pattern("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
_WORD = compile_pattern(r"\p{L}++")
_MIN_WORDS = 20  # fewer words than this cannot tell a language
_SAMPLE_WORDS = 200  # enough to judge a page
_MIN_VIETNAMESE = 0.1  # share of syllable-shaped words below which a page is not Vietnamese


def scan_reason(text: str, has_images: bool) -> str | None:
    """Why a page's text layer cannot be used, or None when it can (or when
    the page is simply blank)."""
    counts = Counter(_CID.sub("", text))  # each distinct character is judged once
    cid = _CID.findall(text)
    visible = sum(n for c, n in counts.items() if not c.isspace()) + sum(len(m) for m in cid)
    if visible < _FEW:
        return "no text layer" if has_images else None
    garbage = sum(len(m) for m in cid) + sum(n for c, n in counts.items() if _unmapped(c))
    if garbage > 0.5 * visible:
        return "unreadable text ((cid:N) glyph codes)" if cid else "unreadable text (unmapped glyph codes)"
    # A subset font whose ToUnicode map is gone keeps its ASCII letters and
    # turns the others into codes: the letters only Vietnamese has are
    # missing, and the codes stand where they were.
    vietnamese = len(_VIETNAMESE_ONLY.findall(text))
    if garbage >= 0.05 * visible and garbage > vietnamese:
        return ("unreadable text (glyph codes where the Vietnamese letters should be: "
                "a font without a usable ToUnicode map)")
    if vietnamese > 0.02 * visible:
        return None  # plainly Vietnamese
    share = vietnamese_share(text)
    if share is not None and share < _MIN_VIETNAMESE:
        return (f"a text layer that is not Vietnamese (only {share:.0%} of its words are Vietnamese syllables: "
                "a font without a usable ToUnicode map?)")
    return None


def vietnamese_share(text: str) -> float | None:
    """The share of a page's words that have the shape of a Vietnamese
    syllable, or None when the page is plainly Vietnamese (letters only
    Vietnamese has) or has too few words to tell.  Words in capitals
    (UBND, TTHC) and single letters are left out.  English scores about
    0.2, Vietnamese typed without diacritics above 0.8, and letters a font
    maps to the wrong codes below 0.05."""
    letters = sum(1 for c in text if c.isalpha())
    if letters and len(_VIETNAMESE_ONLY.findall(text)) > 0.02 * letters:
        return None  # plainly Vietnamese
    words = [w for w in _WORD.findall(text) if len(w) > 1 and not w.isupper()][:_SAMPLE_WORDS]
    if len(words) < _MIN_WORDS:
        return None
    return sum(map(is_syllable, words)) / len(words)


def _unmapped(c: str) -> bool:
    if c == "\ufffd":
        return True
    cat = unicodedata.category(c)
    if cat in ("Co", "Cn") or (cat == "Cc" and c not in "\t\n\r\f"):
        return True
    # A letter of a script a Vietnamese report is not written in: a glyph
    # code read as a character (CJK, Arabic ... from a font's internal ids).
    return c.isalpha() and ord(c) > 0x24F and not 0x1E00 <= ord(c) <= 0x1EFF and not 0x370 <= ord(c) <= 0x3FF


def ocr_page(page, number: int) -> list[Block]:
    """OCR one pdfium page with Tesseract's Vietnamese model; the page's
    blocks, marked `source = "ocr"`.  Raises tools.ToolError when Tesseract
    fails; the caller has checked that it is installed."""
    from cchc.pipeline.read.txt import split_blocks

    exe = tools.tesseract()
    if exe is None:
        raise tools.ToolError("tesseract with the Vietnamese model (vie) is not installed")
    width, height = page.get_size()
    scale = min(_DPI / 72, _MAX_SIDE / max(width, height, 1.0))
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image = bitmap.to_pil()
        png = io.BytesIO()
        image.save(png, format="PNG")
    finally:
        bitmap.close()
    # One thread per Tesseract: the worker processes already fill the cores.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = tools.run([exe, "stdin", "stdout", "-l", "vie"], input=png.getvalue(),
                     timeout=limits.current().tool_timeout, env=env)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise tools.ToolError(f"tesseract exited with status {done.returncode}: {detail[0]}")
    text = done.stdout.decode("utf-8", "replace").replace("\f", "\n")
    blocks = split_blocks(text, number)
    for block in blocks:
        block.source = OCR
    return blocks
