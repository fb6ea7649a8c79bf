"""How much faster `read_pdf` is than pdfplumber's own text extraction.

Measures, in one run and on the same files: pages/s of
  - pipeline.read.pdf.read_pdf (the whole reader: lines, furniture,
    footnotes, paragraphs, tables),
  - pdfplumber `page.extract_text()` on every page (the slow baseline),
  - pdfium's bare page text (`get_text_range`), the ceiling for any reader
    built on pdfium,
and prints read_pdf's speed as a multiple of pdfplumber's.

The files: the committed sample, a longer PDF made in a temp dir by
appending the sample to itself (so per-document costs do not flatter the
ratio), and the producer matrix of the tests (tests/producers.py: one
report made into PDF by LibreOffice in three fonts, Chromium, reportlab and
fpdf2, whichever are installed).

For every file it also compares the reader's words with pdfplumber's
`extract_words` ordered by line, and prints their similarity and, where
they differ, the first difference.

Usage:  python benchmarks/pdf_reading.py [--repeat N] [--copies K] [--no-matrix] [PDF ...]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from cchc.pipeline.read.pdf import read_pdf  # noqa: E402
from pdf_words import first_difference, plumber_words, reader_words, similarity  # noqa: E402
from producers import build_all  # noqa: E402

SAMPLE = ROOT / "samples" / "so-ngoai-vu-ha-tinh-2021-2023.pdf"


def concatenated(source: Path, copies: int, out: Path) -> Path:
    with pdfium.PdfDocument(source) as src, pdfium.PdfDocument.new() as dst:
        for _ in range(copies):
            dst.import_pages(src)
        dst.save(out)
    return out


def with_plumber(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()  # drop pdfminer's per-page caches, as a batch job would
        return len(pdf.pages)


def with_read_pdf(path: Path) -> int:
    return read_pdf(path).n_pages


def with_pdfium_text(path: Path) -> int:
    with pdfium.PdfDocument(path) as pdf:
        for page in pdf:
            page.get_textpage().get_text_range()
        return len(pdf)


def best_time(fn, path: Path, repeat: int) -> tuple[float, int]:
    """Fastest of `repeat` runs: the least disturbed by the rest of the machine."""
    best, pages = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = fn(path)
        best = min(best, time.perf_counter() - start)
    return best, pages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pdfs", nargs="*", type=Path, help="PDFs (default: the sample and a longer copy)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader and file; the best counts")
    parser.add_argument("--copies", type=int, default=5, help="times the sample is appended to itself")
    parser.add_argument("--no-matrix", action="store_true", help="leave out the producer matrix")
    args = parser.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Chromium's fonts make it chatty

    with tempfile.TemporaryDirectory() as tmp:
        longer = Path(tmp) / f"sample-x{args.copies}.pdf"
        paths = args.pdfs or [SAMPLE, concatenated(SAMPLE, args.copies, longer)]
        if not args.pdfs and not args.no_matrix:
            made, _ = build_all(Path(tmp))
            paths += [made[name] for name in made if isinstance(made[name], Path)]
            for name, why in made.items():
                if not isinstance(why, Path):
                    print(f"producer {name} left out: {why}")
        # Warm up: imports, pdfium initialisation, pdfplumber's lazy modules.
        with_read_pdf(SAMPLE)
        with_plumber(SAMPLE)

        print(
            f"{'file':<36} {'pages':>5} {'read_pdf':>12} {'pdfplumber':>12} {'pdfium text':>12} {'ratio':>7}"
            f" {'words':>7}"
        )
        total = {"ours": 0.0, "plumber": 0.0, "pages": 0}
        differences = []
        for path in paths:
            ours, pages = best_time(with_read_pdf, path, args.repeat)
            plumber, _ = best_time(with_plumber, path, args.repeat)
            bare, _ = best_time(with_pdfium_text, path, args.repeat)
            total["ours"] += ours
            total["plumber"] += plumber
            total["pages"] += pages
            theirs, mine = plumber_words(path), reader_words(path)
            agree = similarity(theirs, mine)
            if agree < 1.0:
                differences.append(f"{path.name}: {first_difference(theirs, mine)}")
            print(
                f"{path.name[:36]:<36} {pages:>5} {pages / ours:>8.0f} p/s {pages / plumber:>8.1f} p/s"
                f" {pages / bare:>8.0f} p/s {plumber / ours:>6.1f}x {agree:>7.4f}"
            )
        n = total["pages"]
        print(
            f"{'all':<36} {n:>5} {n / total['ours']:>8.0f} p/s {n / total['plumber']:>8.1f} p/s"
            f" {'':>12} {total['plumber'] / total['ours']:>6.1f}x"
        )
        print(f"read_pdf is {total['plumber'] / total['ours']:.1f}x as fast as pdfplumber extract_text")
        print("words: similarity of the reader's words to pdfplumber's extract_words, both ordered by line")
        for line in differences:
            print(f"  first difference in {line}")


if __name__ == "__main__":
    main()
