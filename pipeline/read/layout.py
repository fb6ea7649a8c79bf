"""Layout rules that every reader shares: what a heading line looks like, and
how a paragraph cut by a page break is put back together.

Reports are typed in Word, printed, and copied back out of PDFs: a sentence
that ran over a page break arrives as two paragraphs ("...hoạt động đối ngoại"
/ "trên địa bàn tỉnh"), often with that page's footnotes or running header
between them.  `join_broken_paragraphs` re-joins such sentences and moves what
stood between them to after the re-joined paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.pipeline.model import (
    FOOTNOTE,
    HEADING,
    LIST_ITEM,
    PAGE_FOOTER,
    PAGE_HEADER,
    PARAGRAPH,
    Block,
)
from cchc.pipeline.patterns import compile_pattern

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)

# "I. ", "II. ", "1. ", "6.1. ", "6.1 ", "a) ", "đ) " at the start of a line.
HEADING_NUMBER = compile_pattern(
    r"^\s*(?P<number>(?P<roman>[IVXL]{1,6})\.|(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,3})\.?|(?P<letter>[a-zđ])\))\s+(?=\S)"
)
LIST_MARKER = compile_pattern(r"^\s*(?:[-–—+•*▪●○◦]|\d{1,2}\))\s+")
FOOTNOTE_MARKER = compile_pattern(f"^\\s*[{SUPERSCRIPT_DIGITS}]+\\s*")

_MAX_HEADING_CHARS = 220
_SENTENCE_END = compile_pattern(r"[.!?:;…]['\"”’)\]»]*\s*$")
_MOVABLE = (FOOTNOTE, PAGE_HEADER, PAGE_FOOTER)


@dataclass(frozen=True)
class HeadingNumber:
    """The number a heading line opens with, as `Section.number` carries it."""

    kind: str  # "roman", "arabic" or "letter": the level it stands for depends on it
    number: str  # "II", "6.1", "đ"
    end: int  # where the title starts in the line
    # The number ends with its mark ("6.1. ", "II. ", "a) "), as an item of a
    # list does; "6.1 " or "3 " is a heading number only on a heading's line,
    # and in running text as often a count ("01 công chức").
    closed: bool


def heading_number(line: str) -> HeadingNumber | None:
    """The heading number at the start of `line`, or None; the one reading of
    the grammar that the readers and the outline share."""
    m = HEADING_NUMBER.match(line)
    if not m:
        return None
    if m.group("roman"):
        return HeadingNumber("roman", m.group("roman"), m.end(), True)
    if m.group("arabic"):
        return HeadingNumber("arabic", m.group("arabic").rstrip("."), m.end(), m.group("number").endswith("."))
    return HeadingNumber("letter", m.group("letter"), m.end(), True)


def looks_like_heading(line: str) -> bool:
    """A numbered line short enough to be a title and not ending a sentence."""
    number = heading_number(line)
    if not number:
        return False
    text = line.strip()
    if len(text) > _MAX_HEADING_CHARS or text.endswith((".", ";", ",")):
        return False
    rest = line[number.end :].strip()
    # "1. 000 hồ sơ" or "2.5 triệu" are numbers, not headings.
    return bool(rest) and not rest[0].isdigit()


def classify_line(line: str) -> str:
    """Block kind of one line of running text, from its shape alone."""
    if FOOTNOTE_MARKER.match(line):
        return FOOTNOTE
    if looks_like_heading(line):
        return HEADING
    if LIST_MARKER.match(line):
        return LIST_ITEM
    return PARAGRAPH


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def continues_text(before: str, after: str) -> bool:
    """Whether `after` reads as the rest of a sentence that `before` left open."""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after or ends_sentence(before):
        return False
    if before.endswith((",", "-", "–", "(", "/")):
        return True
    return after[0].islower()


def continues(prev: Block, nxt: Block) -> bool:
    """Whether block `nxt` is the rest of the sentence that `prev` left unfinished."""
    if prev.kind not in (PARAGRAPH, LIST_ITEM) or nxt.kind != PARAGRAPH:
        return False
    return continues_text(prev.text, nxt.text)


def join_broken_paragraphs(blocks: list[Block], separator: str = " ") -> list[Block]:
    """Re-join paragraphs that a page or line break cut mid-sentence.

    Footnotes and page furniture that stood between the two halves are moved
    after the re-joined paragraph, in their order.  The halves are joined
    once, at the end, and each continuation is judged on the last half
    alone, so a long run of broken lines costs linear time.
    """
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        moved: list[Block] = []
        parts = [block.text]
        last = block
        while block.kind in (PARAGRAPH, LIST_ITEM):
            j = i
            while j < len(blocks) and blocks[j].kind in _MOVABLE:
                j += 1
            if j >= len(blocks) or not continues(last, blocks[j]):
                break
            moved.extend(blocks[i:j])
            last = blocks[j]
            parts.append(last.text)
            i = j + 1
        if len(parts) > 1:
            text = parts[0].rstrip() + separator + separator.join(p.strip() for p in parts[1:-1])
            text = (text + separator if len(parts) > 2 else text) + parts[-1].lstrip()
            block = Block(kind=block.kind, text=text, page=block.page, level=block.level, source=block.source)
        out.append(block)
        out.extend(moved)
    return out


def heading_or_paragraph(block: Block) -> Block:
    """Re-classify a paragraph as a heading when its shape says so."""
    if block.kind == PARAGRAPH and "\n" not in block.text and looks_like_heading(block.text):
        block.kind = HEADING
    return block
