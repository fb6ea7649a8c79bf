"""The ingest flow: discover report files, parse the changed ones in worker
processes, write the tables, publish a summary.

Only orchestration lives here; every step it calls is in `pipeline/`.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Callable, Iterator

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.states import Completed, State
from prefect.task_runners import ThreadPoolTaskRunner

from cchc.pipeline.output.catalogue import metric_catalogue
from cchc.pipeline.output.compare import compare_reports, comparison_is_current
from cchc.pipeline.run.discover import discover, inside, mark_output
from cchc.pipeline.output.duplicates import mark_duplicates
from cchc.pipeline.output.labels import explained, label, say
from cchc.pipeline.run.log import file_rows, write_run_csv
from cchc.pipeline.limits import Limits
from cchc.pipeline.run.remote import is_remote, mirror_of, pull, push
from cchc.pipeline.model import MISSING, SKIPPED, ReportResult
from cchc.pipeline.run.process import process_files, skipped_result
from cchc.pipeline.run.summary import (EXIT_FAILED, EXIT_NO_REPORT, EXIT_OK, EXIT_STOPPED, EXIT_USAGE,  # noqa: F401
                                  RunStopped, RunSummary, count_file)
from cchc.pipeline.run.rerun import answer_unchanged
from cchc.flows.server import needs_temporary_server, shared_server, stop_shared_server
from cchc.pipeline.output.store import OutputLocked, OutputStore
from cchc.pipeline.run.workers import WorkerError, WorkerPool

# Files per task: Prefect spends a few milliseconds on each task run, more
# than parsing a short text report takes, so small files travel in batches.
DEFAULT_BATCH_SIZE = 8


ProgressCallback = Callable[[str, int, int], None]  # (event, done, total)
_listeners: list[ProgressCallback] = []


def _notify(event: str, done: int, total: int) -> None:
    for listener in _listeners:
        listener(event, done, total)


# Parsing is CPU-bound Python on untrusted files, so it runs in worker
# processes of `pipeline.run.workers.WorkerPool`, one file at a time each: a file
# that overruns --timeout or kills its worker gets a failed row and the rest
# go on.  The pool is the library's rather than Prefect's process task
# runner: its workers import only the library, not Prefect, so they start
# fast and never start an API server of their own.  Tasks run in threads and
# hand their batch to the pool; on a Dask cluster (no local pool) a task
# parses in place, without the time limit.
_pool: WorkerPool | None = None


@contextmanager
def worker_pool(workers: int, limits: Limits | None = None) -> Iterator[None]:
    global _pool
    with WorkerPool(workers, limits) as pool, pool.stopped_by_ctrl_c():
        _pool = pool
        try:
            yield
        finally:
            _pool = None


# Set by the flow on a local run: tasks then write their reports' rows
# themselves and hand back only what the summary needs.  Prefect keeps every
# task's return value until its flow run ends, so returning the rows would
# hold the whole corpus in memory.  On a Dask cluster (no store here) the
# rows come back and the flow writes them.
_store: OutputStore | None = None


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
def parse_batch(batch: list[tuple[str, str | None]]) -> list[ReportResult] | list[Written]:
    results = process_files(batch, pool=_pool)
    if _store is None:
        return results
    return [
        Written(r.report["source_path"], r.status, r.report.get("error"), _store.write(r)) for r in results
    ]


@contextmanager
def _writing_tasks(store: OutputStore) -> Iterator[None]:
    """Local tasks write through `store` while the flow runs."""
    global _store
    _store = store
    try:
        yield
    finally:
        _store = None


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
    summary = RunSummary(startup=round(started - (_run_started or started), 2))
    try:
        _ingest(summary, paths, out, force, batch_size, in_flight, tasks_write, follow_links, prune, exclude)
    except (OSError, OutputLocked, WorkerError) as exc:
        summary.stopped = exc
    summary.seconds = round(time.monotonic() - (_run_started or started), 2)
    create_markdown_artifact(
        key=SUMMARY_ARTIFACT,
        markdown=summary_markdown(summary, out),
        description=summary.line() + say("run.startup", seconds=summary.startup)
        + (say("run.stopped", cause=summary.stopped) if summary.stopped else ""),
    )
    return final_state(summary)


def _ingest(summary: RunSummary, paths: list[str], out: str, force: bool, batch_size: int, in_flight: int,
            tasks_write: bool, follow_links: bool, prune: bool, exclude: list[str] | None) -> None:
    store = OutputStore(out)
    with store.lock(), (_writing_tasks(store) if tasks_write else nullcontext()):
        summary.warnings = store.recover()
        mark_output(store.root)
        found = discover(paths, exclude or (), follow_links=follow_links)
        files, summary.problems, links = found.files, found.problems, found.skipped
        summary.own_output, summary.excluded = found.own_output, found.excluded
        summary.discovered = len(files) + len(links)
        for path, reason in links:
            entry = store.manifest.get(path)
            if entry is None or entry.status != SKIPPED:
                store.write(skipped_result(path, reason))
            summary.skipped.append((path, reason))
            summary.by_status[SKIPPED] = summary.by_status.get(SKIPPED, 0) + 1
        todo: list[tuple[str, str | None]] = []
        for path in files:
            try:
                unchanged, sha = (False, None) if force else store.is_unchanged(path)
            except OSError:
                unchanged, sha = False, None  # unreadable: let the parser say so in its row
            if unchanged:
                summary.unchanged += 1
                entry = store.manifest[path]
                count_file(summary, path, entry.status, entry.error)
            else:
                todo.append((path, sha))
        _notify("start", 0, len(todo))

        batches = iter([todo[i : i + batch_size] for i in range(0, len(todo), batch_size)])
        running: dict = {}

        def submit_more() -> None:
            while len(running) < max(1, in_flight) and (batch := next(batches, None)) is not None:
                running[parse_batch.submit(batch)] = batch

        submit_more()
        done = 0
        while running:
            future = next(as_completed(list(running)))
            running.pop(future)
            try:
                results = future.result()
            except BaseException:
                _stop(running, store)
                raise
            submit_more()
            for result in results:
                if isinstance(result, ReportResult):
                    result = Written(result.report["source_path"], result.status, result.report.get("error"),
                                     store.write(result))
                summary.rows_written += result.rows
                summary.parsed += 1
                count_file(summary, result.source_path, result.status, result.error)
            store.save_manifest()
            done += len(results)
            _notify("parsed", done, len(todo))
        _gone(summary, store, paths, set(files) | {p for p, _ in links}, prune)
        store.save_manifest()
        # What groups and compares reports changes only when a report did, or
        # when the comparison was written by a cchc that declared other columns.
        if store.across_pending or not comparison_is_current(store.root):
            summary.rows_written += mark_duplicates(store.root).rows_rewritten
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


def _stop(running: dict, store: OutputStore) -> None:
    """A batch raised: the run stops.  The workers are killed so that the
    batches in flight return at once; what was written whole is committed,
    the rest is left for the next run to read again."""
    if _pool is not None:
        _pool.abort()
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


# When the current run_ingest started (time.monotonic()), for the flow's
# account of its start-up.
_run_started: float | None = None


def run_ingest(
    paths: list[str],
    out: str = "out",
    workers: int | None = None,
    force: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    limits: Limits | None = None,
    dask_address: str | None = None,
    follow_links: bool = False,
    prune: bool = False,
    exclude: list[str] | None = None,
    record: bool = False,
    started: float | None = None,
) -> RunSummary:
    """Run the flow with `workers` parsing processes, each file within
    `limits` (time per file, memory per worker, sizes: see pipeline.limits).

    A run with nothing to do is answered from the manifest without starting
    Prefect (`pipeline.run.rerun`), unless `record` asks for a flow run all the
    same.  Otherwise the worker processes, and Prefect's temporary API
    server when no server is configured (`flows.server`), start at once and
    side by side; the flow runs when the server answers.  The summary's
    `seconds` count from `started` (a `time.monotonic()` reading: the
    command's own start, by default now), its `startup` up to the flow's
    first line.

    With `dask_address` (e.g. "tcp://scheduler:8786") the batches are parsed
    on that existing Dask cluster instead, through prefect-dask; the workers
    must see the input paths (shared storage), and the tables are written by
    this process, so the output is the same as a local run's.  `out` may be
    an fsspec URL (s3://bucket/cchc): see pipeline.run.remote.

    Raises `RunStopped` when the run could not go on (OutputLocked,
    OutputError, PoolCannotStart as its `cause`)."""
    started = time.monotonic() if started is None else started
    # On a cluster, `workers` is how many batches (halved) may be in flight.
    in_flight = 2 * (workers or (32 if dask_address else os.cpu_count() or 1))
    workers = workers or os.cpu_count() or 1
    if is_remote(out):
        # An object store has no atomic rename or lock: write through a local mirror.
        summary = run_ingest(paths, str(pull(out)), workers, force, batch_size, progress, limits, dask_address,
                             follow_links, prune, exclude, record, started)
        push(mirror_of(out), out)
        return summary
    if not (force or record):
        try:
            answered = answer_unchanged(paths, out, exclude or (), follow_links, prune, started)
        except (OSError, OutputLocked) as exc:
            raise RunStopped(exc, RunSummary(stopped=exc)) from exc
        if answered is not None:
            return answered
    summary = _run_flow(paths, out, workers, in_flight, force, batch_size, progress, limits, dask_address,
                        follow_links, prune, exclude, started)
    summary.seconds = round(time.monotonic() - started, 2)
    if summary.stopped is not None:
        raise RunStopped(summary.stopped, summary) from summary.stopped
    return summary


def _run_flow(paths, out, workers: int, in_flight: int, force: bool, batch_size: int,
              progress: ProgressCallback | None, limits: Limits | None, dask_address: str | None,
              follow_links: bool, prune: bool, exclude, started: float) -> RunSummary:
    """The flow run itself: Prefect's temporary server (when no server is
    configured), the worker pool warming up meanwhile, then the flow."""
    global _run_started
    if needs_temporary_server():
        server = shared_server()
    else:
        server = None
        stop_shared_server()  # started on a guess, before Prefect's settings were read
    if dask_address:
        from prefect_dask import DaskTaskRunner

        runner, pool = DaskTaskRunner(address=dask_address), nullcontext()
    else:
        runner, pool = ThreadPoolTaskRunner(max_workers=workers), worker_pool(workers, limits)
    if progress:
        _listeners.append(progress)
    _run_started = started
    try:
        with pool:
            if _pool is not None:  # the workers import the readers while the server comes up
                threading.Thread(target=_pool.warm, name="cchc-warm-workers", daemon=True).start()
            settings = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
            if server is not None:
                settings[PREFECT_API_URL] = server.wait()
            # A foreground run needs no heartbeat to tell it crashed, and
            # stopping Prefect's heartbeat thread costs up to a second a run.
            with temporary_settings(updates=settings):
                summary = ingest.with_options(task_runner=runner)(
                    paths=[str(p) for p in paths], out=str(out), force=force, batch_size=batch_size,
                    in_flight=in_flight, tasks_write=not dask_address, follow_links=follow_links, prune=prune,
                    exclude=list(exclude or []),
                )
    except WorkerError as exc:  # the pool failed to start outside the flow
        raise RunStopped(exc, RunSummary(stopped=exc)) from exc
    finally:
        _run_started = None
        if progress:
            _listeners.remove(progress)
    return summary


@flow(name="cchc-inbox")
def ingest_inbox(inbox: str, out: str = "out", workers: int = 0) -> RunSummary | State:
    """Read what is new in an inbox folder: the ingest flow, as a subflow,
    with its worker pool; unchanged files are skipped as always.  Each run
    writes one line with its counts to the output of `cchc serve` (and to
    the run's log), and ends as the ingest flow does."""
    summary = run_ingest([inbox], out=out, workers=workers or None)
    line = f"cchc-inbox {os.path.abspath(inbox)} → {os.path.abspath(out)}: {summary.line()}"
    print(line, flush=True)
    get_run_logger().info(line)
    return final_state(summary)


def inbox_deployment(inbox: str, out: str, every_seconds: int = 300, workers: int = 0):
    """A Prefect deployment that runs `ingest_inbox` on an interval schedule;
    `prefect.serve(inbox_deployment(...))` serves it until stopped."""
    return ingest_inbox.to_deployment(
        name="cchc-inbox",
        interval=timedelta(seconds=every_seconds),
        parameters={"inbox": str(inbox), "out": str(out), "workers": workers},
        description=f"Read new reports in {inbox} into {out} every {every_seconds} s",
    )
