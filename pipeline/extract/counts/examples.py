"""The examples of the figures' pattern files, run through the real
extractor: units.yaml, metrics.yaml, not_counts.yaml and breakdowns.yaml."""

from __future__ import annotations

from cchc.pipeline.extract.counts import Count, find_counts
from cchc.pipeline.extract.counts.grammar import grammar
from cchc.pipeline.text.dates import find_dates
from cchc.pipeline.model import PARAGRAPH, TABLE, Block, Document, ReportMeta
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.patterns import example_checker


def counts_in_text(text: str) -> list[Count]:
    """The figures of one paragraph of text, dates excluded: what the pattern
    examples are checked with."""
    doc = normalize_document(Document(source_path="<example>", format="txt", blocks=[Block(PARAGRAPH, text)]))
    spans = [(d.start, d.end) for d in find_dates(doc.text)]
    return find_counts(doc, [], ReportMeta(), spans)


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


@example_checker("units")
def check_unit_examples(entry: dict) -> list[str]:
    failures = []
    forms = {f.lower() for f in entry["forms"]}
    for ex in entry.get("examples", []):
        got = counts_in_text(ex["text"])
        want_unit = ex.get("unit", entry["forms"][0])
        match = [c for c in got if _same(c.value, ex["value"]) and c.unit == want_unit]
        if not match:
            failures.append(
                f"{entry['unit']}: {ex['text']!r} should give {ex['value']} {want_unit}, got "
                f"{[(c.value, c.unit) for c in got]}"
            )
        elif "subject" in ex and match[0].subject != ex["subject"]:
            failures.append(f"{entry['unit']}: {ex['text']!r} subject {match[0].subject!r}, want {ex['subject']!r}")
    for text in entry.get("counter_examples", []):
        bad = [c for c in counts_in_text(text) if c.unit.lower() in forms]
        if bad:
            failures.append(f"{entry['unit']}: counter-example {text!r} gave {bad[0].value_text} {bad[0].unit}")
    return failures


@example_checker("not_counts")
def check_not_count_examples(entry: dict) -> list[str]:
    failures = []
    for text in entry.get("examples", []):
        if got := counts_in_text(text):
            failures.append(f"{entry['name']}: {text!r} should give no figure, got {got[0].value_text} {got[0].unit}")
    for text in entry.get("counter_examples", []):
        if not counts_in_text(text):
            failures.append(f"{entry['name']}: {text!r} should still give a figure")
    return failures


def _parts(text: str, total: float) -> list[float] | None:
    """The values of the parts of the figure `total` in `text`, or None
    when there is no such figure."""
    counts = counts_in_text(text)
    found = [c for c in counts if _same(c.value, total)]
    if not found:
        return None
    return [c.value for c in counts if c.parent_idx == found[0].idx]


@example_checker("breakdowns")
def check_breakdown_examples(entry: dict) -> list[str]:
    failures = []
    for ex in entry.get("examples", []):
        got = _parts(ex["text"], ex["total"])
        if got != [float(p) for p in ex["parts"]]:
            failures.append(f"{entry['role']}: {ex['text']!r}: parts of {ex['total']} are {got}, want {ex['parts']}")
    for text in entry.get("counter_examples", []):
        linked = [c for c in counts_in_text(text) if c.parent_idx is not None]
        if linked:
            failures.append(f"{entry['role']}: {text!r} should make no part, got {linked[0].value_text} {linked[0].unit}")
    return failures


@example_checker("metrics")
def check_metric_examples(entry: dict) -> list[str]:
    key = entry["key"]
    g = grammar()
    failures = [f"{key}: unknown unit or kind {u!r}" for u in entry["unit"] if u not in g.units and u not in g.kinds]
    for ex in entry.get("examples", []):
        got = [c for c in counts_in_text(ex["text"]) if _same(c.value, ex["value"])]
        if "unit" in ex:
            got = [c for c in got if c.unit == ex["unit"]]
        if not got:
            failures.append(f"{key}: no figure {ex['value']} in {ex['text']!r}")
        elif got[0].metric != key:
            failures.append(f"{key}: {ex['text']!r} gave {got[0].value_text} {got[0].unit} metric {got[0].metric}")
    for text in entry.get("counter_examples", []):
        bad = [c for c in counts_in_text(text) if c.metric == key]
        if bad:
            failures.append(f"{key}: counter-example {text!r} gave {bad[0].value_text} {bad[0].unit} as {key}")
    return failures


def _table_counts(text: str) -> list[Count]:
    """The figures of a table written as rows one a line, cells split by " | "."""
    rows = [[cell.strip() for cell in line.split("|")] for line in text.splitlines()]
    block = Block(TABLE, "\n".join("\t".join(r) for r in rows), cells=rows)
    doc = normalize_document(Document(source_path="<example>", format="txt", blocks=[block]))
    return find_counts(doc, [], ReportMeta(), [])


@example_checker("targets")
def check_target_examples(entry: dict) -> list[str]:
    read = _table_counts if entry["role"] == "column" else counts_in_text
    failures = []
    for want, key in ((True, "examples"), (False, "counter_examples")):
        for ex in entry[key]:
            got = [c for c in read(ex["text"]) if _same(c.value, ex["value"])]
            if not got:
                failures.append(f"{entry['role']}: no figure {ex['value']} in {ex['text']!r}")
            elif got[0].is_target != want:
                failures.append(f"{entry['role']}: {ex['text']!r}: {got[0].value_text} {got[0].unit} "
                                f"is_target {got[0].is_target}, want {want}")
    return failures
