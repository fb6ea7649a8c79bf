"""Any file an inspector drops in: the corpus of tests/corpus.py goes through
`cchc ingest`, and every file ends with exactly one `reports` row with the
status docs/failure-modes.md gives it.  Scans and old Word files are read
once their tool is installed; both tools are exercised through stand-in
executables on PATH (the real subprocess path), and through the real ones
wherever they are installed."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc.cli import app
from conftest import SEED_DOCX, SEED_PDF, require_tool
from corpus import (BAD_NAME, EXPECTED, FAKE_DOC_TEXT, build, fake_soffice, fake_tesseract, make_scan, page_image)
from cchc.pipeline import tools
from cchc.pipeline.run.discover import discover
from cchc.pipeline.run.process import process_file

NO_TOOLS = "no-tools"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def bare_path(tmp_path, monkeypatch):
    """PATH with neither Tesseract nor LibreOffice on it."""
    empty = tmp_path / NO_TOOLS
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


def _by_name(out: Path) -> dict[str, dict]:
    reports = pd.read_parquet(out / "reports")
    assert reports.source_path.is_unique
    return {Path(p).name: row for p, row in zip(reports.source_path, reports.to_dict("records"))}


def test_every_file_gets_one_row_with_its_documented_status(prefect_harness, inbox, tmp_path, monkeypatch,
                                                           bare_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "2",
                                      "--timeout", "120"])
    assert result.exit_code == 1, result.output  # some files failed, and the run went on

    files, problems = discover([inbox])
    assert discover([inbox]).skipped == []  # no link leads out of the folder
    rows = _by_name(out)
    bad_name = os.fsdecode(BAD_NAME)
    assert len(rows) == len(files) == len(EXPECTED) + 1  # + the file with an undecodable name
    for name, (status, words) in EXPECTED.items():
        row = rows[name]
        assert row["status"] == status, (name, row["error"])
        if words:
            assert words in row["error"], (name, row["error"])
        else:
            assert pd.isna(row["error"]), (name, row["error"])
    # The undecodable name is read, and written with its bytes escaped.
    odd = next(row for name, row in rows.items() if name not in EXPECTED)
    assert odd["status"] == "ok" and odd["source_path"].endswith("bao-cao-\\xff\\xfe.txt")
    assert bad_name not in rows
    # A FIFO is a problem, not a file; Word's lock file and the folder loop are skipped.
    assert problems == [f"{inbox / 'pipe.txt'}: not a regular file (a pipe, socket or device): skipped"]
    assert not any("/up/" in f or "~$" in f for f in files)
    # The external entity was never resolved.
    xxe = rows["xxe.docx"]
    assert "root:" not in (out / "text" / f"{xxe['report_id']}.txt").read_text(encoding="utf-8")
    # What the user is told, per file.
    for name in ("empty.txt", "encrypted.pdf", "huge.pdf", "old-word.doc"):
        assert name in result.output
    assert "Cần nhận dạng chữ (OCR)" in result.output and "scan.pdf" in result.output
    assert "Không phải tệp thường (pipe, socket hay thiết bị)" in result.output and "pipe.txt" in result.output

    # Run again: nothing changed, nothing is read again, the manifest keeps the odd name.
    again = CliRunner().invoke(app, ["ingest", str(inbox), "--out", str(out), "--workers", "2"])
    assert "trong đó không đổi, bỏ qua" in again.output
    manifest = json.loads((out / "_manifest.json").read_text(encoding="utf-8", errors="surrogateescape"))
    assert os.path.join(str(inbox), bad_name) in manifest["files"]
    assert _by_name(out).keys() == rows.keys()

    # Tesseract and LibreOffice are installed: the files that waited for them are read, and only those.
    fake_tesseract(bare_path)
    fake_soffice(bare_path)
    from cchc.flows.runner import run_ingest

    summary = run_ingest([str(inbox)], out=str(out), workers=2)
    # scan.pdf, cid-garbage.pdf, scan-and-text.pdf, old-word.doc, and the two
    # names that cannot be opened (loop.txt, dangling.pdf), tried on every run.
    assert summary.parsed == 6, summary
    rows = _by_name(out)
    for name in ("scan.pdf", "cid-garbage.pdf", "scan-and-text.pdf", "old-word.doc"):
        assert rows[name]["status"] == "ok", (name, rows[name]["error"])
    assert "read by OCR" in rows["scan.pdf"]["warnings"]
    metrics = pd.read_parquet(out / "metrics")
    scan_figures = metrics[metrics.report_id == rows["scan.pdf"]["report_id"]]
    assert set(scan_figures.source) == {"ocr"} and 246 in set(scan_figures.value)
    text = (out / "text" / f"{rows['old-word.doc']['report_id']}.txt").read_text(encoding="utf-8")
    assert FAKE_DOC_TEXT in text
    assert "stdin stdout -l vie" in (bare_path / "tesseract.log").read_text()


def test_only_the_scanned_page_is_ocrd(tmp_path, bare_path):
    fake_tesseract(bare_path)
    path = make_scan(tmp_path / "mixed.pdf", [page_image()], [["Ty le giai quyet dung han dat 98,5%."]])
    result = process_file(path)
    assert result.status == "ok"
    by_page = {}
    for row in result.rows["metrics"]:
        by_page.setdefault(row["page"], set()).add(row["source"])
    assert by_page == {1: {"ocr"}, 2: {"text"}}
    log = (bare_path / "tesseract.log").read_text().splitlines()
    assert log.count("stdin stdout -l vie") == 1  # one page, not two


def test_ocr_that_fails_leaves_the_report_partial(tmp_path, bare_path):
    exe = bare_path / "tesseract"
    exe.write_text("#!/bin/sh\n[ \"$1\" = --list-langs ] && { echo vie; exit 0; }\necho 'Error: page too dark' >&2\n"
                   "exit 3\n")
    exe.chmod(0o755)
    result = process_file(make_scan(tmp_path / "scan.pdf", [page_image()]))
    assert result.status == "partial"
    assert "page 1: OCR failed: tesseract exited with status 3: Error: page too dark" in result.report["error"]


def test_tesseract_without_the_vietnamese_model_counts_as_missing(tmp_path, bare_path):
    exe = bare_path / "tesseract"
    exe.write_text("#!/bin/sh\necho 'List of available languages (1):'\necho eng\n")
    exe.chmod(0o755)
    result = process_file(make_scan(tmp_path / "scan.pdf", [page_image()]))
    assert result.status == "needs_ocr" and "tesseract-ocr-vie" in result.report["error"]
    assert result.waits_for == "tesseract"


def test_a_conversion_that_fails_says_so(tmp_path, bare_path):
    exe = bare_path / "soffice"
    exe.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 0\n")
    exe.chmod(0o755)
    path = tmp_path / "broken.doc"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\xff" * 1000)
    result = process_file(path)
    assert result.status == "failed" and result.report["format"] == "doc"
    assert "LibreOffice could not convert it (Error: source file could not be loaded)" in result.report["error"]


def test_real_tesseract_reads_a_scanned_page(tmp_path):
    """The real Tesseract with its Vietnamese model (`make test` installs it as root)."""
    require_tool(bool(tools.tesseract()), "tesseract with its Vietnamese model (for the OCR tests)",
                 "apt-get install tesseract-ocr tesseract-ocr-vie")
    result = process_file(make_scan(tmp_path / "scan.pdf", [page_image(SEED_PDF, 0, dpi=200)]))
    assert result.status == "ok", result.report["error"]
    assert "cải cách hành chính" in result.text.lower()
    assert {b for b in result.text.split()} & {"Sở", "Ngoại", "vụ"}


def test_real_libreoffice_wherever_it_is_installed(tmp_path):
    """The real LibreOffice where it is installed; where it is not, a .doc
    gives its how-to row."""
    soffice = tools.soffice()
    doc = tmp_path / "report.doc"
    if soffice:
        tools.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                   "--convert-to", "doc", "--outdir", str(tmp_path), str(shutil.copy(SEED_DOCX, tmp_path / "report.docx"))],
                  timeout=120)
        result = process_file(doc)
        assert result.status == "ok" and result.report["format"] == "doc", result.report["error"]
        assert result.report["issuer"] == "Sở Ngoại vụ"
    else:
        doc.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
        assert "install LibreOffice" in process_file(doc).report["error"]


def _as_nobody(fn):
    """Run `fn` without root's right to read anything: in a child process
    that drops to `nobody` when the tests run as root."""
    if os.geteuid() != 0:
        return fn()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            os.setgid(65534)
            os.setuid(65534)
            answer = fn()
        except BaseException as exc:  # noqa: BLE001 - told to the parent
            answer = {"child failed": repr(exc)}
        try:
            os.write(w, json.dumps(answer).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_unreadable_files_and_folders():
    top = Path(tempfile.mkdtemp(prefix="cchc-unreadable-"))  # outside pytest's root-only folder
    box = top / "box"
    (box / "locked").mkdir(parents=True)
    (box / "locked" / "inside.txt").write_text("x", encoding="utf-8")
    secret = box / "secret.txt"
    secret.write_text("Báo cáo mật: 5 hồ sơ.", encoding="utf-8")
    for p in (top, box):
        p.chmod(0o755)  # so that nobody may come in
    secret.chmod(0o000)
    (box / "locked").chmod(0o000)

    def look():
        files, problems = discover([box])
        result = process_file(secret)
        return {"files": files, "problems": problems, "status": result.status, "error": result.report["error"]}

    try:
        seen = _as_nobody(look)
    finally:
        secret.chmod(0o644)
        (box / "locked").chmod(0o755)
        shutil.rmtree(top)
    assert "child failed" not in seen, seen
    assert seen["files"] == [str(secret)]  # found, though unreadable: it gets its row
    assert seen["status"] == "failed" and "Permission denied" in seen["error"]
    assert seen["problems"] == [f"{box / 'locked'}: folder not read: Permission denied"]


def test_pages_past_the_limit_are_not_read(monkeypatch):
    from cchc.pipeline import limits

    monkeypatch.setattr(limits, "_current", limits.Limits(max_pages=3))
    result = process_file(SEED_PDF)
    assert result.status == "partial" and result.report["n_pages"] == 20
    assert "the PDF has 20 pages: pages 4-20 were not read (Limits.max_pages = 3)" in result.report["error"]
    assert {row["page"] for row in result.rows["sections"]} <= {1, 2, 3}


def test_rows_that_cannot_be_written_still_leave_a_reports_row(tmp_path):
    from cchc.pipeline.model import ReportResult
    from cchc.pipeline.output.store import OutputStore

    store = OutputStore(tmp_path / "out")
    report = {"source_path": "/x/a.txt", "report_id": "abc", "status": "ok", "report_year": 2023}
    bad = ReportResult(report, rows={"sections": [{"section_path": "I", "level": "not a number"}]}, text="t")
    store.write(bad)
    reports = pd.read_parquet(tmp_path / "out" / "reports")
    assert reports.status.tolist() == ["failed"] and reports.error[0].startswith("write: ")
    assert not (tmp_path / "out" / "sections").exists() or not list((tmp_path / "out" / "sections").rglob("*.parquet"))
