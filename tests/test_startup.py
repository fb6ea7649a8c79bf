"""What a run costs before it reads anything: the commands that need no
Prefect import none, a run with nothing to do is answered from the manifest
without Prefect, and a run against a real `prefect server start` shows its
flow run, its tasks (named by their files) and its summary artifact."""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import weakref
from contextlib import closing
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

# What the commands that only read the tables must not import.
HEAVY = ("prefect", "spacy", "pdfplumber", "pypdfium2", "pdfminer", "docx")
# pandas is for the commands that make tables for people (compare, export);
# a re-run reads its counts with DuckDB alone.
WATCHED = (*HEAVY, "pandas")

# Runs the cchc command given as arguments in a fresh interpreter, then
# prints the heavy modules it imported as the last line of standard error.
_PROBE = f"""
import json, sys
from cchc.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(WATCHED)!r}))), file=sys.stderr)
"""


def _run(args: list[str], env: dict | None = None, timeout: float = 120) -> tuple[subprocess.CompletedProcess, list]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, **(env or {})})
    return done, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, Path]:
    """Two sample reports read into an output folder by the library, as a
    finished run leaves it (tables, comparison, manifest): no Prefect."""
    from cchc.pipeline.output.compare import compare_reports
    from cchc.pipeline.run.discover import mark_output
    from cchc.pipeline.run.process import process_file
    from cchc.pipeline.output.store import OutputStore

    base = tmp_path_factory.mktemp("startup")
    inbox, out = base / "in", base / "out"
    inbox.mkdir()
    for name in ("so-ngoai-vu-ha-tinh-2021.txt", "so-ngoai-vu-ha-tinh-2022.txt"):
        shutil.copy(SAMPLES / name, inbox / name)
    store = OutputStore(out)
    mark_output(out)
    for path in sorted(inbox.iterdir()):
        store.write(process_file(os.path.realpath(path)))
    store.save_manifest()
    store.write_across(*compare_reports(out))
    store.save_manifest()
    return inbox, out


def test_help_query_and_compare_import_no_prefect_spacy_or_pdf_library(ingested):
    _, out = ingested
    for args in (["--help"], ["query", str(out), "SELECT count(*) AS n FROM reports"], ["compare", str(out)]):
        done, heavy = _run(args)
        assert done.returncode == 0, done.stderr
        assert set(heavy) <= {"pandas"}, (args, heavy)
    done, _ = _run(["query", str(out), "SELECT count(*) AS n FROM reports"])
    assert "2" in done.stdout


