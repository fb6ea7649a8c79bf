"""Load the pattern files in `patterns/`, and compile every regular expression.

Patterns are data an analyst can edit without touching Python: each YAML file
holds `entries`, and each entry carries `examples` (text it must match, with
what it must give) and `counter_examples` (text it must leave alone).  The
module that uses a file registers a checker for its examples, and
tests/test_patterns.py runs it on each entry as a test of its own.  Every
file is checked against its schema (patterns/schemas/) when it is loaded.

Every regular expression of the project is compiled here (`compile_pattern`),
in the dialect of the `regex` module that patterns/README.md describes:
Unicode classes (`\\p{Lu}`), named lists fed from the YAML word lists
(`\\L<words>`), atomic groups and possessive quantifiers, and a time limit on
every match over more than a short window, because the text comes from
untrusted reports.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

import regex
import yaml


def _patterns_dir() -> Path:
    """The pattern files: `$CCHC_PATTERNS` when set, else the package data
    `cchc.patterns` (the folder `patterns/`, installed under that name by
    setup.py, in a wheel as in an editable install)."""
    if "CCHC_PATTERNS" in os.environ:
        return Path(os.environ["CCHC_PATTERNS"])
    return Path(str(resources.files("cchc.patterns")))


PATTERNS_DIR = _patterns_dir()

# libyaml's loader is an order of magnitude faster, where it is built in.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# file stem -> function(entry) -> list of failure messages
ExampleChecker = Callable[[dict[str, Any]], list[str]]
EXAMPLE_CHECKERS: dict[str, ExampleChecker] = {}


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed pattern file `patterns/<name>.yaml`, checked against its schema."""
    return load_file(PATTERNS_DIR / f"{name}.yaml")


def entries(name: str) -> list[dict[str, Any]]:
    return load(name).get("entries", [])


# --- schemas --------------------------------------------------------------------------
#
# Every pattern file has a schema: `schemas/<name>.yaml` beside it, a JSON
# Schema (draft 2020-12) written in YAML.  Definitions shared by several files
# are in `schemas/common.yaml` (`$ref: "common.yaml#/$defs/words"`).  A file
# is checked when it is loaded, so a misspelt key or a wrong type stops the
# run with the file and the key named, before any report is read.

SCHEMAS = "schemas"


class PatternFileError(ValueError):
    """A pattern file that its schema rejects, or that has no schema."""


def load_file(path: Path) -> dict[str, Any]:
    """Parse and check one pattern file (see `load` for the project's own)."""
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=_LOADER)
    validate(path, data)
    return data


def schema_path(path: Path) -> Path:
    return path.parent / SCHEMAS / f"{path.stem}.yaml"


def validate(path: Path, data: Any) -> None:
    """Raise PatternFileError naming the file and each key its schema rejects."""
    from jsonschema.exceptions import best_match

    validator = _validator(schema_path(path))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(k).zfill(9) for k in e.absolute_path]):
        error = best_match([error])  # inside "one of": the alternative that came nearest
        problems.append(f"{_key_path(error.absolute_path, data)}: {error.message}")
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise PatternFileError(f"{path}: does not follow {schema_path(path)}:\n  {shown}{more}")


