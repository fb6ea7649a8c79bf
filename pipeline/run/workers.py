"""A pool of worker processes that gives up on a call that takes too long.

`concurrent.futures.ProcessPoolExecutor` cannot stop a running call, and a
worker that dies breaks the whole executor.  Reading untrusted files needs
both: a PDF whose parse never ends, or a reader that segfaults, must cost one
`reports` row, not the batch.  So each worker here is a process of its own
with a pipe to the parent, and gets one call at a time:

- the parent waits for the answer up to the call's deadline; past it, the
  worker is killed (SIGKILL) and `WorkerTimeout` is raised;
- a worker that dies during a call (a segfault, the kernel's OOM killer)
  raises `WorkerDied` with its signal;
- a worker that is lost is replaced by a fresh one on the next call;
- a worker that cannot be started, or dies before answering a first
  "ready?" call, raises `PoolCannotStart`: that is the machine's fault (no
  processes or memory left, a broken installation), not a file's, so the
  run stops instead of blaming every file.

Each worker starts by bounding itself: its address space (RLIMIT_AS, from
`Limits.memory_mb`: a runaway allocation raises MemoryError in the worker
rather than starving the machine), and an alarm a little past each call's
deadline.  It also dies with the run: a thread waits on a lifeline pipe
whose other end only the parent holds, and when the parent is gone (even by
`kill -9`) the worker kills itself.  The tools it started die with it
(PR_SET_PDEATHSIG, see pipeline.tools).  The forkserver cannot do this for
it: every worker holds the forkserver's own lifeline, so the forkserver
outlives the parent for as long as a worker does.
Workers come from a forkserver that has imported the readers and read one
short report once (`pipeline.run.warm`), so a replacement starts in
milliseconds, ready to read.

`call` is thread-safe: the flow's tasks run in threads and share one pool;
a call waits for a free worker, then holds it until its answer.
"""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.connection
import os
import queue
import resource
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from cchc.pipeline import limits as _limits
from cchc.pipeline.tools import die_with_parent

# Imported once by the forkserver, so that every worker starts with them;
# `warm` also reads a short report there, so that no worker pays for its
# first file's set-up (spaCy, the patterns).
PRELOAD = ("cchc.pipeline.read.txt", "cchc.pipeline.read.docx", "cchc.pipeline.read.pdf", "cchc.pipeline.run.warm")
# A worker's own alarm rings this long after its call's deadline.
_GRACE_S = 10.0
# Time for a new worker to answer its first call (the forkserver's imports included).
_START_TIMEOUT_S = 120.0


class WorkerError(RuntimeError):
    """A call got no answer from its worker."""


class WorkerTimeout(WorkerError):
    pass


class WorkerDied(WorkerError):
    pass


class PoolCannotStart(WorkerError):
    """No worker process could be started: the run cannot go on."""


def _ready() -> bool:
    return True


def describe_exit(code: int | None) -> str:
    if code is None:
        return "it did not exit"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "unknown signal"
        return f"signal {-code}, {name}"
    return f"exit status {code}"


def _die_with(lifeline) -> None:
    """Wait until the parent's end of the lifeline closes, then die."""
    try:
        multiprocessing.connection.wait([lifeline])
    finally:
        os.kill(os.getpid(), signal.SIGKILL)


def _serve(conn, lifeline, bounds: _limits.Limits, path_env: str) -> None:
    """A worker's life: bound itself, then answer calls until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the alarm ends the process
    die_with_parent()
    threading.Thread(target=_die_with, args=(lifeline,), daemon=True, name="lifeline").start()
    if bounds.memory_mb:
        soft = bounds.memory_mb * 2**20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    _limits.activate(bounds)
    os.environ["PATH"] = path_env  # the parent's, now: tools are looked up there
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        fn, args, timeout = message
        signal.alarm(max(1, math.ceil(timeout + _GRACE_S)))
        try:
            reply = (True, fn(*args))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            reply = (False, exc)
        signal.alarm(0)
        try:
            conn.send(reply)
        except Exception as exc:  # the answer or the exception does not pickle
            conn.send((False, WorkerError(f"the worker's answer could not be sent back: {exc!r}")))


class _Worker:
    def __init__(self, ctx, bounds: _limits.Limits, path_env: str):
        self.conn, child = ctx.Pipe(duplex=True)
        lifeline, self._lifeline = ctx.Pipe(duplex=False)  # never written: its closing is the message
        self.process = ctx.Process(target=_serve, args=(child, lifeline, bounds, path_env), daemon=True,
                                   name="cchc-worker")
        self.process.start()
        child.close()
        lifeline.close()

    def kill(self) -> int | None:
        """Stop the worker now; its exit code."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()
        self._lifeline.close()
        return self.process.exitcode

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=2)
        self.kill()


