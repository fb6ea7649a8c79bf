"""The analyst's questions of the README, run on the samples as written there."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc.cli import app
from cchc.pipeline.output.query import connect

from conftest import ROOT, SAMPLES
from test_compare import ingest_without_prefect


def readme_queries() -> list[str]:
    """The ```sql blocks of the README's Queries section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Queries"):]
    section = section[: section.index("\n## ")]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """The samples as `cchc ingest` leaves them: the 2021–2023 review read
    as TXT, DOCX and PDF is one report, its other files duplicates."""
    folder = tmp_path_factory.mktemp("readme")
    ingest_without_prefect(sorted(p for p in SAMPLES.iterdir() if p.is_file()), folder, duplicates=True)
    return folder


def rows(out: Path, sql: str) -> list[dict]:
    result = connect(out).sql(sql)
    names = result.columns
    return [dict(zip(names, row)) for row in result.fetchall()]


def test_the_readme_asks_three_questions():
    assert len(readme_queries()) == 3


def test_online_dossiers_per_year_per_issuer(out):
    sql = readme_queries()[0]
    got = [(r["issuer"], r["year"], r["months"], r["online_dossiers"]) for r in rows(out, sql)]
    assert got == [
        ("Sở Ngoại vụ", 2021, 11, 46.0),  # "từ 01/01/2021 đến 30/11/2021 … 46 hồ sơ trực tuyến"
        ("Sở Ngoại vụ", 2022, 11, 63.0),
        ("UBND huyện Can Lộc", 2023, 6, 2318.0),  # the half-year 15/12/2022–14/06/2023
    ]


def test_every_report_citing_resolution_76(out):
    sql = readme_queries()[1]
    got = rows(out, sql)
    names = sorted(Path(r["source_path"]).name for r in got)
    # The review read as TXT, DOCX and PDF is one report: one of its files stands for it.
    review = [n for n in names if n.startswith("so-ngoai-vu-ha-tinh-2021-2023.")]
    assert len(review) == 1
    assert sorted(set(names) - set(review)) == ["so-ngoai-vu-ha-tinh-2021.txt", "ubnd-huyen-can-loc-2023-6thang.txt"]
    assert {str(r["cited_date"]) for r in got if r["issuer"] == "Sở Ngoại vụ"} == {"2021-07-15"}
    # The same answer from the tables themselves, with their joins.
    [(direct,)] = connect(out).execute(
        """SELECT count(DISTINCT r.source_path) FROM "references" x JOIN reports r USING (report_id)
           WHERE x.number = '76/NQ-CP'""").fetchall()
    assert direct == len(got)


def test_reports_whose_claimed_count_differs_from_their_list(out):
    sql = readme_queries()[2]
    got = rows(out, sql)
    # The 2021–2023 review says 32 documents and lists 31 (once, however many files it came in).
    assert [(r["issuer"], r["section_path"], r["claimed"], r["listed"]) for r in got] == [
        ("Sở Ngoại vụ", "I.1", 32.0, 31.0)]
    assert Path(got[0]["source_path"]).stem == "so-ngoai-vu-ha-tinh-2021-2023"
    assert all("cụ thể như sau" in r["sentence"] for r in got)


def test_the_queries_run_from_the_command_line(out):
    for sql in readme_queries():
        result = CliRunner().invoke(app, ["query", str(out), sql])
        assert result.exit_code == 0, result.output
        assert "Sở Ngoại vụ" in result.output


def test_the_comparison_behind_the_queries_holds_results_only_one_per_metric_and_period(out):
    con = connect(out)
    [(targets_kept,)] = con.execute(
        "SELECT count(*) FROM comparison c JOIN metrics m ON m.report_id = c.report_id AND m.idx = c.figure_idx "
        "WHERE m.is_target").fetchall()
    assert targets_kept == 0
    [(repeated,)] = con.execute(
        "SELECT count(*) FROM (SELECT report_id, metric, period_start, period_end FROM metrics_v WHERE in_comparison "
        "GROUP BY ALL HAVING count(*) > 1)").fetchall()
    assert repeated == 0
    # The samples' targets are there to be left out: the plans of 2021 and 2022 and Can Lộc's 50%.
    [(targets,)] = con.execute("SELECT count(*) FROM metrics_v WHERE is_target AND metric IS NOT NULL").fetchall()
    assert targets > 0
