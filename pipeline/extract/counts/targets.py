"""Targets and plans: a figure that states what is aimed at, planned or
assigned rather than what was done (`metrics.is_target`).

A figure is a target when it stands in a plan or recommendation section, or
when the grammar of patterns/targets.yaml says that a target word governs
its clause:

- `governs`: a word of aim, plan or assignment in the figure's own clause
  (its lead), before its number: "phấn đấu đạt trên 50%", "chỉ tiêu giao
  95%", "Sở được giao 38 biên chế";
- `copula`: a plan noun in the clause whose figure follows one of its
  `then` words: "kế hoạch năm 2023 là 120 hồ sơ";
- `opens_sentence`: a sentence (or list line) that opens with a word of
  aim: every figure in it is a target ("Mục tiêu đến năm 2025, 80% …");
- `column`: a table cell under a column whose header holds a plan noun
  ("Kế hoạch năm 2024").

A marker does not count when a result word stands before it in the clause
(`result_before`: "so với kế hoạch", "hoàn thành chỉ tiêu": the plan is what
a result is measured against), when a result word stands between it and the
number (`result_after`: "đã"), or when it is only part of a longer phrase
that is no marker (`none`: "bàn giao", "Kế hoạch số" of a cited document).
A result measured against a plan, "đạt 100% kế hoạch", names its plan after
the number, where no rule looks.  A part of a target's breakdown is a target.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cchc.pipeline.extract.counts.figure import TABLE_SOURCE, Figure
from cchc.pipeline.text.normalize import comparable
from cchc.pipeline.patterns import IGNORECASE, Pattern, compile_pattern, entries

# Sections whose every figure is a target or a plan.
PLAN_KINDS = ("plan", "recommendation")
# Bullets and list marks a sentence may open with before its first word.
_OPENING = compile_pattern(r"^\s*+(?:[-–+*•]++|\(?+(?:\d{1,2}|\p{Ll})[.)])?+\s*+")


@dataclass(frozen=True)
class Rule:
    role: str
    words: Pattern
    none: Pattern | None
    then: Pattern | None  # a copula's words right before the number


def _words(words: list[str]) -> list[str]:
    return sorted({comparable(w) for w in words}, key=len, reverse=True)


def _whole(words: list[str] | None) -> Pattern | None:
    if not words:
        return None
    return compile_pattern(r"(?<!\w)\L<words>(?!\w)", IGNORECASE, words=_words(words))


@cache
def rules() -> dict[str, list[Rule]]:
    by_role: dict[str, list[Rule]] = {}
    for e in entries("targets"):
        then = None
        if e.get("then"):
            then = compile_pattern(r"(?<!\w)\L<then>\s*+$", IGNORECASE, then=_words(e["then"]))
        by_role.setdefault(e["role"], []).append(Rule(e["role"], _whole(e["words"]), _whole(e.get("none")), then))
    return by_role


def _markers(role: str, text: str):
    """The spans of the markers of `role` in `text`, those inside a longer
    phrase that is no marker left out."""
    for rule in rules().get(role, []):
        cancelled = [m.span() for m in rule.none.finditer(text)] if rule.none is not None else []
        for m in rule.words.finditer(text):
            if not any(s <= m.start() and m.end() <= e for s, e in cancelled):
                yield rule, m


def _found(role: str, text: str) -> bool:
    return any(True for _ in _markers(role, text))


def _governs(lead: str) -> bool:
    """Whether a marker of the clause before a number governs the number."""
    for role in ("governs", "copula"):
        for rule, m in _markers(role, lead):
            if rule.then is not None and not rule.then.search(lead, m.end()):
                continue
            if _found("result_before", lead[: m.start()]) or _found("result_after", lead[m.end():]):
                continue
            return True
    return False


def _opens_with_aim(sentence: str, lead: str) -> bool:
    """A sentence that opens with a word of aim, and a figure whose own
    clause says nothing of a result."""
    rest = sentence[_OPENING.match(sentence).end():]
    return any(m.start() == 0 for _, m in _markers("opens_sentence", rest)) and not _found("result_after", lead)


def _column(header: str) -> bool:
    return _found("column", header) and not _found("result_before", header)


def is_target(fig: Figure, section_kind: str | None) -> bool:
    """Whether a figure is a target or a plan rather than a result."""
    if section_kind in PLAN_KINDS:
        return True
    lead = comparable(fig.lead)
    if fig.source == TABLE_SOURCE:
        return _column(lead)
    return _governs(lead) or _opens_with_aim(comparable(fig.sentence), lead)


def mark_targets(figures: list[Figure], kinds: list[str | None]) -> list[bool]:
    """`is_target` of each figure (`kinds`: the kind of the section each
    stands in): its own grammar, or its total's, for a part of a breakdown."""
    marked = {id(f): is_target(f, kind) for f, kind in zip(figures, kinds)}

    def target(fig: Figure) -> bool:
        seen = set()
        while fig is not None and id(fig) not in seen:  # a chain of totals, never a loop
            if marked.get(id(fig)):
                return True
            seen.add(id(fig))
            fig = fig.parent
        return False

    return [target(f) for f in figures]
