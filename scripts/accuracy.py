"""How well the pipeline reads every gold report: one Markdown table.

    .venv/bin/python scripts/accuracy.py

One row per gold of tests/golds.py (the four older golds, the shared report
also as DOCX and PDF, and every tests/fixtures/golds/ gold), each report read
by the same function `cchc ingest` runs on a file.  docs/accuracy.md explains
each column and keeps the figures of past runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from golds import registry, score  # noqa: E402

COLUMNS = [
    "gold", "format", "header", "figures P", "figures R", "nouns", "area+kind", "targets P", "targets R", "sub-periods", "doc dates",
    "planted found", "extra sum/table", "findings P", "findings R",
]  # fmt: skip


def ratio(right: int, of: int) -> str:
    return f"{right / of:.3f} ({right}/{of})" if of else "–"


def row(s) -> list[str]:
    found, planted, extra = s.planted
    if s.findings is None:
        fp = fr = "no list"
    else:
        matched, wanted, got = s.findings
        fp, fr = ratio(matched, got), ratio(matched, wanted)
    right, marked, targets = s.targets
    return [
        s.name, s.format, f"{s.header[0]}/{s.header[1]}", f"{s.precision:.3f}", f"{s.recall:.3f}", ratio(*s.nouns), ratio(*s.area_kind),
        ratio(right, marked), ratio(right, targets), ratio(*s.periods),
        ratio(*s.dates), f"{found}/{planted}", str(extra), fp, fr,
    ]  # fmt: skip


def main() -> int:
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "|".join("---" for _ in COLUMNS) + "|")
    failed = 0
    for gold in registry():
        try:
            cells = row(score(gold))
        except Exception as exc:  # one unreadable gold must not hide the others
            failed += 1
            cells = [gold.name, gold.format, f"not scored: {type(exc).__name__}: {exc}"] + [""] * (len(COLUMNS) - 3)
        print("| " + " | ".join(cells) + " |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
