"""What an inspector meets on a folder of reports with the usual clutter:
cchc's own output inside the folder, files that are not reports, the same
report in three formats, a per-file record of the run, exit statuses that
mean one thing each, files colleagues can read, and an install that works
from a wheel."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc.cli import app
from conftest import ROOT, SAMPLES, SEED, SEED_DOCX, SEED_PDF, SEED_TXT, sorted_table
from cchc.pipeline.run.discover import OUTPUT_MARKER, discover
from cchc.pipeline.output.duplicates import Report, group_reports
from cchc.pipeline.text.sketch import similarity, sketch
from cchc.pipeline.run.process import process_file

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def clutter(folder: Path) -> dict[str, str]:
    """The files that are not reports, as a shared folder holds them: name -> kind."""
    (folder / "meta.json").write_text(json.dumps({"nguon": "Sở Ngoại vụ", "so_bao_cao": 12}), encoding="utf-8")
    (folder / "logo.png").write_bytes(PNG_1x1)
    (folder / "hello.txt").write_text("hello world\n", encoding="utf-8")
    with zipfile.ZipFile(folder / "bao-cao.zip", "w") as z:
        z.writestr("a.txt", "Báo cáo")
    return {"meta.json": "JSON data", "logo.png": "PNG image", "hello.txt": "not an administrative report",
            "bao-cao.zip": "zip archive"}


@pytest.fixture(scope="module")
def inspector_folder(tmp_path_factory) -> Path:
    """The samples and the clutter, in a folder of their own."""
    folder = tmp_path_factory.mktemp("bao-cao") / "reports"
    shutil.copytree(SAMPLES, folder)
    clutter(folder)
    return folder


@pytest.fixture(scope="module")
def two_runs(prefect_harness, inspector_folder):
    """`cchc ingest .` twice from inside the folder, with the default --out."""
    runner = CliRunner()
    here = os.getcwd()
    os.chdir(inspector_folder)
    try:
        first = runner.invoke(app, ["ingest", ".", "--workers", "2"])
        out = inspector_folder / "out"
        tables = {name: _table(out, name) for name in ("reports", "sections", "metrics", "findings", "comparison")}
        files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and "runs" not in p.parts)
        second = runner.invoke(app, ["ingest", ".", "--workers", "2", "--json"])
    finally:
        os.chdir(here)
    return first, second, tables, files


def _table(out: Path, name: str) -> pd.DataFrame:
    return sorted_table(out / name)


# ------------------------------------------------------------ the whole run


def test_two_runs_from_inside_the_folder_leave_the_tables_as_after_the_first(two_runs, inspector_folder):
    first, second, tables, files = two_runs
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    out = inspector_folder / "out"
    for name, before in tables.items():
        pd.testing.assert_frame_equal(_table(out, name), before)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")
                  if p.is_file() and "runs" not in p.parts) == files
    reports = pd.read_parquet(out / "reports")
    assert not reports.source_path.str.startswith("out").any()  # nothing of its own was read
    assert (out / OUTPUT_MARKER).exists()
    for run in (first, second):  # said once a run
        assert run.stderr.count("không đọc: out (kết quả do chính cchc ghi)") == 1, run.stderr


def test_json_png_zip_and_hello_world_are_not_reports_and_write_no_facts(two_runs, inspector_folder):
    out = inspector_folder / "out"
    reports = pd.read_parquet(out / "reports")
    by_name = {Path(p).name: row for p, row in zip(reports.source_path, reports.to_dict("records"))}
    expected = {"meta.json": ("json", "JSON data"), "logo.png": ("png", "PNG image"),
                "hello.txt": ("txt", "not an administrative report"), "bao-cao.zip": ("zip", "zip archive")}
    for name, (fmt, words) in expected.items():
        row = by_name[name]
        assert (row["status"], row["format"]) == ("not_a_report", fmt), row
        assert words in row["error"]
    ids = {by_name[n]["report_id"] for n in expected}
    for table in ("sections", "references", "metrics", "findings", "dates"):
        assert not set(pd.read_parquet(out / table).report_id) & ids, table


def test_the_seed_in_three_formats_is_one_report_counted_once(two_runs, inspector_folder, tmp_path,
                                                             prefect_harness):
    out = inspector_folder / "out"
    reports = pd.read_parquet(out / "reports")
    reports["source_path"] = [Path(p).name for p in reports.source_path]  # resolved paths: the names suffice
    seed = reports[reports.source_path.str.startswith(SEED)].set_index("source_path")
    canonical = seed.loc[f"{SEED}.docx"]
    assert pd.isna(canonical.duplicate_of)
    assert seed.loc[f"{SEED}.txt"].duplicate_of == canonical.report_id
    assert seed.loc[f"{SEED}.pdf"].duplicate_of == canonical.report_id
    assert set(reports.status[reports.source_path.str.startswith(SEED)]) == {"ok"}

    # findings and comparison are those of the DOCX alone.
    alone = tmp_path / "alone"
    alone.mkdir()
    for p in SAMPLES.iterdir():
        if p.is_file() and p.suffix != ".pdf" and p.name != f"{SEED}.txt":
            shutil.copy(p, alone / p.name)
    result = CliRunner().invoke(app, ["ingest", str(alone), "--out", str(tmp_path / "out"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    for table in ("findings", "comparison", "metrics"):
        mine, theirs = pd.read_parquet(out / table), pd.read_parquet(tmp_path / "out" / table)
        assert len(mine) == len(theirs), table
    found = pd.read_parquet(out / "findings")
    assert set(found.report_id) <= set(reports.report_id[reports.duplicate_of.isna()])
    assert not (found.check.str.startswith("cross_report") & found.related_report_id.isin(seed.report_id)
                & found.report_id.isin(seed.report_id)).any()


def test_the_run_csv_lists_every_discovered_file_once(two_runs, inspector_folder):
    first, second, _, _ = two_runs
    out = inspector_folder / "out"
    runs = sorted((out / "runs").glob("*.csv"))
    assert len(runs) == 2
    discovered = sorted(str(Path(p).relative_to(inspector_folder)) for p in
                        [os.path.join(inspector_folder, f) for f in discover([inspector_folder]).files])
    for run in runs:
        with open(run, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert sorted(str(Path(r["file"]).relative_to(inspector_folder)) for r in rows) == discovered
        assert all(r["status"] for r in rows)
        assert set(rows[0]) >= {"file", "status", "format", "issuer", "period", "figures", "references",
                                "findings", "error"}
        by_file = {Path(r["file"]).name: r for r in rows}
        assert by_file["logo.png"]["status"] == "not_a_report"
        assert int(by_file[f"{SEED}.docx"]["figures"]) > 0
        assert by_file[f"{SEED}.pdf"]["figures"] == "0"  # counted under the DOCX
    # --json printed the same rows on standard output, nothing else.
    printed = json.loads(second.stdout)
    assert sorted(str(Path(r["file"]).relative_to(inspector_folder)) for r in printed) == discovered
    # Not a terminal: one file, one line, however long.
    line = next(l for l in second.stderr.splitlines() if l.startswith("Không phải báo cáo") and "hello.txt" in l)
    # What a person reads first, then the reader's own words.
    assert "Văn bản không mang dấu hiệu nào của một báo cáo hành chính" in line
    assert line.endswith("«hello world»)")


def test_outputs_follow_the_umask(two_runs, inspector_folder):
    umask = os.umask(0o022)
    os.umask(umask)
    out = inspector_folder / "out"
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) > 20
    assert {p.stat().st_mode & 0o777 for p in written} == {0o666 & ~umask}


@pytest.mark.parametrize("umask, mode", [("022", 0o644), ("027", 0o640)])
def test_atomic_write_gives_the_mode_of_the_umask(tmp_path, umask, mode):
    target = tmp_path / "t.parquet"
    code = ("import sys; from pathlib import Path; from cchc.pipeline.output.store import atomic_write; "
            "atomic_write(Path(sys.argv[1]), lambda tmp: Path(tmp).write_text('x'))")
    subprocess.run(["sh", "-c", f'umask {umask} && exec "$0" -c "$1" "$2"', sys.executable, code, str(target)],
                   check=True, timeout=60)
    assert target.stat().st_mode & 0o777 == mode


def test_formats_that_are_not_reports_are_named_by_their_bytes(tmp_path):
    import gzip
    import io
    import tarfile

    import openpyxl

    from cchc.pipeline.read.detect import detect_format

    files = {
        "a.json": b'[{"so": "12/BC-UBND"}]',
        "scan.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 64,
        "logo.png": PNG_1x1,
        "bao-cao.txt.gz": gzip.compress("Báo cáo".encode()),
        "BM-notes.txt": "BM 12 ghi chú, không phải ảnh\n".encode(),  # "BM" opens text too
        "not-json.txt": "[Dự thảo] Báo cáo công tác cải cách hành chính\n".encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "so-lieu.xlsx")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("a.txt")
        tar.addfile(info, io.BytesIO(b""))
    (tmp_path / "reports.tar").write_bytes(buffer.getvalue())
    kinds = {p.name: detect_format(p) for p in tmp_path.iterdir()}
    assert kinds == {"a.json": "json", "scan.jpg": "jpeg", "logo.png": "png", "bao-cao.txt.gz": "gzip",
                     "BM-notes.txt": "txt", "not-json.txt": "txt", "so-lieu.xlsx": "xlsx", "reports.tar": "tar"}
    assert "cchc does not unpack archives" in process_file(tmp_path / "reports.tar").report["error"]

    # The page `cchc report` writes, saved among the reports, is its own output.
    from cchc.pipeline.output.report_html import write_html

    page = write_html(tmp_path / "no-output-yet", tmp_path / "tong-hop.html")
    assert detect_format(page) == "cchc_page"
    assert "cchc's own output" in process_file(page).report["error"]
    assert process_file(tmp_path / "so-lieu.xlsx").status == "not_a_report"


# ------------------------------------------------------------ exit statuses


def test_exit_status_for_a_missing_path_an_empty_folder_and_a_locked_output(prefect_harness, tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert missing.exit_code == 2 and "không có tệp hoặc thư mục: " in missing.output
    assert not (tmp_path / "out").exists()  # before any work

    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = runner.invoke(app, ["ingest", str(empty), "--out", str(tmp_path / "out")])
    assert nothing.exit_code == 4, nothing.output
    assert "không tìm thấy báo cáo nào" in nothing.output

    only_clutter = tmp_path / "clutter"
    only_clutter.mkdir()
    clutter(only_clutter)
    assert runner.invoke(app, ["ingest", str(only_clutter), "--out", str(tmp_path / "out2")]).exit_code == 4

    inside = runner.invoke(app, ["ingest", str(tmp_path), "--out", str(tmp_path)])
    assert inside.exit_code == 2 and "hãy chọn --out khác" in inside.output

    help_text = runner.invoke(app, ["ingest", "--help"]).output
    for code in ("0 ", "1 ", "2 ", "3 ", "4 "):
        assert f"  {code}" in help_text
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("cchc ")


def test_quiet_prints_nothing_when_all_is_well(prefect_harness, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED_TXT, src / "bao-cao.txt")
    quiet = CliRunner().invoke(app, ["ingest", str(src), "--out", str(tmp_path / "out"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""


# ------------------------------------------------------------ discovery


def test_exclude_and_marked_folders_are_not_walked(tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "old-out").mkdir()
    for name in ("a.txt", "b.json", "drafts/c.txt", "old-out/reports.txt", "keep/d.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "old-out" / OUTPUT_MARKER).write_text("", encoding="utf-8")
    found = discover([tmp_path], exclude=["*.json", "drafts"])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in found.files] == ["a.txt", "keep/d.txt"]
    assert found.excluded == 2 and found.own_output == [str(tmp_path / "old-out")]
    files, problems = discover([tmp_path / "nope"])  # still unpacks as before
    assert files == [] and problems == [f"{tmp_path / 'nope'}: no such file or folder"]


# ------------------------------------------------------------ grouping


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    return {p.suffix: process_file(p).text for p in (SEED_TXT, SEED_DOCX, SEED_PDF)}


def test_text_similarity_tells_formats_of_one_report_from_two_years(seed_texts):
    sketches = {k: sketch(t) for k, t in seed_texts.items()}
    assert similarity(sketches[".txt"], sketches[".pdf"]) > 0.9
    assert similarity(sketches[".txt"], sketches[".docx"]) > 0.9
    other = sketch(process_file(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt").text)
    assert similarity(sketches[".txt"], other) < 0.3


def _report(path, fmt, text, report_id=None, **header) -> Report:
    defaults = dict(issuer=("Hà Tĩnh", "SNgV"), doc_number="12/BC-SNgV", report_date="2023-09-01",
                    period_start="2023-01-01", period_end="2023-08-31")
    defaults.update(header)
    return Report(report_id or path, path, fmt, "ok", sketch=sketch(text) if text else None, **defaults)


def test_grouping_picks_the_richest_format_and_flags_versions(seed_texts):
    txt, docx, pdf = seed_texts[".txt"], seed_texts[".docx"], seed_texts[".pdf"]
    marks = group_reports([_report("a.txt", "txt", txt), _report("b.pdf", "pdf", pdf), _report("c.docx", "docx", docx)])
    assert {p: m.duplicate_of for p, m in marks.items()} == {"a.txt": "c.docx", "b.pdf": "c.docx"}

    # Nearly the same text, the header lost in one of them: still one report.
    marks = group_reports([_report("a.txt", "txt", txt), _report("b.pdf", "pdf", pdf, doc_number=None, report_date=None)])
    assert marks["a.txt"].duplicate_of == "b.pdf"

    # Same number and period, another text: two versions, both kept.
    other = process_file(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt").text
    marks = group_reports([_report("v1.txt", "txt", txt), _report("v2.txt", "txt", other, report_date="2023-09-20")])
    assert {p: (m.duplicate_of, m.other_versions) for p, m in marks.items()} == {
        "v1.txt": (None, "v2.txt"), "v2.txt": (None, "v1.txt")}

    # Two departments' reports with the same serial are not one report,
    # nor are two written from one template (nearly the same text).
    marks = group_reports([_report("a.txt", "txt", txt), _report("b.txt", "txt", other, issuer=("Hà Tĩnh", "STP"))])
    assert marks == {}
    marks = group_reports([_report("a.txt", "txt", txt), _report("b.txt", "txt", txt, issuer=("Hà Tĩnh", "STP"))])
    assert marks == {}


def test_two_versions_are_both_kept_and_flagged(tmp_path):
    from cchc.pipeline.output.compare import compare_reports
    from cchc.pipeline.output.duplicates import SKETCHES, mark_duplicates
    from cchc.pipeline.output.store import OutputStore

    text = (SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt").read_text(encoding="utf-8")
    first, second = tmp_path / "v1.txt", tmp_path / "v2.txt"
    first.write_text(text, encoding="utf-8")
    # The corrected re-issue: the same number and period, half the text rewritten.
    other = (SAMPLES / "so-ngoai-vu-ha-tinh-2021.txt").read_text(encoding="utf-8")
    head, body = text.split("I. ", 1)
    second.write_text(head + "I. " + other.split("I. ", 1)[1], encoding="utf-8")
    out = tmp_path / "out"
    store = OutputStore(out)
    for p in (first, second):
        store.write(process_file(p))
    run = mark_duplicates(out, store.sketches)
    assert (run.duplicates, run.versioned) == (0, 2)
    reports = pd.read_parquet(out / "reports").set_index("source_path")
    ids = reports.report_id.to_dict()
    # The sketches made where the files were read are those of the texts written.
    assert set(store.sketches) == set(ids.values())
    assert json.loads((out / SKETCHES).read_text(encoding="utf-8")) == {
        i: sketch((out / "text" / f"{i}.txt").read_text(encoding="utf-8")) for i in ids.values()}
    assert reports.loc[str(first)].other_versions == ids[str(second)]
    assert reports.loc[str(second)].other_versions == ids[str(first)]
    _, findings = compare_reports(out)
    flagged = [f for f in findings if f["check"] == "report_version"]
    assert {(f["report_id"], f["related_report_id"], f["severity"]) for f in flagged} == {
        (ids[str(first)], ids[str(second)], "info"), (ids[str(second)], ids[str(first)], "info")}
    assert all("1352/BC-SNgV" in f["message"] and f["sentence"] for f in flagged)


def test_a_duplicate_gets_its_facts_back_when_its_canonical_changes(tmp_path):
    from cchc.pipeline.output.duplicates import PARKED, mark_duplicates
    from cchc.pipeline.output.store import OutputStore

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(SEED_TXT, a)
    b.write_text(SEED_TXT.read_text(encoding="utf-8").replace("Hà Tĩnh", "Hà Tĩnh.", 1), encoding="utf-8")
    out = tmp_path / "out"
    store = OutputStore(out)
    for p in (a, b):
        store.write(process_file(p))
    assert mark_duplicates(out).duplicates == 1
    reports = pd.read_parquet(out / "reports").set_index("source_path")
    b_id = reports.loc[str(b)].report_id
    assert reports.loc[str(b)].duplicate_of == reports.loc[str(a)].report_id
    assert b_id not in set(pd.read_parquet(out / "metrics").report_id)
    assert any((out / PARKED / "metrics").rglob(f"{b_id}.*parquet"))

    # a becomes another report: b is a report of its own again, with its facts.
    shutil.copy(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt", a)
    store.write(process_file(a))
    store.save_manifest()  # the commit: a's former rows go
    assert mark_duplicates(out).duplicates == 0
    reports = pd.read_parquet(out / "reports")
    assert reports.duplicate_of.isna().all()
    assert b_id in set(pd.read_parquet(out / "metrics").report_id)
    assert not (out / PARKED).exists()


# ------------------------------------------------------------ install


def test_wheel_installed_in_a_fresh_venv_reads_a_sample(prefect_harness, tmp_path):
    """Build the wheel offline (this environment's setuptools), install it
    with no dependencies into a fresh venv that reuses this environment's
    packages, and read a sample from another directory."""
    from prefect.settings import PREFECT_API_URL

    source = tmp_path / "src"
    for name in ("pipeline", "flows", "cchc", "patterns"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=120)
    wheel = next((tmp_path / "dist").glob("cchc-*.whl"))
    assert {"cchc/patterns/metrics.yaml", "cchc/patterns/schemas/metrics.yaml"} <= set(zipfile.ZipFile(wheel).namelist())

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    site = next(venv.glob("lib/python*/site-packages"))
    # The dependencies: this environment's, after the venv's own packages.
    (site / "deps.pth").write_text(next(p for p in sys.path if p.endswith("site-packages")) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=120)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt", elsewhere / "bao-cao.txt")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CCHC_PATTERNS")}
    env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    python = venv / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import cchc.pipeline, cchc.pipeline.patterns as p; "
                            "print(cchc.pipeline.__file__); print(p.PATTERNS_DIR)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert all(line.startswith(str(site)) for line in where.stdout.split()), where.stdout
    run = subprocess.run([str(python), "-c", "from cchc.cli import app; app()", "ingest", "bao-cao.txt", "--workers", "1"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    reports = pd.read_parquet(elsewhere / "out" / "reports")
    assert list(reports.status) == ["ok"] and reports.issuer_code.tolist() == ["SNgV"]
    assert len(pd.read_parquet(elsewhere / "out" / "metrics")) > 10
