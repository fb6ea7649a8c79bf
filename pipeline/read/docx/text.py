"""The text of a paragraph: its runs in reading order, its automatic number,
its footnote marks, its legacy-font text made Unicode, and the pages it
crosses.  The text nodes are taken up to the run's character cap
(`Limits.max_chars`) and only counted past it, so that nothing after the
reader (layout rules, patterns) sees more of a document than the cap."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from lxml import etree

from cchc.pipeline import limits
from cchc.pipeline.model import HEADING, PAGE_EXPLICIT as EXPLICIT, PAGE_RENDERED as RENDERED
from cchc.pipeline.read.docx.numbering import Numbering, next_label, numbering_ref
from cchc.pipeline.read.docx.package import PPR, PSTYLE, R, RPR, SDT, SDT_CONTENT, SDT_PR, T, _w, val
from cchc.pipeline.read.docx.styles import Styles, heading_level, run_fonts
from cchc.pipeline.read.layout import TO_SUPERSCRIPT, classify_line
from cchc.pipeline.read.legacy import font_encoding, is_unicode_vietnamese, to_unicode

# Inline wrappers whose runs are shown.  Deletions (w:del, w:moveFrom), field
# instructions, drawings and properties are not in this set, so they show nothing.
_INLINE_CONTAINERS = {
    _w(tag)
    for tag in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir")
}


@dataclass
class TextBudget:
    """The characters of text a document may still give before the run's cap,
    and those of the text past the cap, counted to say how much was not read."""

    room: int
    not_read: int = 0

    def take(self, text: str) -> str:
        if len(text) <= self.room:
            self.room -= len(text)
            return text
        kept = text[: self.room]
        self.not_read += len(text) - self.room
        self.room = 0
        return kept


@dataclass
class Context:
    styles: Styles
    numbering: Numbering
    footnotes: dict[str, etree._Element]
    page: int = 1
    # The page where the block being read shows its first character.
    block_page: int | None = None
    # A hard page break was just read: Word also marks the next page's start
    # with a rendered break, which must not count twice.
    after_hard_break: bool = False
    # The kinds of page break met so far: where the page numbers come from.
    break_kinds: set[str] = field(default_factory=set)
    footnote_numbers: dict[str, int] = field(default_factory=dict)
    pending_footnotes: list[str] = field(default_factory=list)
    paragraph_style: str | None = None  # of the paragraph being read
    # (encoding, font name) of the legacy-font text converted so far.
    legacy_fonts: set[tuple[str, str]] = field(default_factory=set)
    # One for the whole document: headers, footers and footnotes draw on it too.
    budget: TextBudget = field(default_factory=lambda: TextBudget(limits.current().max_chars))

    def scratch(self) -> Context:
        """A context for headers, footers and footnote bodies: same styles and
        lists, but its own pages and counters, so they do not disturb the body."""
        return Context(self.styles, self.numbering.fresh(), footnotes={}, legacy_fonts=self.legacy_fonts,
                       budget=self.budget)

    @property
    def page_source(self) -> str | None:
        """How the page numbers were found: from Word's rendered breaks when it
        saved any, else from the author's page breaks; None when the file
        says nothing of pages."""
        if RENDERED in self.break_kinds:
            return RENDERED
        return EXPLICIT if EXPLICIT in self.break_kinds else None


class _LegacyText(str):
    """Text of a run in a TCVN3 or VNI font, converted when the paragraph's
    runs are joined (`_joined`)."""

    encoding: tuple[str, bool]  # (encoding, upper-case font)
    font: str


def _run_font(run: etree._Element, ctx: Context) -> str | None:
    """The font a run's non-ASCII characters are drawn in (w:hAnsi, else
    w:ascii), set by the run, its character style, its paragraph's style or
    the document defaults, the nearest first."""
    rpr = run.find(RPR)
    levels = [run_fonts(rpr)]
    char_style = val(rpr.find(_w("rStyle"))) if rpr is not None else None
    levels += [style.fonts for _, style in ctx.styles.chain(char_style)]
    levels += [style.fonts for _, style in ctx.styles.chain(ctx.paragraph_style)]
    levels.append(ctx.styles.default_fonts)
    for kind in ("hAnsi", "ascii"):
        for fonts in levels:
            if kind in fonts:
                return fonts[kind] or None
    return None


def _in_font(text: str, run: etree._Element, ctx: Context) -> str:
    """A run's text, marked for conversion when its font is a legacy one."""
    font = _run_font(run, ctx) if text else None
    encoding = font_encoding(font)
    if encoding is None:
        return text
    marked = _LegacyText(text)
    marked.encoding, marked.font = encoding, font
    return marked


