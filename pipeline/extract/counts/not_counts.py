"""What is not a count: the grammar of patterns/not_counts.yaml around one
number.  A number followed by a noun phrase is a figure unless a rule here
says it is a level, a rank, a legal address, a session, a programme's name,
a phone number, a year, an age, a time of day or a list number.

The words before a number are tested on a bounded window (`_BEFORE`
characters), so a crafted megabyte of text costs linear time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from pipeline.extract.counts.grammar import phrases
from pipeline.patterns import entries

_BEFORE = 48  # characters looked at before a number
_AFTER = 24  # and after it
# Numbers listed before this one after the same word: "3, ", "1,", "5 và ".
_LISTED = r"(?:[1-9]\d?+[ \t]*+(?:,|và|hoặc|/)[ \t]*+){0,4}+"


@dataclass(frozen=True)
class Rule:
    name: str
    before: regex.Pattern | None  # ends where the number starts
    after: regex.Pattern | None  # starts where the number ends
    number: regex.Pattern | None  # the number itself, whole
    unless_unit: bool
    both: bool  # `before` and `after` must both hold


def _before(entry: dict) -> regex.Pattern | None:
    pieces = []
    if words := phrases(entry.get("before"), spaced=True):
        # "Đề án số 06", "Covid-19", "Điện thoại: 0239 ...".
        # "mức độ 3, 4", "Điều 5 và 6": the words may head a list of numbers.
        pieces.append(rf"(?i:(?<!\w){words}(?:[ \t]*+số)?+[ \t]*+[-–:]?+[ \t]*+(?P<listed>{_LISTED}))")
    if entry.get("before_regex"):
        pieces.append(f"(?:{entry['before_regex']})[ \t]*+")
    if not pieces:
        return None
    return regex.compile("(?:" + "|".join(pieces) + r")\Z")


def _after(entry: dict) -> regex.Pattern | None:
    pieces = []
    if words := phrases(entry.get("after"), spaced=True):
        pieces.append(rf"[ \t]*+{words}(?!\w)")
    if entry.get("after_regex"):
        pieces.append(entry["after_regex"])
    return regex.compile("(?:" + "|".join(pieces) + ")", regex.IGNORECASE) if pieces else None


@cache
def rules() -> list[Rule]:
    out = []
    for e in entries("not_counts"):
        number = regex.compile(e["number"]) if e.get("number") else None
        out.append(Rule(e["name"], _before(e), _after(e), number, bool(e.get("unless_unit")), bool(e.get("both"))))
    return out


def not_a_count(text: str, start: int, end: int, number: str, has_unit: bool) -> str | None:
    """The name of the rule that makes the number text[start:end] not a
    count, or None.  `has_unit`: a counted noun of the lexicon follows it.
    A rule with both `before` and `after` needs one of them, or both when
    it says so (a list number: its position and its "." or ")")."""
    window_start = max(0, start - _BEFORE)
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
