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
replaces that report's rows only.  A lock file keeps two runs from writing to
the same folder at once: the second refuses (`OutputLocked`) with a message
that says so.

Commit protocol, after SQLite's: a report's files carry a generation number
(`<report_id>.g7.parquet`).  A rewrite writes the new generation beside the
old one, then the manifest, whose entry lists the report's files and is the
commit record, then removes the old generation.  Every file is written under
a temporary name and renamed into place.  A run killed at any point leaves
either the old entry with its old files or the new entry with its new ones;
files that no entry names are left-overs of such a run, and `recover` (at the
start of every run) removes them and forgets any entry whose files are not
all there, so that its file is read again.

A file is known by its resolved path (the flow resolves it) and its content
hash.  A manifest that cannot be read (corrupted, or not cchc's) is moved
aside and rebuilt from the `reports` table.

Errors of the output itself (a full disk, no permission, a read-only file
system) are not a file's fault: `write` raises `OutputError` and records
nothing, so the run stops and the next one reads the file again.

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
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterator

import pyarrow.parquet as pq

from cchc.pipeline import __version__, tools
from cchc.pipeline.output.labels import say
from cchc.pipeline.patterns import compile_pattern
from cchc.pipeline.model import FAILED, MISSING, ReportResult, as_row
from cchc.pipeline.read.detect import file_sha256
from cchc.pipeline.output.tables import PARTITION, TABLES, to_arrow

MANIFEST = "_manifest.json"
LOCK = ".lock"
# Where the facts of a duplicate report are kept aside (pipeline/output/duplicates.py).
PARKED = "_duplicates"
# A report whose year is unknown (no date, no period, or not readable) goes to
# partition 0: pandas cannot read a dataset whose hive partition column has
# nulls ("Cannot yet unify dictionaries with nulls").
UNKNOWN_YEAR = 0
# The per-report files this store writes (`<report_id>[-<path hash>][.g<N>].parquet`);
# anything else under a table's folder (the files computed across reports,
# other writers' files) is never taken for a left-over.
# File names are the tool's own, not report text: no time limit is needed.
_REPORT_FILE = compile_pattern(r"^[0-9a-f]{8,16}(-[0-9a-f]{8})?(\.g[0-9]+)?\.parquet$", timeout=None)
# An error stored in the manifest is cut here: the table has it whole.
_MANIFEST_ERROR_CHARS = 300


class OutputLocked(RuntimeError):
    """Another run is writing to the same output folder."""


class OutputError(OSError):
    """The output cannot be written (disk full, permission denied, read-only
    file system): the run's fault, not the file's."""


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
    # The report's files, relative to the output folder: the commit record.
    files: list[str] = field(default_factory=list)
    error: str | None = None  # the first of it, for the summary of a run that skips the file


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


def _short(error: str | None) -> str | None:
    return error.splitlines()[0][:_MANIFEST_ERROR_CHARS] if error else None


def _output_error(root: Path, exc: OSError) -> OutputError:
    """One line that names the cause and the folder."""
    cause = exc.strerror or str(exc)
    if exc.errno is None and "errno" in str(exc).lower():
        cause = str(exc).split("Detail:")[-1].strip()  # pyarrow's own wording carries the errno
    where = f": {exc.filename}" if exc.filename else ""
    error = OutputError(exc.errno, f"cannot write the output in {root}: {cause}{where}; "
                                   "free space or fix the permissions (or use another --out), then run again")
    error.__cause__ = exc
    return error


class OutputStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _output_error(self.root, exc) from exc
        self.warnings: list[str] = []  # what the user should know about the output folder itself
        self.generation = 0  # the last generation number handed out
        # A report changed since the tables across reports were last written:
        # kept in the manifest, so that a run stopped before writing them
        # leaves the next run to do it.
        self.across_pending = False
        self.manifest: dict[str, ManifestEntry] = self._load_manifest()
        self._writing = threading.RLock()
        # Files of replaced generations: removed once the manifest that no
        # longer names them is on disk.
        self._superseded: set[str] = set()
        self._saved_at, self._save_seconds = 0.0, 0.0  # time.monotonic() of the last save, and its length
        self._paths_by_report: dict[str, set[str]] | None = None  # built when first needed
        # The sketches of the texts written by this run, by report_id, for
        # grouping duplicates (`pipeline.output.duplicates`).
        self.sketches: dict[str, list[int]] = {}

    def _sharing(self, report_id: str | None) -> set[str]:
        """The paths whose entries have this report_id (the same bytes)."""
        if self._paths_by_report is None:
            self._paths_by_report = {}
            for path, entry in self.manifest.items():
                if entry.report_id is not None:
                    self._paths_by_report.setdefault(entry.report_id, set()).add(path)
        return self._paths_by_report.setdefault(report_id, set()) if report_id is not None else set()

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _named(self) -> set[str]:
        return {f for e in self.manifest.values() for f in e.files}

    def _present(self, rel: str) -> bool:
        """Whether a file an entry names is there: in its table, or parked
        with the facts of duplicates (pipeline.output.duplicates)."""

        return (self.root / rel).exists() or (self.root / PARKED / rel).exists()

    # ------------------------------------------------------------- manifest
    def _load_manifest(self) -> dict[str, ManifestEntry]:
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        known = {f.name for f in fields(ManifestEntry)}
        try:
            data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
            generation = int(data.get("generation", 0))
            across_pending = bool(data.get("across_pending", False))
            manifest = {}
            for p, e in data["files"].items():
                entry = ManifestEntry(**{k: v for k, v in e.items() if k in known})
                if not entry.files:  # written before generations: the files are where they were
                    entry.files = self._unnumbered_files(p, entry)
                manifest[p] = entry
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return self._rebuild_manifest(path, exc)
        self.generation, self.across_pending = generation, across_pending
        return manifest

    def _unnumbered_files(self, source_path: str, entry: ManifestEntry) -> list[str]:
        if entry.report_id is None:
            return []
        files = [self._rel(self._fragment(t, entry.report_year, entry.report_id, source_path, None))
                 for t in entry.tables]
        text = self.root / "text" / f"{entry.report_id}.txt"
        return files + ([self._rel(text)] if text.exists() else [])

    def _rebuild_manifest(self, path: Path, exc: Exception) -> dict[str, ManifestEntry]:
        """Move an unreadable manifest aside and rebuild it from the tables:
        every `reports` file names its source and its hash, so unchanged
        files are still skipped (after hashing them once)."""
        aside = path.with_name(f"{MANIFEST}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
        os.replace(path, aside)
        self.warnings.append(say("store.manifest_rebuilt", path=path, aside=aside.name,
                                 error=f"{type(exc).__name__}: {str(exc)[:200]}"))
        generation = 0
        facts: dict[str, dict[str, tuple[int, str]]] = {}  # report_id -> table -> newest (generation, file)
        for table in self._report_tables():
            if table == "reports":
                continue
            for f in (self.root / table).glob("*/*.parquet"):
                m = _REPORT_FILE.match(f.name)
                if m:
                    gen = int(m.group(2)[2:]) if m.group(2) else 0
                    generation = max(generation, gen)
                    rid = f.name.split(".")[0]
                    if gen >= facts.setdefault(rid, {}).get(table, (-1, ""))[0]:
                        facts[rid][table] = (gen, self._rel(f))
        manifest: dict[str, ManifestEntry] = {}
        for f in sorted((self.root / "reports").glob("*/*.parquet")):
            m = _REPORT_FILE.match(f.name)
            if not m:
                continue
            try:
                row = pq.read_table(f).to_pylist()[0]
                year = int(f.parent.name.split("=", 1)[1])
            except Exception:  # noqa: BLE001 - an unreadable row: its file is read again
                continue
            generation = max(generation, int(m.group(2)[2:]) if m.group(2) else 0)
            rid = row.get("report_id")
            shared = facts.get(rid, {})
            text = self.root / "text" / f"{rid}.txt"
            manifest[row["source_path"]] = ManifestEntry(
                sha256=row.get("source_sha256") or "", size=-1, mtime_ns=-1, report_id=rid,
                status=row.get("status") or FAILED, report_year=year, tables=["reports", *sorted(shared)],
                pipeline_version=row.get("pipeline_version") or "", error=_short(row.get("error")),
                files=[self._rel(f), *(rel for _, rel in shared.values())]
                + ([self._rel(text)] if text.exists() else []),
            )
        self.generation, self.across_pending = generation, True
        return manifest

    def checkpoint(self) -> None:
        """Save the manifest after a batch, unless the last save was less
        than twenty of its own lengths ago.  The manifest is written whole,
        so saving it after every batch would make a large run's saving grow
        with the square of its files; so it stays a twentieth of the run's
        time at most.  A run stopped between saves loses the files written
        since the last one, which the next run reads again."""
        if time.monotonic() - self._saved_at >= 20 * self._save_seconds:
            self.save_manifest()

    def save_manifest(self) -> None:
        """Write the manifest (the commit record), then remove the files of
        the generations it no longer names."""
        started = time.monotonic()
        with self._writing:
            data = {"pipeline_version": __version__, "generation": self.generation,
                    "across_pending": self.across_pending, "files": {p: as_row(e) for p, e in sorted(self.manifest.items())}}
            text = json.dumps(data, ensure_ascii=False, indent=1)
            self._put(self.root / MANIFEST,
                      lambda tmp: Path(tmp).write_text(text, encoding="utf-8", errors="surrogateescape"))
            stale = self._superseded - self._named() if self._superseded else set()
            self._superseded.clear()

            for rel in sorted(stale):
                try:
                    (self.root / rel).unlink(missing_ok=True)
                    (self.root / PARKED / rel).unlink(missing_ok=True)
                except OSError:
                    pass  # a left-over: the next run's `recover` removes it
            self._saved_at = time.monotonic()
            self._save_seconds = self._saved_at - started

    def recover(self) -> list[str]:
        """Make the folder consistent after a run that was stopped (kill -9,
        a power cut, a full disk): read the manifest again (under the lock),
        forget entries whose files are not all there, so their source files
        are read again, and remove files no entry names and temporaries.
        Returns what the user should be told."""
        with self._writing:
            rebuilt = not (self.root / MANIFEST).exists() and bool(self.manifest)
            if not rebuilt:  # a rebuilt manifest (the unreadable one moved aside) is only in memory yet
                self.manifest = self._load_manifest()
            self._paths_by_report = None
            incomplete = [p for p, e in self.manifest.items() if not all(self._present(f) for f in e.files)]
            for p in incomplete:
                del self.manifest[p]
            named = self._named()
            left_over = [f for table in self._report_tables() for f in (self.root / table).glob("*/*.parquet")
                         if _REPORT_FILE.match(f.name) and self._rel(f) not in named]
            left_over += [f for f in (self.root / "text").glob("*.txt") if self._rel(f) not in named]
            left_over += [f for f in self.root.rglob(".*.tmp") if f.is_file()]
            for f in left_over:
                f.unlink(missing_ok=True)
            if incomplete or left_over or rebuilt:
                self.save_manifest()
            if incomplete:
                self.warnings.append(say("store.read_again", count=len(incomplete)))
            return list(self.warnings)

    def _report_tables(self) -> list[str]:
        return [t for t in TABLES if t != "comparison"]

    def is_unchanged(self, path: str | Path) -> tuple[bool, str | None]:
        """Whether a file is as the manifest last saw it, by the same pipeline
        version; also its SHA-256 when it had to be computed."""
        entry = self.manifest.get(str(path))
        if entry is None or entry.pipeline_version != __version__ or entry.status == MISSING:
            return False, None
        if entry.waits_for and tools.available(entry.waits_for):
            return False, None  # the tool it needed is here now: read it again
        st = os.stat(path)
        if st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns:
            return True, entry.sha256
        sha = file_sha256(path)
        if sha == entry.sha256:
            entry.mtime_ns, entry.size = st.st_mtime_ns, st.st_size  # touched, not changed
            return True, sha
        return False, sha

    # --------------------------------------------------------------- writes
    @contextmanager
    def lock(self) -> Iterator[None]:
        try:
            f = open(self.root / LOCK, "w")
        except OSError as exc:
            raise _output_error(self.root, exc) from exc
        with f:
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

    def _fragment(self, table: str, year: int | None, report_id: str, source_path: str,
                  generation: int | None) -> Path:
        partition = f"{PARTITION.name}={year if year is not None else UNKNOWN_YEAR}"
        name = f"{report_id}-{_path_key(source_path)}" if table == "reports" else report_id
        if generation is not None:
            name += f".g{generation}"
        return self.root / table / partition / f"{name}.parquet"

    def _put(self, target: Path, write) -> None:
        """`atomic_write`, with the output's own errors raised as OutputError."""
        try:
            atomic_write(target, write)
        except OSError as exc:
            raise _output_error(self.root, exc) from exc

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
                self._put(target, lambda tmp, a=arrow: pq.write_table(a, tmp))
                written.add(target)
            for stale in (self.root / table).glob(f"*/{name}.parquet"):
                if stale not in written:
                    stale.unlink()
        self.across_pending = False
        return len(comparison) + len(findings)

    def write_table(self, table: str, rows: list[dict]) -> int:
        """Replace a table that is not per report (`metric_catalogue`): one
        file, `<table>/<table>.parquet`, rewritten whole."""
        arrow = to_arrow(table, rows)
        atomic_write(self.root / table / f"{table}.parquet", lambda tmp: pq.write_table(arrow, tmp))
        return len(rows)

    def write(self, result: ReportResult) -> int:
        """Replace the rows of one input file; return the rows written.  If its
        rows cannot be written (text that does not encode, a reader that gave
        a value of the wrong type), the file still gets its `reports` row,
        failed, with the reason.  If the output cannot be written (OutputError),
        nothing about the file is recorded.  Safe to call from several threads;
        the new rows count once the manifest is saved."""
        with self._writing:
            return self._write_or_fail(result)

    def _write_or_fail(self, result: ReportResult) -> int:
        written: list[Path] = []
        try:
            return self._write(result, written)
        except Exception as exc:
            named = self._named()
            for path in written:  # no half of a report's rows stays behind
                if self._rel(path) not in named:
                    path.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise
            report = {k: result.report.get(k) for k in ("source_path", "report_id", "source_sha256", "format",
                                                          "pipeline_version")}
            report.update(status=FAILED, error=f"write: {type(exc).__name__}: {exc}")
            return self._write(ReportResult(report), [])

    def _write(self, result: ReportResult, written_files: list[Path]) -> int:
        source_path = result.report["source_path"]
        year = result.report.get(PARTITION.name)
        # A file that could not even be hashed still gets a row, keyed by its path.
        report_id = result.report["report_id"] = result.report_id or _path_key(source_path)
        generation = self.generation + 1
        written = 0
        tables, files = [], []
        for table in TABLES:
            rows = [result.report] if table == "reports" else result.rows.get(table, [])  # comparison: none
            if not rows:
                continue
            try:
                arrow = to_arrow(table, rows)
            except UnicodeEncodeError:  # a path (or text) with undecodable bytes
                arrow = to_arrow(table, [{k: _printable(v) for k, v in row.items()} for row in rows])
            target = self._fragment(table, year, report_id, source_path, generation)
            written_files.append(target)
            self._put(target, lambda tmp, a=arrow: pq.write_table(a, tmp))
            written += len(rows)
            tables.append(table)
            files.append(self._rel(target))
        if result.text:
            if result.sketch is not None:
                self.sketches[report_id] = result.sketch
            text_path = self.root / "text" / f"{report_id}.txt"  # the same bytes give the same text
            written_files.append(text_path)
            self._put(text_path,
                      lambda tmp: Path(tmp).write_text(result.text, encoding="utf-8", errors="replace"))
            files.append(self._rel(text_path))
        try:
            st = os.stat(source_path)
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime = -1, -1
        self.generation = generation
        self._commit(source_path, ManifestEntry(
            sha256=result.report.get("source_sha256") or "",
            size=size,
            mtime_ns=mtime,
            report_id=report_id,
            status=result.status,
            report_year=year,
            tables=tables,
            pipeline_version=__version__,
            waits_for=result.waits_for,
            files=files,
            error=_short(result.report.get("error")),
        ))
        return written

    def _commit(self, source_path: str, entry: ManifestEntry) -> None:
        """Put `entry` in the manifest in memory; the files it replaces go once
        the manifest is saved.  Other paths with the same bytes share the
        report's fact files, so they now name the new ones."""
        self.across_pending = True
        old = self.manifest.get(source_path)
        if old is not None:
            self._superseded.update(old.files)
            self._sharing(old.report_id).discard(source_path)
        facts = [f for f in entry.files if not f.startswith("reports/")]
        sharing = self._sharing(entry.report_id)
        for path in sharing:
            other = self.manifest[path]
            if path != source_path:
                own = [f for f in other.files if f.startswith("reports/")]
                self._superseded.update(other.files)
                other.files = own + facts
                other.tables = [t for t in other.tables if t == "reports"] + [t for t in entry.tables if t != "reports"]
        self.manifest[source_path] = entry
        sharing.add(source_path)

    # ------------------------------------------------------ files that are gone
    def mark_missing(self, source_path: str) -> None:
        """The file is no longer where it was read, in a folder read again:
        its `reports` row says `missing`; its facts stay until `forget`."""
        with self._writing:
            entry = self.manifest[source_path]
            old_row = next((f for f in entry.files if f.startswith("reports/")), None)
            try:
                row = pq.read_table(self.root / old_row).to_pylist()[0] if old_row else {}
            except Exception:  # noqa: BLE001 - what is left of the row is rebuilt below
                row = {}
            row.update(source_path=_printable(source_path), report_id=entry.report_id, status=MISSING,
                       source_sha256=entry.sha256 or None,
                       error="the file is no longer at this path, in a folder that was read again: "
                             "its rows are kept; `cchc ingest --prune` removes them")
            generation = self.generation + 1
            target = self._fragment("reports", entry.report_year, entry.report_id, source_path, generation)
            arrow = to_arrow("reports", [row])
            self._put(target, lambda tmp: pq.write_table(arrow, tmp))
            self.generation = generation
            self._superseded.update(f for f in entry.files if f.startswith("reports/"))
            entry.files = [self._rel(target)] + [f for f in entry.files if not f.startswith("reports/")]
            entry.status, entry.error = MISSING, _short(row["error"])
            self.across_pending = True

    def forget(self, source_path: str) -> None:
        """Remove a file's rows (its facts stay while another path has the
        same bytes); they go when the manifest is saved."""
        with self._writing:
            entry = self.manifest.pop(source_path)
            self._sharing(entry.report_id).discard(source_path)
            self._superseded.update(entry.files)
            self.across_pending = True
