"""The whole path a user runs: files in, parquet tables out, through the
Prefect flow.  These tests share one Prefect harness."""

import re
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc.cli import app
from cchc.flows.runner import run_ingest
from cchc.pipeline.run.process import process_file
from cchc.pipeline.output.store import OutputStore

from conftest import SAMPLES, SEED_TXT


def layout(out):
    """The output's files, generation numbers aside."""
    return sorted(re.sub(r"\.g\d+\.parquet$", ".parquet", f.relative_to(out).as_posix()) for f in out.rglob("*.parquet"))


def read_table(out, name):
    return pd.read_parquet(out / name).sort_values(list(pd.read_parquet(out / name).columns[:2])).reset_index(drop=True)


def test_process_file_never_raises_on_bad_input(tmp_path):
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"\x00\x01garbage" * 100)
    result = process_file(junk)
    assert result.status == "failed"
    assert "binary" in result.report["error"]
    missing = process_file(tmp_path / "nope.pdf")
    assert missing.status == "failed" and "open" in missing.report["error"]


def test_a_fact_becomes_the_row_dataclasses_would_make_of_it():
    """`as_row` gives each fact of the shared report the row
    `dataclasses.asdict` gives (a fact holding a dataclass would fail here)."""
    from dataclasses import asdict

    from cchc.pipeline.checks import check_report
    from cchc.pipeline.extract import extract
    from cchc.pipeline.model import as_row
    from cchc.pipeline.outline.structure import build_sections, parse_header
    from cchc.pipeline.read import read_document
    from cchc.pipeline.text.normalize import normalize_document

    doc = normalize_document(read_document(SEED_TXT))
    meta, sections = parse_header(doc), build_sections(doc)
    facts = extract(doc, sections, meta)
    findings = check_report(doc, meta, facts.references, facts.dates, facts.counts)
    for kind in (facts.references, facts.dates, facts.counts, findings):
        assert kind and [as_row(f) for f in kind] == [asdict(f) for f in kind]


