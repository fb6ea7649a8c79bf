from typer.testing import CliRunner

from cchc.cli import app
from cchc.pipeline.run.process import process_file
from cchc.pipeline.output.query import connect
from cchc.pipeline.output.store import OutputStore

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


def test_cli_query_draws_any_result_nulls_of_every_type_included(tmp_path):
    from test_compare import ANNUAL, ingest_without_prefect
    from conftest import SAMPLES

    ingest_without_prefect([SAMPLES / name for name in ANNUAL], tmp_path)
    runner = CliRunner()
    # comparison has NULL booleans, doubles and dates (the first period of each metric).
    result = runner.invoke(app, ["query", str(tmp_path), "SELECT * FROM comparison"])
    assert result.exit_code == 0, result.output
    assert "NULL" in result.output and "boolean" in result.output and "date" in result.output
    typed = runner.invoke(app, ["query", str(tmp_path),
                                "SELECT NULL::BOOLEAN AS b, NULL::DATE AS d, NULL::INTEGER[] AS l, "
                                "{'a': NULL::DOUBLE} AS s, NULL::DECIMAL(9, 2) AS n, NULL::BLOB AS x"])
    assert typed.exit_code == 0, typed.output
    [values] = [ln for ln in typed.output.splitlines() if ln.startswith("│") and "NULL" in ln]
    assert values.count("NULL") == 6
    many = runner.invoke(app, ["query", str(tmp_path), "SELECT * FROM range(500)", "--max-rows", "10"])
    assert many.exit_code == 0 and "500 rows" in many.output


def test_analyst_views_need_no_join_and_no_quoting(tmp_path):
    store = OutputStore(tmp_path)
    for path in (SEED_TXT, SEED_DOCX):
        store.write(process_file(path))
    con = connect(tmp_path)
    reports = {r[0]: r[1:] for r in con.execute(
        "SELECT report_id, source_path, issuer, report_date, period_start FROM reports").fetchall()}
    for view, table in (("metrics_v", "metrics"), ("findings_v", "findings"), ("references_v", '"references"')):
        [(n_view,)] = con.execute(f"SELECT count(*) FROM {view}").fetchall()
        [(n_table,)] = con.execute(f"SELECT count(*) FROM {table}").fetchall()
        assert n_view == n_table > 0, view
        for report_id, path, issuer, report_date, start in con.execute(
                f"SELECT report_id, source_path, issuer, report_date, report_period_start FROM {view}").fetchall():
            assert (path, issuer, report_date, start) == reports[report_id]
    # No column needs quoting, none is ambiguous.
    [(check, label, severity)] = con.execute(
        "SELECT check_name, check_label, severity_label FROM findings_v WHERE check_name = 'sum_mismatch' LIMIT 1"
    ).fetchall()
    assert (check, label, severity) == ("sum_mismatch", "Tổng không khớp với các thành phần", "Lỗi")
    [(area, kind, metric)] = con.execute(
        "SELECT area_label, section_kind_label, metric_label FROM metrics_v WHERE metric = 'computers' LIMIT 1"
    ).fetchall()
    assert (area, kind, metric) == ("Xây dựng và phát triển Chính phủ/chính quyền điện tử, số", "Kết quả thực hiện",
                                    "Máy tính")
    [(doc_issuer, issuer_code)] = con.execute(
        "SELECT doc_issuer_code, issuer_code FROM references_v WHERE number = '76/NQ-CP' LIMIT 1").fetchall()
    assert (doc_issuer, issuer_code) == ("CP", "SNgV")
    assert ("check", "sum_mismatch", "Tổng không khớp với các thành phần") in con.execute(
        'SELECT "group", code, label FROM code_labels').fetchall()


def test_cli_query_says_how_to_write_a_reserved_word(tmp_path):
    store = OutputStore(tmp_path)
    store.write(process_file(SEED_TXT))
    result = CliRunner().invoke(app, ["query", str(tmp_path), "SELECT check FROM findings"])
    assert result.exit_code == 1
    assert "findings_v (check_name)" in result.output
    ok = CliRunner().invoke(app, ["query", str(tmp_path), 'SELECT "check" FROM findings LIMIT 1'])
    assert ok.exit_code == 0, ok.output


def test_an_output_of_an_older_cchc_still_answers(tmp_path):
    import pyarrow.parquet as pq

    store = OutputStore(tmp_path)
    store.write(process_file(SEED_TXT))
    for path in (tmp_path / "reports").rglob("*.parquet"):  # as a cchc without page_source wrote it
        pq.write_table(pq.read_table(path).drop_columns(["page_source"]), path)
    con = connect(tmp_path)
    assert con.execute("SELECT page_source FROM reports").fetchall() == [(None,)]
    assert con.execute("SELECT count(*) FROM metrics_v").fetchone()[0] > 0
