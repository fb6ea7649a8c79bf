"""What the parts of a number say: its type code, issuer and unit, and so
the document type of a mention.

- doc_type is the type word as written, in its canonical name; otherwise the
  type code decides, and a State number with no type code is a Công văn.
- `1567CV/TU` (the Party form with its hyphen left out) is a Party document
  with type code CV.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.pipeline.extract.references.grammar import doc_type_of_code, grammar
from cchc.pipeline.patterns import compile_pattern


@dataclass
class Codes:
    type_code: str | None
    issuer_code: str | None
    unit_code: str | None
    is_party: bool


_DASHES = compile_pattern(r"\s*[-–]\s*")


def _segments(tail: str | None) -> list[str]:
    return [p for p in _DASHES.split(tail.strip()) if p] if tail else []


def read_codes(form: str, head: str | None, tail_text: str | None, word_name: str | None) -> Codes:
    """The codes of a number read by the form named `form`, from its `head`
    and `tail` groups; `word_name` is the type word written before it."""
    by_code = grammar().by_code
    tail = _segments(tail_text)
    type_code = issuer = unit = None
    is_party = form.startswith("party")
    if is_party:
        type_code = head
        issuer = tail[0] if tail else None
        unit = "-".join(tail[1:]) or None
    elif form == "law":
        issuer = head
    elif head in by_code and word_name != "Công văn":
        # A type code; "Công văn số 112/TTr-NV" is Thanh tra's Công văn, though.
        type_code = head
        if by_code[head].joint:
            issuer = "-".join(tail) or None
        else:
            issuer = tail[0] if tail else None
            unit = "-".join(tail[1:]) or None
    else:
        # serial / ISSUER - UNIT: a Công văn.
        issuer = head
        unit = "-".join(tail) or None
    return Codes(type_code, issuer, unit, is_party)


def doc_type_name(form: str, type_code: str | None, word_name: str | None) -> str | None:
    if word_name:
        return word_name
    dt = doc_type_of_code(type_code)
    if dt is not None:
        return dt.name
    if form in ("state", "state_short") and type_code is None:
        return "Công văn"
    return None
