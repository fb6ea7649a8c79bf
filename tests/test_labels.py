"""Vietnamese words for codes, numbers, dates and periods."""

import re
from datetime import date

import regex
from typer.testing import CliRunner

from cchc.cli import app
from cchc.pipeline.model import STATUSES
from cchc.pipeline.output.labels import label, labels, period_label, said_keys, say, vn_date, vn_number
from cchc.pipeline.patterns import entries
from cchc.pipeline.output.tables import TABLES
from conftest import ROOT


def test_every_code_the_program_writes_has_its_words():
    findings = {c.name: c for c in TABLES["findings"]}
    checks = set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", findings["check"].doc))
    assert len(checks) >= 12
    assert checks <= set(labels("check")), checks - set(labels("check"))
    assert {"error", "warning", "info"} <= set(labels("severity"))
    assert set(STATUSES) <= set(labels("status"))
    assert {e["kind"] for e in entries("section_kinds")} <= set(labels("kind"))
    assert set(TABLES) <= set(labels("table"))
    # Every group a column names exists.
    for table, cols in TABLES.items():
        for col in cols:
            if col.codes:
                assert labels(col.codes), (table, col.name)
    assert all(len(words) <= 31 and not set(words) & set("[]:*?/\\") for words in labels("table").values())


def test_a_code_without_words_is_shown_as_it_is():
    assert label("check", "a_new_check") == "a_new_check"
    assert label("area", "tthc") == "Cải cách thủ tục hành chính"
    assert label("metric", "computers") == "Máy tính"
    assert label("severity", None) == ""


def test_numbers_the_vietnamese_way():
    assert vn_number(1234.5) == "1.234,5"
    assert vn_number(4127) == "4.127"
    assert vn_number(4.099999999999998) == "4,1"  # no float noise
    assert vn_number(99.71, percent=True) == "99,71%"
    assert vn_number(-7.0) == "-7"
    assert vn_number(1_048_576) == "1.048.576"
    assert vn_number(None) == "" and vn_number(float("nan")) == ""


def test_dates_and_periods_keep_their_precision():
    d = date(2023, 9, 1)
    assert (vn_date(d), vn_date(d, "month"), vn_date(d, "year")) == ("01/09/2023", "09/2023", "2023")
    assert period_label(date(2023, 1, 1), date(2023, 12, 31)) == "2023"
    assert period_label(date(2021, 1, 1), date(2023, 8, 31)) == "01/2021–08/2023"
    assert period_label(date(2023, 6, 1), date(2023, 6, 30)) == "06/2023"
    assert period_label(date(2022, 12, 15), date(2023, 12, 14)) == "15/12/2022–14/12/2023"


# ---------------------------------------------------- what the command says

SAY_CALL = regex.compile(r"""\b_?say\(\s*["']([^"']+)["']""")


def test_every_message_key_the_code_uses_is_in_messages_yaml_and_none_is_unused():
    used = set()
    for folder in ("cchc", "flows", "pipeline"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(SAY_CALL.findall(path.read_text(encoding="utf-8")))
    assert len(used) >= 30, used
    assert used - said_keys() == set(), "used in code, not in patterns/messages.yaml"
    assert said_keys() - used == set(), "in patterns/messages.yaml, used nowhere"


def test_every_command_and_option_is_explained_in_vietnamese():
    """The help a person reads is the Vietnamese of patterns/messages.yaml:
    each command's own text and every option's, none left in English."""
    import typer.main

    cli = typer.main.get_command(app)
    vietnamese = {say(key) for key in said_keys() if key.startswith("help.")}
    assert cli.help == say("help.cchc")
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help.strip() == say(f"help.{name}").strip(), name
        for param in command.params:
            if param.name != "help":
                assert getattr(param, "help", None) in vietnamese, (name, param.name)
        shown = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"}).output
        assert say(f"help.{name}").splitlines()[0] in shown, name


def test_the_command_speaks_vietnamese_and_keeps_codes_for_programs(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["ingest", str(tmp_path / "khong-co"), "--out", str(tmp_path / "out")])
    assert missing.exit_code == 2
    assert missing.output.startswith("không có tệp hoặc thư mục: ") and "khong-co" in missing.output

    out = tmp_path / "out"
    (out / "bao-cao").mkdir(parents=True)
    inside = runner.invoke(app, ["ingest", str(out / "bao-cao"), "--out", str(out)])
    assert inside.exit_code == 2
    assert "thư mục kết quả" in inside.output and "hãy chọn --out khác" in inside.output

    undecided = runner.invoke(app, ["review", str(out), "abcdef123456"])
    assert undecided.exit_code == 2
    assert undecided.output.strip() == "hãy đưa một nhận định: --confirm hoặc --dismiss"


def test_a_message_fills_in_its_values():
    assert say("ingest.pruned", count=3) == "đã xoá các dòng của 3 tệp không còn nữa"
    assert say("ingest.no_report", paths="/data/hop-thu") == "không tìm thấy báo cáo nào trong /data/hop-thu"
