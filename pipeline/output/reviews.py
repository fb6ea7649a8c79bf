"""Auditors' verdicts on findings: the `reviews` dataset.

A verdict says that a finding is a real fault (confirmed) or not (dismissed),
with a note, who gave it and when.  Verdicts live in the output folder as
`reviews/reviews.parquet`, apart from everything `cchc ingest` writes, and
ingest never touches it: a finding keeps its id (`findings.finding_id`)
across re-runs, `--force` and new cchc versions, so a verdict given once
stays with its finding, and a finding whose evidence changed is new (open).

Every verdict is kept (the file is the history); a finding's status is its
latest verdict.  The file is rewritten whole under a lock, through
`store.atomic_write`, so readers see the old file or the new one.

Verdicts come from `cchc review` one at a time, or from the Excel workbook of
`cchc export`, whose findings sheet has a `Trạng thái xem xét` column an
auditor fills in (`read_xlsx`).
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from cchc.pipeline.output.labels import say, sheet_name
from cchc.pipeline.output.query import REVIEWS_FILE, connect
from cchc.pipeline.output.store import atomic_write
from cchc.pipeline.output.tables import REVIEW_VIEW_COLUMNS, REVIEWS, TABLES

OPEN, CONFIRMED, DISMISSED = "open", "confirmed", "dismissed"
VERDICTS = (CONFIRMED, DISMISSED)
STATUSES = (OPEN, CONFIRMED, DISMISSED)

# How the status reads in Vietnamese (the Excel column, the HTML page), and
# the words accepted back from a filled-in workbook besides the codes.
STATUS_LABELS = {OPEN: "Chưa xem xét", CONFIRMED: "Xác nhận", DISMISSED: "Bác bỏ"}
_STATUS_WORDS = {
    **{code: code for code in STATUSES},
    **{label.lower(): code for code, label in STATUS_LABELS.items()},
    "đúng": CONFIRMED, "xác nhận lỗi": CONFIRMED, "sai": DISMISSED, "không phải lỗi": DISMISSED,
    "bỏ qua": DISMISSED, "chưa": OPEN, "": OPEN,
}

ID_LABEL = next(c.label for c in TABLES["findings"] if c.name == "finding_id")
STATUS_LABEL = next(c.label for c in REVIEW_VIEW_COLUMNS if c.name == "review_status")
NOTE_LABEL = next(c.label for c in REVIEW_VIEW_COLUMNS if c.name == "review_note")


class ReviewError(ValueError):
    """A verdict that cannot be recorded: its message says why."""


@dataclass
class Review:
    finding_id: str
    verdict: str
    note: str | None
    by: str | None
    at: datetime


def status_of(text) -> str | None:
    """A status as a reviewer may write it (code or Vietnamese word), or None."""
    return _STATUS_WORDS.get(" ".join(str(text or "").split()).lower())


def _path(out: str | Path) -> Path:
    return Path(out) / REVIEWS_FILE


def load(out: str | Path) -> list[Review]:
    """Every verdict recorded in `out`, oldest first."""
    path = _path(out)
    if not path.is_file():
        return []
    rows = pq.read_table(path).to_pylist()
    return [Review(**row) for row in rows]


def current(out: str | Path) -> dict[str, Review]:
    """The latest verdict of each reviewed finding."""
    latest: dict[str, Review] = {}
    for r in sorted(load(out), key=lambda r: r.at):
        latest[r.finding_id] = r
    return latest


@contextmanager
def _locked(out: str | Path) -> Iterator[None]:
    """One writer of the reviews at a time (two auditors saving at once)."""
    folder = _path(out).parent
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _write(out: str | Path, reviews: list[Review]) -> None:
    schema = pa.schema([pa.field(c.name, c.type) for c in REVIEWS])
    table = pa.Table.from_pylist([r.__dict__ for r in reviews], schema=schema)
    atomic_write(_path(out), lambda tmp: pq.write_table(table, tmp))


def finding_ids(out: str | Path) -> set[str]:
    """The ids of the findings in `out` now."""
    return {row[0] for row in connect(out).execute("SELECT finding_id FROM findings_rows").fetchall() if row[0]}


def record(out: str | Path, verdicts: list[tuple[str, str, str | None]], by: str | None = None,
           at: datetime | None = None) -> list[Review]:
    """Record (finding_id, verdict, note) verdicts; every id must be a finding
    of `out` and every verdict confirmed or dismissed, else nothing is
    recorded and ReviewError says which."""
    known = finding_ids(out)
    for finding, verdict, _ in verdicts:
        if verdict not in VERDICTS:
            raise ReviewError(say("review.bad_verdict", verdict=repr(verdict), verdicts=", ".join(VERDICTS)))
        if finding not in known:
            raise ReviewError(say("review.no_finding", finding=repr(finding), out=out))
    at = at or datetime.now(timezone.utc).replace(microsecond=0)
    added = [Review(finding, verdict, note or None, by, at) for finding, verdict, note in verdicts]
    if added:
        with _locked(out):
            _write(out, load(out) + added)
    return added


def listing(out: str | Path, status: str | None = None) -> list[dict]:
    """The findings with their review status, optionally of one status:
    reports' findings in their order, errors first within a report."""
    if status is not None and status not in STATUSES:
        raise ReviewError(say("review.bad_status", status=repr(status), statuses=", ".join(STATUSES)))
    con = connect(out)
    where = "WHERE f.review_status = ?" if status else ""
    rows = con.execute(
        f"""SELECT f.finding_id, f.review_status, f.severity, f."check", f.section_path, f.message, f.review_note,
                   r.source_path
            FROM findings f LEFT JOIN (SELECT DISTINCT ON (report_id) report_id, source_path FROM reports) r
                 USING (report_id)
            {where}
            ORDER BY r.source_path, CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                     f.char_start, f.finding_id""",
        [status] if status else [],
    )
    names = [d[0] for d in rows.description]
    return [dict(zip(names, row)) for row in rows.fetchall()]


