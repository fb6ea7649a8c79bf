"""The ingest flow: discover report files, parse the changed ones in worker
processes, write the tables, publish a summary.

Only orchestration lives here; every step it calls is in `pipeline/`.
`flows.runner.run_ingest` runs it with its start-up overlapped: the files
are found and parsing has begun before Prefect is imported.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Completed, State

from cchc.pipeline.model import MISSING, SKIPPED, ReportResult
from cchc.pipeline.output.catalogue import metric_catalogue
from cchc.pipeline.output.compare import compare_reports, comparison_is_current
from cchc.pipeline.output.duplicates import mark_duplicates
from cchc.pipeline.output.labels import explained, label, say
from cchc.pipeline.output.store import OutputLocked, OutputStore
from cchc.pipeline.run.ahead import DEFAULT_BATCH_SIZE, Prepared, prepare_run
from cchc.pipeline.run.discover import inside
from cchc.pipeline.run.log import file_rows, write_run_csv
from cchc.pipeline.run.process import process_files, skipped_result
from cchc.pipeline.run.summary import RunSummary, count_file
from cchc.pipeline.run.workers import WorkerError

# The run prepared before the flow (`pipeline.run.ahead`): its locked
# output, its plan, its worker pool and the files being parsed ahead.  Set
# by `flows.runner` for the flow run; a flow run started otherwise prepares
# its own.
_prepared: Prepared | None = None


def _current() -> Prepared | None:
    """The prepared run of this process; None in a task on a Dask worker.
    (The flow and its tasks read it through this function: they are sent
    to a cluster by value, with the module globals they name, and a
    Prepared does not travel.)"""
    return _prepared


@contextmanager
def preparing(prepared: Prepared) -> Iterator[None]:
    """The flow runs of this block use `prepared`."""
    global _prepared
    _prepared = prepared
    try:
        yield
    finally:
        _prepared = None


@dataclass
class Written:
    """What the flow needs of a report that a task has written."""

    source_path: str
    status: str
    error: str | None
    rows: int


def _batch_run_name() -> str:
    """A task run's name in the Prefect UI: the files of its batch."""
    from prefect.runtime import task_run

    names = [os.path.basename(path) for path, _ in task_run.parameters.get("batch", [])]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"parse {shown}"


@task(name="parse-batch", cache_policy=NO_CACHE, task_run_name=_batch_run_name)
def parse_batch(batch: list[tuple[str, str | None]], write: bool = True) -> list[ReportResult] | list[Written]:
    """The batch's reports, taken from the read-ahead (or parsed here, on a
    cluster), and, with `write`, written by this task: Prefect keeps every
    task's return value until its flow run ends, so returning the rows
    would hold the whole corpus in memory."""
    prepared = _current()
    if prepared is not None and prepared.reader is not None:
        results = prepared.reader.take(batch)
    else:
        results = process_files(batch, pool=prepared.pool if prepared is not None else None)
    if not write or prepared is None:
        return results
    return [Written(r.report["source_path"], r.status, r.report.get("error"), prepared.store.write(r))
            for r in results]


@task(name="compare-reports", cache_policy=NO_CACHE)
def compare_task(out: str) -> tuple[list[dict], list[dict]]:
    return compare_reports(out)


@flow(name="cchc-ingest", log_prints=True)
def ingest(
    paths: list[str],
    out: str = "out",
    force: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    in_flight: int = 4,
    tasks_write: bool = True,
    follow_links: bool = False,
    prune: bool = False,
    exclude: list[str] | None = None,
) -> RunSummary:
    """Read the reports under `paths` into `out`.  At most `in_flight`
    batches are submitted at a time: a finished batch's results are written
    and dropped before the next is sent, so memory does not grow with the
    corpus.  With `tasks_write` (tasks in this process) each task writes its
    reports' rows; otherwise (tasks on a cluster) the rows come back here.

    A run that cannot go on (the output cannot be written, the worker pool
    cannot start, another run holds the folder) returns its summary with
    `stopped` set rather than raising, so that Prefect records the run
    without a traceback on the user's terminal; `run_ingest` raises it."""
    started = time.monotonic()
    prepared = _current()
    command_started = prepared.started if prepared is not None else started
    summary = RunSummary(startup=round(started - command_started, 2))
    try:
        with _this_run(paths, out, started, force, exclude or [], follow_links, tasks_write) as prepared:
            _ingest(summary, prepared, paths, batch_size, in_flight, tasks_write, prune)
    except (OSError, OutputLocked, WorkerError) as exc:
        summary.stopped = exc
    summary.seconds = round(time.monotonic() - command_started, 2)
    create_markdown_artifact(
        key=SUMMARY_ARTIFACT,
        markdown=summary_markdown(summary, out),
        description=summary.line() + say("run.startup", seconds=summary.startup)
        + (say("run.stopped", cause=summary.stopped) if summary.stopped else ""),
    )
    return final_state(summary)


