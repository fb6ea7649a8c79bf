"""Scanned pages: tell them apart, and read them with Tesseract when it is there.

A page is a scan when it has no text layer but holds an image, or when its
text is mostly codes a font could not map ("(cid:12)(cid:57)", private-use
and control characters): text that is there but cannot be read.  Only those
pages are OCR'd, one at a time: the page is rendered by pdfium at 300 dpi (at
most `_MAX_SIDE` pixels a side) and piped as PNG through
`tesseract stdin stdout -l vie`.  The blocks it gives carry `source = "ocr"`,
and so do the figures read from them.

Tesseract is optional.  Without it a scanned page stays unread and the
report's status is `needs_ocr`, with the command that installs it.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata

from pipeline import limits, tools
from pipeline.model import Block

OCR = "ocr"  # Block.source and metrics.source of what OCR read
_DPI = 300
_MAX_SIDE = 5000  # pixels: a hostile page size must not make a giant bitmap
# "(cid:N)" is what PDF text extraction writes for a glyph with no Unicode.
_CID = re.compile(r"\(cid:\d+\)")
_FEW = 10  # a scan may carry a stamped page number or a scanner's name


def scan_reason(text: str, has_images: bool) -> str | None:
    """Why a page's text layer cannot be used, or None when it can (or when
    the page is simply blank)."""
    visible = sum(1 for c in text if not c.isspace())
    if visible < _FEW:
        return "no text layer" if has_images else None
    cid = _CID.findall(text)
    garbage = sum(len(m) for m in cid)
    garbage += sum(1 for c in _CID.sub("", text) if _unmapped(c))
    if garbage > 0.5 * visible:
        return "unreadable text ((cid:N) glyph codes)" if cid else "unreadable text (unmapped glyph codes)"
    return None


def _unmapped(c: str) -> bool:
    if c == "\ufffd":
        return True
    cat = unicodedata.category(c)
    return cat in ("Co", "Cn") or (cat == "Cc" and c not in "\t\n\r\f")


def ocr_page(page, number: int) -> list[Block]:
    """OCR one pdfium page with Tesseract's Vietnamese model; the page's
    blocks, marked `source = "ocr"`.  Raises tools.ToolError when Tesseract
    fails; the caller has checked that it is installed."""
    from pipeline.read.txt import split_blocks

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
