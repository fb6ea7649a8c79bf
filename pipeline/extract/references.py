"""Cited documents: one row per mention of a numbered document.

The grammar is data: `patterns/reference_forms.yaml` holds the number forms
(State: serial/[year/]TYPE-ISSUER[-UNIT] and serial/ISSUER-UNIT for a Công
văn; Party: serial-TYPE/ISSUER) and the words around a number, and
`patterns/doc_types.yaml` the type codes and type words.  This module finds
every number, then reads outwards from it:

- backwards, the type word and "số" ("Kế hoạch số", "kế hoạch", "Số:");
- forwards, the issue date ("ngày …"), the issuer ("của UBND tỉnh") and the
  summary ("về …", up to the end of its clause).

What a mention is:
- doc_type is the type word as written, in its canonical name; without one,
  a number that continues a list ("Kế hoạch số 41/KH-SNgV …; số 70/KH-SNgV")
  takes the list's type word when it has no type code of its own; otherwise
  the type code decides, and a State number with no type code is a Công văn.
- `number` is `number_raw` with its white space removed, nothing else: an
  auditor compares what the report wrote.
- `year` comes from the number.  A normative document (doc_types.yaml
  `normative`) whose number lacks its year gets the year of its date, with
  `year_inferred`; other documents carry no year in their numbers, and get none.
- `issued_date` is a date only when the mention gives a whole day; a month or
  an impossible day leaves it null, with `issued_date_text` kept.
- `1567CV/TU` (the Party form with its hyphen left out) is a Party document
  with type code CV.
- The report's own number in its front matter is not a reference, nor is
  anything in a running page header or footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import regex

from cchc.pipeline.text.dates import date_at

from cchc.pipeline.text.locator import Locator
from cchc.pipeline.text.numbers import parse_serial
from cchc.pipeline.text.sentences import SentenceIndex
from cchc.pipeline.text.spans import Spans
from cchc.pipeline.model import PAGE_FOOTER, PAGE_HEADER, PARAGRAPH, Block, Document, PartialDate, ReportMeta, Section
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.patterns import IGNORECASE, Pattern, compile_pattern, entries, example_checker


@dataclass
class Reference:
    mention_idx: int
    doc_type: str | None
    type_code: str | None
    number_raw: str
    number: str
    serial: int | None
    serial_suffix: str | None
    year: int | None
    year_inferred: bool
    issuer_code: str | None
    unit_code: str | None
    is_party_doc: bool
    issued_date: date | None
    issued_date_text: str | None
    issuer_text: str | None
    subject: str | None
    section_path: str | None
    area: str | None
    page: int
    char_start: int
    char_end: int
    sentence: str


# ------------------------------------------------------------- patterns ---


@dataclass(frozen=True)
class DocType:
    name: str
    code: str | None
    scope: str
    normative: bool
    joint: bool


@dataclass
class _Form:
    name: str
    regex: Pattern
    needs_type_word: bool
    head_is_type_code: bool


@dataclass
class _Grammar:
    by_code: dict[str, DocType]  # type code and its variants
    word_names: dict[str, str]  # folded type word -> canonical name
    forms: list[_Form]
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
_SPACE = compile_pattern(r"\s+")
# A number never starts glued to a word, a number or a symbol part ...
_NUMBER_START = r"(?<![\w/.\-–&])"
# ... and never stops inside one.
_NUMBER_END = r"(?![\w&])(?![-–/]\w)"


def _fold(word: str) -> str:
    return " ".join(word.split()).lower()


def _word_regex(words: list[str]) -> str:
    return "|".join(r"\s+".join(regex.escape(part) for part in w.split()) for w in sorted(set(words), key=len, reverse=True))


def _expand(pattern: str, pieces: dict[str, str]) -> str:
    for _ in range(10):  # pieces may use pieces
        if "{{" not in pattern:
            return pattern
        pattern = _PLACEHOLDER.sub(lambda m: f"(?:{pieces[m.group(1)]})", pattern)
    raise ValueError(f"pattern pieces nest too deep: {pattern}")


@cache
def _grammar() -> _Grammar:
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
            word_names[_fold(w)] = dt.name
        for a in e.get("abbreviations") or []:
            abbreviations.append(a)
            word_names[_fold(a)] = dt.name
    # Words in any case ("kế hoạch", "KẾ HOẠCH"); abbreviations as written.
    type_word = f"(?i:{_word_regex(words)})"
    if abbreviations:
        type_word += f"|(?:{_word_regex(abbreviations)})(?!\\w)"
    pieces: dict[str, str] = {"type_word": type_word}
    raw = entries("reference_forms")
    for e in raw:
        if e["kind"] == "piece":
            pieces[e["name"]] = e["regex"]
    by_name = {e["name"]: e for e in raw}
    forms = [
        _Form(
            e["name"],
            compile_pattern(_NUMBER_START + "(?:" + _expand(e["regex"], pieces) + ")" + _NUMBER_END),
            e.get("needs") == "type_word",
            bool(e.get("head_is_type_code")),
        )
        for e in raw
        if e["kind"] == "form"
    ]

    def context(name: str) -> Pattern:
        return compile_pattern(_expand(by_name[name]["regex"], pieces))

    def piece(name: str) -> Pattern:
        return compile_pattern(_expand("{{" + name + "}}", pieces))

    return _Grammar(
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
    return _grammar().by_code.get(code) if code else None


# ------------------------------------------------------------- scanning ---


@dataclass
class _Mention:
    """A reference while it is being read; more than the table keeps."""

    form: str
    start: int  # type word, "số" or number: where the mention begins
    end: int  # end of the number, or of the date when there is one
    number_end: int
    number_raw: str
    serial: int | None
    suffix: str | None
    year: int | None
    type_code: str | None
    issuer_code: str | None
    unit_code: str | None
    is_party: bool
    word_name: str | None  # canonical name of the type word written before it
    has_so: bool
    doc_type: str | None = None
    year_inferred: bool = False
    date_text: str | None = None
    date_value: PartialDate | None = None
    issuer_text: str | None = None
    subject_span: tuple[int, int] | None = None
    subject: str | None = None

    @property
    def number(self) -> str:
        return _SPACE.sub("", self.number_raw)

    @property
    def issued_date(self) -> date | None:
        if self.date_value is not None and self.date_value.precision == "day":
            return self.date_value.first_day()
        return None


_DASHES = compile_pattern(r"\s*[-–]\s*")
_SENTENCE_BREAK = compile_pattern(r"(?<!\b[A-ZĐ])\.\s+(?=[A-ZĐÂĂÊÔƠƯ])|\n")
_CLAUSE_MARKS = compile_pattern(r"[()\n]")


def _segments(tail: str | None) -> list[str]:
    return [p for p in _DASHES.split(tail.strip()) if p] if tail else []


def _find_numbers(text: str) -> list[tuple[_Form, regex.Match]]:
    """Every number, left to right; at one position the earlier form wins."""
    g = _grammar()
    found: list[tuple[_Form, regex.Match]] = []
    end = 0
    # Trying every form at every character costs five scans of the text; a
    # cheap scan for "digits, then a slash or hyphen before a code or a year"
    # finds the few places worth trying.
    for candidate in g.candidates.finditer(text):
        pos = candidate.start()
        if pos < end:
            continue
        for form in g.forms:
            m = form.regex.match(text, pos)
            if m is None or (form.head_is_type_code and m.group("head") not in g.by_code):
                continue
            found.append((form, m))
            end = m.end()
            break
    return found


_WORD_START = compile_pattern(r"(?<!\w)\w")
# A type word has at most four syllables, and "số" makes five.
_MAX_WORDS_BEFORE = 5


def _words_before(text: str, end: int) -> regex.Match | None:
    """The type word and "số" that end at `end`, as `type_word_before` reads them.

    That pattern can only match from a word start, so it is tried at the last
    few word starts, from the furthest: the first that matches is the one a
    search of the whole window would find, at a fraction of the cost."""
    before = _grammar().before
    window = max(0, end - 48)
    starts = [w.start() for w in _WORD_START.finditer(text, window, end)][-_MAX_WORDS_BEFORE:]
    for start in starts:
        if m := before.match(text, start, end):
            return m
    return None


def _read_number(text: str, form: _Form, m: regex.Match) -> _Mention | None:
    g = _grammar()
    if g.not_a_document.search(text, max(0, m.start() - 24), m.start()):
        return None
    before = _words_before(text, m.start())
    word = before.group("word") if before else None
    word_name = g.word_names.get(_fold(word)) if word else None
    if form.needs_type_word and word_name is None:
        return None
    start = before.start() if before and (word or before.group("so")) else m.start()
    if before and not word and before.group("so"):
        start = before.start("so")

    gd = m.groupdict()
    head = gd.get("head")
    tail = _segments(gd.get("tail"))
    serial_text = gd["serial"]
    type_code = issuer = unit = None
    is_party = form.name.startswith("party")
    if is_party:
        type_code = head
        issuer = tail[0] if tail else None
        unit = "-".join(tail[1:]) or None
    elif form.name == "law":
        issuer = head
    elif head in g.by_code and word_name != "Công văn":
        # A type code; "Công văn số 112/TTr-NV" is Thanh tra's Công văn, though.
        type_code = head
        dt = g.by_code[head]
        if dt.joint:
            issuer = "-".join(tail) or None
        else:
            issuer = tail[0] if tail else None
            unit = "-".join(tail[1:]) or None
    else:
        # serial / ISSUER - UNIT: a Công văn.
        issuer = head
        unit = "-".join(tail) or None

    mention = _Mention(
        form=form.name,
        start=start,
        end=m.end(),
        number_end=m.end(),
        number_raw=m.group(),
        serial=parse_serial(serial_text),
        suffix=gd.get("suffix"),
        year=int(gd["year"]) if gd.get("year") else None,
        type_code=type_code,
        issuer_code=issuer,
        unit_code=unit,
        is_party=is_party,
        word_name=word_name,
        has_so=bool(before and before.group("so")),
    )
    _read_after(text, mention)
    mention.doc_type = _doc_type(mention)
    dt = doc_type_of_code(mention.type_code)
    if mention.year is None and dt is not None and dt.normative and mention.date_value is not None:
        mention.year = mention.date_value.year
        mention.year_inferred = True
    return mention


_NGAY = compile_pattern(r"(?i:ng[àa]y)\s*")


def _date_at(text: str, pos: int) -> tuple[int, str, PartialDate | None] | None:
    """The date that a mention gives at `pos`: (end, text from "ngày", value)."""
    m = _grammar().date_link.match(text, pos)
    if not m:
        return None
    at = m.end()
    # "ngày 09 tháng 10 năm 2018" is read from "ngày"; "ngày 16/11/2021" after it.
    d = date_at(text, at)
    if d is None and (ngay := _NGAY.match(text, at)):
        d = date_at(text, ngay.end())
    if d is None:
        return None
    return d.end, text[at : d.end], d.value


def _read_after(text: str, mention: _Mention) -> None:
    g = _grammar()
    pos = mention.number_end
    dated = _date_at(text, pos)
    if dated:
        pos, mention.date_text, mention.date_value = dated
        mention.end = pos
    if m := g.issuer.match(text, pos):
        mention.issuer_text = " ".join(m.group("issuer").split())
        pos = m.end("issuer")
    if not dated and mention.issuer_text:
        # "Quyết định số 12/QĐ-UBND của UBND tỉnh ngày 05/3/2022"
        if dated := _date_at(text, pos):
            pos, mention.date_text, mention.date_value = dated
            mention.end = pos
    if m := g.subject.match(text, pos):
        # Where it ends is settled by _close_subjects, which sees the next mention.
        mention.subject_span = (m.start("subject"), m.start("subject"))


def _clause_end(text: str, start: int, limit: int) -> int:
    """Where a summary starting at `start` ends, no later than `limit`: at a
    line end, or at a ")" it did not open."""
    depth = 0
    for m in _CLAUSE_MARKS.finditer(text, start, limit):
        c = m.group()
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        else:
            return m.start()
    return limit


_TRAILING = " \t\n.;,:…"


def _close_subjects(text: str, mentions: list[_Mention], sentences: SentenceIndex) -> None:
    g = _grammar()
    for i, mention in enumerate(mentions):
        if mention.subject_span is None:
            continue
        s = mention.subject_span[0]
        sentence_start, sentence_end = sentences.span_at(s)
        e = _clause_end(text, s, sentence_end)
        if m := g.subject_end.search(text, s, e):
            e = m.start()
        if g.adverbial_opener.match(text, sentence_start) and (m := g.main_clause.search(text, s, e)):
            e = m.start()
        # The first document inside the summary is a sibling when a list
        # connector leads to it (", Kế hoạch số 31/…"): the summary stops there.
        # Otherwise it is part of the summary ("triển khai Chỉ thị số 05/…").
        if i + 1 < len(mentions) and s < mentions[i + 1].start < e:
            nxt = mentions[i + 1].start
            if c := g.list_connector.search(text, s, nxt):
                e = c.start()
        while e > s and text[e - 1] in _TRAILING:
            e -= 1
        if e > s:
            mention.subject_span = (s, e)
            mention.subject = " ".join(text[s:e].split())
        else:
            mention.subject_span = None


def _doc_type(mention: _Mention) -> str | None:
    if mention.word_name:
        return mention.word_name
    dt = doc_type_of_code(mention.type_code)
    if dt is not None:
        return dt.name
    if mention.form in ("state", "state_short") and mention.type_code is None:
        return "Công văn"
    return None


def _share_list_words(text: str, mentions: list[_Mention]) -> None:
    """"Kế hoạch số 41/KH-SNgV …; số 70/KH-SNgV …": the second shares the
    first's type word.  The first is the nearest earlier mention not nested in
    another's summary, with no sentence break between them."""
    g = _grammar()
    top: list[_Mention] = []
    for mention in mentions:
        nested = any(o.subject_span and o.subject_span[0] <= mention.start < o.subject_span[1] for o in top[-3:])
        if (
            mention.word_name is None
            and doc_type_of_code(mention.type_code) is None
            and top
            and g.list_connector.search(text, max(0, mention.start - 12), mention.start)
        ):
            head = top[-1]
            if head.word_name and not _SENTENCE_BREAK.search(text, head.end, mention.start):
                mention.word_name = head.word_name
                mention.doc_type = head.word_name
        if not nested:
            top.append(mention)


