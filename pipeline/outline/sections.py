"""How a report is organised: `build_sections` turns its numbered headings,
and its appendices, into a section tree with a reform area and a kind for
each section (patterns/areas.yaml, patterns/section_kinds.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cchc.pipeline.text.normalize import comparable
from cchc.pipeline.model import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Document, Section
from cchc.pipeline.outline.header import report_words
from cchc.pipeline.patterns import IGNORECASE, Pattern, any_of, compile_pattern, entries, example_checker
from cchc.pipeline.read.layout import heading_number


@dataclass
class _Phrase:
    key: str  # the area or kind the phrase says
    text: str
    pattern: Pattern  # the phrase as whole words


@cache
def _phrase_table(name: str, key: str) -> list[_Phrase]:
    return [
        _Phrase(e[key], text, compile_pattern(rf"(?<!\w){any_of([text])}(?!\w)"))
        for e in entries(name)
        for text in (comparable(p) for p in e["phrases"])
    ]


def area_of_heading(title: str) -> str | None:
    """The reform area a heading names by its own words, or None."""
    text = comparable(title)
    best, best_len = None, 0
    for phrase in _phrase_table("areas", "area"):
        if len(phrase.text) > best_len and phrase.pattern.search(text):
            best, best_len = phrase.key, len(phrase.text)
    return best


def kind_of_heading(title: str) -> str | None:
    """result / limitation / plan / recommendation: the phrase that comes first wins."""
    text = comparable(title)
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
    forms = report_words("form")
    return _AppendixGrammar(
        line=compile_pattern(
            rf"^\s*(?:(?P<appendix>{_as_heading(report_words('appendix'))})"
            r"(?:\s+(?:số\s+|SỐ\s+)?(?P<appendix_no>[IVXL]{1,5}|\d{1,3}|[A-Z])(?!\w))?"
            rf"|(?P<form>{_as_heading(forms)})\s+(?:số\s+|SỐ\s+)?(?P<form_no>\d{{1,3}}[a-zA-Z]?)(?!\w))"
            r"(?P<rest>.*)$"
        ),
        form_name=forms[0],
        attached_to=compile_pattern(rf"^\s*\(?\s*{any_of(report_words('attached_to'))}\b", IGNORECASE),
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
