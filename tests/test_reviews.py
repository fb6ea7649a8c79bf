"""Stable finding ids and the auditors' verdicts that hang on them:
`cchc review`, the reviews dataset, the Excel round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc.cli import app
from cchc.pipeline.output import reviews
from cchc.pipeline.output.export import export_xlsx
from cchc.pipeline.output.labels import sheet_name
from cchc.pipeline.run.process import process_file
from cchc.pipeline.output.query import connect
from cchc.pipeline.output.store import OutputStore
from cchc.pipeline.output.tables import to_arrow

from conftest import SAMPLES, SEED_TXT
from test_compare import ingest_without_prefect

runner = CliRunner()


def ids_of(path: Path) -> dict[tuple[str, str], str]:
    rows = to_arrow("findings", process_file(path).rows["findings"]).to_pylist()
    return {(r["check"], r["evidence"]): r["finding_id"] for r in rows}


def status(out: Path) -> dict[str, tuple[str, str | None]]:
    rows = connect(out).execute("SELECT finding_id, review_status, review_note FROM findings").fetchall()
    return {fid: (st, note) for fid, st, note in rows}


def test_finding_ids_are_stable_and_change_with_the_evidence(tmp_path):
    first = ids_of(SEED_TXT)
    assert len(set(first.values())) == len(first)  # one id a finding
    assert all(len(i) == 12 for i in first.values())
    # The same bytes under another name: the same ids.
    copy = tmp_path / "copy.txt"
    shutil.copyfile(SEED_TXT, copy)
    assert ids_of(copy) == first
    # The evidence changed ("14 máy tính" became "13 máy tính"): a new finding.
    changed = tmp_path / "changed.txt"
    changed.write_text(SEED_TXT.read_text(encoding="utf-8").replace("14 máy tính", "13 máy tính"), encoding="utf-8")
    again = ids_of(changed)
    assert ("sum_mismatch", "24 máy tính") in again
    assert again[("sum_mismatch", "24 máy tính")] != first[("sum_mismatch", "24 máy tính")]


def test_a_verdict_survives_force_and_a_new_cchc_version(prefect_harness, tmp_path, monkeypatch):
    from cchc.flows.runner import run_ingest

    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copyfile(SEED_TXT, inbox / SEED_TXT.name)
    out = tmp_path / "out"
    assert run_ingest([str(inbox)], out=str(out), workers=1).exit_code == 0
    found = connect(out).execute(
        "SELECT finding_id FROM findings WHERE \"check\" = 'missing_year'").fetchall()
    assert len(found) == 1
    finding = found[0][0]

    done = runner.invoke(app, ["review", str(out), finding, "--dismiss", "--note", "Nghị định cũ, đã biết",
                               "--by", "kiểm toán viên A"])
    assert done.exit_code == 0, done.output
    assert status(out)[finding] == ("dismissed", "Nghị định cũ, đã biết")

    assert run_ingest([str(inbox)], out=str(out), workers=1, force=True).exit_code == 0
    assert status(out)[finding] == ("dismissed", "Nghị định cũ, đã biết")

    # A new cchc version reads every file again; the verdict stays.
    import cchc.pipeline.output.store

    monkeypatch.setattr(cchc.pipeline.output.store, "__version__", "99.0.0")
    again = run_ingest([str(inbox)], out=str(out), workers=1)
    assert again.parsed == 1 and again.unchanged == 0
    assert status(out)[finding] == ("dismissed", "Nghị định cũ, đã biết")
    assert set(status(out).values()) == {("open", None), ("dismissed", "Nghị định cũ, đã biết")}

    listed = runner.invoke(app, ["review", str(out), "--list", "--status", "dismissed"])
    assert listed.exit_code == 0 and finding in listed.output and "missing_year" in listed.output
    history = pd.read_parquet(out / "reviews")
    assert list(history.columns) == ["finding_id", "verdict", "note", "by", "at"]
    assert history.to_dict("records")[0]["by"] == "kiểm toán viên A"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    ingest_without_prefect(sorted(p for p in SAMPLES.glob("*.txt")), folder)
    return folder


def test_a_verdict_needs_a_finding_that_exists_and_one_verdict(out):
    bad = runner.invoke(app, ["review", str(out), "000000000000", "--confirm"])
    assert bad.exit_code == 1 and "không có phát hiện '000000000000'" in bad.output
    finding = connect(out).execute("SELECT min(finding_id) FROM findings").fetchone()[0]
    both = runner.invoke(app, ["review", str(out), finding, "--confirm", "--dismiss"])
    assert both.exit_code == 2
    assert not (out / "reviews").exists()  # nothing was recorded


def test_the_excel_round_trip(out, tmp_path):
    target = tmp_path / "cchc.xlsx"
    export_xlsx(out, target)
    wb = openpyxl.load_workbook(target)
    ws = wb[sheet_name("findings")]
    header = [c.value for c in ws[1]]
    at_id, at_status, at_note = (header.index(label) for label in
                                 ("Mã phát hiện", "Trạng thái xem xét", "Ghi chú xem xét"))
    rows = list(ws.iter_rows(min_row=2))
    assert rows and {r[at_status].value for r in rows} == {"Chưa xem xét"}
    assert ws.data_validations.dataValidation  # a drop-down of the statuses
    confirmed, dismissed = rows[0][at_id].value, rows[1][at_id].value
    rows[0][at_status].value = "Xác nhận"
    rows[0][at_note].value = "Đã đối chiếu bản giấy"
    rows[1][at_status].value = "bác bỏ"
    rows[2][at_note].value = "Cần hỏi lại đơn vị"  # a note with no verdict is not lost silently
    ghost = ws.max_row + 1
    ws.cell(row=ghost, column=at_id + 1, value="ffffffffffff")
    ws.cell(row=ghost, column=at_status + 1, value="Bác bỏ")
    wb.save(target)

    read = runner.invoke(app, ["review", str(out), "--from-xlsx", str(target), "--by", "B"])
    assert read.exit_code == 1  # a row was refused, and said so
    assert "đã ghi 2 nhận định" in read.output
    assert f"dòng {ghost}" in read.output and "ffffffffffff" in read.output
    assert "dòng 4" in read.output and "có ghi chú mà không có nhận định" in read.output
    now = status(out)
    assert now[confirmed] == ("confirmed", "Đã đối chiếu bản giấy")
    assert now[dismissed] == ("dismissed", None)

    # Exported again, the workbook shows the verdicts; read back, nothing changes.
    export_xlsx(out, target)
    ws = openpyxl.load_workbook(target)[sheet_name("findings")]
    shown = {r[at_id]: (r[at_status], r[at_note]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert shown[confirmed] == ("Xác nhận", "Đã đối chiếu bản giấy")
    assert shown[dismissed] == ("Bác bỏ", None)
    again = reviews.read_xlsx(out, target)
    assert (again.recorded, again.refused) == ([], [])
    assert len(reviews.load(out)) == 2


def test_the_html_page_puts_open_findings_first_and_folds_the_reviewed(out, tmp_path):
    from cchc.pipeline.output.report_html import write_html
    from test_report_html import parse

    out = Path(shutil.copytree(out, tmp_path / "out"))
    shutil.rmtree(out / "reviews", ignore_errors=True)  # no verdicts from the other tests

    rows = connect(out).execute(
        "SELECT finding_id, report_id FROM findings WHERE severity <> 'info' ORDER BY report_id, char_start").fetchall()
    report = rows[0][1]
    mine = [fid for fid, rid in rows if rid == report]
    assert len(mine) >= 2
    reviews.record(out, [(mine[0], "dismissed", "Không phải lỗi: đã đối chiếu")], by="C")
    dom = parse(write_html(out, tmp_path / "page.html").read_text(encoding="utf-8"))
    [article] = dom.find_all("article", data_report_id=report)
    [opened] = [o for o in article.find_all("ol") if "open" in o.classes()]
    assert mine[0] not in [li.attrs["data-finding-id"] for li in opened.find_all("li")]
    assert mine[1] in [li.attrs["data-finding-id"] for li in opened.find_all("li")]
    [folded] = [d for d in article.find_all("details") if "reviewed" in d.classes()]
    assert "open" not in folded.attrs  # folded until the reader opens it
    [item] = folded.find_all("li", data_finding_id=mine[0])
    assert item.attrs["data-review-status"] == "dismissed"
    assert "Đã bác bỏ" in item.text() and "Không phải lỗi: đã đối chiếu" in item.text()
    # Open findings come before the folded ones in the page.
    html = article.text()
    assert html.index(opened.text()[:40]) < html.index(folded.text()[:40])


def test_a_run_to_a_remote_output_leaves_its_reviews_alone(tmp_path, monkeypatch):
    import fsspec

    from cchc.pipeline.run import remote

    monkeypatch.setattr(remote, "CACHE", tmp_path / "cache")  # a private mirror
    url = "memory://cchc-reviews-test/out"
    fs = fsspec.filesystem("memory")
    fs.pipe(f"/cchc-reviews-test/out/{reviews.REVIEWS_FILE.as_posix()}", b"verdicts")
    fs.pipe("/cchc-reviews-test/out/metrics/report_year=2023/old.parquet", b"stale")
    local = remote.mirror_of(url)
    local.mkdir(parents=True)
    (local / "_manifest.json").write_text("{}", encoding="utf-8")  # a mirror without the verdicts
    remote.push(local, url)
    assert fs.cat(f"/cchc-reviews-test/out/{reviews.REVIEWS_FILE.as_posix()}") == b"verdicts"
    assert not fs.exists("/cchc-reviews-test/out/metrics/report_year=2023/old.parquet")  # a run's own file goes


def test_verdicts_on_findings_that_are_gone_are_kept_and_counted(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    report = inbox / "bao-cao.txt"
    report.write_text(SEED_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    store = OutputStore(out)
    store.write(process_file(report))
    finding = connect(out).execute("SELECT finding_id FROM findings WHERE \"check\" = 'sum_mismatch'").fetchone()[0]
    reviews.record(out, [(finding, "confirmed", None)], by="D")
    # The department sends the report again, with the sum mended: its rows are replaced.
    report.write_text(SEED_TXT.read_text(encoding="utf-8").replace("24 máy tính", "23 máy tính"), encoding="utf-8")
    store.write(process_file(report))
    store.save_manifest()  # the commit: the old rows go
    assert finding not in status(out)
    assert [r.finding_id for r in reviews.orphans(out)] == [finding]
    listed = runner.invoke(app, ["review", str(out), "--list"])
    assert listed.exit_code == 0 and "1 nhận định thuộc các phát hiện không còn trong" in listed.output


def test_the_latest_verdict_counts_even_within_one_second(out, tmp_path):
    from datetime import datetime, timezone

    out = Path(shutil.copytree(out, tmp_path / "out"))
    shutil.rmtree(out / "reviews", ignore_errors=True)
    finding = connect(out).execute("SELECT min(finding_id) FROM findings").fetchone()[0]
    at = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    reviews.record(out, [(finding, "confirmed", "đúng là lỗi")], by="E", at=at)
    reviews.record(out, [(finding, "dismissed", "nhầm, đã đối chiếu lại")], by="E", at=at)
    assert status(out)[finding] == ("dismissed", "nhầm, đã đối chiếu lại")
    assert reviews.current(out)[finding].verdict == "dismissed"
