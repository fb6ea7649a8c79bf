"""The grammar of a cited document's number, read from the pattern files.

`patterns/reference_forms.yaml` holds the number forms (State:
serial/[year/]TYPE-ISSUER[-UNIT] and serial/ISSUER-UNIT for a Công văn;
Party: serial-TYPE/ISSUER), the pieces they are written with and the words
around a number; `patterns/doc_types.yaml` the type codes and type words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cchc.pipeline.patterns import Pattern, any_of, compile_pattern, entries


@dataclass(frozen=True)
class DocType:
    name: str
    code: str | None
    scope: str
    normative: bool
    joint: bool


@dataclass
class Form:
    name: str
    regex: Pattern
    needs_type_word: bool
    head_is_type_code: bool


@dataclass
class Grammar:
    by_code: dict[str, DocType]  # type code and its variants
    word_names: dict[str, str]  # folded type word -> canonical name
    forms: list[Form]
    candidates: Pattern  # where a number may start
    before: Pattern  # type word and "số", anchored at the number
    not_a_document: Pattern  # "Mẫu số", anchored at the number
    date_link: Pattern
    issuer: Pattern
    subject: Pattern
    list_connector: Pattern
    subject_end: Pattern
    adverbial_opener: Pattern
    main_clause: Pattern
    pieces: dict[str, str]


_PLACEHOLDER = compile_pattern(r"\{\{(\w+)\}\}")
# A number never starts glued to a word, a number or a symbol part ...
_NUMBER_START = r"(?<![\w/.\-–&])"
# ... and never stops inside one.
_NUMBER_END = r"(?![\w&])(?![-–/]\w)"


def fold(word: str) -> str:
    return " ".join(word.split()).lower()


def expand(pattern: str, pieces: dict[str, str]) -> str:
    for _ in range(10):  # pieces may use pieces
        if "{{" not in pattern:
            return pattern
        pattern = _PLACEHOLDER.sub(lambda m: f"(?:{pieces[m.group(1)]})", pattern)
    raise ValueError(f"pattern pieces nest too deep: {pattern}")


@cache
def grammar() -> Grammar:
    by_code: dict[str, DocType] = {}
    word_names: dict[str, str] = {}
    words: list[str] = []
    abbreviations: list[str] = []
    for e in entries("doc_types"):
        dt = DocType(e["name"], e.get("code"), e.get("scope", "both"), bool(e.get("normative")), bool(e.get("joint")))
        for code in [e.get("code")] + list(e.get("code_variants") or []):
            if code:
                by_code[code] = dt
        for w in e.get("words") or []:
            words.append(w)
            word_names[fold(w)] = dt.name
        for a in e.get("abbreviations") or []:
            abbreviations.append(a)
            word_names[fold(a)] = dt.name
    # Words in any case ("kế hoạch", "KẾ HOẠCH"); abbreviations as written.
    type_word = f"(?i:{any_of(words)})"
    if abbreviations:
        type_word += f"|{any_of(abbreviations)}(?!\\w)"
    pieces: dict[str, str] = {"type_word": type_word}
    raw = entries("reference_forms")
    for e in raw:
        if e["kind"] == "piece":
            pieces[e["name"]] = e["regex"]
    by_name = {e["name"]: e for e in raw}
    forms = [
        Form(
            e["name"],
            compile_pattern(_NUMBER_START + "(?:" + expand(e["regex"], pieces) + ")" + _NUMBER_END),
            e.get("needs") == "type_word",
            bool(e.get("head_is_type_code")),
        )
        for e in raw
        if e["kind"] == "form"
    ]

    def context(name: str) -> Pattern:
        return compile_pattern(expand(by_name[name]["regex"], pieces))

    def piece(name: str) -> Pattern:
        return compile_pattern(expand("{{" + name + "}}", pieces))

    return Grammar(
        by_code=by_code,
        word_names=word_names,
        forms=forms,
        candidates=piece("number_start"),
        before=context("type_word_before"),
        not_a_document=context("not_a_document_before"),
        date_link=context("issued_date"),
        issuer=context("issuer"),
        subject=context("subject"),
        list_connector=context("list_connector"),
        subject_end=piece("subject_end"),
        adverbial_opener=piece("adverbial_opener"),
        main_clause=piece("main_clause"),
        pieces=pieces,
    )


def doc_type_of_code(code: str | None) -> DocType | None:
    return grammar().by_code.get(code) if code else None

