"""Legacy Vietnamese encodings: TCVN3 (ABC) and VNI text made Unicode.

Reports typed before Unicode use fonts that draw Vietnamese letters at the
code points of Western ones.  Read without the font the text is mojibake:
"Báo cáo" is "B¸o c¸o" in a TCVN3 font (.VnTime, .VnArial ...) and
"Baùo caùo" in a VNI font (VNI-Times, VNI-Helve ...).

- TCVN3 gives each letter one character (one byte).  It has capitals only
  for Ă Â Ê Ô Ơ Ư Đ; a capital with a tone is written in an upper-case font
  (.VnTimeH, .VnArialH ...), which draws every code, ASCII letters too, as
  the capital letter: `upper=True`.
- VNI writes a base letter followed by one mark character (ø ù û õ ï for the
  tones, â for the circumflex, ê for the breve, à á å ã ä and è é ú ü ë for
  both at once); ơ ư đ and the toned i and ỵ are one character each.

The tables are data, in patterns/legacy_encodings.yaml.  PDF and DOCX readers
convert the text of runs whose font name names an encoding (`font_encoding`);
the TXT reader converts a whole file when `detect_legacy` finds it written in
one.  Conversion keeps alignment when asked (`convert_chars`): each input
character maps to its output, and a mark that joins the letter before it maps
to "", so a reader that keeps per-character positions keeps them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from cchc.pipeline.patterns import Pattern, compile_pattern, entries, example_checker

TCVN3 = "tcvn3"
VNI = "vni"
LABELS = {TCVN3: "TCVN3 (ABC)", VNI: "VNI"}

_PATTERNS = "legacy_encodings"
# The tone marks, in the order of a row of `letters` in the pattern file
# (after the toneless form): huyền, sắc, hỏi, ngã, nặng.
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# A PDF font subset carries a six-letter prefix: "ABCDEF+VnTime".
_SUBSET_PREFIX = compile_pattern(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class _Table:
    name: str
    decode: dict[str, str]  # legacy character or sequence -> Unicode letter
    encode: dict[str, str]  # Unicode letter -> legacy character or sequence
    longest: int  # the longest legacy sequence
    fonts: Pattern
    upper_fonts: Pattern | None


def _legacy_form(code) -> str:
    """A table cell: a byte value (TCVN3) or a character sequence (VNI)."""
    if isinstance(code, int):
        return bytes([code]).decode("cp1252")
    return unicodedata.normalize("NFC", str(code))


@cache
def _tables() -> dict[str, _Table]:
    tables = {}
    for entry in entries(_PATTERNS):
        decode: dict[str, str] = {}
        encode: dict[str, str] = {}
        for base, row in entry["letters"].items():
            for i, code in enumerate(row):
                if code is None:
                    continue  # the plain ASCII letter
                letter = unicodedata.normalize("NFC", base + (_TONES[i - 1] if i else ""))
                legacy = _legacy_form(code)
                if legacy in decode:
                    raise ValueError(f"{_PATTERNS}.yaml: {entry['name']}: {legacy!r} stands for two letters")
                decode[legacy] = letter
                encode[letter] = legacy
        upper = entry.get("upper_fonts")
        tables[entry["name"]] = _Table(
            name=entry["name"],
            decode=decode,
            encode=encode,
            longest=max(len(k) for k in decode),
            fonts=compile_pattern(entry["fonts"]),
            upper_fonts=compile_pattern(upper) if upper else None,
        )
    return tables


def encodings() -> tuple[str, ...]:
    return tuple(_tables())


@cache
def _letters() -> frozenset[str]:
    """The Vietnamese letters outside ASCII, both cases."""
    letters = {c for table in _tables().values() for c in table.decode.values()}
    return frozenset(letters | {c.upper() for c in letters} | {c.lower() for c in letters})


# --- fonts ----------------------------------------------------------------------


@cache
def font_encoding(font_name: str | None) -> tuple[str, bool] | None:
    """(encoding, upper) for a font whose name says it draws a legacy
    encoding (".VnTime" -> ("tcvn3", False), "ABCDEF+VnTimeH-Bold" ->
    ("tcvn3", True), "VNI-Times" -> ("vni", False)); None for other fonts."""
    if not font_name:
        return None
    name = _SUBSET_PREFIX.sub("", font_name.strip())
    for table in _tables().values():
        if table.fonts.match(name):
            return table.name, bool(table.upper_fonts and table.upper_fonts.match(name))
    return None


# Letters that only Unicode Vietnamese has: legacy text read through
# Windows-1252 never holds them.  A run in a legacy font that does is
# Unicode already (pasted in, or mapped by the PDF's own ToUnicode table).
_UNICODE_VIETNAMESE = compile_pattern("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]")


def is_unicode_vietnamese(text: str) -> bool:
    return _UNICODE_VIETNAMESE.search(text) is not None


# --- conversion -----------------------------------------------------------------


def convert_chars(chars: Sequence[str], encoding: str, upper: bool = False) -> list[str]:
    """Each input character's Unicode output, aligned with the input: a mark
    that joins the letter before it (VNI) gives "".  `upper`: the text was
    drawn in an upper-case font (.VnTimeH), every letter is a capital."""
    table = _tables()[encoding]
    out = list(chars)
    i, n = 0, len(out)
    while i < n:
        if table.longest > 1 and i + 1 < n:
            letter = table.decode.get(chars[i] + chars[i + 1])
            if letter is not None:
                out[i], out[i + 1] = letter, ""
                i += 2
                continue
        letter = table.decode.get(chars[i])
        if letter is not None:
            out[i] = letter
        i += 1
    if upper:
        out = [c.upper() for c in out]
    return out


def to_unicode(text: str, encoding: str, upper: bool = False) -> str:
    return "".join(convert_chars(text, encoding, upper))


def tcvn3_to_unicode(text: str, upper: bool = False) -> str:
    """TCVN3 text, as read through Windows-1252, in Unicode ("B¸o c¸o" ->
    "Báo cáo"); `upper` for text in an upper-case font such as .VnTimeH."""
    return to_unicode(text, TCVN3, upper)


def vni_to_unicode(text: str) -> str:
    """VNI text, as read through Windows-1252, in Unicode ("Baùo caùo" -> "Báo cáo")."""
    return to_unicode(text, VNI)


def from_unicode(text: str, encoding: str, upper: bool = False) -> str:
    """Unicode text written in a legacy encoding, as Windows-1252 characters.
    Raises ValueError when the text cannot be written so that it reads back
    the same: a capital with a tone in TCVN3 without `upper`, a lower-case
    letter with `upper`, or characters that would read back as letters."""
    table = _tables()[encoding]
    text = unicodedata.normalize("NFC", text)
    if upper:
        if any(c.islower() for c in text):
            raise ValueError(f"lower-case letters cannot be written in an upper-case {LABELS[encoding]} font")
        text = text.lower()
    legacy = "".join(table.encode.get(c, c) for c in text)

    def fails(c: str) -> bool:
        if c not in table.encode and c in _letters():
            return True  # a Vietnamese letter the encoding has no code for
        return to_unicode(table.encode.get(c, c), encoding, upper) != (c.upper() if upper else c)

    if any(map(fails, text)) or to_unicode(legacy, encoding, upper) != (text.upper() if upper else text):
        bad = "".join(sorted({c for c in text if fails(c)}))
        raise ValueError(f"{bad or text!r}: cannot be written in {LABELS[encoding]} and read back")
    return legacy


def unicode_to_tcvn3(text: str, upper: bool = False) -> str:
    return from_unicode(text, TCVN3, upper)


def unicode_to_vni(text: str) -> str:
    return from_unicode(text, VNI)


def conversion_note(encoding: str, font: str) -> str:
    """The warning a reader records for text it converted."""
    return f"text in the {LABELS[encoding]} font {font} was converted to Unicode"


# Latin-1 reads every byte; this turns its C1 controls into the Windows-1252
# characters, except the five bytes Windows-1252 leaves undefined.
_C1_TO_CP1252 = {
    b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def decode_8bit(data: bytes) -> str:
    """Bytes of a legacy 8-bit file as the Windows-1252 characters the tables use."""
    return data.decode("latin-1").translate(_C1_TO_CP1252)


# --- detection in plain text -------------------------------------------------------

_INITIAL = "ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx]"
_NUCLEUS = (
    "iêu|oai|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|yêu"
    "|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê"
    "|[aăâeêioôơuưy]"
)
_SYLLABLE = compile_pattern(f"(?:{_INITIAL})?(?:{_NUCLEUS})(?:ch|ng|nh|[cmnpt])?")
_TONE_MARKS = compile_pattern("[\u0300\u0301\u0303\u0309\u0323]")
# A word: letters, and the Latin-1 signs that legacy text uses as letters (¸ µ ¶ ...).
_WORD = compile_pattern("[A-Za-z\u00a1-\u00ff\u0100-\u01b0\u1ea0-\u1ef9\u0300-\u0323]+")
# About 20 pages: thousands of words, enough to tell an encoding, and a
# bounded cost on a megabyte of crafted text.
_SAMPLE_CHARS = 50_000
# Detection needs a few words with non-ASCII characters to go on.
_MIN_WORDS = 3
# Share of such words that must be well-formed syllables after conversion,
# and how much better than before conversion that must be.
_MIN_VALID = 0.8
_MIN_GAIN = 0.3
# Share of such words with a letter only Unicode has above which the text
# is Unicode, whatever else it holds.
_MAX_UNICODE_WORDS = 0.05


def is_syllable(word: str) -> bool:
    """Does a word have the shape of a Vietnamese syllable: an initial
    consonant, a vowel nucleus, a final consonant, at most one tone?"""
    bare = unicodedata.normalize("NFD", word.lower())
    bare, tones = _TONE_MARKS.subn("", bare)
    return tones <= 1 and _SYLLABLE.fullmatch(unicodedata.normalize("NFC", bare)) is not None


def _non_ascii_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if not w.isascii()]


def _valid_share(words: list[str]) -> float:
    return sum(map(is_syllable, words)) / len(words) if words else 0.0


def detect_legacy(text: str) -> str | None:
    """The legacy encoding a plain text is written in ("tcvn3", "vni"), or
    None.  Decided on the words with non-ASCII characters: a legacy text
    converts to well-formed Vietnamese syllables and as it stands does not.
    Text with letters that only Unicode has is never legacy."""
    sample = text[:_SAMPLE_CHARS]
    words = _non_ascii_words(sample)
    if len(words) < _MIN_WORDS:
        return None
    if sum(1 for w in words if is_unicode_vietnamese(w)) > _MAX_UNICODE_WORDS * len(words):
        return None
    before = _valid_share(words)
    best, best_share = None, 0.0
    for encoding in encodings():
        share = _valid_share(_non_ascii_words(to_unicode(sample, encoding)))
        if share > best_share:
            best, best_share = encoding, share
    if best_share >= _MIN_VALID and best_share >= before + _MIN_GAIN:
        return best
    return None


# --- the pattern file's examples ------------------------------------------------


@example_checker(_PATTERNS)
def check_examples(entry: dict) -> list[str]:
    name = entry["name"]
    problems = []
    for ex in entry.get("examples") or []:
        legacy, expected, upper = ex["legacy"], ex["unicode"], bool(ex.get("upper"))
        got = to_unicode(legacy, name, upper)
        if got != expected:
            problems.append(f"{name}: {legacy!r} gives {got!r}, not {expected!r}")
        try:
            back = from_unicode(expected, name, upper)
        except ValueError as e:
            back = f"<{e}>"
        if back != legacy:
            problems.append(f"{name}: {expected!r} encodes to {back!r}, not {legacy!r}")
        found = detect_legacy(legacy)
        if found != name:
            problems.append(f"{name}: {legacy!r} is detected as {found}")
    for text in entry.get("counter_examples") or []:
        found = detect_legacy(text)
        if found is not None:
            problems.append(f"{name}: ordinary text {text!r} is detected as {found}")
    return problems
