"""Reading one cited document's mention: every number of the text, then
outwards from it:

- backwards, the type word and "số" ("Kế hoạch số", "kế hoạch", "Số:");
- forwards, the issue date ("ngày …"), the issuer ("của UBND tỉnh") and where
  the summary ("về …") begins.

- `number` is `number_raw` with its white space removed, nothing else: an
  auditor compares what the report wrote.
- `year` comes from the number.  A normative document (doc_types.yaml
  `normative`) whose number lacks its year gets the year of its date, with
  `year_inferred`; other documents carry no year in their numbers, and get none.
- `issued_date` is a date only when the mention gives a whole day; a month or
  an impossible day leaves it null, with `issued_date_text` kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cchc.pipeline.extract.references.codes import doc_type_name, read_codes
from cchc.pipeline.extract.references.grammar import Form, doc_type_of_code, fold, grammar
from cchc.pipeline.model import PartialDate
from cchc.pipeline.patterns import Match, compile_pattern
from cchc.pipeline.text.dates import date_at
from cchc.pipeline.text.numbers import parse_serial

_SPACE = compile_pattern(r"\s+")


def compact(number: str) -> str:
    """A number as it is compared: without its white space."""
    return _SPACE.sub("", number)


@dataclass
class Mention:
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
        return compact(self.number_raw)

    @property
    def issued_date(self) -> date | None:
        if self.date_value is not None and self.date_value.precision == "day":
            return self.date_value.first_day()
        return None


def find_numbers(text: str) -> list[tuple[Form, Match]]:
    """Every number, left to right; at one position the earlier form wins."""
    g = grammar()
    found: list[tuple[Form, Match]] = []
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


def _words_before(text: str, end: int) -> Match | None:
    """The type word and "số" that end at `end`, as `type_word_before` reads them.

    That pattern can only match from a word start, so it is tried at the last
    few word starts, from the furthest: the first that matches is the one a
    search of the whole window would find, at a fraction of the cost."""
    before = grammar().before
    window = max(0, end - 48)
    starts = [w.start() for w in _WORD_START.finditer(text, window, end)][-_MAX_WORDS_BEFORE:]
    for start in starts:
        if m := before.match(text, start, end):
            return m
    return None




def read_number(text: str, form: Form, m: Match) -> Mention | None:
    g = grammar()
    if g.not_a_document.search(text, max(0, m.start() - 24), m.start()):
        return None
    before = _words_before(text, m.start())
    word = before.group("word") if before else None
    word_name = g.word_names.get(fold(word)) if word else None
    if form.needs_type_word and word_name is None:
        return None
    start = before.start() if before and (word or before.group("so")) else m.start()
    if before and not word and before.group("so"):
        start = before.start("so")

    gd = m.groupdict()
    codes = read_codes(form.name, gd.get("head"), gd.get("tail"), word_name)
    mention = Mention(
        form=form.name,
        start=start,
        end=m.end(),
        number_end=m.end(),
        number_raw=m.group(),
        serial=parse_serial(gd["serial"]),
        suffix=gd.get("suffix"),
        year=int(gd["year"]) if gd.get("year") else None,
        type_code=codes.type_code,
        issuer_code=codes.issuer_code,
        unit_code=codes.unit_code,
        is_party=codes.is_party,
        word_name=word_name,
        has_so=bool(before and before.group("so")),
    )
    _read_after(text, mention)
    mention.doc_type = doc_type_name(mention.form, mention.type_code, mention.word_name)
    dt = doc_type_of_code(mention.type_code)
    if mention.year is None and dt is not None and dt.normative and mention.date_value is not None:
        mention.year = mention.date_value.year
        mention.year_inferred = True
    return mention


_NGAY = compile_pattern(r"(?i:ng[àa]y)\s*")


def _date_at(text: str, pos: int) -> tuple[int, str, PartialDate | None] | None:
    """The date that a mention gives at `pos`: (end, text from "ngày", value)."""
    m = grammar().date_link.match(text, pos)
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


def _read_after(text: str, mention: Mention) -> None:
    g = grammar()
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
        # Where it ends is settled once the next mention is read (neighbours.py).
        mention.subject_span = (m.start("subject"), m.start("subject"))