class WorkerPool:
    """Up to `workers` processes; `call(fn, *args)` runs `fn(*args)` in one
    of them within `limits.timeout` seconds (or the call's own `timeout`)."""

    def __init__(self, workers: int | None = None, limits: _limits.Limits | None = None,
                 preload: Iterable[str] = PRELOAD):
        self.size = max(1, workers or os.cpu_count() or 1)
        self.limits = limits or _limits.current()
        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if self._ctx.get_start_method() == "forkserver":
            self._ctx.set_forkserver_preload(list(preload))
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0  # workers killed or lost, for the run's summary

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _acquire(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._closed:
                raise WorkerError("the worker pool is closed")
            worker = None
            if len(self._workers) < self.size:
                try:
                    worker = _Worker(self._ctx, self.limits, os.environ.get("PATH", os.defpath))
                except OSError as exc:
                    raise PoolCannotStart(f"the worker pool could not start a process: {exc}") from exc
                self._workers.add(worker)
        if worker is None:
            return self._idle.get()
        self._check_ready(worker)
        return worker

    def _check_ready(self, worker: _Worker) -> None:
        """A new worker answers a first trivial call, or the pool cannot start."""
        why = None
        try:
            worker.conn.send((_ready, (), _START_TIMEOUT_S))
            if not worker.conn.poll(_START_TIMEOUT_S):
                why = f"did not answer within {_START_TIMEOUT_S:g} s"
            else:
                ok, value = worker.conn.recv()
                if not ok:
                    why = f"failed: {type(value).__name__}: {value}"
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            why = f"died ({describe_exit(worker.process.exitcode)})"
        if why is None:
            return
        self._lose(worker)
        if self._closed:  # killed by Ctrl-C, not broken
            raise WorkerError("stopped: the run was interrupted")
        hint = (f"; is --memory-mb ({self.limits.memory_mb} MB) too small?" if self.limits.memory_mb else "")
        raise PoolCannotStart(f"the worker pool could not start: a new worker process {why} "
                              f"before reading any file{hint}")

    def _lose(self, worker: _Worker) -> int | None:
        """Kill a worker and free its place; its exit code."""
        code = worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self.replaced += 1
        return code

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
        """`fn(*args)` in a worker: its value, or its exception re-raised
        here; WorkerTimeout past the deadline, WorkerDied if the worker dies."""
        timeout = self.limits.timeout if timeout is None else timeout
        for _ in range(3):
            worker = self._acquire()
            try:
                worker.conn.send((fn, args, timeout))
                break
            except OSError:  # it died while idle: not this call's doing, take another
                self._lose(worker)
        else:
            raise PoolCannotStart("the worker pool could not start: three new worker processes died at once")
        if not worker.conn.poll(timeout):
            self._lose(worker)
            raise WorkerTimeout(f"timed out after {timeout:g} s")
        try:
            ok, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            self._lose(worker)
            if self._closed:  # not the file's doing: the run is being stopped
                raise WorkerError("stopped: the run was interrupted") from None
            raise WorkerDied(f"worker died ({describe_exit(code)})") from None
        except Exception as exc:  # an answer that does not unpickle; the worker is fine
            self._idle.put(worker)
            raise WorkerError(f"the worker's answer could not be read: {exc!r}") from None
        self._idle.put(worker)
        if ok:
            return value
        raise value

    def warm(self) -> None:
        """Start every worker now, so that the first files do not wait for
        the forkserver's imports (the readers, spaCy).  Meant for a
        background thread while the caller starts other things; a worker
        that cannot start is left for the first call to report."""
        while True:
            with self._lock:
                if self._closed or len(self._workers) >= self.size:
                    return
                try:
                    worker = _Worker(self._ctx, self.limits, os.environ.get("PATH", os.defpath))
                except OSError:
                    return
                self._workers.add(worker)
            try:
                self._check_ready(worker)
            except WorkerError:
                return
            self._idle.put(worker)

    def abort(self) -> None:
        """Kill every worker now, busy or not; calls in progress raise WorkerError."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for worker in workers:
            if worker.process.is_alive():
                worker.process.kill()

    @contextmanager
    def stopped_by_ctrl_c(self) -> Iterator[None]:
        """While inside, Ctrl-C (SIGINT) kills the workers at once, so that
        calls waiting on them return instead of running to their deadline,
        and then interrupts as it would have."""
        previous = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is not threading.main_thread() or previous in (signal.SIG_IGN, None):
            yield
            return

        def interrupted(signum, frame):
            self.abort()
            if callable(previous):
                previous(signum, frame)
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, interrupted)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()
