"""A run's files, parsed from the moment the run knows them.

Prefect's start takes seconds: its API server when none is configured, its
own imports, the creation of the flow run.  The files do not wait for it.
`prepare_run` takes the output folder's lock, finds the files and what
changed (`plan_run`), starts the worker pool and begins parsing the changed
files in it (`ReadAhead`), all before Prefect is imported; the flow starts
when Prefect is ready.

The flow's tasks still own each batch: a task takes its batch's results
from the read-ahead (waiting for those still being parsed), writes them and
reports the batch's state.  What no task took is never written, so a run
stopped before its flow began leaves the output as it was.  The read-ahead
holds at most `held_chars` characters of parsed text that no task has taken,
so memory does not grow with the corpus, while a run of short files is not
kept waiting for Prefect once a few batches are parsed.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Callable, Iterator

from cchc.pipeline.limits import Limits
from cchc.pipeline.model import ReportResult
from cchc.pipeline.output.store import OutputStore
from cchc.pipeline.run.discover import Discovery, discover, mark_output
from cchc.pipeline.run.process import process_files
from cchc.pipeline.run.workers import WorkerPool

# Files per task: Prefect spends a few milliseconds on each task run, more
# than parsing a short text report takes, so small files travel in batches.
DEFAULT_BATCH_SIZE = 8

ProgressCallback = Callable[[str, int, int], None]  # (event, done, total)

# How much parsed work may wait for the flow's tasks, in characters of text:
# a parsed file takes 13 to 18 bytes of memory a character of its text (its
# facts and their sentences included, measured on the samples), so about
# 70 MB.  A file counts for at least a short report, so that the files held
# stay bounded in number too.
HELD_CHARS = 4_000_000
_LEAST_CHARS = 10_000


def _weight(result: ReportResult) -> int:
    return max(_LEAST_CHARS, len(result.text))


@dataclass
class Plan:
    """What a run has to do, from discovery and the manifest."""

    found: Discovery
    todo: list[tuple[str, str | None]]  # (path, SHA-256 when it was computed) of the files to read
    unchanged: list[str]
    warnings: list[str] = field(default_factory=list)  # from the recovery of an interrupted run


def plan_run(store: OutputStore, paths: list[str], exclude: list[str] | tuple[str, ...] = (),
             follow_links: bool = False, force: bool = False) -> Plan:
    """Under `store`'s lock: recover an interrupted run, find the files, and
    sort them into those to read and those unchanged since the last run."""
    warnings = store.recover()
    mark_output(store.root)
    found = discover(paths, exclude, follow_links=follow_links)
    todo, unchanged = [], []
    for path in found.files:
        try:
            same, sha = (False, None) if force else store.is_unchanged(path)
        except OSError:
            same, sha = False, None  # unreadable: the parser says so in its row
        if same:
            unchanged.append(path)
        else:
            todo.append((path, sha))
    return Plan(found, todo, unchanged, warnings)


class ReadAhead:
    """Parses `files` in `pool`, in their order, while the parsed files that
    no task has taken hold less than `held_chars` characters of text;
    `take(batch)` returns a batch's results."""

    def __init__(self, pool: WorkerPool, files: list[tuple[str, str | None]], held_chars: int = HELD_CHARS):
        self._pool = pool
        self._futures: dict[str, Future] = {path: Future() for path, _ in files}
        # Each file with its future, which `take` may have popped from the
        # dict before a reader gets to the file.  A reader pops its file, so
        # that a result taken is held by nothing here.
        self._files = deque((item, self._futures[item[0]]) for item in files)
        # One lock for the files left, the text held and the stop.
        self._room = threading.Condition()
        self._held, self._held_chars = 0, held_chars
        self._stopped = False
        self._threads = [threading.Thread(target=self._read, name="cchc-read-ahead", daemon=True)
                         for _ in range(min(pool.size, len(files)))]
        for thread in self._threads:
            thread.start()

    def _read(self) -> None:
        while True:
            with self._room:
                self._room.wait_for(lambda: self._stopped or self._held < self._held_chars)
                item, future = (None, None) if self._stopped or not self._files else self._files.popleft()
            if item is None:
                return
            try:
                result = process_files([item], self._pool)[0]
            except BaseException as exc:  # noqa: BLE001 - a pool that cannot go on: the taking task raises it
                future.set_exception(exc)
                continue
            with self._room:
                self._held += _weight(result)
            future.set_result(result)

    def waiting(self) -> int:
        """Files parsed that no task has taken yet."""
        return sum(future.done() for future in list(self._futures.values()))

    def take(self, batch: list[tuple[str, str | None]]) -> list[ReportResult]:
        """The results of `batch`, waiting for the files still being parsed.
        Raises what stopped the pool (it cannot start, the run was stopped)."""
        results = []
        for path, _ in batch:
            result = self._futures.pop(path).result()
            with self._room:
                self._held -= _weight(result)
                self._room.notify_all()
            results.append(result)
        return results

    def stop(self) -> None:
        """Parse nothing more: a file not begun is cancelled (a task waiting
        for it raises CancelledError); the files being parsed finish or are
        killed with the pool."""
        with self._room:
            self._stopped = True
            for _, future in self._files:
                future.cancel()
            self._files.clear()
            self._room.notify_all()


@contextmanager
def worker_pool(workers: int, limits: Limits | None = None) -> Iterator[WorkerPool | None]:
    """The run's worker processes, started now (each worker comes from a
    forkserver that has imported the readers and built the patterns once,
    `pipeline.run.warm`); Ctrl-C kills them at once."""
    with WorkerPool(workers, limits) as pool, pool.stopped_by_ctrl_c():
        threading.Thread(target=pool.warm, name="cchc-warm-workers", daemon=True).start()
        yield pool


@dataclass
class Prepared:
    """A run before its flow: the locked output, what to do, and the files
    being parsed.  `pool` and `reader` are None for a run whose tasks parse
    elsewhere (on a Dask cluster)."""

    store: OutputStore
    plan: Plan
    pool: WorkerPool | None
    reader: ReadAhead | None
    started: float  # time.monotonic() when the command started
    progress: ProgressCallback | None = None

    def notify(self, event: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(event, done, total)


@contextmanager
def prepare_run(paths: list[str], out: str, started: float, workers: int, limits: Limits | None = None,
                force: bool = False, exclude: list[str] | tuple[str, ...] = (), follow_links: bool = False,
                held_chars: int = HELD_CHARS, local: bool = True,
                progress: ProgressCallback | None = None) -> Iterator[Prepared]:
    """Lock `out`, plan the run and, with `local` workers, start parsing;
    the lock and the workers last until the block ends.  Raises what the
    output folder raises (`OutputLocked`, `OutputError`) before anything is
    read.  No more workers are started than there are files to read."""
    store = OutputStore(out)
    with store.lock():
        plan = plan_run(store, paths, exclude, follow_links, force)
        if progress is not None:
            progress("start", 0, len(plan.todo))
        pooled = worker_pool(max(1, min(workers, len(plan.todo))), limits) if local else nullcontext()
        with pooled as pool:
            reader = ReadAhead(pool, plan.todo, held_chars) if pool is not None and plan.todo else None
            try:
                yield Prepared(store, plan, pool, reader, started, progress)
            finally:
                if reader is not None:
                    reader.stop()
