"""The rows the pipeline gives for every gold report, as they were when they
were last accepted: `tests/fixtures/golden_output/<report>.json`.

A change to the code that is not meant to change the output (moving modules,
splitting functions, another regex dialect) must leave every row as it was.
A change that is meant to change the output rewrites the fixtures with

    CCHC_ACCEPT_OUTPUT=1 pytest tests/test_golden_output.py

and the commit that makes it shows the rows that changed, and says why.
"""

from __future__ import annotations

import json
import os

import pytest

from golds import FIXTURES, process, registry

GOLDEN = FIXTURES / "golden_output"
# Where the file was read from and which release read it: neither is output
# of the reading itself.
VOLATILE = ("source_path", "pipeline_version")
GOLDS = registry()


def _snapshot(result) -> dict:
    report = {k: v for k, v in result.report.items() if k not in VOLATILE}
    tables = {table: rows for table, rows in sorted(result.rows.items())}
    # default=str: dates as ISO text, the one non-JSON type in the rows.
    return json.loads(json.dumps({"report": report, "tables": tables}, ensure_ascii=False, default=str))


def _diff(want: dict, got: dict) -> list[str]:
    lines = [f"report.{k}: {want['report'].get(k)!r} -> {got['report'].get(k)!r}"
             for k in sorted(set(want["report"]) | set(got["report"])) if want["report"].get(k) != got["report"].get(k)]
    for table in sorted(set(want["tables"]) | set(got["tables"])):
        old, new = want["tables"].get(table, []), got["tables"].get(table, [])
        if len(old) != len(new):
            lines.append(f"{table}: {len(old)} rows -> {len(new)} rows")
        for i, (a, b) in enumerate(zip(old, new)):
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    lines.append(f"{table}[{i}].{k}: {a.get(k)!r} -> {b.get(k)!r}")
    return lines


@pytest.mark.parametrize("gold", GOLDS, ids=[g.name for g in GOLDS])
def test_rows_are_as_accepted(gold):
    got = _snapshot(process(gold.report_path))
    path = GOLDEN / f"{gold.report_path.name}.json"
    if os.environ.get("CCHC_ACCEPT_OUTPUT") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(path.read_text(encoding="utf-8"))
    differences = _diff(want, got)
    assert not differences, f"{len(differences)} differences, the first: " + "\n".join(differences[:20])