# Between two coordinated numbers that share a date: ", ", " và ", ", số ".
_COORDINATED_NUMBERS = compile_pattern(r"\s*(?:[,;]\s*)?(?:(?:và|hoặc)\s+)?", IGNORECASE)
_SAME_DAY = compile_pattern(r"\bcùng\s+ngày", IGNORECASE)


def _share_dates(text: str, mentions: list[_Mention]) -> None:
    """"số A và số B cùng ngày D", "các Kế hoạch số A, số B ngày D", "số A,
    B, C ngày D": the date written after the last number belongs to every
    number of the list before it that has no date of its own.  A number
    with a type word of its own ("Kế hoạch số A và Quyết định số B ngày D")
    starts another list, unless the date says "cùng ngày"."""
    waiting: list[_Mention] = []
    for mention in mentions:
        own_word = not (text[mention.start].isdigit() or text.startswith(("số", "Số"), mention.start))
        shared = mention.date_text is not None and _SAME_DAY.search(text, max(0, mention.number_end), mention.end)
        if waiting and (
            not _COORDINATED_NUMBERS.fullmatch(text, waiting[-1].end, mention.start) or (own_word and not shared)
        ):
            waiting = []
        if mention.date_text is not None:
            for earlier in waiting:
                earlier.date_text, earlier.date_value = mention.date_text, mention.date_value
            waiting = []
        elif mention.subject_span is None and mention.issuer_text is None:
            waiting.append(mention)
        else:
            waiting = []