def orphans(out: str | Path) -> list[Review]:
    """The latest verdicts on findings no longer in `out`: their report
    changed or was removed (a changed file is a new report, its findings new)."""
    known = finding_ids(out)
    return [r for r in current(out).values() if r.finding_id not in known]


@dataclass
class XlsxVerdicts:
    """What a filled-in workbook gave back."""

    recorded: list[Review] = field(default_factory=list)
    unchanged: int = 0
    # (sheet row, finding id, why the row was refused)
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def read_xlsx(out: str | Path, workbook: str | Path, by: str | None = None) -> XlsxVerdicts:
    """Record the verdicts an auditor wrote in the `Trạng thái xem xét`
    column of the findings sheet of a workbook from `cchc export`.  A row
    whose status is what the reviews already say is left alone; a row whose
    finding is no longer in `out` (the report changed, or was removed), or
    whose status is not one of the known words, is refused with its reason
    and the other rows are recorded."""
    from openpyxl import load_workbook


    wb = load_workbook(workbook, read_only=True, data_only=True)
    name = sheet_name("findings")
    if name not in wb.sheetnames:
        raise ReviewError(say("review.no_sheet", workbook=workbook, sheet=repr(name)))
    rows = wb[name].iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    for label in (ID_LABEL, STATUS_LABEL):
        if label not in header:
            raise ReviewError(say("review.no_column", workbook=workbook, sheet=repr(name), column=repr(label)))
    at_id, at_status = header.index(ID_LABEL), header.index(STATUS_LABEL)
    at_note = header.index(NOTE_LABEL) if NOTE_LABEL in header else None

    known = finding_ids(out)
    now = current(out)
    result = XlsxVerdicts()
    verdicts = []
    for number, row in enumerate(rows, start=2):
        finding = str(row[at_id] or "").strip() if at_id < len(row) else ""
        written = row[at_status] if at_status < len(row) else None
        note = row[at_note] if at_note is not None and at_note < len(row) else None
        note = str(note).strip() or None if note is not None else None
        status = status_of(written)
        if not finding:
            continue
        if status is None:
            words = ", ".join(STATUS_LABELS.values())
            result.refused.append((number, finding, say("review.row_bad_status", written=repr(written), words=words)))
            continue
        if finding not in known:
            result.refused.append((number, finding, say("review.row_gone")))
            continue
        before = now.get(finding)
        if before is None and status == OPEN and note:
            result.refused.append((number, finding, say("review.row_note_only")))
            continue
        same = before.verdict == status and before.note == note if before else status == OPEN
        if same:
            result.unchanged += 1
            continue
        if status == OPEN:
            result.refused.append((number, finding, say("review.row_reopen")))
            continue
        verdicts.append((finding, status, note))
    result.recorded = record(out, verdicts, by=by)
    return result
