"""Units and noun phrases: what a number counts.

The unit is the head noun right after the number.  The lexicon
(patterns/units.yaml) names what it knows, with its kind and canonical name;
a measure ("%", "km", "ha") is a unit by itself; any other noun is a unit as
written, with a null kind: one to three syllables, up to punctuation, a
number, a capitalised word after the first, or a function word or qualifier
(units.yaml).  Where the head ends inside a longer run of syllables, the
report's own usage decides: the nouns it writes after its numbers
(`NounUsage`).  When "trung tâm y tế" follows three numbers and goes on
differently each time ("… huyện", "… chưa có"), the head is "trung tâm y
tế"; when "trường" follows five numbers and "trường mầm non" one, the head
is "trường".  With no such evidence, Vietnamese words being mostly of two
syllables, a run of up to three is one noun ("nhà văn hóa", "tổ dân phố")
and a longer run starts with a noun of two ("di tích | lịch sử").  An
acronym ("TTHC", "THCS") is a unit by itself.

The subject is the unit and the words after it, up to punctuation, a number
or a word that opens another clause (units.yaml `phrase_breaks`), at most 12
words, without trailing connectors ("... và").  A bare unit runs on over
other units of its kind with no number of their own ("05 công chức, viên
chức hoàn thành ...").  A percentage's subject is the phrase after "%", or
else the one before the number ("tỷ lệ hồ sơ đúng hạn đạt 99,71%").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cchc.pipeline.extract.counts.grammar import Grammar
from cchc.pipeline.patterns import IGNORECASE, compile_pattern

MAX_PHRASE = 12  # words after the unit; reports run on, a subject should not
_MAX_LABEL = 24  # tokens a label may run back from its number
_MAX_HEAD = 3  # syllables of a head noun the lexicon does not know
_LABEL_JOIN = compile_pattern(r"(?:[:=]|\blà\b|\bđạt\b)\s*+$", IGNORECASE)

# A run of this many characters with no space holds no figure and its noun;
# spaCy's tokenizer spends quadratic time splitting one, so it is blanked
# (same length, so offsets stay) before the text is tokenised.
_LONG_TOKEN = compile_pattern(r"\S{100,}+")


def _blank_long_tokens(text: str) -> str:
    return _LONG_TOKEN.sub(lambda m: " " * len(m.group()), text)


# The words after a number, for `NounUsage`: letters only, one space apart,
# at most six (a tab separates table cells).
_AFTER_NUMBER = compile_pattern(r"(?<=\d) ++(\p{L}++(?: \p{L}++){0,5}+)")


class NounUsage:
    """How often each run of one to six syllables follows a number in a
    report, and how often it stands alone there (before punctuation, a
    function word or a qualifier): the report's own evidence of where its
    nouns end."""

    def __init__(self, text: str, head_ends: frozenset[str]):
        self.counts: Counter[tuple[str, ...]] = Counter()
        self.alone: Counter[tuple[str, ...]] = Counter()
        for m in _AFTER_NUMBER.finditer(text):
            written = m.group(1).split()
            words = [w.lower() for w in written]
            cut = next((i for i in range(1, len(words)) if words[i] in head_ends or written[i][0].isupper()), None)
            if cut is not None or len(words) < 6:
                self.alone[tuple(words[: cut or len(words)])] += 1
            words = words[: cut or len(words)]
            for k in range(1, len(words) + 1):
                self.counts[tuple(words[:k])] += 1

    def head_length(self, words: tuple[str, ...]) -> int | None:
        """The length of the head noun at the start of `words` that the
        report's usage shows: the first prefix that recurs (twice or more),
        stands alone after a number somewhere, and is followed by its next
        syllable in fewer than half of its uses; None without such evidence."""
        for k in range(1, min(len(words), _MAX_HEAD + 1) + 1):
            here = self.counts.get(words[:k], 0)
            if here < 2:
                return None
            if k == len(words) or (self.alone.get(words[:k]) and 2 * self.counts.get(words[: k + 1], 0) < here):
                return k
        return None


@dataclass(frozen=True)
class Noun:
    """The unit of a figure: tokens [start, end) of a window."""

    start: int
    end: int
    text: str
    key: str | None  # the lexicon's canonical name
    kind: str | None


class Window:
    """The tokens of a stretch of a segment, with the unit and phrase matches."""

    def __init__(self, grammar: Grammar, text: str, offset: int, usage: NounUsage | None = None):
        self.offset = offset
        self.usage = usage
        self.text = text  # spaCy's Doc.text joins every token anew on each call
        self.doc = grammar.nlp.make_doc(_blank_long_tokens(text))
        self.token_at = {t.idx + offset: t.i for t in self.doc}
        self.units: dict[int, tuple[int, str]] = {}
        for match_id, s, e in grammar.unit_matcher(self.doc):
            if s not in self.units or e > self.units[s][0]:
                self.units[s] = (e, grammar.unit_ids[match_id])
        n = len(self.doc)
        self.run_start = list(range(n))
        self.run_end = list(range(n))  # exclusive end of the run holding the token; i if none
        words = sorted(s for _, s, _ in grammar.phrase_matcher(self.doc))
        i = 0
        while i < len(words):
            j = i
            while j + 1 < len(words) and words[j + 1] == words[j] + 1:
                j += 1
            start, end = words[i], words[j] + 1
            for t in range(start, end):
                self.run_start[t], self.run_end[t] = start, end
            i = j + 1

    def char(self, i: int) -> int:
        """Segment offset of token i (or the end of the window)."""
        if i >= len(self.doc):
            return self.offset + len(self.text)
        return self.doc[i].idx + self.offset

    def char_end(self, i: int) -> int:
        """Segment offset where token i ends."""
        t = self.doc[i]
        return t.idx + len(t.text) + self.offset


def _is_acronym(text: str) -> bool:
    return len(text) >= 2 and text.isupper() and text.isalpha()


def _head_length(run: int) -> int:
    """Syllables of the head noun in a run of `run` syllables, without evidence."""
    return run if run <= _MAX_HEAD else 2


def noun_at(window: Window, grammar: Grammar, tok: int) -> Noun | None:
    """The unit that starts at token `tok`, or None when no noun stands there."""
    doc = window.doc
    if tok >= len(doc):
        return None
    if tok in window.units:
        end, key = window.units[tok]
        entry = grammar.units[key]
        return Noun(tok, end, doc[tok:end].text, key, entry.kind)
    first = doc[tok]
    if (kind := grammar.measures.get(first.lower_)) is not None:
        return Noun(tok, tok + 1, first.text, None, kind)
    if not first.is_alpha or first.lower_ in grammar.trailing or not window.run_end[tok] > tok:
        return None  # a function word, punctuation, or a word that opens a clause
    if _is_acronym(first.text):
        return Noun(tok, tok + 1, first.text, None, None)
    end = tok + 1
    while end < len(doc) and end - tok < 2 * _MAX_HEAD:
        word = doc[end]
        if not word.is_alpha or word.lower_ in grammar.head_ends or word.text[0].isupper():
            break
        if window.text[doc[end - 1].idx + len(doc[end - 1].text) : word.idx] not in (" ", "\t"):
            break  # a line break or a double space
        end += 1
    run = tuple(t.lower_ for t in doc[tok:end])
    shown = window.usage.head_length(run) if window.usage is not None else None
    end = tok + (shown if shown is not None else _head_length(end - tok))
    return Noun(tok, end, doc[tok:end].text, None, None)


def trim(window: Window, grammar: Grammar, start: int, end: int) -> int:
    """Drop connectors left at the end of a phrase ("... và", "... với")."""
    while end > start and window.doc[end - 1].lower_ in grammar.trailing:
        end -= 1
    return end


def phrase_after(window: Window, grammar: Grammar, first: int, limit: int | None, marker) -> int:
    """Token end of the phrase that starts at token `first` (a unit's end or
    the token after "%"): the run of qualifying words, capped, cut at an
    excluded span (a cited document), trimmed.  `marker(i)` tells whether
    the number at token i is a level or an ordinal, which stays in the
    phrase: "dịch vụ công trực tuyến mức độ 4", "lớp bồi dưỡng ... đối tượng 2"."""
    doc = window.doc
    if first >= len(doc) or window.run_end[first] == first:
        return first
    end = window.run_end[first]
    while end < len(doc) and doc[end].is_digit and marker(end):
        end += 1
        if end < len(doc) and window.run_end[end] > end:
            end = window.run_end[end]
    end = min(end, first + MAX_PHRASE)
    if limit is not None:
        while end > first and window.char_end(end - 1) > limit:
            end -= 1
    return trim(window, grammar, first, end)


def coordinated_units(window: Window, grammar: Grammar, noun: Noun, limit: int | None, marker) -> int:
    """Extend a bare unit over units of the same kind that follow it with no
    number of their own: "05 công chức, viên chức hoàn thành ..." counts
    "công chức, viên chức".  Only a bare unit: in "01 đồng chí Phó Giám đốc
    ... và đồng chí Phó Chánh Văn phòng" the second is another person."""
    doc = window.doc
    end = noun.end
    seen = {noun.text.lower()}
    while end + 1 < len(doc) and doc[end].lower_ in (",", "và"):
        unit = window.units.get(end + 1)
        if unit is None or grammar.units[unit[1]].kind != noun.kind:
            break  # another kind of thing
        written = doc[end + 1 : unit[0]].text.lower()
        if written in seen:
            break  # the same noun again ("1.204 hồ sơ, hồ sơ ... là 1.105"): a new item
        seen.add(written)
        end = max(unit[0], phrase_after(window, grammar, unit[0], limit, marker))
        if end > unit[0]:
            break  # the phrase went on after this unit: it ends the list
    return end


