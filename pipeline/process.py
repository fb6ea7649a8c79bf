"""One report file through the whole pipeline, whatever happens to it.

read → normalize → structure → extract (references, dates, figures) →
checks → tables.  A file that cannot be
read still gives a `reports` row that says why (status failed), and a step
that fails after reading keeps what came before it (status partial): no file
is ever dropped, and no error stops a batch.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.checks import check_report
from pipeline.extract import extract
from pipeline.model import ReportMeta, Section
from pipeline.normalize import normalize_document
from pipeline.read import UnsupportedFormat, read_document
from pipeline.read.detect import detect_format
from pipeline.structure import build_sections, parse_header

OK, PARTIAL, FAILED, NEEDS_OCR = "ok", "partial", "failed", "needs_ocr"


@dataclass
class ReportResult:
    """Everything one file gives: its `reports` row, the rows of the fact
    tables, and its normalised text (for provenance)."""

    report: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    text: str = ""

    @property
    def report_id(self) -> str:
        return self.report["report_id"]

    @property
    def status(self) -> str:
        return self.report["status"]


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def report_id_of(sha256: str) -> str:
    return sha256[:16]


def _error_text(step: str, exc: BaseException) -> str:
    return f"{step}: {type(exc).__name__}: {exc}"


def process_file(path: str | Path, sha256: str | None = None) -> ReportResult:
    """Run one file through the pipeline; never raises for a bad file."""
    path = Path(path)
    report = {"source_path": str(path), "pipeline_version": __version__}
    try:
        sha256 = sha256 or file_sha256(path)
    except OSError as exc:
        report.update(report_id=None, status=FAILED, error=_error_text("open", exc))
        return ReportResult(report)
    report.update(report_id=report_id_of(sha256), source_sha256=sha256)

    try:
        report["format"] = detect_format(path)
        doc = normalize_document(read_document(path))
    except UnsupportedFormat as exc:
        report.update(format=exc.format, status=FAILED, error=str(exc))
        return ReportResult(report)
    except Exception as exc:  # a reader bug or a broken file: say which
        report.update(status=FAILED, error=_error_text("read", exc))
        return ReportResult(report)

    report.update(
        format=doc.format,
        encoding=doc.encoding,
        n_pages=doc.n_pages,
        warnings="\n".join(doc.warnings) or None,
        status=OK,
    )
    result = ReportResult(report, text=doc.text)
    try:
        meta = parse_header(doc)
        sections = build_sections(doc)
    except Exception as exc:
        report.update(status=PARTIAL, error=_error_text("structure", exc) + "\n" + traceback.format_exc(limit=3))
        return result
    report.update(_report_columns(meta), n_sections=len(sections))
    result.rows["sections"] = [_section_row(s) for s in sections]
    year = meta.report_year
    try:
        facts = extract(doc, sections, meta)
        result.rows["references"] = [asdict(r) for r in facts.references]
        result.rows["dates"] = [asdict(d) for d in facts.dates]
        result.rows["metrics"] = [asdict(c) for c in facts.counts]
        findings = check_report(doc, meta, facts.references, facts.dates, facts.counts)
        result.rows["findings"] = [asdict(f) for f in findings]
    except Exception as exc:
        report.update(status=PARTIAL, error=_error_text("extract", exc) + "\n" + traceback.format_exc(limit=3))
    report["report_year"] = year
    for rows in result.rows.values():
        for row in rows:
            row["report_id"] = result.report_id
            row["report_year"] = year
    return result


def process_files(batch: list[tuple[str, str | None]]) -> list[ReportResult]:
    """Process a batch of (path, known SHA-256 or None)."""
    return [process_file(path, sha) for path, sha in batch]


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

