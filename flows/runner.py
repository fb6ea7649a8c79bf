"""How `cchc ingest` runs the ingest flow, with its start-up overlapped.

Nothing here imports Prefect before the run has started what does not need
it, in this order:

1. a run with nothing to do is answered from the manifest, and Prefect is
   never imported (`pipeline.run.rerun`);
2. with no Prefect server configured, Prefect's temporary API server is
   started as a subprocess (`flows.server`): it takes about 3 s to answer;
3. the output folder is locked, the files found and sorted, the worker pool
   started and the changed files parsed (`pipeline.run.ahead`);
4. Prefect and the flow are imported, and the flow runs when the server
   answers; its tasks take the batches already parsed, write them, and own
   their state in the Prefect UI.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from cchc.flows import server as _server
from cchc.pipeline.limits import Limits
from cchc.pipeline.output.store import OutputLocked
from cchc.pipeline.run.ahead import DEFAULT_BATCH_SIZE, ProgressCallback, Prepared, prepare_run
from cchc.pipeline.run.remote import is_remote, mirror_of, pull, push
from cchc.pipeline.run.rerun import answer_unchanged
from cchc.pipeline.run.summary import RunStopped, RunSummary
from cchc.pipeline.run.workers import WorkerError


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
    """Read the reports under `paths` into `out` with `workers` parsing
    processes, each file within `limits` (time per file, memory per worker,
    sizes: see pipeline.limits).

    A run with nothing to do is answered from the manifest without starting
    Prefect, unless `record` asks for a flow run all the same.  The
    summary's `seconds` count from `started` (a `time.monotonic()` reading:
    the command's own start, by default now), its `startup` up to the
    flow's first line.

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
    paths, exclude = [str(p) for p in paths], list(exclude or [])
    with _stopped_as_summary():
        if not (force or record):
            answered = answer_unchanged(paths, out, exclude, follow_links, prune, started)
            if answered is not None:
                return answered
        if _server.may_need_temporary_server():
            _server.shared_server()  # comes up while the files are parsed and Prefect is imported
        with prepare_run(paths, str(out), started, workers, limits, force, exclude, follow_links,
                         local=not dask_address, progress=progress) as prepared:
            summary = _run_flow(prepared, dict(
                paths=paths, out=str(out), force=force, batch_size=batch_size, in_flight=in_flight,
                tasks_write=not dask_address, follow_links=follow_links, prune=prune, exclude=exclude),
                workers, dask_address)
    summary.seconds = round(time.monotonic() - started, 2)
    if summary.stopped is not None:
        raise RunStopped(summary.stopped, summary) from summary.stopped
    return summary


@contextmanager
def _stopped_as_summary() -> Iterator[None]:
    """What stops a run before its flow (the output folder cannot be
    written or is locked, the pool cannot start) raises RunStopped."""
    try:
        yield
    except (OSError, OutputLocked, WorkerError) as exc:
        raise RunStopped(exc, RunSummary(stopped=exc)) from exc


def _load_for_the_last_steps() -> None:
    """Import and load what the flow's last steps use (pandas for the
    comparison across reports, the labels, areas and metrics patterns) while
    the run waits for its server and its files, rather than after them."""
    import importlib

    from cchc.pipeline.output.labels import label_rows
    from cchc.pipeline.patterns import load

    importlib.import_module("pandas")
    label_rows()
    for name in ("finding_context", "metrics"):
        load(name)


def _run_flow(prepared: Prepared, parameters: dict, workers: int, dask_address: str | None) -> RunSummary:
    """The flow itself, against the configured server or the temporary one
    when it answers."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.task_runners import ThreadPoolTaskRunner

    from cchc.flows.ingest import ingest, preparing

    threading.Thread(target=_load_for_the_last_steps, name="cchc-load-ahead", daemon=True).start()
    if _server.needs_temporary_server():
        server = _server.shared_server()
    else:
        server = None
        _server.stop_shared_server()  # started on a guess, before Prefect's settings were read
    if dask_address:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=dask_address)
    else:
        runner = ThreadPoolTaskRunner(max_workers=workers)
    # A foreground run needs no heartbeat to tell it crashed, and stopping
    # Prefect's heartbeat thread costs up to a second a run.
    settings = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if server is not None:
        settings[PREFECT_API_URL] = server.wait()
    with temporary_settings(updates=settings), preparing(prepared):
        return ingest.with_options(task_runner=runner)(**parameters)
