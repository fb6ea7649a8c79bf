"""One report file through the whole pipeline, whatever happens to it.

read → normalize → structure → extract (references, dates, figures) →
checks → tables.  A file that cannot be
read still gives a `reports` row that says why (status failed), and a step
that fails after reading keeps what came before it (status partial): no file
is ever dropped, and no error stops a batch.

Statuses, each with an `error` that says what to do (docs/failure-modes.md):
- ok: read whole;
- partial: read, but not all of it (a truncated PDF, pages that failed, text
  cut at `Limits.max_chars`) or a step after reading failed;
- needs_ocr: some pages are scans and Tesseract is not installed; the rest
  was read;
- failed: nothing could be read (not a report format, over a limit,
  unreadable, encrypted, or its worker timed out or died);
- not_a_report: JSON data, an image, a spreadsheet or an archive, or a text
  that reads fine but bears no mark of an administrative report
  (`pipeline.outline.report_marks`); it keeps its `reports` row and writes no facts;
- skipped: not read on purpose (a symbolic link that leads out of the input
  folders);
- missing: read by an earlier run, gone from its folder now.

Errors of the run rather than of the file (the worker pool cannot start:
`pipeline.run.workers.PoolCannotStart`) are raised, never made a file's row.

`process_files` runs a batch in a `pipeline.run.workers.WorkerPool` when given
one, so that a file that hangs or crashes its reader costs only its own row.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from cchc.pipeline import __version__, limits as _limits, tools
from cchc.pipeline.checks import check_report
from cchc.pipeline.extract import extract
from cchc.pipeline.model import (
    FAILED, NEEDS_OCR, NOT_A_REPORT, OK, PARTIAL, SKIPPED, Document, ReportMeta, ReportResult, Section, as_row,
)  # fmt: skip
from cchc.pipeline.text.normalize import normalize_document
from cchc.pipeline.text.sketch import sketch
from cchc.pipeline.read import UnsupportedFormat, read_document
from cchc.pipeline.read.detect import detect_format, file_sha256, report_id_of
from cchc.pipeline.outline.report_marks import content_reason, format_reason
from cchc.pipeline.outline.structure import build_sections, parse_header
from cchc.pipeline.run.workers import WorkerDied, WorkerPool, WorkerTimeout

def _error_text(step: str, exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        limit = _limits.current().memory_mb
        return (f"{step}: out of memory: the file needed more than the {limit} MB a worker may use; "
                "raise --memory-mb if the file is genuine")
    if isinstance(exc, ValueError) and str(exc):
        return f"{step}: {exc}"  # a reader's own words about the file
    return f"{step}: {type(exc).__name__}: {exc}"


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:,.1f} MB"


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (", …" if len(numbers) > 10 else "")


def _cut(doc: Document, max_chars: int) -> None:
    """Keep the first `max_chars` characters of a document's blocks, and say
    so, with the text a reader left unread counted in the total."""
    total = sum(len(b.text) for b in doc.blocks) + doc.chars_not_read
    if total <= max_chars:
        return
    kept, room = [], max_chars
    for block in doc.blocks:
        if room <= 0:
            break
        if len(block.text) > room:
            block.text, block.cells = block.text[:room], None
        kept.append(block)
        room -= len(block.text)
    doc.blocks = kept
    doc.lost.append(_limits.cut_note(max_chars, total))


def _cap_sentences(rows: dict[str, list[dict]], text: str, max_chars: int) -> None:
    """Bound the sentence stored with each fact: a longer one is kept as a
    window of `max_chars` around the fact, with "…" where it was cut, so that
    a text with no sentence ends cannot copy itself into every row."""
    for table_rows in rows.values():
        for row in table_rows:
            sentence = row.get("sentence")
            if not sentence or len(sentence) <= max_chars:
                continue
            start, end = row.get("char_start"), row.get("char_end")
            evidence = text[start:end] if start is not None and end is not None else ""
            at = sentence.find(evidence) if evidence else 0
            at = max(at, 0)
            lo = max(0, min(at - (max_chars - len(evidence)) // 2, len(sentence) - max_chars))
            hi = lo + max_chars
            row["sentence"] = ("…" if lo else "") + sentence[lo:hi] + ("…" if hi < len(sentence) else "")


def process_file(path: str | Path, sha256: str | None = None, limits: _limits.Limits | None = None) -> ReportResult:
    """Run one file through the pipeline; never raises for a bad file.
    `limits`, when given, are put in force for this process."""
    if limits is not None:
        _limits.activate(limits)
    bounds = _limits.current()
    path = Path(path)
    report = {"source_path": str(path), "pipeline_version": __version__}
    try:
        sha256 = sha256 or file_sha256(path)
        size = os.stat(path).st_size
    except OSError as exc:
        report.update(report_id=None, status=FAILED, error=_error_text("open", exc))
        return ReportResult(report)
    report.update(report_id=report_id_of(sha256), source_sha256=sha256)
    if size > bounds.max_mb * 2**20:
        report.update(status=FAILED, error=f"the file is {_mb(size)}, more than the {bounds.max_mb:g} MB "
                      "a report may be (--max-mb): not read")
        return ReportResult(report)

    try:
        report["format"] = detect_format(path)
        if reason := format_reason(report["format"]):
            report.update(status=NOT_A_REPORT, error=reason)
            return ReportResult(report)
        doc = read_document(path)
        _cut(doc, bounds.max_chars)
        doc = normalize_document(doc)
    except UnsupportedFormat as exc:
        report.update(format=exc.format, status=FAILED, error=str(exc))
        return ReportResult(report, waits_for=exc.waits_for)
    except Exception as exc:  # a reader bug or a broken file: say which
        report.update(status=FAILED, error=_error_text("read", exc))
        return ReportResult(report)

    report.update(format=doc.format, encoding=doc.encoding, n_pages=doc.n_pages, page_source=doc.page_source,
                  warnings="\n".join(doc.warnings) or None, status=OK)
    result = ReportResult(report, text=doc.text, sketch=sketch(doc.text))
    if doc.scanned_pages:
        _mark_scanned(report, doc, result)
    read_lost = len(doc.lost)
    if doc.lost:
        _step_failed(report, "; ".join(doc.lost))
    try:
        meta = parse_header(doc)
        sections = build_sections(doc)
    except Exception as exc:
        _step_failed(report, _error_text("structure", exc) + "\n" + traceback.format_exc(limit=3))
        return result
    report.update(_report_columns(meta), n_sections=len(sections))
    result.rows["sections"] = [_section_row(s) for s in sections]
    year = meta.report_year
    try:
        facts = extract(doc, sections, meta)
        result.rows["references"] = [as_row(r) for r in facts.references]
        result.rows["dates"] = [as_row(d) for d in facts.dates]
        result.rows["metrics"] = [as_row(c) for c in facts.counts]
        findings = check_report(doc, meta, facts.references, facts.dates, facts.counts)
        result.rows["findings"] = [as_row(f) for f in findings]
    except Exception as exc:
        _step_failed(report, _error_text("extract", exc) + "\n" + traceback.format_exc(limit=3))
    # Extraction stops at its own bounds (figures per report) and says so in doc.lost.
    if len(doc.lost) > read_lost:
        _step_failed(report, "; ".join(doc.lost[read_lost:]))
    _cap_sentences(result.rows, doc.text, bounds.max_sentence_chars)
    if report["status"] == OK and (reason := content_reason(
            doc.text, meta, sections, len(result.rows.get("references", [])),
            (m["metric"] for m in result.rows.get("metrics", [])))):
        report.update(status=NOT_A_REPORT, error=reason)
        result.rows = {}
    report["report_year"] = year
    for rows in result.rows.values():
        for row in rows:
            row["report_id"] = result.report_id
            row["report_year"] = year
    return result


def _mark_scanned(report: dict, doc: Document, result: ReportResult) -> None:
    """Pages that are images with no text wait for OCR."""
    n = len(doc.scanned_pages)
    which = f"{'page' if n == 1 else 'pages'} {_pages(doc.scanned_pages)}"
    report.update(status=NEEDS_OCR, error=(
        f"{n} of {doc.n_pages} pages are scanned images with no usable text ({which}), "
        f"and OCR is not available: install Tesseract with its Vietnamese model "
        f"(`{tools.INSTALL[tools.TESSERACT]}`) and run `cchc ingest` again to read them"
        + ("; the other pages were read" if n < doc.n_pages else "")))
    result.waits_for = tools.TESSERACT


def _step_failed(report: dict, error: str) -> None:
    """A step after reading failed: the report is partial (or stays needs_ocr)."""
    if report["status"] == OK:
        report["status"] = PARTIAL
    report["error"] = f"{report['error']}\n{error}" if report.get("error") else error


def failed_result(path: str, sha256: str | None, error: str) -> ReportResult:
    """The row of a file that got no result of its own (its worker timed out or died)."""
    if sha256 is None:
        try:
            sha256 = file_sha256(path)
        except OSError:
            pass
    report = {"source_path": str(path), "pipeline_version": __version__, "status": FAILED, "error": error,
              "report_id": report_id_of(sha256) if sha256 else None, "source_sha256": sha256}
    try:
        report["format"] = detect_format(Path(path))
    except OSError:
        pass
    return ReportResult(report)


def skipped_result(path: str, reason: str) -> ReportResult:
    """The row of a file that is not read on purpose; nothing of it is opened."""
    return ReportResult({"source_path": str(path), "pipeline_version": __version__, "status": SKIPPED,
                         "error": reason, "report_id": None})


def process_files(batch: list[tuple[str, str | None]], pool: WorkerPool | None = None) -> list[ReportResult]:
    """Process a batch of (path, known SHA-256 or None), each file in a
    worker of `pool` when given (in this process otherwise).  A file whose
    worker overruns the pool's timeout or dies gets a failed row."""
    if pool is None:
        return [process_file(path, sha) for path, sha in batch]
    results = []
    for path, sha in batch:
        try:
            results.append(pool.call(process_file, path, sha))
        except WorkerTimeout as exc:
            results.append(failed_result(path, sha, f"{exc}: the file was given up on and its worker stopped; "
                                                    "if it is only large or slow, raise --timeout"))
        except WorkerDied as exc:
            results.append(failed_result(path, sha, f"{exc} while reading this file: its reader crashed, "
                                                    "or ran out of memory (see --memory-mb)"))
    return results


def _report_columns(meta: ReportMeta) -> dict:
    return {
        "issuer": meta.issuer,
        "issuer_code": meta.issuer_code,
        "province": meta.province,
        "doc_number": meta.doc_number,
        "report_date": meta.report_date.first_day() if meta.report_date else None,
        "report_date_precision": meta.report_date.precision if meta.report_date else None,
        "place": meta.place,
        "title": meta.title,
        "period_start": meta.period_start,
        "period_end": meta.period_end,
        "period_text": meta.period_text,
        "signer": meta.signer,
        "signer_role": meta.signer_role,
        "recipients": "\n".join(meta.recipients) or None,
    }


def _section_row(s: Section) -> dict:
    return {
        "section_path": s.section_path,
        "number": s.number,
        "title": s.title,
        "level": s.level,
        "area": s.area,
        "kind": s.kind,
        "page": s.page,
        "char_start": s.start,
        "char_end": s.end,
    }

