"""The grammar of figures, loaded once from `patterns/`: the unit lexicon
(units.yaml), what is not a count (not_counts.yaml), the breakdown markers
(breakdowns.yaml) and the words of noun phrases.

The reading is rule-based over a blank spaCy pipeline (no model).
`spacy.blank("vi")` needs the external `pyvi` package for its tokenizer, and
without pyvi it only splits on white space (leaving "tính," and "(09" as
tokens), so the multi-language tokenizer `spacy.blank("xx")` is used: it
splits punctuation and keeps "4.131", "99,71" and "1.456/1.625" whole.  A
PhraseMatcher finds the lexicon's forms; a Matcher marks the words that may
stand in a noun phrase.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cchc.pipeline.text.normalize import comparable, normalize_text
from cchc.pipeline.patterns import IGNORECASE, Pattern, compile_pattern, escape, load


@dataclass(frozen=True)
class UnitEntry:
    unit: str  # canonical name, what metrics.yaml refers to
    kind: str
    forms: tuple[str, ...]
    covers: frozenset[str]  # kinds of units that can be parts of a total in this unit


def phrases(words: list[str] | None, spaced: bool = False) -> str | None:
    """One alternation for a list of phrases, longest first; None for none.
    `spaced`: any white space may stand between the words."""
    if not words:
        return None
    alternatives = sorted({escape(comparable(w)) for w in words}, key=len, reverse=True)
    if spaced:
        alternatives = [a.replace(r"\ ", r"\s++") for a in alternatives]
    return "(?:" + "|".join(alternatives) + ")"


def whole_words(words: list[str] | None) -> Pattern | None:
    """A pattern for a list of phrases, matched as whole words."""
    alternation = phrases(words)
    return compile_pattern(rf"(?<!\w){alternation}(?!\w)") if alternation else None


@dataclass
class Grammar:
    units: dict[str, UnitEntry]
    kinds: frozenset[str]
    trailing: frozenset[str]  # connectors dropped from the end of a phrase
    head_ends: frozenset[str]  # words that end a head noun after its first syllable
    measures: dict[str, str]  # measure as written (lower case) -> kind
    opens_parts: Pattern  # the gap between a total and its first part
    total_lead: Pattern  # "Trong tổng số 71 đơn vị ..., có 04 ...": a total by its lead
    comparison: Pattern  # words that make a figure a difference, not a part
    total_label: Pattern  # a table's total row
    nlp: spacy.language.Language
    unit_matcher: PhraseMatcher  # match id -> canonical unit in unit_ids
    phrase_matcher: Matcher
    unit_ids: dict[int, str]


def _breakdown_words(role: str) -> list[str]:
    return [w for e in load("breakdowns")["entries"] if e["role"] == role for w in e["words"]]


def _tokenizer() -> spacy.language.Language:
    # spaCy is imported here, not with the module: a process that only checks
    # or compares figures (the flow's own process) never needs the tokenizer.
    import spacy

    nlp = spacy.blank("xx")
    # spaCy caps a text at 1M characters for the memory of its parser and
    # NER; a blank tokenizer has no such cost, and a run-on "sentence" of an
    # odd file must not stop the report.
    nlp.max_length = 1 << 31
    return nlp


@cache
def grammar() -> Grammar:
    data = load("units")
    units: dict[str, UnitEntry] = {}
    for e in data["entries"] or []:
        forms = tuple(normalize_text(f).text for f in e["forms"])
        units[e["unit"]] = UnitEntry(e["unit"], e["kind"], forms, frozenset(e.get("covers", [])))
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = _tokenizer()
    unit_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    unit_ids = {}
    for entry in units.values():
        unit_matcher.add(entry.unit, [nlp.make_doc(f) for f in entry.forms])
        unit_ids[nlp.vocab.strings[entry.unit]] = entry.unit
    # The counted noun phrase: the unit and the run of words after it, up to
    # punctuation, a number or a word that opens another clause.  The
    # Matcher marks each word that may stand in such a run; adjacent ones
    # make a run.  (One pattern "OP": "+" with greedy="LONGEST" gives the
    # runs directly, but enumerates every sub-run first: quadratic.)
    breaks = sorted({comparable(w) for w in data["phrase_breaks"]})
    phrase_matcher = Matcher(nlp.vocab)
    phrase_matcher.add("PHRASE_WORD", [[{"IS_ALPHA": True, "LOWER": {"NOT_IN": breaks}}]])
    trailing = frozenset(comparable(w) for w in data["phrase_trailing"])
    totals = phrases(_breakdown_words("total_label"))
    return Grammar(
        units=units,
        kinds=frozenset(u.kind for u in units.values()),
        trailing=trailing,
        head_ends=trailing | frozenset(breaks) | frozenset(comparable(w) for w in data["qualifiers"]),
        measures={comparable(k): v for k, v in data["measures"].items()},
        # "(", or a marker, then words that say which part ("trong đó đúng
        # hạn 12.050 hồ sơ"), but no clause or sentence break.  The total's
        # own words may run on to a comma first ("55.180 người làm việc
        # trong các cơ sở công lập, gồm ...").
        opens_parts=compile_pattern(
            r"(?:[^.;:()\d]{0,80}?,)?\s*+[.,:;]?+\s*+(?:\(|" + phrases(_breakdown_words("opens_parts"), spaced=True) + r"(?!\w)\s*+:?+)[^.;:()\d]*+",
            IGNORECASE,
        ),
        comparison=whole_words(_breakdown_words("comparison")),
        total_label=compile_pattern(r"^\s*+" + totals + r"(?!\w)", IGNORECASE),
        total_lead=compile_pattern(r"(?<!\w)" + totals + r"\s*+(?:là|:)?+\s*+$", IGNORECASE),
        nlp=nlp,
        unit_matcher=unit_matcher,
        phrase_matcher=phrase_matcher,
        unit_ids=unit_ids,
    )
