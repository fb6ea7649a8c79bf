"""Nothing lost under faults: kill -9 at each write step of a `--force`
re-run, a full disk, a worker pool that cannot start, links that lead out of
the inputs, the same folder given two ways, a corrupted manifest, files that
are gone.  The baseline output is built once; each fault is one trial."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc.cli import app
from conftest import ROOT, SAMPLES, SEED_TXT, sorted_table
from cchc.flows.runner import RunStopped, run_ingest
from cchc.pipeline.run import workers
from cchc.pipeline.output.store import MANIFEST, OutputStore

# Two reports of one issuer, a year apart: every table gets rows, and so
# does the comparison across reports.
INPUTS = (SEED_TXT, SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt")
TABLES = ("reports", "sections", "references", "dates", "metrics", "findings", "comparison")


def tables_of(out: Path) -> dict[str, pd.DataFrame]:
    """Every table, rows in a stable order, for comparing outputs row for row."""
    frames = {}
    for name in TABLES:
        folder = out / name
        if not folder.exists():
            frames[name] = pd.DataFrame()
            continue
        frames[name] = sorted_table(folder)
    return frames


def assert_same_tables(out: Path, baseline: dict[str, pd.DataFrame]) -> None:
    for name, expected in baseline.items():
        pd.testing.assert_frame_equal(tables_of(out)[name], expected, obj=f"{out.name}/{name}")


@pytest.fixture(scope="module")
def baseline(prefect_harness, tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    inbox = root / "inbox"
    inbox.mkdir()
    for path in INPUTS:
        shutil.copy(path, inbox / path.name)
    out = root / "baseline"
    summary = run_ingest([str(inbox)], out=str(out), workers=1)
    assert summary.exit_code == 0 and summary.parsed == len(INPUTS)
    frames = tables_of(out)
    assert all(len(frames[name]) for name in TABLES), {n: len(f) for n, f in frames.items()}
    return inbox, out, frames


# --- kill -9 at each write step ---------------------------------------------------------

# (what the write's target contains, which such write, kill before or after it)
STEPS = [
    ("/reports/", 1, "before"),
    ("/sections/", 1, "before"),
    ("/references/", 1, "before"),
    ("/dates/", 1, "before"),
    ("/metrics/", 1, "before"),
    ("/findings/", 1, "before"),
    ("/text/", 1, "before"),
    ("/reports/", 2, "before"),  # the first report written whole, the second begun
    (MANIFEST, 1, "before"),
    (MANIFEST, 1, "after"),  # committed, the old generation not yet removed
    ("/comparison/", 1, "before"),
]

# Forks one child per trial from a process that has imported everything and
# read one file (so spaCy is loaded), to spare each trial Python's start-up;
# parsing runs in the child itself rather than a worker pool, since only the
# writes, all made by the run's own process, are under test.
_DRIVER = r"""
import json, os, signal, sys
from contextlib import nullcontext
import cchc.flows.runner as flow
import cchc.pipeline.run.ahead as ahead
import cchc.pipeline.output.store as store
from cchc.pipeline.run.process import process_file

inbox, seed, trials = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
process_file(seed)
ahead.worker_pool = lambda *a, **k: nullcontext()
real_write = store.atomic_write

def run(out, step):
    if step is not None:
        seen = {"n": 0}
        def write(target, fn):
            if step[0] in str(target):
                seen["n"] += 1
                if seen["n"] == step[1] and step[2] == "before":
                    os.kill(os.getpid(), signal.SIGKILL)
            real_write(target, fn)
            if step[0] in str(target) and seen["n"] == step[1] and step[2] == "after":
                os.kill(os.getpid(), signal.SIGKILL)
        store.atomic_write = write
    flow.run_ingest([inbox], out=out, workers=1, force=step is not None)

