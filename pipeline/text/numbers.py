"""Numbers written the Vietnamese way: the one parser every step uses.

"." groups thousands ("4.131" is 4131), "," is the decimal mark ("99,71" is
99.71), counts are zero-padded ("05" is 5).  Three digits after a comma
before a whole thing ("4,131 hồ sơ") are an English-style thousands group,
since a dossier is never fractional.  A leading zero on more than three
digits, or dots in any other grouping ("0239.3856.123"), make a phone number
or a code, never a number.

The patterns use possessive quantifiers: a megabyte of "1.1.1.1." or of
digits and slashes is read in one pass, never retried from every offset.
"""

from __future__ import annotations

from cchc.pipeline.patterns import compile_pattern

NUMBER = r"\d++(?:[.,]\d++)*+"
# A number (or an x/y ratio) that is not glued to a word, a code or a date.
CANDIDATE = compile_pattern(
    rf"(?<![\w.,/:\-–])(?P<num>{NUMBER})(?:[ \t]*+/[ \t]*+(?P<base>{NUMBER}))?+(?![\w]|[.,:]\d|\s*+[/\-–]\s*+\w)"
)
_GROUPED = compile_pattern(r"\d{1,3}(?:\.\d{3})++(?:,\d++)?+")
_COMMA_DECIMAL = compile_pattern(r"\d++,\d++")
_DOT_DECIMAL = compile_pattern(r"\d++\.\d{1,2}")
# Kinds whose figures are not whole things: "4,131 hồ sơ" groups thousands,
# "1,5 tỷ đồng" is a decimal.
NOT_WHOLE = frozenset({"percent", "money", "score", "duration", "measure"})


def parse_number(text: str, kind: str | None = None) -> float | None:
    """A number written the Vietnamese way, or None when it is not one.

    `kind` is the kind of what it counts: for whole things a comma before
    exactly three digits groups thousands; a dot before one or two digits is
    an English decimal point only for a percentage."""
    if text.isdigit():
        if text[0] == "0" and len(text) > 3:
            return None  # a phone number or a code
        return float(text)
    if _GROUPED.fullmatch(text):
        whole, _, decimals = text.partition(",")
        return float(whole.replace(".", "") + ("." + decimals if decimals else ""))
    if _COMMA_DECIMAL.fullmatch(text):
        whole, decimals = text.split(",")
        if kind not in NOT_WHOLE and len(decimals) == 3 and len(whole) <= 3:
            return float(whole + decimals)
        return float(whole + "." + decimals)
    if kind == "percent" and _DOT_DECIMAL.fullmatch(text):
        return float(text)
    return None


def parse_serial(text: str) -> int:
    """A document's serial as written before "/" ("1.234", "05", "0123"):
    digits only count, leading zeros and group dots are dropped."""
    value = parse_number(text)
    return int(value) if value is not None and value.is_integer() else int("".join(ch for ch in text if ch.isdigit()))