def _key_path(path, data: Any) -> str:
    """`entries[3] (code: BNG).examples[0]`: the key, and the entry it is in by its name."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict):
                label = entry_label(node)
                out += f" ({label})" if label else ""
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "the whole file"


# The keys that name an entry, in the order they are tried.
_NAME_KEYS = ("key", "code", "name", "unit", "marker", "area", "kind")


def entry_label(entry: dict[str, Any]) -> str | None:
    """How an entry names itself: `code: BNG`, `unit: hồ sơ` ..."""
    for key in _NAME_KEYS:
        if isinstance(entry.get(key), str):
            return f"{key}: {entry[key]}"
    return None


@cache
def _validator(schema_file: Path):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    if not schema_file.exists():
        raise PatternFileError(
            f"{schema_file.parent.parent / (schema_file.stem + '.yaml')}: no schema declared for this pattern "
            f"file: write {schema_file} (see patterns/README.md, 'Schemas')"
        )

    def resource(path: Path) -> Resource:
        with open(path, encoding="utf-8") as f:
            return Resource.from_contents(yaml.load(f, Loader=_LOADER), default_specification=DRAFT202012)

    # Every schema of the folder, registered under its file name, so that a
    # "$ref" is looked up in memory rather than read again at each use.
    registry = Registry().with_resources((p.name, resource(p)) for p in sorted(schema_file.parent.glob("*.yaml")))
    schema = registry[schema_file.name].contents
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


def example_checker(name: str) -> Callable[[ExampleChecker], ExampleChecker]:
    """Register the function that checks one entry's examples of `name`.yaml."""

    def register(fn: ExampleChecker) -> ExampleChecker:
        EXAMPLE_CHECKERS[name] = fn
        return fn

    return register


def search_failures(entry: dict[str, Any], pattern: "Pattern") -> list[str]:
    """The failures of an entry whose words are one pattern: each example
    must be found by it, no counter-example may be (the usual checker of a
    `regex` entry)."""
    name = entry_label(entry) or "entry"
    fails = [f"{name}: {t!r} should match" for t in entry["examples"] if not pattern.search(t)]
    return fails + [f"{name}: {t!r} should not match" for t in entry["counter_examples"] if pattern.search(t)]


def pattern_files() -> list[Path]:
    return sorted(PATTERNS_DIR.glob("*.yaml"))


# --- regular expressions ----------------------------------------------------------

# Seconds one search, match, substitution or split may take before it gives up.
# Linear patterns take milliseconds on a whole report; only crafted text that
# drives a pattern into backtracking comes near this.
MATCH_TIMEOUT = 2.0

# A call confined to a window of at most this many characters runs without
# a timer.  Starting regex's timer costs about 3 µs a call, several times a
# short match, and the figures grammar tries its words in windows of a few
# dozen characters around each number and in clauses of a few hundred,
# thousands of times a report: timed, that stage ran a fifth slower.  In so
# short a window no text, however crafted, drives a pattern without nested
# repetition near the limit (even cubic backtracking is some 10^7 steps);
# every call on a longer text, a whole report above all, is timed.
UNTIMED_WINDOW = 256

# The flags of the dialect, re-exported so that callers need not import regex.
# REVERSE searches from the right: a pattern that must end where a number
# starts tries once at the end of its window, not once a character.
IGNORECASE, MULTILINE, DOTALL, VERBOSE, REVERSE = (
    regex.IGNORECASE, regex.MULTILINE, regex.DOTALL, regex.VERBOSE, regex.REVERSE
)
# What a pattern gives back, and how a word is written into one, likewise.
Match = regex.Match
escape = regex.escape


class PatternTimeout(TimeoutError):
    """A pattern ran out of time on a text: the text is crafted or pathological."""


