"""The checkers of the examples in reference_forms.yaml, doc_types.yaml and
issuers.yaml: each example is read as a snippet, and its reference compared
with what the entry expects."""

from __future__ import annotations

from datetime import date
from typing import Any

from cchc.pipeline.extract.references.grammar import expand, grammar
from cchc.pipeline.extract.references.rows import Reference, read_references, references_in_text, snippet
from cchc.pipeline.patterns import compile_pattern, example_checker


def _as_compared(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _expect_failures(label: str, text: str, ref: Reference | None, expect: dict) -> list[str]:
    if ref is None:
        return [f"{label}: no reference in {text!r}"]
    return [
        f"{label}: {text!r}: {key} is {_as_compared(getattr(ref, key))!r}, want {want!r}"
        for key, want in expect.items()
        if _as_compared(getattr(ref, key)) != want
    ]


@example_checker("reference_forms")
def check_form_examples(entry: dict) -> list[str]:
    g = grammar()
    name, kind = entry["name"], entry["kind"]
    fails: list[str] = []
    if kind == "piece":
        pattern = compile_pattern(expand(entry["regex"], g.pieces))
        for ex in entry["examples"]:
            if isinstance(ex, dict):
                m = pattern.match(ex["text"])
                if (m.group() if m else None) != ex["match"]:
                    fails.append(f"{name}: {ex['text']!r} should match {ex['match']!r} at its start, got {m and m.group()!r}")
            elif not pattern.fullmatch(ex):
                fails.append(f"{name}: {ex!r} should match")
        for ex in entry["counter_examples"]:
            if isinstance(ex, dict):
                if m := pattern.match(ex["text"]):
                    fails.append(f"{name}: {ex['text']!r} should not match at its start, got {m.group()!r}")
            elif pattern.fullmatch(ex):
                fails.append(f"{name}: {ex!r} should not match")
        return fails

    def read(text: str) -> list[Reference]:
        pairs = read_references(snippet(text), [], None)
        return [ref for ref, m in pairs if kind != "form" or m.form == name]

    def pick(ex: dict) -> Reference | None:
        refs = read(ex["text"])
        i = ex.get("mention", 0)
        return refs[i] if i < len(refs) else None

    for ex in entry["examples"]:
        fails += _expect_failures(name, ex["text"], pick(ex), ex.get("expect", {}))
    for ex in entry["counter_examples"]:
        if isinstance(ex, dict):
            fails += _expect_failures(f"{name} (counter-example)", ex["text"], pick(ex), ex.get("expect", {}))
            continue
        # A form must read no number of the text; a context must leave its column empty.
        bad = [r for r in read(ex) if kind == "form" or getattr(r, entry["field"]) is not None]
        if bad:
            fails.append(f"{name}: counter-example {ex!r} gave {bad[0].number!r} ({entry.get('field', 'form')})")
    return fails


@example_checker("doc_types")
def check_doc_type_examples(entry: dict) -> list[str]:
    name = entry["name"]
    fails: list[str] = []
    for text in entry["examples"]:
        refs = references_in_text(text)
        if not refs or refs[0].doc_type != name:
            fails.append(f"{name}: {text!r} gave doc_type {refs[0].doc_type if refs else None!r}")
    for text in entry["counter_examples"]:
        if bad := [r for r in references_in_text(text) if r.doc_type == name]:
            fails.append(f"{name}: counter-example {text!r} gave {bad[0].number!r} as {name}")
    return fails


@example_checker("issuers")
def check_issuer_examples(entry: dict) -> list[str]:
    code = entry["code"]
    fails = []
    for text in entry["examples"]:
        refs = references_in_text(text)
        if not refs or refs[0].issuer_code != code:
            fails.append(f"{code}: {text!r} gave issuer {refs[0].issuer_code if refs else None!r}")
    for text in entry["counter_examples"]:
        if any(r.issuer_code == code for r in references_in_text(text)):
            fails.append(f"{code}: counter-example {text!r} gave issuer {code}")
    return fails
