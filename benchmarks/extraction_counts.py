"""Throughput of the extraction stage with counts, and how it grows.

The stage as the pipeline runs it on a normalised document, text in and facts
out: the shared Locator, `find_references`, `date_rows`, and `find_counts`
(with the cited documents and the dates as its excluded spans).  Reading,
normalising and the section tree are earlier stages and are not timed.

The sample report is repeated 1, 4, 16 and 32 times into one text (16 times
is about 1 MB); for each size the script reads it once (not timed), then
times the stage and prints MB/s for the whole stage and for `find_counts`
alone, and seconds per MB (equal at every size: the cost grows linearly).

Baseline, measured in the same run on the same text: one pass of spaCy's
tokenizer (`spacy.blank("xx")`, the one `find_counts` uses) over the whole
text.  `find_counts`'s time is printed in such passes: what reading figures
costs over merely cutting the text into tokens, independent of the machine.

MB are megabytes of the normalised text encoded as UTF-8 (a Vietnamese
letter is two or three bytes).  One core: the process is pinned to one CPU.

Usage:  .venv/bin/python benchmarks/extraction_counts.py [--repeat N] [--min-mbs 1]
Exits non-zero when the whole stage runs under --min-mbs at any size.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from cchc.pipeline.extract.counts import find_counts  # noqa: E402
from cchc.pipeline.extract.dates import date_rows
from cchc.pipeline.text.dates import find_dates  # noqa: E402
from cchc.pipeline.text.locator import Locator
from cchc.pipeline.extract.references import find_references  # noqa: E402
from cchc.pipeline.text.normalize import normalize_document  # noqa: E402
from cchc.pipeline.read import read_document  # noqa: E402
from cchc.pipeline.outline.structure import build_sections, parse_header  # noqa: E402

SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"


def stage(doc, sections, meta) -> tuple[float, float, int]:
    """Seconds for the whole stage and for find_counts, and the figures found."""
    t0 = time.perf_counter()
    locator = Locator(doc, sections)
    refs = find_references(doc, sections, meta, locator)
    date_rows(doc, sections, meta, refs, locator)
    excluded = [(r.char_start, r.char_end) for r in refs] + [(d.start, d.end) for d in find_dates(doc.text)]
    t1 = time.perf_counter()
    counts = find_counts(doc, sections, meta, excluded, locator)
    t2 = time.perf_counter()
    return t2 - t0, t2 - t1, len(counts)


def measure(times: int, repeat: int, nlp) -> dict:
    raw = SAMPLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"sample-x{times}.txt"
        path.write_text("\n\n".join([raw] * times), encoding="utf-8")
        doc = normalize_document(read_document(path))
    meta, sections = parse_header(doc), build_sections(doc)
    mb = len(doc.text.encode("utf-8")) / 1e6
    best = {"whole": float("inf"), "counts": float("inf"), "tokenizer": float("inf")}
    for _ in range(repeat):
        whole, counts, n = stage(doc, sections, meta)
        t0 = time.perf_counter()
        nlp.make_doc(doc.text)
        tokenizer = time.perf_counter() - t0
        for key, seconds in (("whole", whole), ("counts", counts), ("tokenizer", tokenizer)):
            best[key] = min(best[key], seconds)
    return {"times": times, "mb": mb, "figures": n, **best}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size; the best is kept")
    parser.add_argument("--min-mbs", type=float, default=1.0, help="fail when the whole stage runs under this many MB/s")
    args = parser.parse_args()

    nlp = spacy.blank("xx")
    nlp.max_length = 1 << 31  # the tokenizer alone: no parser memory to guard
    sample = normalize_document(read_document(SAMPLE))
    stage(sample, build_sections(sample), parse_header(sample))  # warm up: spaCy, pattern files

    results = [measure(times, args.repeat, nlp) for times in (1, 4, 16, 32)]
    print(
        f"{'size':>5} {'MB':>7} {'figures':>7} {'stage MB/s':>10} {'counts MB/s':>11}"
        f" {'tokenizer MB/s':>14} {'counts in passes':>16} {'stage s/MB':>10}"
    )
    for r in results:
        print(
            f"{r['times']:>4}x {r['mb']:>7.3f} {r['figures']:>7} {r['mb'] / r['whole']:>10.2f}"
            f" {r['mb'] / r['counts']:>11.2f} {r['mb'] / r['tokenizer']:>14.2f}"
            f" {r['counts'] / r['tokenizer']:>16.1f} {r['whole'] / r['mb']:>10.4f}"
        )
    per_mb = [r["whole"] / r["mb"] for r in results]
    print(f"stage cost per MB at 32x / at 1x: {per_mb[-1] / per_mb[0]:.2f} (1.00 is linear)")
    slowest = min(r["mb"] / r["whole"] for r in results)
    print(f"whole stage, slowest size: {slowest:.2f} MB/s on one core")
    if slowest < args.min_mbs:
        print(f"FAIL: {slowest:.2f} MB/s is under {args.min_mbs} MB/s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