def phrase_before(window: Window, grammar: Grammar, number_tok: int | None) -> str | None:
    """For a percentage with no noun after it ("tỷ lệ hồ sơ đúng hạn đạt
    99,71%", "Tỷ lệ hồ sơ nộp trực tuyến còn thấp, mới đạt 25,6%"): the
    phrase before the number, back over verbs and adverbs ("đạt", "mới"), a
    colon, one comma and a parenthesis ("(SIPAS) đạt 86,5%")."""
    if number_tok is None:
        return None
    t = number_tok - 1
    commas = 0
    while t >= 0:
        tok = window.doc[t]
        if tok.text == ")":
            while t >= 0 and window.doc[t].text != "(":
                t -= 1
        elif tok.text == "," and commas == 0:
            commas += 1
        elif not (tok.text == ":" or (tok.is_alpha and window.run_end[t] == t) or tok.lower_ in grammar.trailing):
            break
        t -= 1
    if t < 0 or window.run_end[t] == t:
        return None
    start = window.run_start[t]
    return window.doc[start : min(t + 1, start + MAX_PHRASE)].text


def label_unit(number_tok: int | None, window: Window, grammar: Grammar) -> tuple[Noun, str] | None:
    """The label form "Tổng số hồ sơ tiếp nhận: 1.625": the unit of the
    label (a counted noun right after "số" or "lượng" in the same clause,
    and ":", "là", "đạt" or "=" right before the number) and the label."""
    if number_tok is None:
        return None
    at = window.doc[number_tok].idx
    if not _LABEL_JOIN.search(window.text, max(0, at - 40), at):
        return None
    for t in range(number_tok - 1, max(-1, number_tok - 1 - _MAX_LABEL), -1):
        tok = window.doc[t]
        if tok.text in ",;()" or tok.like_num:
            return None
        if t > 0 and window.doc[t - 1].lower_ in ("số", "lượng"):
            noun = noun_at(window, grammar, t)
            if noun is not None and noun.kind != "percent" and noun.end <= number_tok:
                label_end = number_tok
                while label_end > noun.end and (
                    window.doc[label_end - 1].is_punct or window.doc[label_end - 1].lower_ in ("là", "đạt")
                ):
                    label_end -= 1
                return noun, window.doc[t:label_end].text
    return None
