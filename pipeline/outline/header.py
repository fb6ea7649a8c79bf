"""What a report says about itself: its front matter (number, place and
date, title, period, issuer) and its closing block (signer, recipients),
read by `parse_header` with the words of patterns/report_parts.yaml and
patterns/admin_levels.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cchc.pipeline.text.dates import find_dates, find_periods
from cchc.pipeline.model import FOOTNOTE, HEADING, PAGE_FOOTER, PAGE_HEADER, TABLE, Document, ReportMeta
from cchc.pipeline.patterns import IGNORECASE, Pattern, any_of, compile_pattern, entries, example_checker

_DOC_NUMBER = compile_pattern(r"\bSố\s*:?\s*(?P<number>[\w.]*\s*/\s*[\w\-–&./]+)")
_PLACE_DATE = compile_pattern(r"^\s*(?P<place>[^\W\d_][^,\n]{1,40}?)\s*,\s*ngày\b", IGNORECASE)


@dataclass(frozen=True)
class _Level:
    """A level of local government (patterns/admin_levels.yaml)."""

    name: str
    tiers: tuple[str, ...]
    compounds: tuple[str, ...] = ()

    @property
    def local(self) -> bool:
        return self.tiers != ("province",)


@cache
def admin_levels() -> tuple[_Level, ...]:
    return tuple(_Level(e["name"], tuple(e["tiers"]), tuple(e.get("compounds", ()))) for e in entries("admin_levels"))


def _levels(levels, upper: bool = False) -> str:
    """Any of `levels`, longest first, none where its word is the head of a
    compound noun that names no place ("xã hội" in "Bảo hiểm xã hội", "tỉnh
    ủy"): the compound is that noun when it stands alone, before
    punctuation or before another level ("Bảo hiểm xã hội tỉnh Quảng
    Bình"), and a place otherwise ("thành phố Hội An")."""
    every = any_of(lv.name for lv in admin_levels())
    after = rf"(?:\s+(?i:{every})(?!\w)|\s*+(?:$|[^\w\s]))"
    parts = []
    for lv in sorted(levels, key=lambda lv: len(lv.name), reverse=True):
        word = any_of([lv.name.upper() if upper else lv.name])
        tails = [c[len(lv.name):].strip() for c in lv.compounds]
        parts.append(word + (rf"(?!\s+(?i:{any_of(tails)}){after})" if tails else ""))
    return "(?:" + "|".join(parts) + ")"


@cache
def tier_words() -> frozenset[str]:
    """The words of the levels that name one tier only: a province's, a
    district's and a commune's "UBND" are told apart by them."""
    return frozenset(w for lv in admin_levels() if len(lv.tiers) == 1 for w in lv.name.split())


@dataclass(frozen=True)
class _HeaderGrammar:
    """The patterns of a report's header and closing block, built once from
    patterns/report_parts.yaml and patterns/admin_levels.yaml."""

    agency_line: Pattern
    not_agency: Pattern
    title: Pattern
    intro_issuer: Pattern
    province_header: Pattern
    province_mention: Pattern
    level: Pattern
    local_level: Pattern
    role_line: Pattern
    recipients: Pattern
    abbreviations: frozenset[str]
    place_line: Pattern
    long_forms: tuple[tuple[Pattern, str], ...]


@cache
def report_words(name: str) -> list[str]:
    return next(e["words"] for e in entries("report_parts") if e["name"] == name)


@cache
def _header() -> _HeaderGrammar:
    levels = admin_levels()
    local = _levels(lv for lv in levels if lv.local)
    bodies = any_of(report_words("bodies"))
    title = report_words("title")
    return _HeaderGrammar(
        # Agency lines are in capitals, which the caller checks.
        agency_line=compile_pattern(rf"^(?:{bodies}|{local})\b", IGNORECASE),
        not_agency=compile_pattern(any_of(report_words("national_motto") + title), IGNORECASE),
        title=compile_pattern(rf"^\s*{any_of(w.upper() for w in title)}\s*$"),
        # In running text the body is written with a capital, the verb in small letters.
        intro_issuer=compile_pattern(
            rf"(?P<name>{bodies}\s+[^,.;:()]{{2,60}}?)\s+{any_of(w.lower() for w in title)}\b"),
        province_header=compile_pattern(
            rf"\b{_levels((lv for lv in levels if 'province' in lv.tiers), upper=True)}\s+(?P<name>[^\W\d_][\w ]{{1,30}})"),
        # "tỉnh Hà Tĩnh" in running text: a level that can only be a province
        # ("thành phố" may be a district) and one to three capitalised words.
        province_mention=compile_pattern(
            rf"\b{_levels(lv for lv in levels if lv.tiers == ('province',))}"
            r"\s+(?P<name>\p{Lu}\p{L}*+(?:\s\p{Lu}\p{L}*+){0,2})"),
        level=compile_pattern(rf"(?<!\w){_levels(levels)}(?!\w)"),
        local_level=compile_pattern(rf"(?<!\w){local}(?!\w)"),
        # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH": the lines above a signature.
        role_line=compile_pattern(rf"^{any_of(report_words('signing_for'))}\.\s|\b{any_of(report_words('roles'))}\b", IGNORECASE),
        recipients=compile_pattern(rf"^\s*{any_of(report_words('recipients'))}\s*:?", IGNORECASE),
        abbreviations=frozenset(report_words("abbreviations")),
        # "HUYỆN ĐAKRÔNG", "TỈNH QUẢNG TRỊ": the level and the place of a body named on the line above.
        place_line=compile_pattern(rf"^{_levels(levels)}\s", IGNORECASE),
        long_forms=tuple((compile_pattern(rf"^{any_of(e['words'])}(?!\w)", IGNORECASE), e["short"])
                         for e in entries("report_parts") if e["name"] == "long_form"),
    )


def _closing_lines(doc: Document, max_blocks: int = 15) -> list[str]:
    """The last lines of the body, table cells included, in reading order."""
    body = [b for b in doc.blocks if b.kind not in (FOOTNOTE, PAGE_HEADER, PAGE_FOOTER)]
    lines: list[str] = []
    for block in body[-max_blocks:]:
        lines.extend(_cell_lines(block) if block.kind == TABLE and block.cells else block.text.split("\n"))
    return [ln.strip() for ln in lines if ln.strip()]


def _is_name_word(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower() and word.isalpha()


def _trailing_name(line: str) -> str | None:
    """A person's name at the end of a line: 2 to 6 capitalised words."""
    words = line.split()
    name: list[str] = []
    for word in reversed(words):
        if not _is_name_word(word):
            break
        name.insert(0, word)
    return " ".join(name) if 2 <= len(name) <= 6 else None


def _signer(lines: list[str]) -> tuple[str | None, str | None]:
    role_at = [i for i, ln in enumerate(lines) if ln.isupper() and _header().role_line.search(ln)]
    if not role_at:
        return None, None
    first = role_at[0]
    # Role lines may run on: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC".
    last = first
    while last + 1 < len(lines) and lines[last + 1].isupper():
        last += 1
    role = " / ".join(lines[first : last + 1])
    for ln in lines[last:]:
        name = _trailing_name(ln)
        if name:
            return name, role
    return None, role


def _recipients(lines: list[str]) -> list[str]:
    heading = _header().recipients
    out: list[str] = []
    started = False
    for ln in lines:
        if heading.match(ln):
            started = True
            rest = heading.sub("", ln).strip()
            if rest:
                out.append(rest.lstrip("-–+• ").rstrip(";,. "))
            continue
        if started:
            if not ln.startswith(("-", "–", "+", "•")):
                if out:
                    break
                continue
            out.append(ln.lstrip("-–+• ").rstrip(";,. "))
    return out


def _issuer_names() -> dict[str, str]:
    return {e["code"]: e["name"] for e in entries("issuers")}


def _agency_title(line: str) -> str:
    """An agency line in normal case: "SỞ NGOẠI VỤ" → "Sở Ngoại vụ",
    "UBND HUYỆN CAN LỘC" → "UBND huyện Can Lộc".

    A name the issuer list knows is taken from it.  Otherwise Vietnamese
    capitalises the kind of body and the first word of its name, and every
    word of a place name after an administrative level: "UBND xã Thạch Hạ
    huyện Thạch Hà".
    """
    for name in _issuer_names().values():
        if name.upper() == line.upper():
            return name
    grammar = _header()
    text = " ".join(w if w in grammar.abbreviations else w.lower() for w in line.split())
    levels = [m for m in grammar.level.finditer(text) if text[m.end() :].strip()]
    if levels:
        out, at = [_capitalise_first(text[: levels[0].start()].strip())], levels[0].start()
        for m in grammar.level.finditer(text, at):
            out += [_place(text[at : m.start()]), m.group()]
            at = m.end()
        return " ".join(x for x in out + [_place(text[at:])] if x)
    words = text.split()
    for i in range(min(2, len(words))):
        words[i] = words[i] if words[i] in grammar.abbreviations else words[i].capitalize()
    return " ".join(words)


def _issuer_line(lines: list[str], i: int) -> str:
    """The issuer's line: the last agency line, `lines[i]`, with the body and
    its place joined where the header writes them on two lines ("ỦY BAN NHÂN
    DÂN" over "HUYỆN ĐAKRÔNG", or over "TỈNH QUẢNG TRỊ", which is no agency
    line by itself), and a body's long form written short ("UBND"), so that
    one body has one name across its reports."""
    grammar = _header()

    def placeless(line: str) -> bool:
        return grammar.agency_line.match(line) is not None and grammar.level.search(line.lower()) is None

    line = lines[i]
    if grammar.place_line.match(line) and i > 0 and placeless(lines[i - 1]):
        line = f"{lines[i - 1]} {line}"
    elif placeless(line) and i + 1 < len(lines) and grammar.place_line.match(lines[i + 1]):
        line = f"{line} {lines[i + 1]}"
    for long_form, short in grammar.long_forms:
        line = long_form.sub(short, line, count=1)
    return line


def _place(text: str) -> str:
    return " ".join(w.capitalize() for w in text.split())


def _capitalise_first(text: str) -> str:
    return text if not text or text.split()[0] in _header().abbreviations else text[0].upper() + text[1:]


def _province(header_lines: list[str], text: str, issuer: str | None, place: str | None) -> str | None:
    """The province: from a "TỈNH …" header line, else the one the text names
    most often, else the place line of a provincial body (a Sở writes from
    its province's capital name)."""
    for line in header_lines:
        if m := _header().province_header.search(line):
            return " ".join(w.capitalize() for w in m.group("name").split())
    names: dict[str, int] = {}
    for m in _header().province_mention.finditer(text):
        names[m.group("name")] = names.get(m.group("name"), 0) + 1
    if names:
        return max(names, key=names.get)
    local = issuer is not None and _header().local_level.search(issuer.lower()) is not None
    return None if local else place


def parse_header(doc: Document) -> ReportMeta:
    meta = ReportMeta()
    first_heading = next((b for b in doc.blocks if b.kind == HEADING), None)
    front = [
        b
        for b in doc.blocks
        if b.kind not in (FOOTNOTE, PAGE_HEADER, PAGE_FOOTER) and (first_heading is None or b.start < first_heading.start)
    ][:20]
    front_lines = [ln.strip() for b in front for ln in (b.text.split("\n") if b.kind != TABLE else _cell_lines(b))]

    for ln in front_lines:
        if meta.doc_number is None and (m := _DOC_NUMBER.search(ln)):
            meta.doc_number = "".join(m.group("number").split())
        if meta.place is None and (m := _PLACE_DATE.match(ln)):
            dates = [d for d in find_dates(ln) if d.value is not None]
            if dates:
                meta.place = m.group("place").strip()
                meta.report_date = dates[0].value

    grammar = _header()
    header_lines = [ln for ln in front_lines if ln.isupper() and not grammar.not_agency.search(ln)
                    and (grammar.agency_line.match(ln) or grammar.place_line.match(ln))]
    agencies = [i for i, ln in enumerate(header_lines) if grammar.agency_line.match(ln)]
    code = _issuer_code(meta.doc_number)
    names = _issuer_names()
    if agencies:
        meta.issuer = _agency_title(_issuer_line(header_lines, agencies[-1]))
    elif code in names:
        meta.issuer = names[code]
    else:
        intro = " ".join(b.text for b in front)
        if m := grammar.intro_issuer.search(intro):
            meta.issuer = m.group("name").strip()
    meta.issuer_code = code
    meta.province = _province(header_lines, doc.text, meta.issuer, meta.place)

    # Title: the lines after "BÁO CÁO", up to the first sentence of the body.
    for i, ln in enumerate(front_lines):
        if grammar.title.match(ln) and i + 1 < len(front_lines):
            meta.title = front_lines[i + 1]
            break

    _set_period(doc, meta, front_lines)

    closing = _closing_lines(doc)
    meta.signer, meta.signer_role = _signer(closing)
    meta.recipients = _recipients(closing)
    return meta


def _cell_lines(block) -> list[str]:
    return [ln for row in block.cells or [] for cell in row for ln in cell.split("\n")]


def _issuer_code(doc_number: str | None) -> str | None:
    """"/BC-SNgV" → "SNgV"; "123/BC-UBND" → "UBND"."""
    if not doc_number or "-" not in doc_number:
        return None
    code = doc_number.rsplit("/", 1)[-1].split("-", 1)[-1]
    return code or None


def _set_period(doc: Document, meta: ReportMeta, front_lines: list[str]) -> None:
    """The reporting period: an explicit data cut-off anywhere in the report
    wins; then the title's period; then the first period of the front matter."""
    cutoffs = [p for p in find_periods(doc.text) if p.cutoff]
    candidates = cutoffs or find_periods(meta.title or "") or find_periods(" ".join(front_lines))
    if not candidates:
        return
    period = candidates[0]
    meta.period_start = period.start_date
    meta.period_end = period.end_date
    if period.end_date is None and meta.report_date is not None and meta.report_date.precision == "day":
        meta.period_end = meta.report_date.first_day()
    meta.period_text = period.text


@example_checker("admin_levels")
def _check_level(entry: dict) -> list[str]:
    def level_of(name: str) -> str | None:
        m = _header().level.search(" ".join(name.lower().split()))
        return m.group() if m else None

    fails = [f"{t!r} should name the level {entry['name']}, got {level_of(t)}"
             for t in entry["examples"] if level_of(t) != entry["name"]]
    fails += [f"{t!r} should not name the level {entry['name']}"
              for t in entry["counter_examples"] if level_of(t) == entry["name"]]
    return fails