def _joined(pieces: list[str], ctx: Context) -> str:
    """A paragraph's text with its legacy-font runs in Unicode.  Neighbouring
    runs in one encoding are converted together: a VNI letter and its mark
    may sit in two runs.  Text that already holds Unicode Vietnamese is left
    as it is, whatever its font says."""
    if not any(isinstance(piece, _LegacyText) for piece in pieces):
        return "".join(pieces)
    out = []
    for encoding, group in groupby(pieces, key=lambda piece: getattr(piece, "encoding", None)):
        group = list(group)
        text = "".join(group)
        if encoding is not None and not is_unicode_vietnamese(text):
            text = to_unicode(text, *encoding)
            ctx.legacy_fonts.update((encoding[0], piece.font) for piece in group)
        out.append(text)
    return "".join(out)


def _text_of(t: etree._Element) -> str:
    # Entity references that were left unresolved are child nodes: keep only
    # the text around them, never the reference itself.
    return (t.text or "") + "".join(child.tail or "" for child in t)


def sdt_content(sdt: etree._Element) -> etree._Element | None:
    """What a content control shows; None while it shows its placeholder prompt."""
    props = sdt.find(SDT_PR)
    if props is not None and props.find(_w("showingPlcHdr")) is not None:
        return None
    return sdt.find(SDT_CONTENT)


def _inline_text(el: etree._Element, ctx: Context, out: list[str]) -> None:
    for child in el:
        if child.tag == R:
            _run_text(child, ctx, out)
        elif child.tag == SDT:
            content = sdt_content(child)
            if content is not None:
                _inline_text(content, ctx, out)
        elif child.tag in _INLINE_CONTAINERS:
            _inline_text(child, ctx, out)


def _page_break(kind: str, ctx: Context) -> None:
    """Count a page break once: Word marks the page after a hard break with a
    rendered break too."""
    ctx.break_kinds.add(kind)
    if kind == EXPLICIT:
        ctx.page += 1
        ctx.after_hard_break = True
    elif ctx.after_hard_break:
        ctx.after_hard_break = False
    else:
        ctx.page += 1


_SIMPLE = {_w("tab"): "\t", _w("ptab"): "\t", _w("cr"): "\n", _w("noBreakHyphen"): "-"}


def _run_text(run: etree._Element, ctx: Context, out: list[str]) -> None:
    for child in run:
        tag = child.tag
        if tag == T:
            text = _in_font(ctx.budget.take(_text_of(child)), run, ctx)
            out.append(text)
            if text.strip():
                ctx.after_hard_break = False
                if ctx.block_page is None:
                    ctx.block_page = ctx.page
        elif tag in _SIMPLE:
            out.append(_SIMPLE[tag])
        elif tag == _w("br"):
            if child.get(_w("type")) == "page":
                _page_break(EXPLICIT, ctx)
            else:
                out.append("\n")
        elif tag == _w("lastRenderedPageBreak"):
            _page_break(RENDERED, ctx)
        elif tag == _w("footnoteReference"):
            out.append(_footnote_mark(child, ctx))


def _footnote_mark(ref: etree._Element, ctx: Context) -> str:
    """Number a footnote by order of appearance and return its mark, ¹ ² ...
    A custom mark ("*") is a run of its own that follows, and takes no number."""
    fid = ref.get(_w("id"), "")
    ctx.pending_footnotes.append(fid)
    if ref.get(_w("customMarkFollows")) in ("1", "true", "on"):
        return ""
    if fid not in ctx.footnote_numbers:
        ctx.footnote_numbers[fid] = len(ctx.footnote_numbers) + 1
    return str(ctx.footnote_numbers[fid]).translate(TO_SUPERSCRIPT)


def read_paragraph(p: etree._Element, ctx: Context) -> tuple[str, str, int | None]:
    """(kind, text, heading level) of one paragraph, its automatic number included."""
    ppr = p.find(PPR)
    style_id = val(ppr.find(PSTYLE)) if ppr is not None else None
    style_id = style_id or ctx.styles.default
    ctx.paragraph_style = style_id
    out: list[str] = []
    _inline_text(p, ctx, out)
    text = _joined(out, ctx).rstrip()

    label = None
    ref = numbering_ref(ppr, style_id, ctx.styles, ctx.numbering)
    if ref is not None:
        # The counter moves even for an empty paragraph: Word shows its number.
        label = next_label(*ref, ctx.styles, ctx.numbering)
    if label and text.strip():
        text = f"{label} {text.lstrip()}"

    level = heading_level(ppr, style_id, ctx.styles)
    if level is not None:
        return HEADING, text, level
    # A bullet's "- " makes a list item, as it does in typed text.
    return classify_line(text), text, None