def _scan(text: str, sentences: SentenceIndex | None = None) -> list[_Mention]:
    """Every reference mention in `text`, in order, fully read."""
    sentences = sentences or SentenceIndex.of(text)
    mentions = [m for form, match in _find_numbers(text) if (m := _read_number(text, form, match))]
    _close_subjects(text, mentions, sentences)
    _share_list_words(text, mentions)
    _share_dates(text, mentions)
    return mentions


# ---------------------------------------------------------------- public ---


def _is_own_number(mention: _Mention, meta: ReportMeta, front_end: int, text: str) -> bool:
    """The report's number in its header ("Số: 123/BC-UBND")."""
    if mention.start >= front_end:
        return False
    if meta.doc_number and mention.number == _SPACE.sub("", meta.doc_number):
        return True
    # "Số: …" opening a line of the front matter, with no type word.
    line_start = text.rfind("\n", 0, mention.start) + 1
    return mention.word_name is None and mention.has_so and not text[line_start : mention.start].strip()


def _read_references(
    doc: Document, sections: list[Section], meta: ReportMeta | None, locator: Locator | None = None
) -> list[tuple[Reference, _Mention]]:
    """References with the mentions they were read from; `meta` None reads a
    snippet, which has no front matter."""
    text = doc.text
    loc = locator or Locator(doc, sections)
    front_end = loc.front_end(meta) if meta is not None else 0
    furniture = Spans([(b.start, b.end) for b in doc.blocks if b.kind in (PAGE_HEADER, PAGE_FOOTER)])
    out: list[tuple[Reference, _Mention]] = []
    for m in _scan(text, loc.sentences):
        if furniture.overlaps(m.start, m.end):
            continue
        if meta is not None and _is_own_number(m, meta, front_end, text):
            continue
        section = loc.section_at(m.start)
        ref = Reference(
            mention_idx=len(out),
            doc_type=m.doc_type,
            type_code=m.type_code,
            number_raw=m.number_raw,
            number=m.number,
            serial=m.serial,
            serial_suffix=m.suffix,
            year=m.year,
            year_inferred=m.year_inferred,
            issuer_code=m.issuer_code,
            unit_code=m.unit_code,
            is_party_doc=m.is_party,
            issued_date=m.issued_date,
            issued_date_text=m.date_text,
            issuer_text=m.issuer_text,
            subject=m.subject,
            section_path=section.section_path if section else None,
            area=section.area if section else None,
            page=loc.page_at(m.start),
            char_start=m.start,
            char_end=m.end,
            sentence=loc.sentence_at(m.start),
        )
        out.append((ref, m))
    return out