def test_an_unchanged_rerun_is_answered_from_the_manifest_without_prefect(ingested, tmp_path):
    inbox, out = ingested
    manifest = (out / "_manifest.json").read_bytes()
    started = time.monotonic()
    done, heavy = _run(["ingest", str(inbox), "--out", str(out)], env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert heavy == [], heavy
    assert "trả lời từ danh mục tệp" in done.stderr
    assert "không đổi" in done.stdout + done.stderr
    assert time.monotonic() - started < 60  # bounded; the benchmark measures the real figure
    assert (out / "_manifest.json").read_bytes() == manifest  # nothing was recorded as changed

    # One changed file, or a file gone, and the flow has work to do.
    from cchc.pipeline.run.rerun import answer_unchanged

    assert answer_unchanged([str(inbox)], out) is not None
    copy = tmp_path / "in"
    shutil.copytree(inbox, copy)
    assert answer_unchanged([str(copy)], out) is None  # the same bytes under new names: new rows
    assert answer_unchanged([str(inbox)], out, prune=False) is not None
    first = sorted(inbox.iterdir())[0]
    saved = first.read_bytes()
    try:
        first.write_bytes(saved + "\nBổ sung.".encode("utf-8"))
        assert answer_unchanged([str(inbox)], out) is None
    finally:
        first.write_bytes(saved)


# ----------------------------------------------------------- reading ahead of Prefect


def test_files_are_parsed_before_any_flow_and_written_only_when_a_task_takes_them(tmp_path):
    """`prepare_run` parses without Prefect, stops parsing while the parsed
    files no task has taken hold its budget of text, and writes nothing: a
    run stopped before its flow leaves the output as it was."""
    from cchc.pipeline.output.store import OutputStore
    from cchc.pipeline.run.ahead import prepare_run

    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    names = ("so-ngoai-vu-ha-tinh-2021.txt", "so-ngoai-vu-ha-tinh-2022.txt", "ubnd-huyen-can-loc-2023-6thang.txt")
    for name in names:
        shutil.copy(SAMPLES / name, inbox / name)
    deadline = time.monotonic() + 120

    def settled(reader, parsed: int) -> None:
        while reader.waiting() < parsed and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # time enough to parse one more file, if the budget let it
        assert reader.waiting() == parsed

    events = []
    # A budget of one character: one parsed file fills it.
    with prepare_run([str(inbox)], str(out), time.monotonic(), workers=1, held_chars=1,
                     progress=lambda *event: events.append(event)) as prepared:
        assert events == [("start", 0, 3)]
        reader, todo = prepared.reader, prepared.plan.todo
        settled(reader, 1)  # the next files wait for a task to take this one
        assert not (out / "reports").exists()
        first = reader.take(todo[:1])
        assert first[0].report["source_path"] == todo[0][0] and first[0].status == "ok"
        settled(reader, 1)  # taking it made room for one more
        # A result taken is held by nothing of the read-ahead's, while files
        # are still to be read: memory stays flat over a long run.
        taken = weakref.ref(first[0])
        del first
        gc.collect()
        assert taken() is None
        rest = reader.take(todo[1:])
        assert [r.report["source_path"] for r in rest] == [p for p, _ in todo[1:]]
        assert all(r.status == "ok" for r in rest)
    assert not OutputStore(out).manifest and not (out / "reports").exists()

    # With the default budget every file is parsed at once, by no more
    # workers than there are files; a run that stops before any task took
    # them writes nothing.
    with prepare_run([str(inbox)], str(out), time.monotonic(), workers=4) as prepared:
        assert prepared.pool.size == 3
        settled(prepared.reader, 3)
    assert not OutputStore(out).manifest and not (out / "reports").exists()


# ------------------------------------------------------- a real Prefect server


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    """`prefect server start` on 127.0.0.1 and a free port, with a home of
    its own; stopped (the whole process group) at the end."""
    import httpx

    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false", "PREFECT_API_URL": ""}
    server = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
                               "127.0.0.1", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "prefect server start did not answer within 120 s"
            time.sleep(0.2)
        yield url, home
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


def test_a_run_against_a_running_server_shows_its_flow_run_tasks_and_summary(prefect_server, tmp_path):
    import httpx

    url, home = prefect_server
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "ubnd-huyen-can-loc-2023-6thang.txt", inbox / "can-loc.txt")
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(home)}
    done = subprocess.run([str(Path(sys.executable).parent / "cchc"), "ingest", str(inbox), "--out", str(out),
                           "--workers", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "trong đó khởi động" in done.stdout

    api = httpx.Client(base_url=url, timeout=30)
    runs = api.post("/flow_runs/filter", json={}).json()
    flows = {f["id"]: f["name"] for f in api.post("/flows/filter", json={}).json()}
    ours = [r for r in runs if flows.get(r["flow_id"]) == "cchc-ingest"]
    assert len(ours) == 1 and ours[0]["state_type"] == "COMPLETED", runs
    tasks = api.post("/task_runs/filter", json={"flow_runs": {"id": {"any_": [ours[0]["id"]]}}}).json()
    parsed = [t for t in tasks if t["task_key"].startswith("parse_batch") or t["name"].startswith("parse ")]
    assert [t["name"] for t in parsed] == ["parse can-loc.txt"], [t["name"] for t in tasks]
    assert all(t["state_type"] == "COMPLETED" for t in tasks)
    artifacts = api.post("/artifacts/filter", json={"artifacts": {"key": {"any_": ["cchc-ingest-summary"]}}}).json()
    assert len(artifacts) == 1 and artifacts[0]["flow_run_id"] == ours[0]["id"]
    assert artifacts[0]["type"] == "markdown" and "| Đọc được (ok) | 1 |" in artifacts[0]["data"], artifacts[0]

    # The same folder again: answered from the manifest, no second flow run; --record makes one.
    again = subprocess.run([str(Path(sys.executable).parent / "cchc"), "ingest", str(inbox), "--out", str(out)],
                           capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0 and "trả lời từ danh mục tệp" in again.stderr, again.stderr
    recorded = subprocess.run([str(Path(sys.executable).parent / "cchc"), "ingest", str(inbox), "--out", str(out),
                               "--record", "--workers", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert recorded.returncode == 0, recorded.stderr
    runs = api.post("/flow_runs/filter", json={}).json()
    assert sum(1 for r in runs if flows.get(r["flow_id"]) == "cchc-ingest") == 2
