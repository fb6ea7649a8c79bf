"""The golds themselves: every gold of the registry (tests/golds.py) names a
report that exists, has the keys of the shared gold format, and says only
what its report says.  Accuracy against the golds is measured by
scripts/accuracy.py (docs/accuracy.md); it is not asserted here."""

from __future__ import annotations

import re
from datetime import date

import pytest

from types import SimpleNamespace

from golds import (
    APPENDIX_PATH, COUNT_KEYS, FINDING_KEYS, GOLD_DIR, GOLD_KEYS, ROOT, finding_matches, findings_precision_recall,
    match_gold, planted, precision_recall, read, registry, sub_periods, units_agree,
)  # fmt: skip

GOLDS = registry()
IDS = [g.name for g in GOLDS]
NEW = [g for g in GOLDS if g.gold_path.parent == GOLD_DIR]


def _checks_in_readme() -> set[str]:
    """Check names as the README's Checks table lists them."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("### Checks", 1)[1].split("\n#", 1)[0]
    return {name for line in table.splitlines() if line.startswith("| `") for name in re.findall(r"`(\w+)`", line.split("|")[1])}


def _iso_or_none(value) -> bool:
    if value is None:
        return True
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _appendix_paths(text: str) -> set[str]:
    """Paths of the appendices a reader sees in the text, each its heading as
    written ("PHỤ LỤC", "Phụ lục II"), and a "Biểu số 01" under one of them
    ("PHỤ LỤC.Biểu số 01"; alone, "Biểu số 01")."""
    paths, appendix = set(), None
    for line in text.splitlines():
        if m := re.match(r"\s*((?:PHỤ LỤC|Phụ lục)(?: [IVX\d]+)?)\s*$", line):
            appendix = m.group(1)
            paths.add(appendix)
        elif m := re.match(r"\s*(Biểu số \d+)", line):
            paths.add(f"{appendix}.{m.group(1)}" if appendix else m.group(1))
    return paths


@pytest.mark.parametrize("gold", GOLDS, ids=IDS)
def test_a_gold_has_the_shared_format(gold):
    assert gold.report_path.is_file(), gold.report_path
    data = gold.data
    assert set(GOLD_KEYS) <= set(data), set(GOLD_KEYS) - set(data)
    assert data["counts"] and all(set(COUNT_KEYS) <= set(c) for c in data["counts"])
    for c in data["counts"]:
        assert isinstance(c["value"], (int, float)) and c["unit"], c
        assert _iso_or_none(c["period_start"]) and _iso_or_none(c["period_end"]), c
        assert (c["period_start"] is None) == (c["period_end"] is None), c
    for r in data["references"]:
        assert r["number"] and _iso_or_none(r["date"]), r
    for check in data["checks"]:
        assert check["kind"] in ("sum_mismatch", "table_total") and len(check["parts"]) >= 2, check
        assert sum(check["parts"]) != check["total"], f"a planted mismatch that adds up: {check}"
    for b in data["consistent_breakdowns"]:
        assert abs(sum(b["parts"]) - b["total"]) < 1e-6, f"a consistent breakdown that does not add up: {b}"


@pytest.mark.parametrize("gold", NEW, ids=[g.name for g in NEW])
def test_a_new_gold_lists_its_findings(gold):
    assert {g.name for g in NEW} >= {"so-y-te-quang-binh-2023", "so-gddt-thanh-hoa-2023", "ubnd-tinh-quang-tri-2024-6thang"}
    checks = _checks_in_readme()
    assert "sum_mismatch" in checks and "table_total" in checks
    for f in gold.data["findings"]:
        assert set(FINDING_KEYS) <= set(f), f
        assert f["check"] in checks and f["severity"] in ("error", "warning", "info"), f
    # Every planted fault is a finding an auditor must get.
    planted = {(c["kind"], c["section"], c["total"]) for c in gold.data["checks"]}
    listed = {(f["check"], f["section"], f["value_stated"]) for f in gold.data["findings"] if f["severity"] == "error"}
    assert planted <= listed


@pytest.mark.parametrize("gold", GOLDS, ids=IDS)
def test_a_gold_says_what_its_report_says(gold):
    reading = read(gold.report_path)
    text = reading.text
    for f in gold.data.get("findings", []):
        assert f["evidence"] in text, f
    for phrase in gold.data["not_counts"]:
        assert phrase in text, phrase
    # Every figure's section is one the pipeline reads from the headings, or
    # an appendix that stands in the text.
    paths = {s.section_path for s in reading.sections}
    appendices = _appendix_paths(text)
    for c in gold.data["counts"]:
        section = c["section"]
        if section in appendices:
            assert APPENDIX_PATH.match(section), c
        else:
            assert section in paths or _same_headings(section, paths), c


def _same_headings(section: str, paths: set[str]) -> bool:
    """A section named by the same numbered headings as a path the pipeline
    reads, which may nest a lettered heading under the one before it
    ("a)" then "b)" read as II.1.a.b for the gold's II.1.b)."""
    want = section.split(".")
    for path in paths:
        have = path.split(".")
        if have[0] != want[0] or have[-1] != want[-1]:
            continue
        rest = iter(have)
        if all(part in rest for part in want) and all(p.isalpha() and p.islower() for p in set(have) - set(want)):
            return True
    return False


BUILT = [g for g in NEW if g.report_path.with_name(g.report_path.name.rsplit(".", 1)[0] + ".src.txt").is_file()]


@pytest.mark.parametrize("gold", BUILT, ids=[g.name for g in BUILT])
def test_a_built_report_says_what_its_source_says(gold):
    """The committed DOCX or PDF is its source built, not an older one:
    every paragraph and table cell of the source stands in the report."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from gold_reports import Columns, Para, Table, parse_source

    source = gold.report_path.with_name(gold.report_path.name.rsplit(".", 1)[0] + ".src.txt")
    fmt, items = parse_source(source.read_text(encoding="utf-8"))
    assert fmt == gold.format
    text = " ".join(read(gold.report_path).text.split())
    pieces = [i.text for i in items if isinstance(i, Para)]
    pieces += [cell for i in items if isinstance(i, Table) for row in i.rows for cell in row if cell not in ("<", "^", "")]
    pieces += [line for i in items if isinstance(i, Columns) for line in i.left + i.right if line]
    missing = [p for p in pieces if " ".join(p.split()) not in text]
    assert not missing, missing[:5]


# ------------------------------------------------------------- scoring ---


def _figure(value, unit, section, start=None, end=None, area=None, kind="result"):
    return SimpleNamespace(value=value, unit=unit, section_path=section, period_start=start, period_end=end,
                           area=area, section_kind=kind)


def _gold_figure(value, unit, section, start=None, end=None, optional=False):
    return {"value": value, "unit": unit, "section": section, "area": None, "kind": "result",
            "period_start": start, "period_end": end, "optional": optional}


def test_figures_match_on_value_section_and_agreeing_nouns():
    assert units_agree("người dân", "người") and units_agree("trường", "trường mầm non")
    assert units_agree("bác sĩ", "bác")  # a first word agrees: the value and section decide
    assert not units_agree("hồ sơ", "văn bản") and not units_agree("%", "hồ sơ")
    gold = [_gold_figure(2, "công chức", "II.4"), _gold_figure(2, "viên chức", "II.4"), _gold_figure(9, "bệnh viện", "II.3", optional=True)]
    got = [_figure(2.0, "viên chức", "II.4"), _figure(2.0, "công chức", "II.4"), _figure(2.0, "công chức", "II.5")]
    pairs, missed, extra = match_gold(gold, got)
    assert [(g["unit"], c.unit) for g, c in pairs] == [("công chức", "công chức"), ("viên chức", "viên chức")]
    assert [g["value"] for g in missed] == [9] and [c.section_path for c in extra] == ["II.5"]
    # The optional figure costs nothing; the figure in another section is a false positive.
    assert precision_recall(gold, got) == (2 / 3, 1.0)


def test_a_figure_prefers_its_very_noun():
    gold = [_gold_figure(5, "trường", "II.3"), _gold_figure(5, "trường mầm non", "II.3")]
    got = [_figure(5, "trường mầm non", "II.3"), _figure(5, "trường", "II.3")]
    pairs, _, _ = match_gold(gold, got)
    assert [(g["unit"], c.unit) for g, c in pairs] == [("trường", "trường"), ("trường mầm non", "trường mầm non")]


def test_sub_periods_count_only_the_periods_in_question():
    gold = {"report": {"period_start": "2022-12-15", "period_end": "2023-12-14"}}
    report = (date(2022, 12, 15), date(2023, 12, 14))
    pairs = [
        (_gold_figure(1, "hồ sơ", "I"), _figure(1, "hồ sơ", "I", *report)),  # the report's: not in question
        (_gold_figure(2, "hồ sơ", "I"), _figure(2, "hồ sơ", "I", date(2023, 1, 1), date(2023, 12, 31))),  # a calendar misreading
        (_gold_figure(3, "hồ sơ", "I", "2021-12-15", "2022-12-14"), _figure(3, "hồ sơ", "I", date(2021, 12, 15), date(2022, 12, 14))),
        (_gold_figure(4, "hồ sơ", "I", "2021-12-15", "2022-12-14"), _figure(4, "hồ sơ", "I", *report)),  # missed
    ]
    assert sub_periods(gold, pairs) == (1, 3)


def test_findings_match_on_check_section_value_and_evidence():
    want = {"check": "sum_mismatch", "severity": "error", "section": "II.2.2", "value_stated": 4826,
            "value_computed": 4808, "evidence": "4.826 hồ sơ"}
    found = SimpleNamespace(check="sum_mismatch", severity="error", section_path="II.2.2", value_stated=4826.0,
                            evidence="4.826 hồ sơ", sentence="Sở đã tiếp nhận 4.826 hồ sơ (trực tuyến …)")
    assert finding_matches(want, found)
    assert not finding_matches(want, SimpleNamespace(**{**vars(found), "section_path": "V"}))
    assert not finding_matches(want, SimpleNamespace(**{**vars(found), "value_stated": 4701.0}))
    assert not finding_matches(want, SimpleNamespace(**{**vars(found), "evidence": "4.701 hồ sơ", "sentence": "đã giải quyết 4.701 hồ sơ"}))
    gold = {"findings": [want], "checks": [{"kind": "sum_mismatch", "total": 4826, "parts": [3615, 1193], "section": "II.2.2"}]}
    noise = SimpleNamespace(**{**vars(found), "check": "table_total", "value_stated": 125.0})
    info = SimpleNamespace(**{**vars(found), "check": "unknown_code", "severity": "info"})
    assert findings_precision_recall(gold, [found, noise, info]) == (1, 1, 2)
    assert planted(gold, [found, noise, info]) == (1, 1, 1)
    assert findings_precision_recall({"checks": []}, [found]) is None
