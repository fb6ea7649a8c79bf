"""Plain-text reports: decode, split into blocks, re-join broken sentences.

Text reports are mostly copied out of a paginated original.  The decoded
text is cut at `Limits.max_chars` before anything else looks at it, and
every step here is linear in its length: crafted text (a megabyte of
unclosed `**`, of wrapped lines) costs no more than a report.  Paragraphs are
separated by blank lines; a form feed, where present, marks a page (a file
without one says nothing of pages, and its blocks have no page); lines that
open with a superscript digit are that page's footnotes.  Text exported as
Markdown keeps `**bold**` markers and `#` heading marks, which are layout and
not words, so they are dropped.  Text typed in a legacy TCVN3 or VNI font is
recognised (pipeline.read.legacy) and converted to Unicode.
"""

from __future__ import annotations

import codecs
from bisect import bisect_left
from pathlib import Path

from cchc.pipeline import limits
from cchc.pipeline.model import PAGE_EXPLICIT, Block, Document
from cchc.pipeline.patterns import MULTILINE, compile_pattern
from cchc.pipeline.read.layout import PARAGRAPH, classify_line, continues_text, join_broken_paragraphs
from cchc.pipeline.read.legacy import LABELS, decode_8bit, detect_legacy, to_unicode

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BLANK_LINES = compile_pattern(r"\n[ \t]*\n+")
_BOLD_OPEN = compile_pattern(r"(\*\*|__)(?=\S)")
_BOLD_CLOSE = {"**": compile_pattern(r"(?<=\S)\*\*"), "__": compile_pattern(r"(?<=\S)__")}
_MD_HEADING = compile_pattern(r"^#{1,6}\s+", MULTILINE)


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; return the text and the encoding that fitted."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    if data[:4096].count(0) > len(data[:4096]) // 4:
        even = data[0::2][:2048].count(0)
        odd = data[1::2][:2048].count(0)
        name = "utf-16-be" if even > odd else "utf-16-le"
        return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Vietnamese Windows text that is not UTF-8 is almost always CP1258;
        # it decodes every byte, so it comes last.
        return data.decode("cp1258", errors="replace"), "cp1258"


def strip_bold(text: str) -> str:
    """`**words**` and `__words__` as the words alone.  An opening mark is
    followed by a non-space, its closing mark is the first same mark after it
    that follows a non-space; an opening mark with no closing mark is left as
    it is.  One pass with a lookup of the next closing mark, so a text full
    of unclosed marks is not searched to its end from each of them."""
    closers = {mark: [m.start() for m in pattern.finditer(text)] for mark, pattern in _BOLD_CLOSE.items()}
    pieces, pos = [], 0
    for m in _BOLD_OPEN.finditer(text):
        start, mark = m.start(), m.group(1)
        if start < pos:
            continue
        ends = closers[mark]
        n = bisect_left(ends, start + 3)  # at least one character in between
        if n == len(ends):
            continue
        pieces += [text[pos:start], text[start + 2 : ends[n]]]
        pos = ends[n] + 2
    return "".join(pieces) + text[pos:] if pieces else text


def split_blocks(text: str, page: int | None) -> list[Block]:
    """Blocks of one page: a blank line ends a block, and so does a line that
    opens a heading, a list item or a footnote.  A hard-wrapped line that
    continues the sentence above is joined to it."""
    blocks: list[Block] = []
    for chunk in _BLANK_LINES.split(text):
        lines: list[str] = []  # of the block being built: joined once, at its end

        def close() -> None:
            if lines:
                blocks[-1].text = " ".join(lines)

        for line in (ln.strip() for ln in chunk.split("\n")):
            if not line:
                continue
            kind = classify_line(line)
            # Whether a line continues depends only on the end of what is before it.
            if lines and kind == PARAGRAPH and continues_text(lines[-1], line):
                lines.append(line)
                continue
            close()
            lines = [line]
            blocks.append(Block(kind=kind, text=line, page=page))
        close()
    return blocks


def read_txt(path: Path) -> Document:
    data = path.read_bytes()
    text, encoding = decode(data)
    warnings, lost = [], []
    max_chars = limits.current().max_chars
    if len(text) > max_chars:
        lost.append(limits.cut_note(max_chars, len(text)))
        text = text[:max_chars]
    # Text typed in a TCVN3 or VNI font: an 8-bit file holds the font's
    # bytes, a Unicode one the characters they show ("B¸o c¸o").
    legacy_text = decode_8bit(data)[:max_chars] if encoding == "cp1258" else text
    legacy = detect_legacy(legacy_text)
    if legacy is not None:
        text = to_unicode(legacy_text, legacy)
        warnings.append(f"the text is in the legacy {LABELS[legacy]} encoding; converted to Unicode")
        if encoding == "cp1258":
            encoding = legacy
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_HEADING.sub("", strip_bold(text))
    pages = text.split("\f")
    page_source = PAGE_EXPLICIT if len(pages) > 1 else None
    blocks: list[Block] = []
    for number, page_text in enumerate(pages, start=1):
        blocks.extend(split_blocks(page_text, number if page_source else None))
    blocks = join_broken_paragraphs(blocks)
    for block in blocks:
        block.page_source = page_source
    if "\ufffd" in text:
        warnings.append(f"some bytes could not be decoded as {encoding} and were replaced")
    return Document(
        source_path=str(path),
        format="txt",
        blocks=blocks,
        n_pages=len(pages),
        page_source=page_source,
        encoding=encoding,
        warnings=warnings,
        lost=lost,
    )

