from pathlib import Path

import pytest

from cchc.pipeline.output.tables import TABLES, arrow_schema, schema_markdown, to_arrow
from cchc.pipeline.run.process import process_file

from conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent


def test_schema_docs_are_generated_from_the_declared_tables():
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8").strip() == schema_markdown().strip()
    for table in TABLES:
        assert f"`{table}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_column_declared_not_null_is_never_null():
    rows = process_file(SAMPLES / "ubnd-huyen-can-loc-2023-6thang.txt").rows["metrics"]
    written = to_arrow("metrics", rows)
    assert not arrow_schema("metrics").field("is_target").nullable
    assert written.column("is_target").null_count == 0 and any(written.column("is_target").to_pylist())
    with pytest.raises(ValueError, match="metrics.is_target is never null"):
        to_arrow("metrics", [{**rows[0], "is_target": None}])
    assert "| `is_target` | Là chỉ tiêu kế hoạch | bool not null |" in schema_markdown()
