"""Word (.docx) reports: walk the document XML in reading order.

python-docx drops tracked insertions, content controls, automatic numbering
and footnotes, and it knows nothing of pages, so this reader opens the package
itself and reads the parts it needs: the main document, styles, numbering,
footnotes, headers and footers.

What a reader of the printed page sees is what comes out:
- tracked insertions are kept and tracked deletions dropped, as in the final
  version of the document;
- an automatic number ("I.", "6.1.", "a)") is rebuilt from numbering.xml and
  put before the paragraph text; a bullet becomes "- ";
- a footnote reference becomes its number in superscript digits, and the
  footnote itself a block of its own right after the block that cites it;
- page headers and footers go to the start and the end of the document, once
  each, so they never break into the running text;
- text in a legacy TCVN3 or VNI font (.VnTime, VNI-Times), named by the run,
  its character style, its paragraph style or the document defaults, is
  converted to Unicode (pipeline.read.legacy).

The package is untrusted input: the zip is bounded, and XML is parsed without
DTD loading, entity resolution or network access.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from lxml import etree

from pipeline.model import (
    FOOTNOTE,
    HEADING,
    PAGE_FOOTER,
    PAGE_HEADER,
    TABLE,
    Block,
    Document,
)
from pipeline.read.layout import TO_SUPERSCRIPT, classify_line, join_broken_paragraphs
from pipeline.read.legacy import conversion_note, font_encoding, is_unicode_vietnamese, to_unicode

MAX_ZIP_ENTRIES = 5000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, TBL, TR, TC, R, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
SDT, SDT_CONTENT, SDT_PR, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("sdtPr"), _w("customXml")
RPR, RFONTS = _w("rPr"), _w("rFonts")
PPR, PSTYLE, NUMPR, NUMID, ILVL = _w("pPr"), _w("pStyle"), _w("numPr"), _w("numId"), _w("ilvl")
OUTLINE_LVL, SECT_PR, BODY, VAL = _w("outlineLvl"), _w("sectPr"), _w("body"), _w("val")

# Inline wrappers whose runs are shown.  Deletions (w:del, w:moveFrom), field
# instructions, drawings and properties are not in this set, so they show nothing.
_INLINE_CONTAINERS = {
    _w(tag)
    for tag in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir")
}
_ON = {None, "1", "true", "on"}


# --- the package ---------------------------------------------------------------


def _xml_parser() -> etree.XMLParser:
    # One parser per file: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


def _check_zip(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse archives far larger than any report: the cheap zip-bomb guard."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ValueError(
            f"{path}: the zip holds {len(infos)} entries, more than the "
            f"{MAX_ZIP_ENTRIES} allowed for a Word document; refusing to read it"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ValueError(
            f"{path}: the zip would unpack to {total} bytes, more than the "
            f"{MAX_UNCOMPRESSED_BYTES} allowed for a Word document; refusing to read it"
        )


def _read_xml(zf: zipfile.ZipFile, parser: etree.XMLParser, name: str) -> etree._Element | None:
    try:
        data = zf.read(name)
    except KeyError:
        return None
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"broken XML in {name}: {e}") from e


def _relationships(
    zf: zipfile.ZipFile, parser: etree.XMLParser, part: str
) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type's last word, target part name)."""
    folder, name = posixpath.split(part)
    root = _read_xml(zf, parser, posixpath.join(folder, "_rels", name + ".rels"))
    rels: dict[str, tuple[str, str]] = {}
    if root is None:
        return rels
    for rel in root.iter(f"{{{PKG_RELS_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        rels[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target)
    return rels


def _part_of_type(rels: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((target for t, target in rels.values() if t == kind), None)


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(VAL, default)


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _is_on(el: etree._Element | None) -> bool:
    """A boolean property such as <w:isLgl/>: on when present, unless val says off."""
    return el is not None and el.get(VAL) in _ON


# --- styles ---------------------------------------------------------------------


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None  # w:outlineLvl, 0-based; 9 means body text
    num_id: str | None
    ilvl: int | None
    fonts: dict[str, str] = field(default_factory=dict)  # see _fonts


@dataclass
class _Styles:
    by_id: dict[str, _Style] = field(default_factory=dict)
    default: str | None = None  # the default paragraph style, used when a paragraph names none
    default_fonts: dict[str, str] = field(default_factory=dict)  # the document defaults' fonts

    def chain(self, style_id: str | None):
        """The style and the styles it is based on, nearest first."""
        seen = set()
        while style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            yield style_id, self.by_id[style_id]
            style_id = self.by_id[style_id].based_on


def _fonts(rpr: etree._Element | None) -> dict[str, str]:
    """The fonts that run properties set: "ascii" for ASCII characters,
    "hAnsi" for the others; "" for a theme font, never a legacy one."""
    rfonts = rpr.find(RFONTS) if rpr is not None else None
    if rfonts is None:
        return {}
    fonts = {}
    for kind in ("ascii", "hAnsi"):
        if rfonts.get(_w(kind + "Theme")) is not None:
            fonts[kind] = ""
        elif rfonts.get(_w(kind)):
            fonts[kind] = rfonts.get(_w(kind))
    return fonts


def _parse_styles(root: etree._Element | None) -> _Styles:
    styles = _Styles()
    if root is None:
        return styles
    styles.default_fonts = _fonts(root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{RPR}"))
    for st in root.iter(_w("style")):
        style_id = st.get(_w("styleId"))
        if not style_id:
            continue
        ppr = st.find(PPR)
        num_pr = ppr.find(NUMPR) if ppr is not None else None
        styles.by_id[style_id] = _Style(
            name=(_val(st.find(_w("name"))) or style_id).strip(),
            based_on=_val(st.find(_w("basedOn"))),
            outline=_int(_val(ppr.find(OUTLINE_LVL))) if ppr is not None else None,
            num_id=_val(num_pr.find(NUMID)) if num_pr is not None else None,
            ilvl=_int(_val(num_pr.find(ILVL))) if num_pr is not None else None,
            fonts=_fonts(st.find(RPR)),
        )
        if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true", "on"):
            styles.default = style_id
    return styles


_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)


def _heading_level(ppr: etree._Element | None, style_id: str | None, styles: _Styles) -> int | None:
    """Heading level that the paragraph's style (or its own outline level)
    declares: "Heading 2" is 2, "Title" is 0, a style based on a heading is a
    heading too.  An outline level set nearer the paragraph wins."""
    if ppr is not None:
        own = _int(_val(ppr.find(OUTLINE_LVL)))
        if own is not None:
            return own + 1 if own < 9 else None
    for _, style in styles.chain(style_id):
        if style.outline is not None:
            return style.outline + 1 if style.outline < 9 else None
        m = _HEADING_STYLE.match(style.name)
        if m:
            return int(m.group(1))
        if style.name.lower() == "title":
            return 0
    return None


# --- automatic numbering --------------------------------------------------------


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this 1-based level; 0 never
    legal: bool = False  # w:isLgl: show every level's number in decimal
    style: str | None = None  # w:pStyle: the paragraph style tied to this level


@dataclass
class _Num:
    abstract: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


@dataclass
class _Numbering:
    abstracts: dict[str, dict[int, _Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstract id -> numbering style id
    nums: dict[str, _Num] = field(default_factory=dict)
    # The counters of each list, by level; None: not started (or restarted).
    counters: dict[tuple[str, str], list[int | None]] = field(default_factory=dict)


def _parse_level(lvl: etree._Element) -> _Level:
    fmt = lvl.find(_w("numFmt"))
    if fmt is None:
        # Word 2010+ wraps newer formats in mc:AlternateContent; the fallback is classic.
        fmt = lvl.find(f"{{{MC_NS}}}AlternateContent/{{{MC_NS}}}Fallback/{_w('numFmt')}")
    return _Level(
        fmt=_val(fmt, "decimal") or "decimal",
        text=_val(lvl.find(_w("lvlText")), "") or "",
        start=_int(_val(lvl.find(_w("start"))), 1),
        restart=_int(_val(lvl.find(_w("lvlRestart")))),
        legal=_is_on(lvl.find(_w("isLgl"))),
        style=_val(lvl.find(PSTYLE)),
    )


def _parse_numbering(root: etree._Element | None) -> _Numbering:
    numbering = _Numbering()
    if root is None:
        return numbering
    for abstract in root.iter(_w("abstractNum")):
        aid = abstract.get(_w("abstractNumId"), "")
        numbering.abstracts[aid] = {
            _int(lvl.get(_w("ilvl")), 0): _parse_level(lvl) for lvl in abstract.iter(_w("lvl"))
        }
        link = _val(abstract.find(_w("numStyleLink")))
        if link:
            numbering.style_links[aid] = link
    for num in root.iter(_w("num")):
        entry = _Num(abstract=_val(num.find(_w("abstractNumId")), "") or "")
        for override in num.iter(_w("lvlOverride")):
            ilvl = _int(override.get(_w("ilvl")), 0)
            start = _int(_val(override.find(_w("startOverride"))))
            if start is not None:
                entry.start_overrides[ilvl] = start
            lvl = override.find(_w("lvl"))
            if lvl is not None:
                entry.level_overrides[ilvl] = _parse_level(lvl)
        numbering.nums[num.get(_w("numId"), "")] = entry
    return numbering


def _abstract_id(numbering: _Numbering, styles: _Styles, num_id: str) -> str:
    """The abstract list behind a num, following a list-style link once."""
    aid = numbering.nums[num_id].abstract
    link = numbering.style_links.get(aid)
    if link:
        linked = next((s.num_id for _, s in styles.chain(link) if s.num_id), None)
        if linked in numbering.nums:
            aid = numbering.nums[linked].abstract
    return aid


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 4000:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        # Word goes a..z, then aa..zz, then aaa...
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)  # decimal, and formats not worth rendering


def _roman(n: int) -> str:
    out = []
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def _numbering_ref(
    ppr: etree._Element | None, style_id: str | None, styles: _Styles, numbering: _Numbering
) -> tuple[str, int] | None:
    """(numId, level) of a numbered paragraph, from its own w:numPr or its style's."""
    num_id = ilvl = None
    num_pr = ppr.find(NUMPR) if ppr is not None else None
    if num_pr is not None:
        num_id = _val(num_pr.find(NUMID))
        ilvl = _int(_val(num_pr.find(ILVL)))
    for _, style in styles.chain(style_id):
        if num_id is None and style.num_id is not None:
            num_id = style.num_id
        if ilvl is None and style.ilvl is not None:
            ilvl = style.ilvl
    if num_id is None or num_id not in numbering.nums:
        return None  # numId 0 is "numbering removed", and is never a real num
    if ilvl is None:
        # A heading style tied to a multilevel list names its level in w:lvl/w:pStyle.
        levels = numbering.abstracts.get(_abstract_id(numbering, styles, num_id), {})
        ilvl = next((i for i, lvl in levels.items() if style_id and lvl.style == style_id), 0)
    return num_id, ilvl


def _next_label(num_id: str, ilvl: int, styles: _Styles, numbering: _Numbering) -> str | None:
    """Advance the list's counter at `ilvl` and return the number as displayed:
    "II.", "6.1.", "a)"; "-" for a bullet; None when the level shows nothing."""
    if not 0 <= ilvl < 9:
        return None
    num = numbering.nums[num_id]
    aid = _abstract_id(numbering, styles, num_id)
    abstract = numbering.abstracts.get(aid, {})

    def level(i: int) -> _Level:
        return num.level_overrides.get(i) or abstract.get(i) or _Level(text=f"%{i + 1}.")

    def start(i: int) -> int:
        return num.start_overrides.get(i, level(i).start)

    # Nums over the same abstract list share its counters; a num that overrides
    # a start value is a list of its own, restarted.
    key = ("num", num_id) if num.start_overrides else ("abstract", aid)
    counters = numbering.counters.setdefault(key, [None] * 9)
    counters[ilvl] = start(ilvl) if counters[ilvl] is None else counters[ilvl] + 1
    for deeper in range(ilvl + 1, 9):
        restart = level(deeper).restart
        if restart is None or (restart != 0 and ilvl < restart):
            counters[deeper] = None

    this = level(ilvl)
    if this.fmt == "bullet":
        return "-"

    def number(m: re.Match) -> str:
        i = int(m.group(1)) - 1
        n = counters[i] if counters[i] is not None else start(i)
        fmt = level(i).fmt
        if this.legal and fmt != "none":
            fmt = "decimal"
        return _format_number(n, fmt)

    label = re.sub(r"%([1-9])", number, this.text).strip()
    return label or None


# --- text of a paragraph --------------------------------------------------------


@dataclass
class _Context:
    styles: _Styles
    numbering: _Numbering
    footnotes: dict[str, etree._Element]
    page: int = 1
    # The page where the block being read shows its first character.
    block_page: int | None = None
    # A hard page break was just read: Word also marks the next page's start
    # with a rendered break, which must not count twice.
    after_hard_break: bool = False
    footnote_numbers: dict[str, int] = field(default_factory=dict)
    pending_footnotes: list[str] = field(default_factory=list)
    paragraph_style: str | None = None  # of the paragraph being read
    # (encoding, font name) of the legacy-font text converted so far.
    legacy_fonts: set[tuple[str, str]] = field(default_factory=set)

    def scratch(self) -> _Context:
        """A context for headers, footers and footnote bodies: same styles and
        lists, but its own pages and counters, so they do not disturb the body."""
        numbering = _Numbering(self.numbering.abstracts, self.numbering.style_links, self.numbering.nums)
        return _Context(self.styles, numbering, footnotes={}, legacy_fonts=self.legacy_fonts)


class _LegacyText(str):
    """Text of a run in a TCVN3 or VNI font, converted when the paragraph's
    runs are joined (`_joined`)."""

    encoding: tuple[str, bool]  # (encoding, upper-case font)
    font: str


def _run_font(run: etree._Element, ctx: _Context) -> str | None:
    """The font a run's non-ASCII characters are drawn in (w:hAnsi, else
    w:ascii), set by the run, its character style, its paragraph's style or
    the document defaults, the nearest first."""
    rpr = run.find(RPR)
    levels = [_fonts(rpr)]
    char_style = _val(rpr.find(_w("rStyle"))) if rpr is not None else None
    levels += [style.fonts for _, style in ctx.styles.chain(char_style)]
    levels += [style.fonts for _, style in ctx.styles.chain(ctx.paragraph_style)]
    levels.append(ctx.styles.default_fonts)
    for kind in ("hAnsi", "ascii"):
        for fonts in levels:
            if kind in fonts:
                return fonts[kind] or None
    return None


def _in_font(text: str, run: etree._Element, ctx: _Context) -> str:
    """A run's text, marked for conversion when its font is a legacy one."""
    font = _run_font(run, ctx) if text else None
    encoding = font_encoding(font)
    if encoding is None:
        return text
    marked = _LegacyText(text)
    marked.encoding, marked.font = encoding, font
    return marked


def _joined(pieces: list[str], ctx: _Context) -> str:
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


def _sdt_content(sdt: etree._Element) -> etree._Element | None:
    """What a content control shows; None while it shows its placeholder prompt."""
    props = sdt.find(SDT_PR)
    if props is not None and props.find(_w("showingPlcHdr")) is not None:
        return None
    return sdt.find(SDT_CONTENT)


def _inline_text(el: etree._Element, ctx: _Context, out: list[str]) -> None:
    for child in el:
        if child.tag == R:
            _run_text(child, ctx, out)
        elif child.tag == SDT:
            content = _sdt_content(child)
            if content is not None:
                _inline_text(content, ctx, out)
        elif child.tag in _INLINE_CONTAINERS:
            _inline_text(child, ctx, out)


def _run_text(run: etree._Element, ctx: _Context, out: list[str]) -> None:
    for child in run:
        tag = child.tag
        if tag == T:
            text = _in_font(_text_of(child), run, ctx)
            out.append(text)
            if text.strip():
                ctx.after_hard_break = False
                if ctx.block_page is None:
                    ctx.block_page = ctx.page
        elif tag in (_w("tab"), _w("ptab")):
            out.append("\t")
        elif tag == _w("br"):
            if child.get(_w("type")) == "page":
                ctx.page += 1
                ctx.after_hard_break = True
            else:
                out.append("\n")
        elif tag == _w("cr"):
            out.append("\n")
        elif tag == _w("lastRenderedPageBreak"):
            if ctx.after_hard_break:
                ctx.after_hard_break = False
            else:
                ctx.page += 1
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("footnoteReference"):
            out.append(_footnote_mark(child, ctx))


def _footnote_mark(ref: etree._Element, ctx: _Context) -> str:
    """Number a footnote by order of appearance and return its mark, ¹ ² ...
    A custom mark ("*") is a run of its own that follows, and takes no number."""
    fid = ref.get(_w("id"), "")
    ctx.pending_footnotes.append(fid)
    if ref.get(_w("customMarkFollows")) in ("1", "true", "on"):
        return ""
    if fid not in ctx.footnote_numbers:
        ctx.footnote_numbers[fid] = len(ctx.footnote_numbers) + 1
    return str(ctx.footnote_numbers[fid]).translate(TO_SUPERSCRIPT)


def _read_paragraph(p: etree._Element, ctx: _Context) -> tuple[str, str, int | None]:
    """(kind, text, heading level) of one paragraph, its automatic number included."""
    ppr = p.find(PPR)
    style_id = _val(ppr.find(PSTYLE)) if ppr is not None else None
    style_id = style_id or ctx.styles.default
    ctx.paragraph_style = style_id
    out: list[str] = []
    _inline_text(p, ctx, out)
    text = _joined(out, ctx).rstrip()

    label = None
    ref = _numbering_ref(ppr, style_id, ctx.styles, ctx.numbering)
    if ref is not None:
        # The counter moves even for an empty paragraph: Word shows its number.
        label = _next_label(*ref, ctx.styles, ctx.numbering)
    if label and text.strip():
        text = f"{label} {text.lstrip()}"

    level = _heading_level(ppr, style_id, ctx.styles)
    if level is not None:
        return HEADING, text, level
    # A bullet's "- " makes a list item, as it does in typed text.
    return classify_line(text), text, None


# --- blocks ---------------------------------------------------------------------


def _children(container: etree._Element, tags: tuple[str, ...]):
    """Children with one of `tags`, looking through content controls and
    custom-XML wrappers, which may hold paragraphs, tables, rows or cells."""
    for el in container:
        if el.tag in tags:
            yield el
        elif el.tag == SDT:
            content = _sdt_content(el)
            if content is not None:
                yield from _children(content, tags)
        elif el.tag == CUSTOM_XML:
            yield from _children(el, tags)


def _lines(container: etree._Element, ctx: _Context) -> list[str]:
    """Text lines of the paragraphs and tables in a container (a table cell, a
    header, a footnote); a nested table gives one line per cell."""
    lines = []
    for el in _children(container, (P, TBL)):
        if el.tag == P:
            lines.append(_read_paragraph(el, ctx)[1].strip())
        else:
            lines.extend(cell for row in _table_rows(el, ctx) for cell in row)
    return [line for line in lines if line]


def _table_rows(tbl: etree._Element, ctx: _Context) -> list[list[str]]:
    """The grid of a table, one string a grid column.  A merged cell's text is
    in its first column and row; the columns and rows it covers are empty."""
    rows = []
    for tr in _children(tbl, (TR,)):
        trpr = tr.find(_w("trPr"))
        if trpr is not None and trpr.find(_w("del")) is not None:
            continue  # a row deleted with tracked changes
        row = [""] * (_int(_val(trpr.find(_w("gridBefore"))), 0) if trpr is not None else 0)
        for tc in _children(tr, (TC,)):
            tcpr = tc.find(_w("tcPr"))
            span = _int(_val(tcpr.find(_w("gridSpan"))), 1) if tcpr is not None else 1
            merges = [tcpr.find(_w("vMerge")), tcpr.find(_w("hMerge"))] if tcpr is not None else []
            covered = any(m is not None and m.get(VAL, "continue") == "continue" for m in merges)
            row.append("" if covered else "\n".join(_lines(tc, ctx)))
            row.extend([""] * (max(span, 1) - 1))
        if trpr is not None:
            row.extend([""] * (_int(_val(trpr.find(_w("gridAfter"))), 0) or 0))
        rows.append(row)
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _footnote_blocks(ctx: _Context, page: int, emitted: set[str]) -> list[Block]:
    """The footnotes cited by the block just read, each once."""
    blocks = []
    for fid in ctx.pending_footnotes:
        note = ctx.footnotes.get(fid)
        if note is None or fid in emitted:
            continue
        emitted.add(fid)
        text = "\n".join(_lines(note, ctx.scratch()))
        number = ctx.footnote_numbers.get(fid)
        if number is not None:
            text = f"{str(number).translate(TO_SUPERSCRIPT)} {text}"
        blocks.append(Block(kind=FOOTNOTE, text=text.rstrip(), page=page))
    ctx.pending_footnotes.clear()
    return blocks


def _body_blocks(body: etree._Element, ctx: _Context) -> list[Block]:
    blocks: list[Block] = []
    emitted: set[str] = set()
    for el in _children(body, (P, TBL)):
        ctx.block_page = None
        if el.tag == P:
            kind, text, level = _read_paragraph(el, ctx)
            block = Block(kind=kind, text=text, level=level) if text.strip() else None
        else:
            rows = _table_rows(el, ctx)
            text = "\n".join("\t".join(row) for row in rows)
            block = Block(kind=TABLE, text=text, cells=rows) if text.strip() else None
        page = ctx.block_page or ctx.page
        if block is not None:
            block.page = page
            blocks.append(block)
        blocks.extend(_footnote_blocks(ctx, page, emitted))
    return blocks


def _page_furniture(
    zf: zipfile.ZipFile,
    parser: etree.XMLParser,
    body: etree._Element,
    rels: dict[str, tuple[str, str]],
    ctx: _Context,
) -> tuple[list[str], list[str]]:
    """Distinct texts of the headers and of the footers the sections use, in order."""
    texts: dict[str, list[str]] = {"header": [], "footer": []}
    seen_parts: set[str] = set()
    for sect in body.iter(SECT_PR):
        if sect.getparent().tag not in (BODY, PPR):
            continue  # an old version kept by tracked changes
        for ref in sect:
            kind = {_w("headerReference"): "header", _w("footerReference"): "footer"}.get(ref.tag)
            rel = rels.get(ref.get(f"{{{R_NS}}}id", ""))
            if kind is None or rel is None or rel[1] in seen_parts:
                continue
            seen_parts.add(rel[1])
            root = _read_xml(zf, parser, rel[1])
            text = "\n".join(_lines(root, ctx.scratch())) if root is not None else ""
            if text and text not in texts[kind]:
                texts[kind].append(text)
    return texts["header"], texts["footer"]


def read_docx(path: Path) -> Document:
    path = Path(path)
    parser = _xml_parser()
    with zipfile.ZipFile(path) as zf:
        _check_zip(zf, path)
        main = _part_of_type(_relationships(zf, parser, ""), "officeDocument") or "word/document.xml"
        root = _read_xml(zf, parser, main)
        if root is None:
            raise ValueError(f"{path}: not a Word document, it has no {main}")
        body = root.find(BODY)
        if body is None:
            raise ValueError(f"{path}: {main} has no body")
        rels = _relationships(zf, parser, main)

        def part(kind: str) -> etree._Element | None:
            name = _part_of_type(rels, kind)
            return _read_xml(zf, parser, name) if name else None

        notes_root = part("footnotes")
        footnotes = {}
        if notes_root is not None:
            for note in notes_root.iter(_w("footnote")):
                # The separator lines Word draws above the notes are not notes.
                if note.get(_w("type"), "normal") == "normal":
                    footnotes[note.get(_w("id"), "")] = note
        ctx = _Context(_parse_styles(part("styles")), _parse_numbering(part("numbering")), footnotes)
        # A DOCX converted from a PDF keeps its page-break cuts; re-join them.
        blocks = join_broken_paragraphs(_body_blocks(body, ctx))
        headers, footers = _page_furniture(zf, parser, body, rels, ctx)

    n_pages = ctx.page
    warnings = [conversion_note(*used) for used in sorted(ctx.legacy_fonts)]
    return Document(
        source_path=str(path),
        format="docx",
        blocks=[Block(kind=PAGE_HEADER, text=t, page=1) for t in headers]
        + blocks
        + [Block(kind=PAGE_FOOTER, text=t, page=n_pages) for t in footers],
        n_pages=n_pages,
        warnings=warnings,
    )
