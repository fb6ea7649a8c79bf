"""End to end on a generated corpus: the figures `make bench` prints.

All measured in one run, on this machine:
- PDF reading: pages/s of cchc's reader against pdfplumber's `extract_text`
  on the same PDFs, as a ratio;
- extraction: MB/s of normalised text through references, dates, figures
  and checks;
- files/s end to end through the Prefect flow, for TXT and DOCX, and for a
  mixed corpus at 250, 500 and 1,000 reports (the cost per report at each
  size shows whether it grows linearly);
- peak resident memory of the flow's process during each run, and of its
  largest worker;
- the share of the wall time spent on orchestration rather than parsing:
  1 - (the same files parsed serially in one process) / (wall × workers);
- a re-run with nothing changed, against the first run.

Usage:  .venv/bin/python benchmarks/end_to_end.py [--sizes 250,500,1000] [--workers N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")

from corpus import write_corpus  # noqa: E402
from pdf_reading import with_plumber  # noqa: E402

from cchc.flows.runner import run_ingest  # noqa: E402
from cchc.pipeline.checks import check_report  # noqa: E402
from cchc.pipeline.extract import extract  # noqa: E402
from cchc.pipeline.text.normalize import normalize_document  # noqa: E402
from cchc.pipeline.run.process import process_files  # noqa: E402
from cchc.pipeline.read import read_document  # noqa: E402
from cchc.pipeline.read.pdf import read_pdf  # noqa: E402
from cchc.pipeline.outline.structure import build_sections, parse_header  # noqa: E402


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


class RssSampler:
    """The largest resident size of this process while the flow runs, read
    from /proc every 20 ms (ru_maxrss would also count what this script
    does before and after the runs, such as pdfplumber's baseline), and of
    its largest worker process, read every 0.2 s (the workers are forked by
    the forkserver, so they are not this process's children)."""

    def __init__(self) -> None:
        self.peak = 0
        self.worker_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        n = 0
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_pages("self") * page)
            if n % 10 == 0:
                self.worker_peak = max([self.worker_peak] + [_rss_pages(pid) * page for pid in _workers()])
            n += 1
            self._stop.wait(0.02)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _rss_pages(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0  # it has just exited


def _workers() -> list[str]:
    """The worker processes of this process's runs: descendants whose
    command line is multiprocessing's forkserver (the workers are its forks)."""
    parents, workers = {}, []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parents[pid] = f.read().rsplit(")", 1)[1].split()[1]
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"multiprocessing.forkserver" in f.read():
                    workers.append(pid)
        except (OSError, IndexError):
            continue
    me = str(os.getpid())

    def descends(pid: str) -> bool:
        while pid in parents and pid not in ("0", "1"):
            pid = parents[pid]
            if pid == me:
                return True
        return False

    return [pid for pid in workers if descends(pid)]


def pdf_ratio(pdfs: list[Path]) -> tuple[float, float, float]:
    ours, pages = timed(lambda: sum(read_pdf(p).n_pages for p in pdfs))
    theirs, _ = timed(lambda: sum(with_plumber(p) for p in pdfs))
    return pages / ours, pages / theirs, theirs / ours


def extraction_mbs(files: list[Path]) -> float:
    docs = [normalize_document(read_document(p)) for p in files]
    size = sum(len(d.text.encode("utf-8")) for d in docs)

    def facts_of(doc):
        meta, sections = parse_header(doc), build_sections(doc)
        facts = extract(doc, sections, meta)
        check_report(doc, meta, facts.references, facts.dates, facts.counts)

    facts_of(docs[0])  # patterns and grammars load once per process, not per MB
    start = time.perf_counter()
    for doc in docs:
        facts_of(doc)
    return size / 1e6 / (time.perf_counter() - start)


def ingest_run(files_dir: Path, out: Path, workers: int) -> float:
    seconds, summary = timed(run_ingest, [str(files_dir)], out=str(out), workers=workers)
    if summary.failed:
        raise SystemExit(f"{len(summary.failed)} files failed: {summary.failed[:3]}")
    if summary.parsed + summary.unchanged != summary.discovered:
        raise SystemExit(f"of {summary.discovered} files, {summary.parsed} were read and {summary.unchanged} "
                         f"unchanged: {summary.by_status}")
    return seconds


def subset(corpus: Path, names: list[str], into: Path) -> Path:
    """A folder of `names` from the corpus, as hard links where the file
    system allows them (a symbolic link out of the input folders is not
    read), as copies otherwise."""
    into.mkdir(parents=True, exist_ok=True)
    for name in names:
        try:
            os.link(corpus / name, into / name)
        except OSError:
            shutil.copy(corpus / name, into / name)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "cchc-bench-corpus")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    largest = max(sizes)

    existing = sorted(args.corpus.glob("report-*")) if args.corpus.exists() else []
    if len(existing) < largest:
        print(f"writing a corpus of {largest} reports to {args.corpus} ...", flush=True)
        write_corpus(args.corpus, largest)
    names = sorted(p.name for p in args.corpus.glob("report-*"))[:largest]
    work = Path(tempfile.mkdtemp(prefix="cchc-bench-"))

    print(f"cchc benchmark: {os.cpu_count()} cores, {args.workers} workers\n")
    pdfs = [args.corpus / n for n in names if n.endswith(".pdf")][:10]
    ours, theirs, ratio = pdf_ratio(pdfs)
    print(f"PDF reading        {ours:8.1f} pages/s  pdfplumber extract_text {theirs:6.1f} pages/s  ratio {ratio:5.1f}x")
    text_files = [args.corpus / n for n in names if not n.endswith(".pdf")][:60]
    print(f"extraction         {extraction_mbs(text_files):8.2f} MB/s of text (references, dates, figures, checks)")

    # Start Prefect's temporary API server before anything is timed.
    warm = work / "warm"
    warm.mkdir()
    run_ingest([str(warm)], out=str(work / "warm-out"), workers=1)

    txt_docx = [n for n in names if not n.endswith(".pdf")][: min(300, largest)]
    seconds = ingest_run(subset(args.corpus, txt_docx, work / "txt-docx"), work / "out-txt-docx", args.workers)
    print(f"TXT and DOCX       {len(txt_docx) / seconds:8.1f} reports/s end to end ({len(txt_docx)} reports)")

    print("\nmixed corpus (a third each of TXT, DOCX, PDF):")
    first, peaks, worker_peak = {}, {}, 0.0
    for n in sizes:
        folder = subset(args.corpus, names[:n], work / f"mixed-{n}")
        with RssSampler() as rss:
            first[n] = ingest_run(folder, work / f"out-{n}", args.workers)
        peaks[n] = rss.peak / 1e6
        worker_peak = max(worker_peak, rss.worker_peak / 1e6)
        print(f"  {n:5d} reports  {first[n]:7.1f} s  {n / first[n]:6.1f} reports/s  {1000 * first[n] / n:6.1f} ms per report"
              f"  flow process at most {peaks[n]:.0f} MB")
    n = largest
    rerun = ingest_run(work / f"mixed-{n}", work / f"out-{n}", args.workers)
    print(f"  re-run of {n} with nothing changed: {rerun:.2f} s = {100 * rerun / first[n]:.1f}% of the first run")

    serial, _ = timed(lambda: [process_files([(str(args.corpus / name), None)]) and None for name in names[:n]])
    share = 1 - serial / (first[n] * args.workers)
    print(f"  orchestration share of the {n}-report run: {100 * max(share, 0):.0f}% "
          f"(parsing alone, one process: {serial:.1f} s; wall × workers: {first[n] * args.workers:.1f} s)")
    print(f"\npeak memory        flow process {max(peaks.values()):.0f} MB, largest worker {worker_peak:.0f} MB")


if __name__ == "__main__":
    main()
