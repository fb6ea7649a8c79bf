"""Write the tables as parquet datasets, safely and idempotently.

Layout under the output folder:

    reports/report_year=2023/<report_id>-<path hash>.parquet   one row per input file
    <table>/report_year=2023/<report_id>.parquet                the report's facts
    comparison/report_year=2023/comparison.parquet              across reports, rewritten
    findings/report_year=2023/across.parquet                    by every run that changed
    text/<report_id>.txt                                        its normalised text
    _manifest.json                                              what was read, from which bytes

One file per report and table means a report's rows are replaced by replacing
its files: a re-run with the same inputs rewrites nothing, and a changed file
replaces that report's rows only.  Every file is written to a temporary name
beside its target and renamed into place, so a run killed half-way leaves the
previous output readable, and the manifest is saved after each batch, so
the next run skips what was written and reads the rest.  A lock file keeps
two runs from writing to the same folder at once: the second refuses
(`OutputLocked`) with a message that says so.

Paths are kept as the file system gives them: a name that is not valid UTF-8
(a folder copied from an old Windows machine) is escaped with backslashes in
the tables and kept exactly in the manifest.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

import pyarrow.parquet as pq

from pipeline import __version__, tools
from pipeline.process import FAILED, ReportResult, file_sha256
from pipeline.tables import PARTITION, TABLES, to_arrow

MANIFEST = "_manifest.json"
LOCK = ".lock"
# A report whose year is unknown (no date, no period, or not readable) goes to
# partition 0: pandas cannot read a dataset whose hive partition column has
# nulls ("Cannot yet unify dictionaries with nulls").
UNKNOWN_YEAR = 0


class OutputLocked(RuntimeError):
    """Another run is writing to the same output folder."""


@dataclass
class ManifestEntry:
    sha256: str
    size: int
    mtime_ns: int
    report_id: str | None
    status: str
    report_year: int | None
    tables: list[str]  # the tables this report has files in
    pipeline_version: str
    # A tool whose installation makes a re-read worthwhile (tesseract for a
    # needs_ocr report, soffice for a .doc): the file is read again once it is there.
    waits_for: str | None = None


# The process's umask, read once at import (reading it means setting it, which
# must not race with threads creating files).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def atomic_write(target: Path, write) -> None:
    """Write a file under a temporary name beside `target`, then rename it into
    place: readers see the old file or the new one, never half of one.
    `write(tmp_path)` writes the content.  The file gets the mode any new file
    gets (0644 under umask 022), not the 0600 of a temporary file, so that
    colleagues and a web server can read the output."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _printable(value):
    """A string that encodes as UTF-8: bytes a file name could not decode
    (kept as surrogates by Python) become backslash escapes."""
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape") if _only_escapes(value) else value.encode("utf-8", "replace")
        return raw.decode("utf-8", "backslashreplace")


def _only_escapes(value: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in value)


def _path_key(source_path: str) -> str:
    return hashlib.sha1(source_path.encode("utf-8", "surrogateescape")).hexdigest()[:8]


class OutputStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.manifest: dict[str, ManifestEntry] = self._load_manifest()
        self._writing = threading.Lock()

    # ------------------------------------------------------------- manifest
    def _load_manifest(self) -> dict[str, ManifestEntry]:
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
        return {p: ManifestEntry(**e) for p, e in data.get("files", {}).items()}

    def save_manifest(self) -> None:
        data = {"pipeline_version": __version__, "files": {p: asdict(e) for p, e in sorted(self.manifest.items())}}
        text = json.dumps(data, ensure_ascii=False, indent=1)
        atomic_write(
            self.root / MANIFEST,
            lambda tmp: Path(tmp).write_text(text, encoding="utf-8", errors="surrogateescape"),
        )

    def is_unchanged(self, path: str | Path) -> tuple[bool, str | None]:
        """Whether a file is as the manifest last saw it, by the same pipeline
        version; also its SHA-256 when it had to be computed."""
        entry = self.manifest.get(str(path))
        if entry is None or entry.pipeline_version != __version__:
            return False, None
        if entry.waits_for and tools.available(entry.waits_for):
            return False, None  # the tool it needed is here now: read it again
        st = os.stat(path)
        if st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns:
            return True, entry.sha256
        sha = file_sha256(path)
        if sha == entry.sha256:
            entry.mtime_ns = st.st_mtime_ns  # touched, not changed
            return True, sha
        return False, sha

    # --------------------------------------------------------------- writes
    @contextmanager
    def lock(self) -> Iterator[None]:
        with open(self.root / LOCK, "w") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputLocked(
                    f"another cchc run is writing to {self.root}; wait for it to finish, or use another --out"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _fragment(self, table: str, year: int | None, report_id: str, source_path: str) -> Path:
        partition = f"{PARTITION.name}={year if year is not None else UNKNOWN_YEAR}"
        name = f"{report_id}-{_path_key(source_path)}" if table == "reports" else report_id
        return self.root / table / partition / f"{name}.parquet"

    def _remove(self, entry: ManifestEntry, source_path: str) -> None:
        if entry.report_id is None:
            return
        shared = any(
            p != source_path and e.report_id == entry.report_id for p, e in self.manifest.items()
        )
        for table in entry.tables:
            if table != "reports" and shared:
                continue  # the same bytes under another path still need these rows
            self._fragment(table, entry.report_year, entry.report_id, source_path).unlink(missing_ok=True)
        if not shared:
            (self.root / "text" / f"{entry.report_id}.txt").unlink(missing_ok=True)

    def write_across(self, comparison: list[dict], findings: list[dict]) -> int:
        """Replace what is computed across reports: the `comparison` table and
        the cross-report findings (`findings/…/across.parquet`; a name that
        starts with "_" would be skipped by pandas).  New files
        are in place before the stale ones go."""
        written: set[Path] = set()
        for table, rows, name in (("comparison", comparison, "comparison"), ("findings", findings, "across")):
            by_year: dict[int, list[dict]] = {}
            for row in rows:
                year = row.get(PARTITION.name)
                by_year.setdefault(UNKNOWN_YEAR if year is None else year, []).append(row)
            for year, year_rows in by_year.items():
                target = self.root / table / f"{PARTITION.name}={year}" / f"{name}.parquet"
                arrow = to_arrow(table, year_rows)
                atomic_write(target, lambda tmp, a=arrow: pq.write_table(a, tmp))
                written.add(target)
            for stale in (self.root / table).glob(f"*/{name}.parquet"):
                if stale not in written:
                    stale.unlink()
        return len(comparison) + len(findings)

    def write(self, result: ReportResult) -> int:
        """Replace the rows of one input file; return the rows written.  If its
        rows cannot be written (text that does not encode, a reader that gave
        a value of the wrong type), the file still gets its `reports` row,
        failed, with the reason.  Safe to call from several threads."""
        with self._writing:
            return self._write_or_fail(result)

    def _write_or_fail(self, result: ReportResult) -> int:
        written: list[Path] = []
        try:
            return self._write(result, written)
        except Exception as exc:
            for path in written:  # no half of a report's rows stays behind
                path.unlink(missing_ok=True)
            report = {k: result.report.get(k) for k in ("source_path", "report_id", "source_sha256", "format",
                                                          "pipeline_version")}
            report.update(status=FAILED, error=f"write: {type(exc).__name__}: {exc}")
            return self._write(ReportResult(report), [])

    def _write(self, result: ReportResult, written_files: list[Path]) -> int:
        source_path = result.report["source_path"]
        old = self.manifest.get(source_path)
        year = result.report.get(PARTITION.name)
        # A file that could not even be hashed still gets a row, keyed by its path.
        report_id = result.report["report_id"] = result.report_id or _path_key(source_path)
        if old is not None:
            self._remove(old, source_path)
        written = 0
        tables = []
        for table in TABLES:
            rows = [result.report] if table == "reports" else result.rows.get(table, [])  # comparison: none
            if not rows:
                continue
            try:
                arrow = to_arrow(table, rows)
            except UnicodeEncodeError:  # a path (or text) with undecodable bytes
                arrow = to_arrow(table, [{k: _printable(v) for k, v in row.items()} for row in rows])
            target = self._fragment(table, year, report_id, source_path)
            written_files.append(target)
            atomic_write(target, lambda tmp, a=arrow: pq.write_table(a, tmp))
            written += len(rows)
            tables.append(table)
        if result.text:
            text_path = self.root / "text" / f"{report_id}.txt"
            written_files.append(text_path)
            atomic_write(
                text_path, lambda tmp: Path(tmp).write_text(result.text, encoding="utf-8", errors="replace")
            )
        try:
            st = os.stat(source_path)
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime = -1, -1
        self.manifest[source_path] = ManifestEntry(
            sha256=result.report.get("source_sha256") or "",
            size=size,
            mtime_ns=mtime,
            report_id=report_id,
            status=result.status,
            report_year=year,
            tables=tables,
            pipeline_version=__version__,
            waits_for=result.waits_for,
        )
        return written
