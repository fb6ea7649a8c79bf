"""Throughput of the references and dates extraction, and how it grows.

The sample report is repeated 1, 4 and 16 times into one text; for each size
the script reads it once (not timed), then times `find_references` plus
`date_rows` (sentence index included) and prints MB/s and seconds per MB.
Equal seconds per MB at every size show the cost grows linearly.

MB are megabytes of the normalised text encoded as UTF-8.

Usage:  .venv/bin/python benchmarks/extraction_references.py [--repeat N] [--min-mbs 5]
Exits non-zero when the throughput at any size is under --min-mbs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cchc.pipeline.extract.dates import date_rows  # noqa: E402

from cchc.pipeline.text.locator import Locator
from cchc.pipeline.extract.references import find_references  # noqa: E402
from cchc.pipeline.text.normalize import normalize_document  # noqa: E402
from cchc.pipeline.read import read_document  # noqa: E402
from cchc.pipeline.outline.structure import build_sections, parse_header  # noqa: E402

SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.txt"


def extract(doc, sections, meta) -> tuple[int, int]:
    locator = Locator(doc, sections)
    refs = find_references(doc, sections, meta, locator)
    rows = date_rows(doc, sections, meta, refs, locator)
    return len(refs), len(rows)


def measure(times: int, repeat: int) -> dict:
    raw = SAMPLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"sample-x{times}.txt"
        path.write_text("\n\n".join([raw] * times), encoding="utf-8")
        doc = normalize_document(read_document(path))
    meta = parse_header(doc)
    sections = build_sections(doc)
    mb = len(doc.text.encode("utf-8")) / 1e6
    extract(doc, sections, meta)  # warm the pattern caches
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        n_refs, n_rows = extract(doc, sections, meta)
        best = min(best, time.perf_counter() - t0)
    return {"times": times, "mb": mb, "seconds": best, "refs": n_refs, "dates": n_rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per size; the best is kept")
    parser.add_argument("--min-mbs", type=float, default=5.0, help="fail under this many MB/s")
    args = parser.parse_args()

    results = [measure(times, args.repeat) for times in (1, 4, 16)]
    print(f"{'size':>5} {'MB':>8} {'refs':>6} {'dates':>6} {'seconds':>9} {'MB/s':>8} {'s/MB':>8}")
    for r in results:
        print(
            f"{r['times']:>4}x {r['mb']:>8.3f} {r['refs']:>6} {r['dates']:>6} {r['seconds']:>9.4f}"
            f" {r['mb'] / r['seconds']:>8.2f} {r['seconds'] / r['mb']:>8.4f}"
        )
    per_mb = [r["seconds"] / r["mb"] for r in results]
    print(f"cost per MB at 16x / at 1x: {per_mb[-1] / per_mb[0]:.2f} (1.00 is linear)")
    slowest = min(r["mb"] / r["seconds"] for r in results)
    if slowest < args.min_mbs:
        print(f"FAIL: {slowest:.2f} MB/s is under {args.min_mbs} MB/s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
