"""Paragraph and character styles: heading levels, list links and fonts."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from cchc.pipeline.patterns import IGNORECASE, compile_pattern
from cchc.pipeline.read.docx.package import ILVL, NUMID, NUMPR, OUTLINE_LVL, PPR, RFONTS, RPR, _w, to_int, val


@dataclass
class Style:
    name: str
    based_on: str | None
    outline: int | None  # w:outlineLvl, 0-based; 9 means body text
    num_id: str | None
    ilvl: int | None
    fonts: dict[str, str] = field(default_factory=dict)  # see run_fonts


@dataclass
class Styles:
    by_id: dict[str, Style] = field(default_factory=dict)
    default: str | None = None  # the default paragraph style, used when a paragraph names none
    default_fonts: dict[str, str] = field(default_factory=dict)  # the document defaults' fonts

    def chain(self, style_id: str | None):
        """The style and the styles it is based on, nearest first."""
        seen = set()
        while style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            yield style_id, self.by_id[style_id]
            style_id = self.by_id[style_id].based_on


def run_fonts(rpr: etree._Element | None) -> dict[str, str]:
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


def parse_styles(root: etree._Element | None) -> Styles:
    styles = Styles()
    if root is None:
        return styles
    styles.default_fonts = run_fonts(root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{RPR}"))
    for st in root.iter(_w("style")):
        style_id = st.get(_w("styleId"))
        if not style_id:
            continue
        ppr = st.find(PPR)
        num_pr = ppr.find(NUMPR) if ppr is not None else None
        styles.by_id[style_id] = Style(
            name=(val(st.find(_w("name"))) or style_id).strip(),
            based_on=val(st.find(_w("basedOn"))),
            outline=to_int(val(ppr.find(OUTLINE_LVL))) if ppr is not None else None,
            num_id=val(num_pr.find(NUMID)) if num_pr is not None else None,
            ilvl=to_int(val(num_pr.find(ILVL))) if num_pr is not None else None,
            fonts=run_fonts(st.find(RPR)),
        )
        if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true", "on"):
            styles.default = style_id
    return styles


_HEADING_STYLE = compile_pattern(r"^heading\s*([1-9])$", IGNORECASE)


def heading_level(ppr: etree._Element | None, style_id: str | None, styles: Styles) -> int | None:
    """Heading level that the paragraph's style (or its own outline level)
    declares: "Heading 2" is 2, "Title" is 0, a style based on a heading is a
    heading too.  An outline level set nearer the paragraph wins."""
    if ppr is not None:
        own = to_int(val(ppr.find(OUTLINE_LVL)))
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
