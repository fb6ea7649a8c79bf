from pathlib import Path

from cchc.pipeline.output.tables import TABLES, schema_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_schema_docs_are_generated_from_the_declared_tables():
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8").strip() == schema_markdown().strip()
    for table in TABLES:
        assert f"`{table}`" in (ROOT / "README.md").read_text(encoding="utf-8")
