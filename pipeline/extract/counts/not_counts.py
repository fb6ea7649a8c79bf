"""What is not a count: the grammar of patterns/not_counts.yaml around one
number.  A number followed by a noun phrase is a figure unless a rule here
says it is a level, a rank, a legal address, a session, a programme's name,
a phone number, a year, an age, a time of day or a list number.

The words before a number are tested on a bounded window (`_BEFORE`
characters), so a crafted megabyte of text costs linear time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cchc.pipeline.extract.counts.grammar import phrases
from cchc.pipeline.patterns import IGNORECASE, REVERSE, Pattern, compile_pattern, entries

_BEFORE = 48  # characters looked at before a number
_AFTER = 24  # and after it
# Numbers listed before this one after the same word: "3, ", "1,", "5 và ".
_LISTED = r"(?:[1-9]\d?+[ \t]*+(?:,|và|hoặc|/)[ \t]*+){0,4}+"


@dataclass(frozen=True)
class Rule:
    name: str
    before: Pattern | None  # ends where the number starts
    after: Pattern | None  # starts where the number ends
    number: Pattern | None  # the number itself, whole
    unless_unit: bool
    both: bool  # `before` and `after` must both hold


def _before(entry: dict) -> Pattern | None:
    pieces = []
    if words := phrases(entry.get("before"), spaced=True):
        # "Đề án số 06", "Covid-19", "Điện thoại: 0239 ...".
        # "mức độ 3, 4", "Điều 5 và 6": the words may head a list of numbers.
        pieces.append(rf"(?i:(?<!\w){words}(?:[ \t]*+số)?+[ \t]*+[-–:]?+[ \t]*+(?P<listed>{_LISTED}))")
    if entry.get("before_regex"):
        pieces.append(f"(?:{entry['before_regex']})[ \t]*+")
    if not pieces:
        return None
    return _ending("(?:" + "|".join(pieces) + ")")


def _ending(pattern: str) -> Pattern:
    """A pattern that must end where the number starts, searched from the
    right (`regex`'s reverse mode), so that a window costs one attempt, not
    one a character.  Possessive quantifiers would grab from the wrong end
    there, so they are made plain; the window bounds the backtracking."""
    return compile_pattern(_POSSESSIVE.sub("", pattern) + r"\Z", REVERSE)


# The "+" that makes a quantifier possessive: after "*", "?", "{m,n}" or a
# "+" that is itself a quantifier ("\p{L}++", not the "+" of "\p{L}+").
_POSSESSIVE = compile_pattern(r"(?<=[*?]|(?<![\\+])\+|\{\d*+,?+\d*+\})\+")


def _after(entry: dict) -> Pattern | None:
    pieces = []
    if words := phrases(entry.get("after"), spaced=True):
        pieces.append(rf"[ \t]*+{words}(?!\w)")
    if entry.get("after_regex"):
        pieces.append(entry["after_regex"])
    return compile_pattern("(?:" + "|".join(pieces) + ")", IGNORECASE) if pieces else None


@dataclass(frozen=True)
class _Screen:
    """Every rule's `before` and every rule's `after` as one pattern each: a
    number that neither touches is a count, after two searches, not one a rule."""

    before: Pattern
    after: Pattern


@cache
def _screen() -> _Screen:
    # A rule that needs both is screened by its `after` alone.
    befores = [r.before.pattern.removesuffix(r"\Z") for r in rules() if r.before is not None and not r.both]
    afters = [r.after.pattern for r in rules() if r.after is not None]
    return _Screen(_ending("(?:" + "|".join(befores) + ")"), compile_pattern("(?:" + "|".join(afters) + ")", IGNORECASE))


@cache
def rules() -> list[Rule]:
    out = []
    for e in entries("not_counts"):
        number = compile_pattern(e["number"]) if e.get("number") else None
        out.append(Rule(e["name"], _before(e), _after(e), number, bool(e.get("unless_unit")), bool(e.get("both"))))
    return out


def not_a_count(text: str, start: int, end: int, number: str, has_unit: bool) -> str | None:
    """The name of the rule that makes the number text[start:end] not a
    count, or None.  `has_unit`: a counted noun of the lexicon follows it.
    A rule with both `before` and `after` needs one of them, or both when
    it says so (a list number: its position and its "." or ")")."""
    window_start = max(0, start - _BEFORE)
    after_end = min(len(text), end + _AFTER)
    screen = _screen()
    if screen.before.search(text, window_start, start) is None and screen.after.match(text, end, after_end) is None:
        numbered = [r for r in rules() if r.number is not None]
        return next((r.name for r in numbered if r.number.fullmatch(number) and not (r.unless_unit and has_unit)), None)
    for rule in rules():
        if rule.number is not None:
            if rule.number.fullmatch(number) and not (rule.unless_unit and has_unit):
                return rule.name
            continue
        found = rule.before.search(text, window_start, start) if rule.before is not None else None
        # After a list of levels ("mức độ 4 và 03 dịch vụ"), a zero-padded number is a count.
        before = found is not None and not (found.groupdict().get("listed") and number.startswith("0"))
        after = rule.after is not None and rule.after.match(text, end, min(len(text), end + _AFTER)) is not None
        if (before and after) if rule.both else (before or after):
            return rule.name
    return None