@contextmanager
def _this_run(paths: list[str], out: str, started: float, force: bool, exclude: list[str], follow_links: bool,
              local: bool) -> Iterator[Prepared]:
    """The run prepared by `flows.runner`, or, for a flow run started
    otherwise, one prepared here."""
    if (prepared := _current()) is not None:
        yield prepared
        return
    with prepare_run(paths, out, started, os.cpu_count() or 1, force=force, exclude=exclude,
                     follow_links=follow_links, local=local) as prepared, preparing(prepared):
        yield prepared


def _ingest(summary: RunSummary, prepared: Prepared, paths: list[str], batch_size: int, in_flight: int,
            tasks_write: bool, prune: bool) -> None:
    store, plan = prepared.store, prepared.plan
    found, todo = plan.found, plan.todo
    files, links = found.files, found.skipped
    summary.warnings, summary.problems = plan.warnings, found.problems
    summary.own_output, summary.excluded = found.own_output, found.excluded
    summary.discovered = len(files) + len(links)
    for path, reason in links:
        entry = store.manifest.get(path)
        if entry is None or entry.status != SKIPPED:
            store.write(skipped_result(path, reason))
        summary.skipped.append((path, reason))
        summary.by_status[SKIPPED] = summary.by_status.get(SKIPPED, 0) + 1
    for path in plan.unchanged:
        summary.unchanged += 1
        entry = store.manifest[path]
        count_file(summary, path, entry.status, entry.error)

    batches = iter([todo[i : i + batch_size] for i in range(0, len(todo), batch_size)])
    running: dict = {}

    def submit_more() -> None:
        while len(running) < max(1, in_flight) and (batch := next(batches, None)) is not None:
            running[parse_batch.submit(batch, write=tasks_write)] = batch

    submit_more()
    done = 0
    while running:
        future = next(as_completed(list(running)))
        running.pop(future)
        try:
            results = future.result()
        except BaseException:
            _stop(running, prepared)
            raise
        submit_more()
        for result in results:
            if isinstance(result, ReportResult):
                result = Written(result.report["source_path"], result.status, result.report.get("error"),
                                 store.write(result))
            summary.rows_written += result.rows
            summary.parsed += 1
            count_file(summary, result.source_path, result.status, result.error)
        store.checkpoint()
        done += len(results)
        prepared.notify("parsed", done, len(todo))
    _gone(summary, store, paths, set(files) | {p for p, _ in links}, prune)
    store.save_manifest()
    # What groups and compares reports changes only when a report did, or
    # when the comparison was written by a cchc that declared other columns.
    if store.across_pending or not comparison_is_current(store.root):
        summary.rows_written += mark_duplicates(store.root, store.sketches).rows_rewritten
        comparison, findings = compare_task(str(store.root))
        summary.rows_written += store.write_across(comparison, findings)
        summary.comparison_rows = len(comparison)
        store.save_manifest()
    # The catalogue follows patterns/metrics.yaml as well as the reports.
    store.write_table("metric_catalogue", metric_catalogue(str(store.root)))
    summary.files = file_rows(store.root, files + [p for p, _ in links], summary.problems)
    summary.duplicates = sum(1 for row in summary.files if row["duplicate_of"])
    summary.versioned = sum(1 for row in summary.files if row["other_versions"])
    summary.run_csv = str(write_run_csv(store.root, summary.files))


