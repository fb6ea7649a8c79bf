"""The output tables: their columns, with pinned Arrow types and meanings.

Each table is a list of `Column`s.  The Arrow schema is pinned so that every
file of a dataset has the same types whatever pandas would have guessed
(pandas 3 writes `large_string` otherwise), dates are real `date32`, and an
all-null column keeps its type.  `docs/schema.md` is generated from these
declarations (`python -m pipeline.tables > docs/schema.md`), so the
documentation cannot drift from the files.

Every table is partitioned by `report_year` (hive style: `report_year=2023/`);
the partition column is not stored inside the files.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str


PARTITION = Column(
    "report_year", pa.int32(), "Year of the report's date (else of its period's end); 0 when unknown; the hive partition"
)

_PROVENANCE = [
    Column("page", pa.int32(), "Page of the source file (1 for formats without pages)"),
    Column("char_start", pa.int64(), "Start of the evidence in the report's normalised text (`out/text/<report_id>.txt`)"),
    Column("char_end", pa.int64(), "End (exclusive) of the evidence in the normalised text"),
    Column("sentence", pa.string(), "The sentence (or list clause) the fact stands in"),
]

TABLES: dict[str, list[Column]] = {
    "reports": [
        Column("report_id", pa.string(), "Content hash of the file (first 16 hex digits of its SHA-256)"),
        Column("source_path", pa.string(), "Path of the file as given to `cchc ingest`"),
        Column("source_sha256", pa.string(), "Full SHA-256 of the file's bytes"),
        Column("format", pa.string(), "Format detected from the bytes: txt, docx, pdf, doc, html, empty, binary..."),
        Column("encoding", pa.string(), "Text files: the encoding that was detected (utf-8, utf-8-sig, utf-16, cp1258)"),
        Column("status", pa.string(), "ok, partial (read, but a later step failed), failed, or needs_ocr"),
        Column("error", pa.string(), "What went wrong and what to do, for any status but ok"),
        Column("warnings", pa.string(), "Reader warnings, one per line"),
        Column("issuer", pa.string(), "Reporting body, e.g. 'Sở Ngoại vụ'"),
        Column("issuer_code", pa.string(), "Its code from the report's number, e.g. 'SNgV'"),
        Column("province", pa.string(), "Province from the header or the place line"),
        Column("doc_number", pa.string(), "The report's own number as written, e.g. '/BC-SNgV' (serial left blank)"),
        Column("report_date", pa.date32(), "The report's date; for month or year precision, the first day"),
        Column("report_date_precision", pa.string(), "day, month or year"),
        Column("place", pa.string(), "Place on the date line, e.g. 'Hà Tĩnh'"),
        Column("title", pa.string(), "Title line under 'BÁO CÁO'"),
        Column("period_start", pa.date32(), "First day of the reporting period"),
        Column("period_end", pa.date32(), "Last day of the reporting period"),
        Column("period_text", pa.string(), "The words the period was read from"),
        Column("signer", pa.string(), "Name under the signature block"),
        Column("signer_role", pa.string(), "Role lines above the name, joined by ' / '"),
        Column("recipients", pa.string(), "The 'Nơi nhận' list, one recipient per line"),
        Column("n_pages", pa.int32(), "Pages in the source file"),
        Column("n_sections", pa.int32(), "Numbered sections found"),
        Column("pipeline_version", pa.string(), "Version of cchc that wrote the row"),
    ],
    "sections": [
        Column("report_id", pa.string(), "The report (see `reports`)"),
        Column("section_path", pa.string(), "Path of numbers from the top, e.g. 'II.6.1'"),
        Column("number", pa.string(), "The heading's own number: 'II', '6.1', 'a'"),
        Column("title", pa.string(), "Heading text without its number"),
        Column("level", pa.int16(), "1 for Roman-numbered headings, deeper for 1., 6.1., a)"),
        Column("area", pa.string(), "Reform area from the heading words, inherited by subsections (see README)"),
        Column("kind", pa.string(), "result, limitation, plan, recommendation or other, from the top-level heading"),
        Column("page", pa.int32(), "Page of the heading"),
        Column("char_start", pa.int64(), "Start of the section (its heading) in the normalised text"),
        Column("char_end", pa.int64(), "End of the section: the next heading of the same or a higher level"),
    ],
    "references": [
        Column("report_id", pa.string(), "The report (see `reports`)"),
        Column("mention_idx", pa.int32(), "Order of the mention in the report, from 0"),
        Column("doc_type", pa.string(), "Canonical document type, e.g. 'Quyết định', 'Công văn', 'Nghị quyết'"),
        Column("type_code", pa.string(), "Type code of the number, e.g. 'QĐ', 'KH', 'NQ', 'CV' in '1567CV/TU'; null for a Công văn"),
        Column("number_raw", pa.string(), "The number as written, e.g. '505/SNgV - VPTTr'"),
        Column("number", pa.string(), "The number with inner spaces removed, e.g. '505/SNgV-VPTTr'"),
        Column("serial", pa.int32(), "Serial part of the number, e.g. 39 in '39/QĐ-SNgV'"),
        Column("serial_suffix", pa.string(), "A letter glued to the serial, e.g. 'a' in '15a/KH-UBND'"),
        Column("year", pa.int32(), "Year in the number ('107/2021/NĐ-CP'), else the issued date's year when inferred"),
        Column("year_inferred", pa.bool_(), "True when a normative number lacks its year and `year` comes from the date"),
        Column("issuer_code", pa.string(), "Issuing body's code, e.g. 'UBND', 'SNgV', 'CP', 'TTg', 'TU'"),
        Column("unit_code", pa.string(), "Drafting unit of a Công văn, e.g. 'VPTTr' in '661/SNgV-VPTTr'"),
        Column("is_party_doc", pa.bool_(), "True for Party documents written 'N-XX/YY' (e.g. '05-NQ/TU')"),
        Column("issued_date", pa.date32(), "Date stated in the mention; null when the mention gives none"),
        Column("issued_date_text", pa.string(), "That date as written"),
        Column("issuer_text", pa.string(), "Issuer as written after the number, e.g. 'của UBND tỉnh'"),
        Column("subject", pa.string(), "The summary that follows ('về …'), to the end of its clause"),
        Column("section_path", pa.string(), "Section the mention stands in"),
        Column("area", pa.string(), "Reform area of that section"),
        *_PROVENANCE,
    ],
    "dates": [
        Column("report_id", pa.string(), "The report (see `reports`)"),
        Column("date", pa.date32(), "The date; for month or year precision, the first day; null when impossible"),
        Column("precision", pa.string(), "day, month or year"),
        Column(
            "role",
            pa.string(),
            "issued (a cited document's date), report_date, period_start / period_end (the two dates of a "
            "'từ … đến …' range, or the first day of a period such as '6 tháng đầu năm 2023'), or other",
        ),
        Column("text", pa.string(), "The words as written"),
        Column("is_valid", pa.bool_(), "False for an impossible date such as 31/02/2023, kept as text and never shifted"),
        Column("period_start", pa.date32(), "For a period mention: its first day"),
        Column("period_end", pa.date32(), "For a period mention: its last day (null for an open end, 'đến nay')"),
        Column("section_path", pa.string(), "Section the mention stands in"),
        *_PROVENANCE,
    ],
    "metrics": [
        Column("report_id", pa.string(), "The report (see `reports`)"),
        Column("idx", pa.int32(), "Order of the figure in the report, from 0"),
        Column("value", pa.float64(), "The number, read with Vietnamese grammar: '4.131' is 4131, '99,71' is 99.71"),
        Column("value_text", pa.string(), "The number as written"),
        Column("unit", pa.string(), "The counted noun as written, e.g. 'hồ sơ', 'lượt người', or '%'"),
        Column("subject", pa.string(), "The whole noun phrase the figure counts"),
        Column("metric", pa.string(), "Canonical metric key from `patterns/metrics.yaml`, or null"),
        Column("is_percent", pa.bool_(), "True for a percentage"),
        Column("is_total", pa.bool_(), "True for a figure that has parts (a breakdown's total, a table's total row)"),
        Column("parent_idx", pa.int32(), "For a part of a breakdown: the `idx` of its total"),
        Column("area", pa.string(), "Reform area"),
        Column("section_path", pa.string(), "Section the figure stands in"),
        Column("section_kind", pa.string(), "Kind of that section: result, limitation, plan, recommendation, other"),
        Column("period_start", pa.date32(), "First day of the period the figure covers"),
        Column("period_end", pa.date32(), "Last day of that period"),
        Column("period_source", pa.string(), "sentence (the sentence states its own period) or report (the report's period)"),
        Column("source", pa.string(), "text or table"),
        *_PROVENANCE,
    ],
    "findings": [
        Column("report_id", pa.string(), "The report the finding is about"),
        Column("check", pa.string(), "Which check: sum_mismatch, table_total, claimed_vs_listed, out_of_period, "
               "conflicting_citation, missing_year, unknown_code, type_code_mismatch, percent_over_100, "
               "date_after_report, period_outside_report, cross_report_mismatch, cross_report_citation_date"),
        Column("severity", pa.string(), "error, warning or info"),
        Column("message", pa.string(), "What is wrong, in Vietnamese, in the report's own words"),
        Column("value_stated", pa.float64(), "The figure the report states (for a total: the stated total)"),
        Column("value_computed", pa.float64(), "What it should be by the evidence (for a total: the sum of its parts)"),
        Column("evidence", pa.string(), "The words at fault, as written"),
        Column("section_path", pa.string(), "Section of the evidence"),
        Column("related_report_id", pa.string(), "For a check across reports: the other report"),
        *_PROVENANCE,
    ],
    "comparison": [
        Column("issuer", pa.string(), "Reporting body"),
        Column("issuer_code", pa.string(), "Its code"),
        Column("metric", pa.string(), "Canonical metric key"),
        Column("period_start", pa.date32(), "First day of the period"),
        Column("period_end", pa.date32(), "Last day of the period"),
        Column("months", pa.int32(), "Length of the period in months"),
        Column("value", pa.float64(), "The value stated for the period (the later report's, where two disagree)"),
        Column("is_percent", pa.bool_(), "True for a percentage"),
        Column("report_id", pa.string(), "The report the value comes from"),
        Column("previous_value", pa.float64(), "Value of the issuer's previous period for the metric"),
        Column("change", pa.float64(), "value - previous_value"),
        Column("comparable", pa.bool_(), "False when the two periods differ in length; null for the first period"),
        Column("monthly_rate", pa.float64(), "value / months, for counts (not percentages)"),
    ],
}


def columns(table: str) -> list[Column]:
    return TABLES[table]


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type) for c in TABLES[table]])


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts keyed by column name) as an Arrow table of the pinned schema.

    A missing key is a null; an unknown key is an error, so a renamed field
    cannot silently vanish from the output.
    """
    schema = arrow_schema(table)
    names = set(schema.names)
    for row in rows:
        extra = set(row) - names - {PARTITION.name}
        if extra:
            raise KeyError(f"{table}: no column for {sorted(extra)}")
    data = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.Table.from_pydict(data, schema=schema)


def schema_markdown() -> str:
    lines = [
        "# Output tables",
        "",
        "Generated from `pipeline/tables.py` (`python -m pipeline.tables > docs/schema.md`).",
        "Every table is a parquet dataset under the output folder, hive-partitioned by",
        f"`{PARTITION.name}`, and every fact row carries `report_id` and its provenance.",
        "",
    ]
    for table, cols in TABLES.items():
        lines += [f"## `{table}`", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in cols]
        lines += [f"| `{PARTITION.name}` | {PARTITION.type} | {PARTITION.doc} |", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(schema_markdown())