results = []
for out, step in trials:
    outcome = {}
    for phase, s in (("killed", step), ("recovered", None)):
        pid = os.fork()
        if pid == 0:
            try:
                run(out, s)
                os._exit(0)
            except BaseException as exc:
                print(repr(exc), file=sys.stderr)
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        outcome[phase] = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    results.append(outcome)
print(json.dumps(results))
"""


def test_kill_9_at_each_write_step_of_a_forced_rerun_loses_nothing(baseline, tmp_path):
    import prefect.settings

    inbox, base_out, expected = baseline
    trials = []
    for i, step in enumerate(STEPS):
        out = tmp_path / f"trial-{i}"
        shutil.copytree(base_out, out)
        trials.append((str(out), step))
    env = {**os.environ, "PREFECT_API_URL": prefect.settings.PREFECT_API_URL.value(),
           "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", _DRIVER, str(inbox), str(SEED_TXT), json.dumps(trials)],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    outcomes = json.loads(run.stdout.strip().splitlines()[-1])
    for (out, step), outcome in zip(trials, outcomes):
        assert outcome == {"killed": -signal.SIGKILL, "recovered": 0}, (step, outcome, run.stderr[-2000:])
        out = Path(out)
        assert_same_tables(out, expected)
        # Nothing is left of the interrupted generation: no temporaries, no file the manifest does not name.
        store = OutputStore(out)
        named = {f for entry in store.manifest.values() for f in entry.files}
        on_disk = {f.relative_to(out).as_posix() for t in TABLES[:-1] for f in (out / t).rglob("*.parquet")
                   if f.name != "across.parquet"} | {f.relative_to(out).as_posix() for f in (out / "text").iterdir()}
        assert on_disk == named, step
        assert not list(out.rglob("*.tmp")), step


# --- a full disk ---------------------------------------------------------------------------


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_a_full_disk_stops_the_run_with_one_line_and_the_next_run_completes(baseline, tmp_path):
    inbox, _, expected = baseline
    disk = tmp_path / "disk"
    if os.geteuid() != 0 or not _mount_tmpfs(disk, "2m"):
        pytest.skip("a full disk needs root to mount a small tmpfs: not tested here")
    try:
        out = disk / "out"
        filler = disk / "filler"
        with open(filler, "wb") as f:  # leave about 200 KB: the run's first files fit, the rest do not
            f.write(b"\0" * (os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - 200_000))
        result = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "1"])
        assert result.exit_code == 3, result.output
        stopped = [line for line in result.output.splitlines() if "cchc ingest dừng lại:" in line]
        assert len(stopped) == 1 and "No space left on device" in stopped[0], result.output
        assert "Traceback" not in result.output
        # Nothing half-written counts as done.
        store = OutputStore(out)
        for entry in store.manifest.values():
            assert all((out / f).exists() for f in entry.files)

        filler.unlink()  # space is freed
        again = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "1"])
        assert again.exit_code == 0, again.output
        assert_same_tables(out, expected)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


# --- a worker pool that cannot start ---------------------------------------------------------


def test_a_pool_that_cannot_start_stops_the_run_and_records_nothing(baseline, tmp_path, monkeypatch):
    inbox, _, expected = baseline
    out = tmp_path / "out"

    def no_fork(self, *args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")  # what fork(2) says with no process left

    with monkeypatch.context() as patched:
        patched.setattr(workers._Worker, "__init__", no_fork)
        with pytest.raises(RunStopped, match="the worker pool could not start a process") as stopped:
            run_ingest([str(inbox)], out=str(out), workers=1)
    assert stopped.value.summary.exit_code == 3
    assert not OutputStore(out).manifest  # no file was recorded, failed or otherwise
    assert not (out / "reports").exists() or not list((out / "reports").rglob("*.parquet"))

    summary = run_ingest([str(inbox)], out=str(out), workers=1)
    assert summary.parsed == len(INPUTS) and summary.exit_code == 0
    assert_same_tables(out, expected)


# --- links and identity ---------------------------------------------------------------------


def test_a_link_out_of_the_inputs_is_not_read(prefect_harness, tmp_path):
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Mật khẩu: 12345 hồ sơ mật.\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_TXT, inbox / "report.txt")
    os.symlink(secret, inbox / "x.txt")
    os.symlink(inbox / "report.txt", inbox / "same-report.txt")  # a link inside: the same file, once
    out = tmp_path / "out"

    result = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    reports = pd.read_parquet(out / "reports")
    assert sorted(Path(p).name for p in reports.source_path) == ["report.txt", "x.txt"]
    link = reports[reports.source_path.str.endswith("x.txt")].iloc[0]
    assert link.status == "skipped" and "outside the input folders" in link.error
    assert pd.isna(link.source_sha256)
    for text in (out / "text").iterdir():
        assert "Mật khẩu" not in text.read_text(encoding="utf-8")
    assert "Không đọc (liên kết ra ngoài thư mục)" in result.output and "x.txt" in result.output

    followed = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "1",
                                        "--follow-links"])
    assert followed.exit_code == 0, followed.output
    reports = pd.read_parquet(out / "reports")
    assert str(secret) in set(reports.source_path)


def test_the_same_folder_given_two_ways_is_one_row_per_file(prefect_harness, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in INPUTS:
        shutil.copy(path, inbox / path.name)
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    assert run_ingest(["inbox"], out=str(out), workers=1).parsed == 2
    again = run_ingest([str(inbox)], out=str(out), workers=1)
    assert again.parsed == 0 and again.unchanged == 2
    reports = pd.read_parquet(out / "reports")
    assert len(reports) == 2 and reports.source_path.is_unique
    assert set(reports.source_path) == {str(inbox / p.name) for p in INPUTS}

    # A renamed file keeps its facts under its new name; a deleted one is missing, then pruned.
    os.rename(inbox / INPUTS[0].name, inbox / "renamed.txt")
    os.remove(inbox / INPUTS[1].name)
    summary = run_ingest([str(inbox)], out=str(out), workers=1)
    assert summary.missing == [str(inbox / INPUTS[1].name)] and summary.exit_code == 0
    reports = pd.read_parquet(out / "reports").set_index("source_path")
    assert sorted(reports.index) == sorted([str(inbox / "renamed.txt"), str(inbox / INPUTS[1].name)])
    assert reports.loc[str(inbox / INPUTS[1].name), "status"] == "missing"
    metrics = pd.read_parquet(out / "metrics")
    assert set(metrics.report_id) == set(reports.report_id)  # the facts of both stay
    run_ingest([str(inbox)], out=str(out), workers=1, prune=True)
    reports = pd.read_parquet(out / "reports")
    assert list(reports.source_path) == [str(inbox / "renamed.txt")]
    assert set(pd.read_parquet(out / "metrics").report_id) == set(reports.report_id)


# --- a corrupted manifest, failed files on a re-run, the command line ---------------------------


def test_a_corrupted_manifest_is_moved_aside_and_rebuilt(baseline, tmp_path):
    inbox, base_out, expected = baseline
    out = tmp_path / "out"
    shutil.copytree(base_out, out)
    (out / MANIFEST).write_text('{"files": {"/x": [1, 2', encoding="utf-8")
    summary = run_ingest([str(inbox)], out=str(out), workers=1)
    assert summary.exit_code == 0 and summary.parsed == 0 and summary.unchanged == len(INPUTS)
    assert any("đã chuyển nó sang" in w and "dựng lại từ bảng reports" in w for w in summary.warnings)
    assert list(out.glob(f"{MANIFEST}.unreadable-*"))
    assert len(json.loads((out / MANIFEST).read_text())["files"]) == len(INPUTS)
    assert_same_tables(out, expected)

    (out / MANIFEST).write_text('["not", "a", "manifest"]', encoding="utf-8")  # a foreign one, on the command line
    result = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "đã chuyển nó sang" in result.output
    assert_same_tables(out, expected)


def test_failed_files_count_on_every_run_and_names_are_escaped(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_TXT, inbox / "report.txt")
    (inbox / "bad\x1b[31mred\u202e.pdf").write_bytes(b"\x7fELF" + b"\0" * 64)
    out = tmp_path / "out"
    first = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    second = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    for result in (first, second):
        assert result.exit_code == 1, result.output  # the failed file is still failed in the output
        assert "bad\\x1b[31mred\\u202e.pdf" in result.output
        assert "\x1b[31m" not in result.output and "\u202e" not in result.output
    assert "không đổi" in second.output and "Không đọc được" in second.output


def test_usage_errors_are_usage_errors(tmp_path):
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--workers", "-1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--workers" in result.output


def test_csv_cells_that_would_be_formulas_are_neutralised(tmp_path):
    from cchc.pipeline.model import ReportResult

    store = OutputStore(tmp_path)
    store.write(ReportResult({"source_path": "=HYPERLINK(\"http://x\")", "report_id": "abc", "status": "failed",
                              "error": "-2+3", "report_year": 2023}))
    store.save_manifest()
    result = CliRunner().invoke(app, ["query", str(tmp_path), "SELECT source_path, error, report_year FROM reports",
                                      "--csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",'-2+3,2023"


def test_report_text_in_the_page_is_isolated(tmp_path):
    from cchc.pipeline.model import ReportResult
    from cchc.pipeline.output.report_html import write_html

    store = OutputStore(tmp_path / "out")
    name = "/in/báo cáo \u202eTXT.exe"  # a right-to-left override: shown as "báo cáo exe.TXT" if not isolated
    store.write(ReportResult({"source_path": name, "report_id": "abc", "status": "failed",
                              "error": "lỗi \u202eabc", "report_year": 2023}))
    store.save_manifest()
    page = write_html(tmp_path / "out", tmp_path / "page.html").read_text(encoding="utf-8")
    assert f"<bdi>{name}</bdi>" in page and "<bdi>lỗi \u202eabc</bdi>" in page