def test_a_checkpoint_saves_the_manifest_unless_the_last_save_was_recent(tmp_path, monkeypatch):
    """After each batch the flow asks for a checkpoint; the whole manifest is
    written only when twenty of its last save's lengths have passed, so a
    large run does not spend its time rewriting it."""
    import cchc.pipeline.output.store as store_module

    clock = [100.0]
    monkeypatch.setattr(store_module.time, "monotonic", lambda: clock[0])
    out = tmp_path / "out"
    store = OutputStore(out)
    store.write(process_file(SEED_TXT))
    store.checkpoint()  # never saved: saves
    assert OutputStore(out).manifest.keys() == {str(SEED_TXT)}
    store._save_seconds = 0.5  # as if that save had taken half a second
    other = tmp_path / "b.txt"
    shutil.copy(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt", other)
    store.write(process_file(other))
    clock[0] += 9.9
    store.checkpoint()  # less than 20 × 0.5 s later: not saved
    assert OutputStore(out).manifest.keys() == {str(SEED_TXT)}
    clock[0] += 0.1
    store.checkpoint()
    assert OutputStore(out).manifest.keys() == {str(SEED_TXT), str(other)}


def test_store_rewrites_identically_and_replaces_one_report(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    a, b = src / "a.txt", src / "b.txt"
    shutil.copy(SEED_TXT, a)
    b.write_text("Số: 3/BC-STP\n\nNinh Bình, ngày 02 tháng 01 năm 2022\n\nBÁO CÁO\n\nCông tác CCHC năm 2021\n\nI. KẾT QUẢ\n\n1. Cải cách thể chế\n\nĐã ban hành 3 văn bản.\n", encoding="utf-8")
    out = tmp_path / "out"
    store = OutputStore(out)
    for p in (a, b):
        store.write(process_file(p))
    store.save_manifest()
    first = layout(out)
    before = read_table(out, "sections")
    store = OutputStore(out)
    for p in (a, b):
        store.write(process_file(p))
    store.save_manifest()  # the commit: the old generation goes
    assert layout(out) == first
    pd.testing.assert_frame_equal(read_table(out, "sections"), before)
    # b changes: its rows are replaced, a's stay.
    b.write_text(b.read_text(encoding="utf-8").replace("Cải cách thể chế", "Cải cách thủ tục hành chính"), encoding="utf-8")
    store.write(process_file(b))
    store.save_manifest()
    after = read_table(out, "sections")
    assert len(after) == len(before)
    assert after[after.report_year == 2022].area.fillna("").tolist() == ["", "tthc"]
    pd.testing.assert_frame_equal(
        after[after.report_year == 2023].reset_index(drop=True), before[before.report_year == 2023].reset_index(drop=True)
    )
    assert len(list((out / "sections").rglob("*.parquet"))) == 2  # the old file of b is gone
    reports = pd.read_parquet(out / "reports")
    assert sorted(reports.source_path) == sorted([str(a), str(b)])


@pytest.fixture
def sample_copy(tmp_path):
    src = tmp_path / "samples"
    shutil.copytree(SAMPLES, src)
    return src


def test_flow_reads_every_sample_then_skips_unchanged_files(prefect_harness, sample_copy, tmp_path):
    out = tmp_path / "out"
    summary = run_ingest([str(sample_copy)], out=str(out), workers=2)
    n_files = len([p for p in sample_copy.iterdir() if p.is_file()])
    assert summary.parsed == n_files and summary.exit_code == 0
    reports = pd.read_parquet(out / "reports")
    assert len(reports) == n_files
    assert set(reports.status) == {"ok"}
    assert set(reports.format) >= {"txt", "docx", "pdf"}
    tables = {name: read_table(out, name) for name in ("reports", "sections")}

    again = run_ingest([str(sample_copy)], out=str(out), workers=2)
    assert again.parsed == 0 and again.unchanged == n_files
    for name, before in tables.items():
        pd.testing.assert_frame_equal(read_table(out, name), before)

    # One bad file joins the batch: it gets a failed row, the rest stay ok.
    (sample_copy / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 50)
    third = run_ingest([str(sample_copy)], out=str(out), workers=1)
    assert third.parsed == 1 and third.exit_code == 1
    reports = pd.read_parquet(out / "reports")
    assert len(reports) == n_files + 1
    broken = reports[reports.source_path.str.endswith("broken.pdf")].iloc[0]
    assert broken.status == "failed" and broken.error


def test_cli_ingest_exit_status_and_help(prefect_harness, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "ingest" in result.output
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED_TXT, src / "report.txt")
    ok = runner.invoke(app, ["ingest", str(src), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert ok.exit_code == 0, ok.output
    (src / "junk.pdf").write_bytes(b"\x7fELF\x02\x01\x01" + b"\x00" * 64)
    bad = runner.invoke(app, ["ingest", str(src), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert bad.exit_code == 1
    assert "junk.pdf" in bad.output
    # The summary speaks to a person in Vietnamese; the codes stay in the tables.
    [line] = [ln for ln in bad.output.splitlines() if "junk.pdf" in ln]
    assert line.startswith("Không đọc được") and "Nội dung nhị phân không nhận ra được" in line
    assert "số dòng đã ghi" in bad.output and "trong đó không đổi, bỏ qua" in bad.output


def _latest_run(flow_name: str):
    """The latest run of a flow, as the Prefect API records it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
                                      sort=FlowRunSort.START_TIME_DESC, limit=1)
        artifacts = client.read_artifacts()
    return run, artifacts


def test_a_run_with_failed_files_says_so_in_its_state_artifact_and_serve_line(prefect_harness, tmp_path, capsys,
                                                                              monkeypatch):
    from cchc.flows.inbox import ingest_inbox
    from cchc.flows.ingest import COMPLETED_WITH_FAILURES, SUMMARY_ARTIFACT

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_TXT, inbox / "report.txt")
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 50)
    monkeypatch.chdir(tmp_path)  # relative paths in, absolute paths out
    state = ingest_inbox("inbox", out="out", workers=1, return_state=True)
    summary = state.result()
    assert summary.parsed == 2 and len(summary.failed) == 1
    # The inbox run and the ingest run within it are Completed, under a name that says files failed.
    assert state.is_completed() and state.name == COMPLETED_WITH_FAILURES
    assert "1 không đọc được" in state.message
    run, artifacts = _latest_run("cchc-ingest")
    assert run.state.is_completed() and run.state.name == COMPLETED_WITH_FAILURES
    # One line for the run, with its counts, on the output of `cchc serve`.
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("cchc-inbox ")]
    assert lines == [f"cchc-inbox {inbox} → {tmp_path / 'out'}: {summary.line()}"]
    assert "2 tệp: 2 đã đọc, 0 không đổi, 1 không đọc được" in lines[0]
    # The summary artifact lists the failed file by its absolute path, with its error.
    [artifact] = [a for a in artifacts if a.key == SUMMARY_ARTIFACT and a.flow_run_id == run.id]
    assert f"| {str(inbox / 'broken.pdf').replace('_', chr(92) + '_')} |" in artifact.data
    assert "## Tệp không đọc được" in artifact.data and "| Đọc được (ok) | 1 |" in artifact.data

    # Nothing failed the next time: a plain Completed.
    (inbox / "broken.pdf").unlink()
    again = ingest_inbox("inbox", out="out", workers=1, return_state=True)
    assert again.is_completed() and again.name == "Completed"