def find_references(
    doc: Document, sections: list[Section], meta: ReportMeta, locator: Locator | None = None
) -> list[Reference]:
    """One Reference per cited-document mention of a normalised document.

    `locator` may be shared with `dates.date_rows` to index the text once."""
    return [ref for ref, _ in _read_references(doc, sections, meta, locator)]


def _snippet(text: str) -> Document:
    return normalize_document(Document("<text>", "txt", [Block(PARAGRAPH, text)]))


def references_in_text(text: str) -> list[Reference]:
    """References of a bare snippet, read as a one-paragraph document."""
    return [ref for ref, _ in _read_references(_snippet(text), [], None)]


# ------------------------------------------------------ example checkers ---


def _as_compared(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _expect_failures(label: str, text: str, ref: Reference | None, expect: dict) -> list[str]:
    if ref is None:
        return [f"{label}: no reference in {text!r}"]
    return [
        f"{label}: {text!r}: {key} is {_as_compared(getattr(ref, key))!r}, want {want!r}"
        for key, want in expect.items()
        if _as_compared(getattr(ref, key)) != want
    ]


@example_checker("reference_forms")
def check_form_examples(entry: dict) -> list[str]:
    g = _grammar()
    name, kind = entry["name"], entry["kind"]
    fails: list[str] = []
    if kind == "piece":
        pattern = compile_pattern(_expand(entry["regex"], g.pieces))
        for ex in entry["examples"]:
            if isinstance(ex, dict):
                m = pattern.match(ex["text"])
                if (m.group() if m else None) != ex["match"]:
                    fails.append(f"{name}: {ex['text']!r} should match {ex['match']!r} at its start, got {m and m.group()!r}")
            elif not pattern.fullmatch(ex):
                fails.append(f"{name}: {ex!r} should match")
        for ex in entry["counter_examples"]:
            if isinstance(ex, dict):
                if m := pattern.match(ex["text"]):
                    fails.append(f"{name}: {ex['text']!r} should not match at its start, got {m.group()!r}")
            elif pattern.fullmatch(ex):
                fails.append(f"{name}: {ex!r} should not match")
        return fails

    def read(text: str) -> list[Reference]:
        pairs = _read_references(_snippet(text), [], None)
        return [ref for ref, m in pairs if kind != "form" or m.form == name]

    def pick(ex: dict) -> Reference | None:
        refs = read(ex["text"])
        i = ex.get("mention", 0)
        return refs[i] if i < len(refs) else None

    for ex in entry["examples"]:
        fails += _expect_failures(name, ex["text"], pick(ex), ex.get("expect", {}))
    for ex in entry["counter_examples"]:
        if isinstance(ex, dict):
            fails += _expect_failures(f"{name} (counter-example)", ex["text"], pick(ex), ex.get("expect", {}))
            continue
        # A form must read no number of the text; a context must leave its column empty.
        bad = [r for r in read(ex) if kind == "form" or getattr(r, entry["field"]) is not None]
        if bad:
            fails.append(f"{name}: counter-example {ex!r} gave {bad[0].number!r} ({entry.get('field', 'form')})")
    return fails


@example_checker("doc_types")
def check_doc_type_examples(entry: dict) -> list[str]:
    name = entry["name"]
    fails: list[str] = []
    for text in entry["examples"]:
        refs = references_in_text(text)
        if not refs or refs[0].doc_type != name:
            fails.append(f"{name}: {text!r} gave doc_type {refs[0].doc_type if refs else None!r}")
    for text in entry["counter_examples"]:
        if bad := [r for r in references_in_text(text) if r.doc_type == name]:
            fails.append(f"{name}: counter-example {text!r} gave {bad[0].number!r} as {name}")
    return fails


@example_checker("issuers")
def check_issuer_examples(entry: dict) -> list[str]:
    code = entry["code"]
    fails = []
    for text in entry["examples"]:
        refs = references_in_text(text)
        if not refs or refs[0].issuer_code != code:
            fails.append(f"{code}: {text!r} gave issuer {refs[0].issuer_code if refs else None!r}")
    for text in entry["counter_examples"]:
        if any(r.issuer_code == code for r in references_in_text(text)):
            fails.append(f"{code}: counter-example {text!r} gave issuer {code}")
    return fails
