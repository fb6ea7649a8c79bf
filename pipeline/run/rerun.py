"""A run with nothing to do, answered from the manifest.

Starting Prefect costs seconds (its API server, its engine), and a re-run of
an unchanged folder has nothing for it to orchestrate.  `answer_unchanged`
looks at the inputs as the flow would (the same lock, recovery, discovery
and manifest check) and, when every file is unchanged and nothing across
reports is pending, returns the run's summary without importing Prefect.
Any change, even one, returns None: the flow runs as usual.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from cchc.pipeline.run.discover import discover, inside, mark_output
from cchc.pipeline.model import MISSING, SKIPPED
from cchc.pipeline.run.log import file_rows, write_run_csv
from cchc.pipeline.run.summary import RunSummary, count_file
from cchc.pipeline.output.store import MANIFEST, OutputStore


def answer_unchanged(paths: list[str], out: str | Path, exclude: list[str] | tuple[str, ...] = (),
                     follow_links: bool = False, prune: bool = False,
                     started: float | None = None) -> RunSummary | None:
    """The summary of a run that has nothing to read, write or compare, or
    None when the run has work to do.  Writes the run's CSV (OUT/runs) as
    any run does; its `seconds` count from `started` (a `time.monotonic()`
    reading, by default now).  Raises what the flow would raise on the output folder
    (`OutputLocked`, `OutputError`)."""
    started = time.monotonic() if started is None else started
    if not _manifest_reads(Path(out) / MANIFEST):
        return None  # the flow moves it aside and rebuilds it, and says so
    store = OutputStore(out)
    if not store.manifest:
        return None
    with store.lock():
        summary = RunSummary(warnings=store.recover())
        if store.across_pending or not (store.root / "comparison").exists():
            return None
        found = discover(paths, exclude, follow_links=follow_links)
        for path, _ in found.skipped:
            entry = store.manifest.get(path)
            if entry is None or entry.status != SKIPPED:
                return None  # a new link to record
        for path in found.files:
            try:
                unchanged, _ = store.is_unchanged(path)
            except OSError:
                return None  # unreadable now: its row must say so
            if not unchanged:
                return None
        if _gone_changes(store, paths, set(found.files) | {p for p, _ in found.skipped}, prune, summary):
            return None
        mark_output(store.root)
        summary.problems, summary.skipped = found.problems, list(found.skipped)
        summary.own_output, summary.excluded = found.own_output, found.excluded
        summary.discovered = len(found.files) + len(found.skipped)
        summary.unchanged = len(found.files)
        for path in found.files:
            entry = store.manifest[path]
            count_file(summary, path, entry.status, entry.error)
        for _ in found.skipped:
            summary.by_status[SKIPPED] = summary.by_status.get(SKIPPED, 0) + 1
        store.save_manifest()  # a touched file's new time, so that it is not hashed again
        summary.files = file_rows(store.root, found.files + [p for p, _ in found.skipped], summary.problems)
        summary.duplicates = sum(1 for row in summary.files if row["duplicate_of"])
        summary.versioned = sum(1 for row in summary.files if row["other_versions"])
        summary.run_csv = str(write_run_csv(store.root, summary.files))
    summary.answered_from_manifest = True
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


def _manifest_reads(path: Path) -> bool:
    """Whether the manifest is there and has the form of one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
    except (OSError, ValueError):
        return False
    files = data.get("files") if isinstance(data, dict) else None
    return isinstance(files, dict) and all(isinstance(e, dict) for e in files.values())


def _gone_changes(store: OutputStore, paths: list[str], found: set[str], prune: bool,
                  summary: RunSummary) -> bool:
    """Whether a file the manifest knows, in a folder read again, is gone in
    a way the flow would record (newly missing, to prune, or known before by
    another name); the files already recorded as missing are listed."""
    roots = [os.path.realpath(p) for p in paths if os.path.isdir(p)]
    for path, entry in store.manifest.items():
        if path in found:
            continue
        if os.path.realpath(path) in found:
            return True
        if not inside(path, roots) or os.path.lexists(path):
            continue
        if prune or entry.status != MISSING:
            return True
        summary.missing.append(path)
        summary.by_status[MISSING] = summary.by_status.get(MISSING, 0) + 1
    return False
