"""Automatic numbering: the labels Word draws before numbered paragraphs
("I.", "6.1.", "a)", a bullet), rebuilt from the numbering part."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.read.docx.package import ILVL, MC_NS, NUMID, NUMPR, PSTYLE, _w, is_on, to_int, val
from cchc.pipeline.read.docx.styles import Styles


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this 1-based level; 0 never
    legal: bool = False  # w:isLgl: show every level's number in decimal
    style: str | None = None  # w:pStyle: the paragraph style tied to this level


@dataclass
class Num:
    abstract: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


@dataclass
class Numbering:
    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstract id -> numbering style id
    nums: dict[str, Num] = field(default_factory=dict)
    # The counters of each list, by level; None: not started (or restarted).
    counters: dict[tuple[str, str], list[int | None]] = field(default_factory=dict)

    def fresh(self) -> Numbering:
        """The same lists with counters of their own (for headers, footers, notes)."""
        return Numbering(self.abstracts, self.style_links, self.nums)


def _parse_level(lvl: etree._Element) -> Level:
    fmt = lvl.find(_w("numFmt"))
    if fmt is None:
        # Word 2010+ wraps newer formats in mc:AlternateContent; the fallback is classic.
        fmt = lvl.find(f"{{{MC_NS}}}AlternateContent/{{{MC_NS}}}Fallback/{_w('numFmt')}")
    return Level(
        fmt=val(fmt, "decimal") or "decimal",
        text=val(lvl.find(_w("lvlText")), "") or "",
        start=to_int(val(lvl.find(_w("start"))), 1),
        restart=to_int(val(lvl.find(_w("lvlRestart")))),
        legal=is_on(lvl.find(_w("isLgl"))),
        style=val(lvl.find(PSTYLE)),
    )


def parse_numbering(root: etree._Element | None) -> Numbering:
    numbering = Numbering()
    if root is None:
        return numbering
    for abstract in root.iter(_w("abstractNum")):
        aid = abstract.get(_w("abstractNumId"), "")
        numbering.abstracts[aid] = {
            to_int(lvl.get(_w("ilvl")), 0): _parse_level(lvl) for lvl in abstract.iter(_w("lvl"))
        }
        link = val(abstract.find(_w("numStyleLink")))
        if link:
            numbering.style_links[aid] = link
    for num in root.iter(_w("num")):
        entry = Num(abstract=val(num.find(_w("abstractNumId")), "") or "")
        for override in num.iter(_w("lvlOverride")):
            ilvl = to_int(override.get(_w("ilvl")), 0)
            start = to_int(val(override.find(_w("startOverride"))))
            if start is not None:
                entry.start_overrides[ilvl] = start
            lvl = override.find(_w("lvl"))
            if lvl is not None:
                entry.level_overrides[ilvl] = _parse_level(lvl)
        numbering.nums[num.get(_w("numId"), "")] = entry
    return numbering


def _abstract_id(numbering: Numbering, styles: Styles, num_id: str) -> str:
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


def numbering_ref(
    ppr: etree._Element | None, style_id: str | None, styles: Styles, numbering: Numbering
) -> tuple[str, int] | None:
    """(numId, level) of a numbered paragraph, from its own w:numPr or its style's."""
    num_id = ilvl = None
    num_pr = ppr.find(NUMPR) if ppr is not None else None
    if num_pr is not None:
        num_id = val(num_pr.find(NUMID))
        ilvl = to_int(val(num_pr.find(ILVL)))
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


# A level's text names the numbers it shows: "%1.%2." is the first level's
# number, a dot, the second level's number, a dot.
_PLACEHOLDER = compile_pattern(r"%([1-9])")


def next_label(num_id: str, ilvl: int, styles: Styles, numbering: Numbering) -> str | None:
    """Advance the list's counter at `ilvl` and return the number as displayed:
    "II.", "6.1.", "a)"; "-" for a bullet; None when the level shows nothing."""
    if not 0 <= ilvl < 9:
        return None
    num = numbering.nums[num_id]
    aid = _abstract_id(numbering, styles, num_id)
    abstract = numbering.abstracts.get(aid, {})

    def level(i: int) -> Level:
        return num.level_overrides.get(i) or abstract.get(i) or Level(text=f"%{i + 1}.")

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

    def number(m) -> str:
        i = int(m.group(1)) - 1
        n = counters[i] if counters[i] is not None else start(i)
        fmt = level(i).fmt
        if this.legal and fmt != "none":
            fmt = "decimal"
        return _format_number(n, fmt)

    label = _PLACEHOLDER.sub(number, this.text).strip()
    return label or None
