"""Recover what a report says about itself and how it is organised.

`parse_header` reads the front matter (number, place and date, title,
period, issuer) and the closing block (signer, recipients); `build_sections`
turns the numbered headings into a section tree with a reform area and a kind
for each section.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from regex import escape

from cchc.pipeline.text.dates import find_dates, find_periods
from cchc.pipeline.text.normalize import normalize_text
from cchc.pipeline.model import (
    FOOTNOTE,
    HEADING,
    LIST_ITEM,
    PAGE_FOOTER,
    PAGE_HEADER,
    PARAGRAPH,
    TABLE,
    Document,
    ReportMeta,
    Section,
    section_at,
)
from cchc.pipeline.patterns import IGNORECASE, Pattern, any_of, compile_pattern, entries, example_checker
from cchc.pipeline.read.layout import heading_number

# ---------------------------------------------------------------- header ---

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
def _report_words(name: str) -> list[str]:
    return next(e["words"] for e in entries("report_parts") if e["name"] == name)


@cache
def _header() -> _HeaderGrammar:
    levels = admin_levels()
    local = _levels(lv for lv in levels if lv.local)
    bodies = any_of(_report_words("bodies"))
    title = _report_words("title")
    return _HeaderGrammar(
        # Agency lines are in capitals, which the caller checks.
        agency_line=compile_pattern(rf"^(?:{bodies}|{local})\b", IGNORECASE),
        not_agency=compile_pattern(any_of(_report_words("national_motto") + title), IGNORECASE),
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
        role_line=compile_pattern(rf"^{any_of(_report_words('signing_for'))}\.\s|\b{any_of(_report_words('roles'))}\b", IGNORECASE),
        recipients=compile_pattern(rf"^\s*{any_of(_report_words('recipients'))}\s*:?", IGNORECASE),
        abbreviations=frozenset(_report_words("abbreviations")),
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
        if block.kind == TABLE and block.cells:
            for row in block.cells:
                for cell in row:
                    lines.extend(cell.split("\n"))
        else:
            lines.extend(block.text.split("\n"))
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


def _issuer_line(lines: list[str], last_agency: str) -> str:
    """The issuer's line: the last agency line, with the body and its place
    joined where the header writes them on two lines ("ỦY BAN NHÂN DÂN" over
    "HUYỆN ĐAKRÔNG", or over "TỈNH QUẢNG TRỊ", which is no agency line by
    itself), and a body's long form written short ("UBND"), so that one body
    has one name across its reports."""
    grammar = _header()
    i = lines.index(last_agency)

    def placeless(line: str) -> bool:
        return grammar.agency_line.match(line) is not None and grammar.level.search(line.lower()) is None

    line = last_agency
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


def _province(agencies: list[str], text: str, issuer: str | None, place: str | None) -> str | None:
    """The province: from a "TỈNH …" header line, else the one the text names
    most often, else the place line of a provincial body (a Sở writes from
    its province's capital name)."""
    for line in agencies:
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
    agencies = [ln for ln in header_lines if grammar.agency_line.match(ln)]
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


# -------------------------------------------------------------- sections ---


@dataclass
class _Phrase:
    key: str  # the area or kind the phrase says
    text: str
    pattern: Pattern  # the phrase as whole words


@cache
def _phrase_table(name: str, key: str) -> list[_Phrase]:
    return [
        _Phrase(e[key], text, compile_pattern(rf"(?<!\w){escape(text)}(?!\w)"))
        for e in entries(name)
        for text in (_comparable(p) for p in e["phrases"])
    ]


def _comparable(text: str) -> str:
    return normalize_text(text).text.lower()


def area_of_heading(title: str) -> str | None:
    """The reform area a heading names by its own words, or None."""
    text = _comparable(title)
    best, best_len = None, 0
    for phrase in _phrase_table("areas", "area"):
        if len(phrase.text) > best_len and phrase.pattern.search(text):
            best, best_len = phrase.key, len(phrase.text)
    return best


def kind_of_heading(title: str) -> str | None:
    """result / limitation / plan / recommendation: the phrase that comes first wins."""
    text = _comparable(title)
    best, best_pos = None, len(text) + 1
    for phrase in _phrase_table("section_kinds", "kind"):
        m = phrase.pattern.search(text)
        if m and m.start() < best_pos:
            best, best_pos = phrase.key, m.start()
    return best


def _heading_parts(text: str) -> tuple[str, str, str] | None:
    """(kind of number, number, title) of a numbered heading."""
    number = heading_number(text)
    if not number:
        return None
    return number.kind, number.number, text[number.end :].strip()


# An appendix and the statistics forms in it: "PHỤ LỤC", "Phụ lục I", "Phụ
# lục số 02: ...", "Biểu số 01. Quy mô trường ...", "BIỂU MẪU SỐ 3".  A line
# that goes on in lower case ("Phụ lục kèm theo ...") is running text.
_APPENDIX_REST = compile_pattern(r"^(?:\s*[.:–-].*|\s*\(.*|\s+\p{Lu}.*|)$")
_MAX_APPENDIX_LINE = 200
_APPENDIX_NUMBER = "PL"  # Section.number of an appendix, whatever its own number


@dataclass(frozen=True)
class _AppendixGrammar:
    line: Pattern
    form_name: str  # a form's section is named "<form_name> số <number>"
    attached_to: Pattern  # "(Kèm theo Báo cáo số ...)": ties an appendix to its report


def _as_heading(words: list[str]) -> str:
    """A heading's words in capitals or with a capital, not in small letters."""
    return any_of([w.upper() for w in words] + [w[0].upper() + w[1:] for w in words])


@cache
def _appendix() -> _AppendixGrammar:
    forms = _report_words("form")
    return _AppendixGrammar(
        line=compile_pattern(
            rf"^\s*(?:(?P<appendix>{_as_heading(_report_words('appendix'))})"
            r"(?:\s+(?:số\s+|SỐ\s+)?(?P<appendix_no>[IVXL]{1,5}|\d{1,3}|[A-Z])(?!\w))?"
            rf"|(?P<form>{_as_heading(forms)})\s+(?:số\s+|SỐ\s+)?(?P<form_no>\d{{1,3}}[a-zA-Z]?)(?!\w))"
            r"(?P<rest>.*)$"
        ),
        form_name=forms[0],
        attached_to=compile_pattern(rf"^\s*\(?\s*{any_of(_report_words('attached_to'))}\b", IGNORECASE),
    )


def _appendix_parts(block) -> tuple[str, str | None, str] | None:
    """("appendix" or "form", its number or None, the rest of the line) of an
    appendix heading line, or None."""
    text = block.text.strip()
    if block.kind not in (HEADING, PARAGRAPH) or len(text) > _MAX_APPENDIX_LINE or "\n" in text:
        return None
    m = _appendix().line.match(text)
    if not m or not _APPENDIX_REST.match(m.group("rest")) or text.endswith((";", ",")):
        return None
    if m.group("appendix"):
        return "appendix", m.group("appendix_no"), m.group("rest")
    return "form", m.group("form_no"), m.group("rest")


def _appendix_title(rest: str, following) -> str:
    """An appendix's title: the words after its number, else the short line
    that follows it (not the "(Kèm theo ...)" line)."""
    title = rest.strip(" .:–-")
    if title or following is None:
        return title
    text = following.text.strip()
    if following.kind in (HEADING, PARAGRAPH) and len(text) <= _MAX_APPENDIX_LINE and not _appendix().attached_to.match(text):
        if _appendix_parts(following) is None:
            return text
    return ""


def _appendix_section(block, following, parts, stack: list[Section], doc: Document) -> Section:
    """The section of an appendix heading, its path the heading as written:
    "PHỤ LỤC" and "Phụ lục II" are top-level sections; a form in an appendix
    is its child ("PHỤ LỤC.Biểu số 01"), else a top-level section ("Biểu số
    01")."""
    style, number, rest = parts
    title = _appendix_title(rest, following)
    parent = None
    if style == "appendix":
        m = _appendix().line.match(block.text.strip())
        word = " ".join(m.group("appendix").split())
        path = f"{word} {number}" if number else word
        level = 0
    else:
        parent = next((s for s in reversed(stack) if s.level == 0 and s.number == _APPENDIX_NUMBER), None)
        path = (parent.section_path + "." if parent else "") + f"{_appendix().form_name} số {number}"
        level = 1 if parent else 0
    area = area_of_heading(title) or (parent.area if parent else None)
    kind = kind_of_heading(title) or (parent.kind if parent else "result")
    return Section(
        section_path=path,
        number=_APPENDIX_NUMBER if style == "appendix" else number,
        title=" ".join(((block.text.strip() if not rest.strip() else "") + " " + title).split()) or block.text.strip(),
        level=level,
        area=area,
        kind=kind,
        start=block.start,
        end=len(doc.text),
        heading_end=block.end,
        page=block.page,
    )


def build_sections(doc: Document) -> list[Section]:
    """The section tree of the numbered headings and the appendices, in
    document order.  An appendix ("PHỤ LỤC", "Biểu số 01"), before or after
    the signature, is a section of its own: it ends the section before it."""
    sections: list[Section] = []
    stack: list[Section] = []  # open sections, outermost first
    has_roman = any(
        (p := _heading_parts(b.text)) and p[0] == "roman" for b in doc.blocks if b.kind == HEADING
    )
    later_kind_seen = False
    body = [b for b in doc.blocks if b.kind in (HEADING, PARAGRAPH, LIST_ITEM, TABLE)]
    for k, block in enumerate(body):
        if (appendix := _appendix_parts(block)) is not None:
            section = _appendix_section(block, body[k + 1] if k + 1 < len(body) else None, appendix, stack, doc)
            while stack and stack[-1].level >= section.level:
                stack.pop()
            sections.append(section)
            stack.append(section)
            continue
        if block.kind != HEADING:
            continue
        parts = _heading_parts(block.text)
        if parts is None:
            continue
        style, number, title = parts
        if style == "roman":
            level = 1
        elif style == "arabic":
            level = number.count(".") + 1 + (1 if has_roman else 0)
        else:
            # Lettered subsections a), b) are siblings under the nearest
            # numbered heading.
            while stack and stack[-1].number.isalpha() and len(stack[-1].number) == 1 and stack[-1].number.islower():
                stack.pop()
            level = (stack[-1].level + 1) if stack else 1
        while stack and stack[-1].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        if style == "arabic" and parent is not None and "." in number:
            # "6.1" under "II.6" is "II.6.1".
            path = _join(_ancestor_at(stack, 1 if has_roman else 0), number)
        else:
            path = _join(parent, number)
        area = area_of_heading(title) or (parent.area if parent else None)
        if parent is None:
            kind = kind_of_heading(title)
            if kind is None:
                kind = "other" if later_kind_seen else "result"
            later_kind_seen = later_kind_seen or kind != "result"
        else:
            kind = parent.kind
        section = Section(
            section_path=path,
            number=number,
            title=title,
            level=level,
            area=area,
            kind=kind,
            start=block.start,
            end=len(doc.text),
            heading_end=block.end,
            page=block.page,
        )
        sections.append(section)
        stack.append(section)
    # A section ends where the next heading of its level or higher begins.
    for i, section in enumerate(sections):
        for later in sections[i + 1 :]:
            if later.level <= section.level:
                section.end = later.start
                break
    return sections


def _ancestor_at(stack: list[Section], depth: int) -> Section | None:
    return stack[depth - 1] if depth and len(stack) >= depth else None


def _join(parent: Section | None, number: str) -> str:
    return f"{parent.section_path}.{number}" if parent else number


@example_checker("areas")
def _check_area(entry: dict) -> list[str]:
    fails = [f"{t!r} should be {entry['area']}, got {area_of_heading(t)}" for t in entry["examples"] if area_of_heading(t) != entry["area"]]
    fails += [f"{t!r} should not be {entry['area']}" for t in entry["counter_examples"] if area_of_heading(t) == entry["area"]]
    return fails


@example_checker("section_kinds")
def _check_kind(entry: dict) -> list[str]:
    fails = [f"{t!r} should be {entry['kind']}, got {kind_of_heading(t)}" for t in entry["examples"] if kind_of_heading(t) != entry["kind"]]
    fails += [f"{t!r} should not be {entry['kind']}" for t in entry["counter_examples"] if kind_of_heading(t) == entry["kind"]]
    return fails


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


def _read_lines(name: str, text: str):
    """What the lines `text` give, read as a report: the value an entry of
    patterns/report_parts.yaml feeds."""
    from cchc.pipeline.model import Block
    from cchc.pipeline.text.normalize import normalize_document

    doc = normalize_document(Document("example.txt", "txt", [Block(PARAGRAPH, ln) for ln in text.split("\n")]))
    if name in ("appendix", "form", "attached_to"):
        sections = build_sections(doc)
        if name == "attached_to":
            return sections[0].title if sections else None
        return [s.section_path for s in sections]
    meta = parse_header(doc)
    field = {"title": "title", "signing_for": "signer_role", "roles": "signer_role", "recipients": "recipients"}
    return getattr(meta, field.get(name, "issuer"))


@example_checker("report_parts")
def _check_report_part(entry: dict) -> list[str]:
    return [
        f"{kind}: {example['text']!r} should give {example['value']!r}, got {got!r}"
        for kind in ("examples", "counter_examples")
        for example in entry[kind]
        if (got := _read_lines(entry["name"], example["text"])) != example["value"]
    ]
