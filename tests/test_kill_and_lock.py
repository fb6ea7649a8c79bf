"""What stops a run, and what a stopped run leaves: the worker pool's time
limit and crash handling, the output lock, and `kill -9` in mid-run."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc.cli import app
from conftest import ROOT, SEED_TXT
from corpus import fake_soffice
from cchc.flows.runner import run_ingest
from cchc.pipeline.limits import Limits
from cchc.pipeline.model import FAILED, OK, ReportResult
from cchc.pipeline.run.process import process_files
from cchc.pipeline.output.query import connect
from cchc.pipeline.output.store import OutputLocked, OutputStore
from cchc.pipeline.run.workers import WorkerDied, WorkerPool, WorkerTimeout


def _vm_size_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1])
    return 0


# --- the worker pool -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool():
    with WorkerPool(2, Limits(timeout=20, memory_mb=1024)) as p:
        yield p


def test_a_call_past_its_deadline_is_killed_and_the_pool_goes_on(pool):
    started = time.monotonic()
    with pytest.raises(WorkerTimeout, match="timed out after 1 s"):
        pool.call(time.sleep, 30, timeout=1)
    assert time.monotonic() - started < 5
    assert pool.call(sum, [1, 2, 3]) == 6  # a fresh worker took its place


def test_a_worker_that_dies_is_reported_with_its_signal_and_replaced(pool):
    with pytest.raises(WorkerDied, match=r"signal 11, SIGSEGV"):
        pool.call(ctypes.string_at, 0)  # reads address 0: a segfault
    with pytest.raises(WorkerDied, match=r"signal 6, SIGABRT"):
        pool.call(os.abort)
    assert pool.call(abs, -4) == 4


def test_memory_is_bounded_per_worker(pool):
    with pytest.raises(MemoryError):
        pool.call(bytearray, 2 * 2**30)  # 2 GB in a worker allowed 1 GB
    assert pool.call(_vm_size_kb) < 1024 * 1024
    assert pool.call(len, "xin chào") == 8


def test_exceptions_come_back_as_themselves(pool):
    with pytest.raises(ValueError, match="invalid literal"):
        pool.call(int, "không")


def test_calls_from_many_threads_share_the_workers(pool):
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(pool.call(pow, i, 2))) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [i * i for i in range(8)]


def test_ctrl_c_stops_the_workers_at_once():
    """A call waiting on a hung file returns at Ctrl-C, not at its deadline."""
    outcome = {}

    def wait_on_a_hang(pool):
        try:
            pool.call(time.sleep, 60)
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    started = time.monotonic()
    with WorkerPool(1, Limits(timeout=120)) as pool:
        with pytest.raises(KeyboardInterrupt), pool.stopped_by_ctrl_c():
            waiting = threading.Thread(target=wait_on_a_hang, args=(pool,))
            waiting.start()
            time.sleep(1.0)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler interrupts this
        waiting.join(timeout=10)
    assert time.monotonic() - started < 6
    assert "interrupted" in str(outcome["error"])
    assert signal.getsignal(signal.SIGINT) is not None  # the previous handler is back


class _DyingPool:
    """Stands for a pool whose worker timed out or died on the second file."""

    def __init__(self, exc):
        self.exc = exc
        self.calls = 0

    def call(self, fn, *args):
        self.calls += 1
        if self.calls == 2:
            raise self.exc
        return fn(*args)


@pytest.mark.parametrize("exc, words", [
    (WorkerTimeout("timed out after 300 s"), "timed out after 300 s: the file was given up on"),
    (WorkerDied("worker died (signal 9, SIGKILL)"), "worker died (signal 9, SIGKILL) while reading this file"),
])
def test_a_lost_file_gets_a_failed_row_and_the_batch_goes_on(tmp_path, exc, words):
    paths = []
    for i in range(3):
        p = tmp_path / f"r{i}.txt"
        p.write_text(f"Báo cáo {i}: đã tiếp nhận {i + 1} hồ sơ.\n", encoding="utf-8")
        paths.append(str(p))
    results = process_files([(p, None) for p in paths], pool=_DyingPool(exc))
    assert [r.status for r in results] == [OK, FAILED, OK]
    lost = results[1].report
    assert words in lost["error"] and lost["source_path"] == paths[1]
    assert lost["report_id"] and lost["format"] == "txt"  # hashed and sniffed by the parent


# --- the output lock ------------------------------------------------------------------


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path):
    first = OutputStore(tmp_path / "out")
    with first.lock():
        with pytest.raises(OutputLocked, match="another cchc run is writing to .*wait for it to finish"):
            with OutputStore(tmp_path / "out").lock():
                pass
    with OutputStore(tmp_path / "out").lock():  # free again once the first is done
        pass


# --- kill -9 in mid-run ----------------------------------------------------------------

_RUN = """
import sys
from cchc.flows.runner import run_ingest
from cchc.pipeline.limits import Limits
run_ingest([sys.argv[1]], out=sys.argv[2], workers=2, batch_size=1, limits=Limits(timeout=600))
"""


def _report_files(folder: Path, n: int, start: int = 0) -> list[Path]:
    seed = SEED_TXT.read_text(encoding="utf-8")
    paths = []
    for i in range(start, start + n):
        p = folder / f"report-{i}.txt"
        p.write_text(seed.replace("Sở Ngoại vụ", f"Sở Ngoại vụ (bản {i})", 1), encoding="utf-8")
        paths.append(p)
    return paths


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _manifest_size(out: Path) -> int:
    try:
        return len(OutputStore(out).manifest)
    except Exception:  # noqa: BLE001 - not there yet
        return 0


def test_kill_9_mid_run_leaves_the_output_readable_and_the_next_run_completes(prefect_harness, tmp_path,
                                                                            monkeypatch):
    import prefect.settings

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    _report_files(inbox, 3)
    assert run_ingest([str(inbox)], out=str(out), workers=1).exit_code == 0  # the previous output

    # More files, and an old Word file whose conversion hangs: the run cannot end by itself.
    _report_files(inbox, 3, start=3)
    (inbox / "old.doc").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    hanging = fake_soffice(tmp_path / "bin", sleep=600)
    marker = f"CCHC_KILL_TEST={uuid.uuid4()}"
    env = {**os.environ, "PATH": f"{hanging.parent}{os.pathsep}{os.environ['PATH']}",
           "PREFECT_API_URL": prefect.settings.PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT),
           marker.split("=")[0]: marker.split("=")[1]}
    run = subprocess.Popen([sys.executable, "-c", _RUN, str(inbox), str(out)], env=env, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: _manifest_size(out) >= 6 or run.poll() is not None, 90), "the run wrote nothing"
        assert run.poll() is None, run.stderr.read().decode()[-2000:]
        assert _wait_for(lambda: any("soffice" in _cmdline(p) for p in _processes_with(marker)), 30)

        # Meanwhile a second run into the same folder is refused, and says why.
        other = tmp_path / "other"
        other.mkdir()
        shutil.copy(SEED_TXT, other / "x.txt")
        refused = CliRunner().invoke(app, ["ingest", str(other), "--out", str(out), "--workers", "1"])
        assert refused.exit_code == 3, refused.output
        assert "một lần chạy cchc khác đang ghi vào thư mục kết quả" in refused.output
        assert "another cchc run is writing to" in refused.output  # the folder, in the lock's own words
        assert "Traceback" not in refused.output and len(refused.output.strip().splitlines()) <= 2, refused.output
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)

    # Its workers and the tool they ran die with it.
    assert _wait_for(lambda: not _processes_with(marker), 20), [_cmdline(p) for p in _processes_with(marker)]
    # What was written is readable, by pandas and by DuckDB.
    reports = pd.read_parquet(out / "reports")
    assert sorted(Path(p).name for p in reports.source_path) == [f"report-{i}.txt" for i in range(6)]
    assert connect(out).sql("SELECT count(*) FROM reports").fetchall() == [(6,)]
    assert set(reports.status) == {"ok"}

    # The next run reads only what is left, and a hung parse costs one row.
    monkeypatch.setenv("PATH", env["PATH"])  # the hanging LibreOffice is still there
    summary = run_ingest([str(inbox)], out=str(out), workers=2, limits=Limits(timeout=3))
    assert summary.parsed == 1 and summary.unchanged == 6
    reports = pd.read_parquet(out / "reports")
    assert len(reports) == 7 and reports.source_path.is_unique
    old = reports[reports.source_path.str.endswith("old.doc")].iloc[0]
    assert old.status == "failed" and old.error.startswith("timed out after 3 s"), old.error
    assert not _processes_with(marker)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_results_are_plain_data_that_pickle():
    import pickle

    result = ReportResult({"source_path": "x", "status": OK}, waits_for="tesseract")
    assert pickle.loads(pickle.dumps(result)).waits_for == "tesseract"
