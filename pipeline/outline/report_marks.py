"""Is a file an administrative report at all?

Inspectors' folders hold, beside the reports, the clutter of any shared
folder: notes, exported data, pictures, archives.  Such a file may read
perfectly well and still hold nothing an auditor could use; counting it as a
report read would put it in the HTML page and in the totals as if it were one.

Two rules, both documented in docs/failure-modes.md:

- by its format: JSON data, images, spreadsheets and archives are never
  reports (`pipeline.read.detect.NOT_REPORT_FORMATS`), and their row names
  what they are;
- by its content: a text is a report when it bears at least one mark of an
  administrative document (Nghị định 30/2020/NĐ-CP sets the form): in the
  header, an issuing body, the document's own number, a place-and-date line,
  a title or a reporting period; in the body, Roman-numbered sections (I.,
  II.) or headings on two levels (1., 1.1.), a cited document (a number such
  as 30/2020/NĐ-CP), or a figure of a known reform metric
  (`patterns/metrics.yaml`).  A numbered list alone, a date in passing or a
  count of apples is not enough.

The rule is deliberately lenient: a report that loses its header to a bad
scan still has its sections and citations, and a false "not a report" would
hide its facts, which is worse than letting a stray note through.
"""

from __future__ import annotations

from typing import Iterable

from cchc.pipeline.model import ReportMeta, Section
from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.read.detect import ARCHIVES, CCHC_PAGE, IMAGES, JSON, NOT_REPORT_FORMATS, SPREADSHEETS

_ROMAN = compile_pattern(r"[IVXLC]+")

_WHAT_TO_DO = {
    JSON: "cchc reads report documents (PDF, DOCX, TXT), not data files",
    CCHC_PAGE: "cchc's own output, not an input; write it into the output folder "
               "(`cchc report OUT --html OUT/report.html`), which cchc ingest never reads",
    **{fmt: "if it is a scanned report, put its pages in a PDF (Tesseract reads scanned PDFs)" for fmt in IMAGES},
    **{fmt: "cchc reads reports, not tables of data; if a report's figures are in it, they are not read"
       for fmt in SPREADSHEETS},
    **{fmt: "cchc does not unpack archives: unpack it and give cchc the files inside" for fmt in ARCHIVES},
}


def format_reason(fmt: str) -> str | None:
    """Why a file of format `fmt` is not a report, or None if it may be one."""
    if fmt not in NOT_REPORT_FORMATS:
        return None
    return f"{NOT_REPORT_FORMATS[fmt]}, not a report: {_WHAT_TO_DO[fmt]}"


def content_reason(text: str, meta: ReportMeta, sections: list[Section], n_references: int,
                   metrics: Iterable[str | None]) -> str | None:
    """Why a text that was read is not a report, or None when it bears a mark of one."""
    header = (meta.issuer, meta.doc_number, meta.report_date, meta.title, meta.period_start, meta.period_end)
    if any(v is not None for v in header):
        return None
    if any(_ROMAN.fullmatch(s.number or "") for s in sections) or len({s.level for s in sections}) >= 2:
        return None
    if n_references or any(m is not None for m in metrics):
        return None
    opening = " ".join(text.split())[:60]
    return (
        "not an administrative report: no issuing body, number, date line, title or period in its header, "
        "no numbered sections (I., II.), no cited document and no figure of a reform metric"
        + (f"; it begins: «{opening}»" if opening else "; it holds no text")
    )