class Pattern:
    """A compiled pattern whose matching is bounded by `timeout` seconds a call
    (a call confined to UNTIMED_WINDOW characters or fewer excepted).

    It answers like a compiled `re` pattern (search, match, fullmatch,
    finditer, findall, sub, subn, split); a call that runs out of time
    raises `PatternTimeout` naming the pattern and the length of the text.
    The time counted is the time spent matching: for `finditer`, the walk
    over the whole text, not the caller's work between two matches.
    """

    __slots__ = ("compiled", "timeout")

    def __init__(self, compiled: regex.Pattern, timeout: float | None):
        self.compiled = compiled
        self.timeout = timeout

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def flags(self) -> int:
        return self.compiled.flags

    @property
    def groups(self) -> int:
        return self.compiled.groups

    @property
    def groupindex(self):
        return self.compiled.groupindex

    def __repr__(self) -> str:
        return f"Pattern({self.compiled.pattern!r})"

    def _timed_out(self, text: str) -> PatternTimeout:
        return PatternTimeout(
            f"the pattern {self.compiled.pattern[:80]!r} gave up after {self.timeout} s "
            f"on a text of {len(text):,} characters"
        )

    def _timeout_for(self, text: str, pos: int | None, endpos: int | None) -> float | None:
        """No timer on a window of at most UNTIMED_WINDOW characters (see there)."""
        if self.timeout is None:
            return None
        end = len(text) if endpos is None or endpos > len(text) else endpos
        return None if end - (pos or 0) <= UNTIMED_WINDOW else self.timeout

    # Each method calls the compiled pattern itself, with no dispatch by
    # name between: the figures and references make tens of thousands of
    # calls a report, and the wrapper must cost next to nothing beside them.

    def _walk(self, text: str, matches):
        try:
            yield from matches
        except TimeoutError as e:
            raise self._timed_out(text) from e

    def search(self, text: str, pos: int | None = None, endpos: int | None = None):
        try:
            return self.compiled.search(text, pos, endpos, timeout=self._timeout_for(text, pos, endpos))
        except TimeoutError as e:
            raise self._timed_out(text) from e

    def match(self, text: str, pos: int | None = None, endpos: int | None = None):
        try:
            return self.compiled.match(text, pos, endpos, timeout=self._timeout_for(text, pos, endpos))
        except TimeoutError as e:
            raise self._timed_out(text) from e

    def fullmatch(self, text: str, pos: int | None = None, endpos: int | None = None):
        try:
            return self.compiled.fullmatch(text, pos, endpos, timeout=self._timeout_for(text, pos, endpos))
        except TimeoutError as e:
            raise self._timed_out(text) from e

    def finditer(self, text: str, pos: int | None = None, endpos: int | None = None):
        # The walk is lazy, and the time limit counts only the time spent matching.
        return self._walk(text, self.compiled.finditer(text, pos, endpos, timeout=self._timeout_for(text, pos, endpos)))

    def findall(self, text: str, pos: int | None = None, endpos: int | None = None) -> list:
        try:
            return self.compiled.findall(text, pos, endpos, timeout=self._timeout_for(text, pos, endpos))
        except TimeoutError as e:
            raise self._timed_out(text) from e

    def sub(self, repl, text: str, count: int = 0) -> str:
        try:
            return self.compiled.sub(repl, text, count, timeout=self._timeout_for(text, None, None))
        except TimeoutError as e:
            raise self._timed_out(text) from e

    def subn(self, repl, text: str, count: int = 0) -> tuple[str, int]:
        try:
            return self.compiled.subn(repl, text, count, timeout=self._timeout_for(text, None, None))
        except TimeoutError as e:
            raise self._timed_out(text) from e

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        try:
            return self.compiled.split(text, maxsplit, timeout=self._timeout_for(text, None, None))
        except TimeoutError as e:
            raise self._timed_out(text) from e


def compile_pattern(
    pattern: str, flags: int = 0, *, timeout: float | None = MATCH_TIMEOUT, **word_lists: list[str]
) -> Pattern:
    """Compile `pattern` in the project's dialect (patterns/README.md).

    `word_lists` feed named lists: `compile_pattern(r"\\L<markers>\\s", markers=[...])`
    matches any of the words, longest first, as a set lookup rather than a
    long alternation.  `timeout` bounds every match in seconds (None: no bound,
    only for text that does not come from a report).
    """
    return Pattern(_compiled(pattern, flags, tuple((k, tuple(v)) for k, v in sorted(word_lists.items()))), timeout)


def any_of(words: Iterable[str]) -> str:
    """The regular expression of a word list: any of the words, longest first,
    each escaped, with any run of spaces between the words of a phrase (a
    report may write "Nơi  nhận").  Where spacing is already even, prefer
    `\\L<name>`."""
    phrases = sorted({" ".join(w.split()) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(regex.escape(part) for part in p.split()) for p in phrases) + ")"


@cache
def _compiled(pattern: str, flags: int, word_lists: tuple[tuple[str, tuple[str, ...]], ...]) -> regex.Pattern:
    return regex.compile(pattern, flags | regex.VERSION0, **{k: list(v) for k, v in word_lists})
