"""What a run of `cchc ingest` did, and the exit status that says it.

Kept apart from the flow so that a run with nothing to do
(`pipeline.run.rerun`) can answer without importing Prefect.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from cchc.pipeline.model import FAILED, NEEDS_OCR, NOT_A_REPORT, PARTIAL

# Exit statuses of `cchc ingest`, one meaning each.
EXIT_OK = 0  # every file was read (or there was nothing to do)
EXIT_FAILED = 1  # some file failed, or a folder or path could not be read
EXIT_USAGE = 2  # the command line is wrong (a missing path, a bad option)
# The run could not start or go on: another run is writing to the output
# folder, the output cannot be written, the worker pool cannot start.
EXIT_STOPPED = 3
EXIT_NO_REPORT = 4  # the paths hold no report at all


@dataclass
class RunSummary:
    discovered: int = 0
    parsed: int = 0
    unchanged: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    rows_written: int = 0
    comparison_rows: int = 0
    seconds: float = 0.0
    # (path, error) of every file of the run whose row is failed, whether
    # read this time or skipped as unchanged.
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Read, but not whole: (path, status, error) for partial and needs_ocr.
    incomplete: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): not read on purpose
    missing: list[str] = field(default_factory=list)  # gone from a folder read again; rows kept
    pruned: int = 0
    warnings: list[str] = field(default_factory=list)  # about the output folder itself
    # Why the run stopped, when it did not finish: the machine's fault or
    # cchc's (a full disk, a pool that cannot start, another run holding
    # the output folder), never a file's.
    stopped: BaseException | None = None
    # Folders left unread because cchc wrote them, and files left out by --exclude.
    own_output: list[str] = field(default_factory=list)
    excluded: int = 0
    duplicates: int = 0  # files that are another file's report (reports.duplicate_of)
    versioned: int = 0  # reports of which another version was read (reports.other_versions)
    # One row per discovered file (and per path not read), as in OUT/runs/<time>.csv.
    files: list[dict] = field(default_factory=list)
    run_csv: str | None = None
    # Seconds before the flow's first line ran (Prefect's API server, the
    # flow run's creation, the imports), within `seconds`, the whole run's
    # wall time; 0 for a run answered from the manifest without Prefect.
    startup: float = 0.0
    answered_from_manifest: bool = False

    @property
    def reports_found(self) -> int:
        """Files that are reports, read or not (whatever is not not_a_report)."""
        return self.discovered - self.by_status.get(NOT_A_REPORT, 0)

    @property
    def exit_code(self) -> int:
        if self.stopped is not None:
            return EXIT_STOPPED
        if self.failed or self.problems:
            return EXIT_FAILED
        if self.reports_found == 0:
            return EXIT_NO_REPORT
        return EXIT_OK

    def line(self) -> str:
        """The run in one line: what `cchc serve` logs for each run."""
        from cchc.pipeline.output.labels import say

        failed = say("run.failed", count=len(self.failed)) if self.failed else ""
        incomplete = say("run.incomplete", count=len(self.incomplete)) if self.incomplete else ""
        problems = say("run.not_read", count=len(self.problems)) if self.problems else ""
        return say("run.line", files=self.discovered, read=self.parsed, unchanged=self.unchanged,
                   more=failed + incomplete + problems, rows=self.rows_written, seconds=self.seconds)


class RunStopped(RuntimeError):
    """The run could not go on; nothing of the files it was writing was
    recorded as done, and the next run reads them again.  `summary` is the
    run's summary up to there."""

    def __init__(self, cause: BaseException, summary: "RunSummary"):
        super().__init__(str(cause))
        self.cause, self.summary = cause, summary


def count_file(summary: RunSummary, path: str, status: str, error: str | None) -> None:
    summary.by_status[status] = summary.by_status.get(status, 0) + 1
    if status == FAILED:
        summary.failed.append((path, error or ""))
    elif status in (PARTIAL, NEEDS_OCR):
        summary.incomplete.append((path, status, error or ""))




def process_started() -> float:
    """When this process started, on the `time.monotonic()` clock, so that
    a command's time counts Python's own start-up and imports (where /proc
    is missing: when this module was first imported)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return time.monotonic() - max(0.0, uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return _IMPORTED


_IMPORTED = time.monotonic()
