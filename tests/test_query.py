from typer.testing import CliRunner

from cchc.cli import app
from pipeline.process import process_file
from pipeline.query import connect
from pipeline.store import OutputStore

from conftest import SEED_DOCX, SEED_TXT


def test_every_table_is_a_view_even_when_empty(tmp_path):
    store = OutputStore(tmp_path)
    for path in (SEED_TXT, SEED_DOCX):
        store.write(process_file(path))
    con = connect(tmp_path)
    assert con.execute("select count(*) from reports").fetchone()[0] == 2
    years = con.execute("select distinct report_year from sections").fetchall()
    assert years == [(2023,)]
    assert con.execute("select typeof(report_year) from sections limit 1").fetchone()[0] == "INTEGER"
    # A table nobody wrote yet still answers, with its columns.
    assert con.execute('select count(*) from "references"').fetchone()[0] >= 0
    assert "issued_date" in [d[0] for d in con.sql('select * from "references"').description]


def test_cli_query_prints_rows_and_reports_bad_sql(tmp_path):
    store = OutputStore(tmp_path)
    store.write(process_file(SEED_TXT))
    runner = CliRunner()
    ok = runner.invoke(app, ["query", str(tmp_path), "select signer, period_start from reports", "--csv"])
    assert ok.exit_code == 0
    assert ok.output.splitlines() == ["signer,period_start", "Ngô Thị Hoài Nam,2021-01-01"]
    bad = runner.invoke(app, ["query", str(tmp_path), "select nope from reports"])
    assert bad.exit_code == 1