def _stop(running: dict, prepared: Prepared) -> None:
    """A batch raised: the run stops.  The workers are killed so that the
    batches in flight return at once; what was written whole is committed,
    the rest is left for the next run to read again."""
    store = prepared.store
    if prepared.reader is not None:
        prepared.reader.stop()
    if prepared.pool is not None:
        prepared.pool.abort()
    for future in running:
        try:
            future.result()
        except BaseException:  # noqa: BLE001 - the first error is the one reported
            pass
    try:
        store.save_manifest()
    except OSError:
        pass  # the disk is still full: the manifest on disk is the last good one


def _gone(summary: RunSummary, store: OutputStore, paths: list[str], found: set[str], prune: bool) -> None:
    """Files the manifest knows in a folder read again that are no longer
    there: a moved or renamed file (its bytes were found under another path)
    is forgotten, the others are marked `missing`, or removed with `prune`."""
    roots = [os.path.realpath(p) for p in paths if os.path.isdir(p)]
    present = {store.manifest[p].report_id for p in found if p in store.manifest}
    for path, entry in list(store.manifest.items()):
        if path in found:
            continue
        if os.path.realpath(path) in found:  # the same file, known by an unresolved name before
            store.forget(path)
            continue
        if not inside(path, roots) or os.path.lexists(path):
            continue
        if prune or entry.status == SKIPPED or (entry.report_id in present and entry.report_id is not None):
            store.forget(path)
            summary.pruned += prune
            continue
        if entry.status != MISSING:
            store.mark_missing(path)
        summary.missing.append(path)
        summary.by_status[MISSING] = summary.by_status.get(MISSING, 0) + 1


# The artifact every run publishes, and the name of the state of a run in
# which some file failed: Completed (the run did its work and the failed
# files have their rows), but named so that the runs list shows it.
SUMMARY_ARTIFACT = "cchc-ingest-summary"
COMPLETED_WITH_FAILURES = "Completed with failures"


def final_state(summary: RunSummary) -> RunSummary | State:
    """The flow's return: the summary itself when every file was read, else
    a Completed state named COMPLETED_WITH_FAILURES whose message counts the
    failed files (the flow's caller still gets the summary)."""
    if summary.stopped or (not summary.failed and not summary.problems):
        return summary  # a stopped run is raised by run_ingest
    return Completed(name=COMPLETED_WITH_FAILURES, message=summary.line(), data=summary)


def _md(text: str) -> str:
    """Text from a path or an error, safe in a markdown table cell."""
    text = " ".join(str(text).split())
    return "".join("\\" + ch if ch in "\\`*_[]|<>#" else ch for ch in text)


def summary_markdown(summary: RunSummary, out: str) -> str:
    """The run in markdown, in Vietnamese: files by status, then each file
    that failed or was read in part with its error, by absolute path."""
    lines = [say("artifact.output", out=_md(os.path.abspath(out))), "",
             f"| {say('ingest.column_status')} | {say('ingest.column_files')} |", "|---|---:|"]
    lines += [f"| {label('status', status)} ({_md(status)}) | {n} |" for status, n in sorted(summary.by_status.items())]
    lines += [f"| {say('ingest.unchanged')} | {summary.unchanged} |", "",
              say("artifact.rows", rows=summary.rows_written, seconds=summary.seconds), ""]
    file, error, status = say("artifact.column_file"), say("artifact.column_error"), say("ingest.column_status")
    if summary.failed:
        lines += [f"## {say('artifact.failed')}", "", f"| {file} | {error} |", "|---|---|"]
        lines += [f"| {_md(os.path.abspath(p))} | {_md(explained(e))} |" for p, e in summary.failed]
        lines.append("")
    if summary.incomplete:
        lines += [f"## {say('artifact.incomplete')}", "", f"| {file} | {status} | {error} |", "|---|---|---|"]
        lines += [f"| {_md(os.path.abspath(p))} | {label('status', st)} ({_md(st)}) | {_md(explained(e))} |"
                  for p, st, e in summary.incomplete]
        lines.append("")
    if summary.problems:
        lines += [f"## {say('artifact.not_read')}", ""] + [f"- {_md(explained(p))}" for p in summary.problems]
    return "\n".join(lines)
