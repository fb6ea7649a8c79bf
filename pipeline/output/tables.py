"""The output tables: their columns, with pinned Arrow types and meanings.

Each table is a list of `Column`s.  The Arrow schema is pinned so that every
file of a dataset has the same types whatever pandas would have guessed
(pandas 3 writes `large_string` otherwise), dates are real `date32`, and an
all-null column keeps its type.  `docs/schema.md` is generated from these
declarations (`python -m cchc.pipeline.output.tables > docs/schema.md`), so the
documentation cannot drift from the files.

Every table is partitioned by `report_year` (hive style: `report_year=2023/`);
the partition column is not stored inside the files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str
    # The Vietnamese header shown to readers (Excel sheets, the HTML report).
    # Keyword-only and required, so a column added without one fails at import.
    label: str = field(kw_only=True)
    # For a column of codes: the group of patterns/labels.yaml (or `area`,
    # `metric`) whose Vietnamese words people see in its place.
    codes: str | None = field(default=None, kw_only=True)
    # For a date: the column that says how precise it is (day, month, year),
    # so that it is shown as 05/09/2023, 09/2023 or 2023.
    precision: str | None = field(default=None, kw_only=True)
    # False for a column that always has a value: the Arrow field is declared
    # not null, and a row without one is refused when the table is built.
    nullable: bool = field(default=True, kw_only=True)

    @property
    def type_name(self) -> str:
        """The type as docs/schema.md shows it: `bool not null` for a column that is never null."""
        return str(self.type) if self.nullable else f"{self.type} not null"


PARTITION = Column(
    "report_year",
    pa.int32(),
    "Year of the report's date (else of its period's end); 0 when unknown; the hive partition",
    label="Năm báo cáo",
)

_PROVENANCE = [
    Column("page", pa.int32(), "Page of the source file where the evidence starts; null when the file says "
           "nothing of pages (see `reports.page_source`)", label="Trang"),
    Column("char_start", pa.int64(), "Start of the evidence in the report's normalised text (`out/text/<report_id>.txt`)",
           label="Vị trí đầu (ký tự)"),
    Column("char_end", pa.int64(), "End (exclusive) of the evidence in the normalised text",
           label="Vị trí cuối (ký tự)"),
    Column("sentence", pa.string(), "The sentence (or list clause) the fact stands in", label="Câu trích"),
]

EVIDENCE_SPANS = pa.list_(pa.struct([("char_start", pa.int64()), ("char_end", pa.int64()), ("text", pa.string())]))

TABLES: dict[str, list[Column]] = {
    "reports": [
        Column("report_id", pa.string(), "Content hash of the file (first 16 hex digits of its SHA-256)",
               label="Mã báo cáo"),
        Column("source_path", pa.string(), "Path of the file as given to `cchc ingest`", label="Tệp nguồn"),
        Column("source_sha256", pa.string(), "Full SHA-256 of the file's bytes", label="Mã băm SHA-256"),
        Column("format", pa.string(), "Format detected from the bytes: txt, docx, pdf, doc, html, empty, binary...",
               label="Định dạng"),
        Column("encoding", pa.string(), "Text files: the encoding that was detected (utf-8, utf-8-sig, utf-16, cp1258, or tcvn3 / vni for legacy 8-bit files)",
               label="Bảng mã"),
        Column("status", pa.string(), "ok; partial (read, but not whole, or a later step failed); failed (nothing "
               "read); needs_ocr (scanned pages wait for Tesseract); not_a_report (read, but JSON, an image, a "
               "spreadsheet, an archive or a text with no mark of a report: no facts); skipped (a link out of the "
               "inputs, not read); missing (gone from a folder read again): see docs/failure-modes.md",
               label="Trạng thái", codes="status"),
        Column("error", pa.string(), "What went wrong and what to do, for any status but ok; for not_a_report, why",
               label="Lỗi"),
        Column("duplicate_of", pa.string(), "For another file of the same report (the same report as TXT, DOCX and "
               "PDF, or a copy): the report_id of the canonical one, whose facts count; this file's facts are not "
               "in the fact tables. Null for the canonical file and for a report with no duplicate",
               label="Bản trùng của"),
        Column("other_versions", pa.string(), "For a report with other versions (same issuer, number and period, "
               "different text): their report_ids, space-separated", label="Các phiên bản khác"),
        Column("warnings", pa.string(), "Reader warnings, one per line", label="Cảnh báo khi đọc"),
        Column("issuer", pa.string(), "Reporting body, e.g. 'Sở Ngoại vụ'", label="Cơ quan báo cáo"),
        Column("issuer_code", pa.string(), "Its code from the report's number, e.g. 'SNgV'", label="Mã cơ quan"),
        Column("province", pa.string(), "Province from the header or the place line", label="Tỉnh, thành phố"),
        Column("doc_number", pa.string(), "The report's own number as written, e.g. '/BC-SNgV' (serial left blank)",
               label="Số hiệu báo cáo"),
        Column("report_date", pa.date32(), "The report's date; for month or year precision, the first day",
               label="Ngày báo cáo", precision="report_date_precision"),
        Column("report_date_precision", pa.string(), "day, month or year", label="Độ chính xác ngày báo cáo",
               codes="precision"),
        Column("place", pa.string(), "Place on the date line, e.g. 'Hà Tĩnh'", label="Địa danh"),
        Column("title", pa.string(), "Title line under 'BÁO CÁO'", label="Tiêu đề"),
        Column("period_start", pa.date32(), "First day of the reporting period", label="Kỳ báo cáo từ ngày"),
        Column("period_end", pa.date32(), "Last day of the reporting period", label="Kỳ báo cáo đến ngày"),
        Column("period_text", pa.string(), "The words the period was read from", label="Kỳ báo cáo (nguyên văn)"),
        Column("signer", pa.string(), "Name under the signature block", label="Người ký"),
        Column("signer_role", pa.string(), "Role lines above the name, joined by ' / '", label="Chức vụ người ký"),
        Column("recipients", pa.string(), "The 'Nơi nhận' list, one recipient per line", label="Nơi nhận"),
        Column("n_pages", pa.int32(), "Pages in the source file", label="Số trang"),
        Column("page_source", pa.string(), "Where a Word or text file's page numbers come from: 'rendered' (Word's "
               "page breaks as it last laid the file out), 'explicit' (page breaks and form feeds the author put "
               "in, not counting pages that overflowed); null for a PDF, whose pages are the file's own, and for "
               "a file that says nothing of pages (its `page` columns are null)", label="Nguồn số trang",
               codes="page_source"),
        Column("n_sections", pa.int32(), "Numbered sections found", label="Số mục"),
        Column("pipeline_version", pa.string(), "Version of cchc that wrote the row", label="Phiên bản cchc"),
    ],
    "sections": [
        Column("report_id", pa.string(), "The report (see `reports`)", label="Mã báo cáo"),
        Column("section_path", pa.string(), "Path of numbers from the top, e.g. 'II.6.1'", label="Đường dẫn mục"),
        Column("number", pa.string(), "The heading's own number: 'II', '6.1', 'a'", label="Số mục"),
        Column("title", pa.string(), "Heading text without its number", label="Tiêu đề mục"),
        Column("level", pa.int16(), "1 for Roman-numbered headings, deeper for 1., 6.1., a)", label="Cấp mục"),
        Column("area", pa.string(), "Reform area from the heading words, inherited by subsections (see README)",
               label="Lĩnh vực cải cách", codes="area"),
        Column("kind", pa.string(), "result, limitation, plan, recommendation or other, from the top-level heading",
               label="Loại nội dung", codes="kind"),
        Column("page", pa.int32(), "Page of the heading", label="Trang"),
        Column("char_start", pa.int64(), "Start of the section (its heading) in the normalised text",
               label="Vị trí đầu (ký tự)"),
        Column("char_end", pa.int64(), "End of the section: the next heading of the same or a higher level",
               label="Vị trí cuối (ký tự)"),
    ],
    "references": [
        Column("report_id", pa.string(), "The report (see `reports`)", label="Mã báo cáo"),
        Column("mention_idx", pa.int32(), "Order of the mention in the report, from 0", label="Thứ tự dẫn chiếu"),
        Column("doc_type", pa.string(), "Canonical document type, e.g. 'Quyết định', 'Công văn', 'Nghị quyết'",
               label="Loại văn bản"),
        Column("type_code", pa.string(), "Type code of the number, e.g. 'QĐ', 'KH', 'NQ', 'CV' in '1567CV/TU'; null for a Công văn",
               label="Mã loại văn bản"),
        Column("number_raw", pa.string(), "The number as written, e.g. '505/SNgV - VPTTr'",
               label="Số hiệu (nguyên văn)"),
        Column("number", pa.string(), "The number with inner spaces removed, e.g. '505/SNgV-VPTTr'",
               label="Số hiệu"),
        Column("serial", pa.int32(), "Serial part of the number, e.g. 39 in '39/QĐ-SNgV'", label="Số thứ tự"),
        Column("serial_suffix", pa.string(), "A letter glued to the serial, e.g. 'a' in '15a/KH-UBND'",
               label="Chữ sau số thứ tự"),
        Column("year", pa.int32(), "Year in the number ('107/2021/NĐ-CP'), else the issued date's year when inferred",
               label="Năm ban hành"),
        Column("year_inferred", pa.bool_(), "True when a normative number lacks its year and `year` comes from the date",
               label="Năm được suy ra"),
        Column("issuer_code", pa.string(), "Issuing body's code, e.g. 'UBND', 'SNgV', 'CP', 'TTg', 'TU'",
               label="Mã cơ quan ban hành"),
        Column("unit_code", pa.string(), "Drafting unit of a Công văn, e.g. 'VPTTr' in '661/SNgV-VPTTr'",
               label="Mã đơn vị soạn thảo"),
        Column("is_party_doc", pa.bool_(), "True for Party documents written 'N-XX/YY' (e.g. '05-NQ/TU')",
               label="Văn bản của Đảng"),
        Column("issued_date", pa.date32(), "Date stated in the mention; null when the mention gives none",
               label="Ngày ban hành"),
        Column("issued_date_text", pa.string(), "That date as written", label="Ngày ban hành (nguyên văn)"),
        Column("issuer_text", pa.string(), "Issuer as written after the number, e.g. 'của UBND tỉnh'",
               label="Cơ quan ban hành (nguyên văn)"),
        Column("subject", pa.string(), "The summary that follows ('về …'), to the end of its clause",
               label="Trích yếu"),
        Column("section_path", pa.string(), "Section the mention stands in", label="Mục"),
        Column("area", pa.string(), "Reform area of that section", label="Lĩnh vực cải cách", codes="area"),
        *_PROVENANCE,
    ],
    "dates": [
        Column("report_id", pa.string(), "The report (see `reports`)", label="Mã báo cáo"),
        Column("date", pa.date32(), "The date; for month or year precision, the first day; null when impossible",
               label="Ngày", precision="precision"),
        Column("precision", pa.string(), "day, month or year", label="Độ chính xác", codes="precision"),
        Column(
            "role",
            pa.string(),
            "issued (a cited document's date), report_date, period_start / period_end (the two dates of a "
            "'từ … đến …' range, or the first day of a period such as '6 tháng đầu năm 2023'), or other",
            label="Vai trò",
            codes="date_role",
        ),
        Column("text", pa.string(), "The words as written", label="Nguyên văn"),
        Column("is_valid", pa.bool_(), "False for an impossible date such as 31/02/2023, kept as text and never shifted",
               label="Ngày hợp lệ"),
        Column("period_start", pa.date32(), "For a period mention: its first day", label="Kỳ từ ngày"),
        Column("period_end", pa.date32(), "For a period mention: its last day (null for an open end, 'đến nay')",
               label="Kỳ đến ngày"),
        Column("section_path", pa.string(), "Section the mention stands in", label="Mục"),
        *_PROVENANCE,
    ],
    "metrics": [
        Column("report_id", pa.string(), "The report (see `reports`)", label="Mã báo cáo"),
        Column("idx", pa.int32(), "Order of the figure in the report, from 0", label="Thứ tự số liệu"),
        Column("value", pa.float64(), "The number, read with Vietnamese grammar: '4.131' is 4131, '99,71' is 99.71",
               label="Giá trị"),
        Column("value_text", pa.string(), "The number as written", label="Giá trị (nguyên văn)"),
        Column("unit", pa.string(), "The counted noun as written, e.g. 'hồ sơ', 'lượt người', or '%'",
               label="Đơn vị tính"),
        Column("subject", pa.string(), "The whole noun phrase the figure counts", label="Đối tượng"),
        Column("metric", pa.string(), "Canonical metric key from `patterns/metrics.yaml`, or null",
               label="Chỉ tiêu", codes="metric"),
        Column("is_percent", pa.bool_(), "True for a percentage", label="Là tỷ lệ %"),
        Column("is_total", pa.bool_(), "True for a figure that has parts (a breakdown's total, a table's total row)",
               label="Là số tổng"),
        Column("parent_idx", pa.int32(), "For a part of a breakdown: the `idx` of its total",
               label="Thứ tự số tổng"),
        Column("is_target", pa.bool_(), "True for a target or a plan, not a result: a figure in a plan or "
               "recommendation section, or one a word of aim, plan or assignment governs ('phấn đấu đạt trên "
               "50%', 'chỉ tiêu năm 2024 là 50%', 'được giao 38 biên chế'; not 'đạt 100% kế hoạch'), and the "
               "parts of such a total (patterns/targets.yaml); kept out of `comparison`",
               label="Là chỉ tiêu kế hoạch", nullable=False),
        Column("area", pa.string(), "Reform area", label="Lĩnh vực cải cách", codes="area"),
        Column("section_path", pa.string(), "Section the figure stands in", label="Mục"),
        Column("section_kind", pa.string(), "Kind of that section: result, limitation, plan, recommendation, other",
               label="Loại nội dung mục", codes="kind"),
        Column("period_start", pa.date32(), "First day of the period the figure covers", label="Kỳ số liệu từ ngày"),
        Column("period_end", pa.date32(), "Last day of that period", label="Kỳ số liệu đến ngày"),
        Column("period_source", pa.string(), "sentence (the sentence states its own period) or report (the report's period)",
               label="Nguồn kỳ số liệu", codes="period_source"),
        Column("source", pa.string(), "text, table, or ocr (read by OCR off a scanned page)",
               label="Nguồn (lời văn, bảng hay OCR)", codes="figure_source"),
        *_PROVENANCE,
    ],
    "findings": [
        Column("finding_id", pa.string(), "Stable id: a short hash of the report's content hash, the check and the "
               "evidence words, the same across re-runs, --force and new cchc versions (see `reviews`)",
               label="Mã phát hiện"),
        Column("report_id", pa.string(), "The report the finding is about", label="Mã báo cáo"),
        Column("check", pa.string(), "Which check: sum_mismatch, table_total, subperiod_mismatch, claimed_vs_listed, "
               "out_of_period, conflicting_citation, missing_year, unknown_code, type_code_mismatch, percent_over_100, "
               "date_after_report, period_outside_report, cross_report_mismatch, cross_report_citation_date, "
               "report_version (docs/checks.md)",
               label="Loại kiểm tra", codes="check"),
        Column("severity", pa.string(), "error (the report contradicts itself), warning (a likely slip a person "
               "must judge) or info (context)", label="Mức độ", codes="severity"),
        Column("message", pa.string(), "What is wrong, in Vietnamese, in the report's own words",
               label="Nội dung phát hiện"),
        Column("value_stated", pa.float64(), "The figure the report states (for a total: the stated total)",
               label="Giá trị báo cáo nêu"),
        Column("value_computed", pa.float64(), "What it should be by the evidence (for a total: the sum of its parts)",
               label="Giá trị tính lại"),
        Column("evidence", pa.string(), "The words at fault, as written", label="Chỗ sai (nguyên văn)"),
        Column("evidence_spans", EVIDENCE_SPANS, "Every span the finding rests on (a total and each of its parts, "
               "every figure of a sentence), each char_start, char_end and its words; the first is `evidence`",
               label="Các chỗ dẫn chứng"),
        Column("section_path", pa.string(), "Section of the evidence", label="Mục"),
        Column("related_report_id", pa.string(), "For a check across reports: the other report",
               label="Mã báo cáo liên quan"),
        *_PROVENANCE,
    ],
    "comparison": [
        Column("issuer", pa.string(), "Reporting body", label="Cơ quan báo cáo"),
        Column("issuer_code", pa.string(), "Its code", label="Mã cơ quan"),
        Column("metric", pa.string(), "Canonical metric key (see `metric_catalogue`)", label="Chỉ tiêu",
               codes="metric"),
        Column("period_start", pa.date32(), "First day of the period", label="Kỳ từ ngày"),
        Column("period_end", pa.date32(), "Last day of the period", label="Kỳ đến ngày"),
        Column("days", pa.int32(), "Length of the period in days", label="Số ngày"),
        Column("months", pa.int32(), "Length of the period in calendar months: from day d to the day before d, n "
               "months later, is n months (01/01–31/12 and the statistical year 15/12–14/12 are 12); null when "
               "the period is not whole months (docs/comparison.md)", label="Số tháng"),
        Column("value", pa.float64(), "The value stated for the period (the later report's, where two disagree)",
               label="Giá trị"),
        Column("unit", pa.string(), "The counted noun of that figure, as written", label="Đơn vị tính"),
        Column("is_percent", pa.bool_(), "True for a percentage", label="Là tỷ lệ %"),
        Column("report_id", pa.string(), "The report the value comes from", label="Mã báo cáo"),
        Column("figure_idx", pa.int32(), "The figure the value is: its `idx` in `metrics` (with `report_id`)",
               label="Thứ tự số liệu"),
        Column("previous_period_start", pa.date32(), "First day of the period compared with: the latest period "
               "of the issuer and metric that ends before this one starts, one of the same length when there is one",
               label="Kỳ so sánh từ ngày"),
        Column("previous_period_end", pa.date32(), "Last day of that period", label="Kỳ so sánh đến ngày"),
        Column("previous_value", pa.float64(), "The value of that period", label="Giá trị kỳ so sánh"),
        Column("change", pa.float64(), "value - previous_value", label="Thay đổi so với kỳ so sánh"),
        Column("comparable", pa.bool_(), "True when the two periods have the same length (the same calendar "
               "months, else the same days); null when there is no earlier period", label="So sánh được"),
        Column("contains_other_periods", pa.bool_(), "True when the period contains another period of the same "
               "issuer and metric (a review of several years already reported one by one)",
               label="Bao trùm kỳ khác"),
        Column("overlaps_other_periods", pa.bool_(), "True when the period overlaps another period of the same "
               "issuer and metric (it is never compared with one it overlaps)", label="Chồng lấn kỳ khác"),
        Column("monthly_rate", pa.float64(), "value per month, for counts (not percentages): value / months, or "
               "value / (days / 30.44) for a period that is not whole months", label="Bình quân mỗi tháng"),
    ],
    "metric_catalogue": [
        Column("key", pa.string(), "Canonical metric key, as in `metrics.metric` and `comparison.metric`",
               label="Mã chỉ tiêu"),
        Column("label", pa.string(), "What the metric is, in Vietnamese", label="Tên chỉ tiêu"),
        Column("unit", pa.string(), "The unit it is counted in: '%' for a rate, else the first noun of its "
               "units in `patterns/metrics.yaml`", label="Đơn vị tính"),
        Column("units", pa.string(), "Every unit or kind of noun a figure of the metric may be counted in, "
               "joined by ', '", label="Các đơn vị được nhận"),
        Column("area", pa.string(), "Reform area the metric belongs to", label="Lĩnh vực cải cách", codes="area"),
        Column("is_percent", pa.bool_(), "True for a rate in percent", label="Là tỷ lệ %"),
        Column("description", pa.string(), "How a figure is recognised as this metric: its units and the words "
               "that must or must not stand near it", label="Cách nhận biết"),
        Column("figures", pa.int32(), "Figures of the metric in this output folder", label="Số số liệu"),
        Column("targets", pa.int32(), "Of them, targets or plans (`metrics.is_target`: in a plan or "
               "recommendation section, or governed by a word of aim, plan or assignment): kept out of "
               "`comparison`", label="Số chỉ tiêu kế hoạch"),
        Column("reports", pa.int32(), "Reports that state the metric", label="Số báo cáo"),
        Column("comparison_rows", pa.int32(), "Rows of `comparison` for the metric", label="Số dòng so sánh"),
    ],
}

# Tables that are not per report, hence not partitioned by year: one file,
# rewritten by every run.
UNPARTITIONED = {"metric_catalogue"}


# Auditors' verdicts on findings: written by `cchc review` only, never by
# `cchc ingest`, as one file `reviews/reviews.parquet` (not partitioned).
# Every verdict is kept; a finding's status is its latest verdict.
REVIEWS: list[Column] = [
    Column("finding_id", pa.string(), "The finding (see `findings.finding_id`)", label="Mã phát hiện"),
    Column("verdict", pa.string(), "confirmed (a real fault) or dismissed (not a fault)", label="Kết luận"),
    Column("note", pa.string(), "The reviewer's note", label="Ghi chú xem xét"),
    Column("by", pa.string(), "Who reviewed", label="Người xem xét"),
    Column("at", pa.timestamp("s", tz="UTC"), "When the verdict was recorded (UTC)", label="Thời điểm xem xét"),
]

# Columns the `findings` view adds from `reviews` (`pipeline/output/query.py`).
REVIEW_VIEW_COLUMNS: list[Column] = [
    Column("review_status", pa.string(), "open (no verdict yet), confirmed or dismissed: the latest verdict in "
           "`reviews`", label="Trạng thái xem xét"),
    Column("review_note", pa.string(), "The note of that verdict", label="Ghi chú xem xét"),
]

# What each table holds, in Vietnamese, for titles and sheet notes.
TABLE_LABELS: dict[str, str] = {
    "reports": "Báo cáo (tệp đầu vào)",
    "sections": "Mục của báo cáo",
    "references": "Văn bản được dẫn chiếu",
    "dates": "Ngày tháng và kỳ",
    "metrics": "Số liệu",
    "findings": "Phát hiện kiểm tra",
    "comparison": "So sánh chỉ tiêu qua các kỳ",
    "metric_catalogue": "Danh mục chỉ tiêu",
    "reviews": "Kết luận xem xét phát hiện",
}


def columns(table: str) -> list[Column]:
    return TABLES[table]


def read_columns(table: str) -> list[Column]:
    """The columns of a table as it is read back: the declared ones, then the
    partition column (for a partitioned table)."""
    return [*TABLES[table], *([] if table in UNPARTITIONED else [PARTITION])]


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in TABLES[table]])


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
    if table == "findings":
        rows = with_finding_ids(rows)
    data = {name: [row.get(name) for row in rows] for name in schema.names}
    for field_ in schema:
        if not field_.nullable and any(v is None for v in data[field_.name]):
            raise ValueError(f"{table}.{field_.name} is never null, and a row has no value for it")
    return pa.Table.from_pydict(data, schema=schema)


def _shown_as(column: Column) -> str:
    return f" (codes; shown as the words of `{column.codes}`)" if column.codes else ""
def _words(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def finding_id(report_id: str | None, check: str, evidence_words: str, related: str | None = None, nth: int = 0) -> str:
    """A finding's stable id: a short hash of what identifies the fault, the
    report's content hash, the check and the words at fault (`nth` tells
    apart the same words at fault twice in one report), so that it survives
    re-runs, --force and new cchc versions, and changes when the evidence does."""
    key = "\x1f".join([report_id or "", check, evidence_words, related or "", str(nth)])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def evidence_words(row: dict) -> str:
    """The words a finding rests on: its evidence and those of every span."""
    spans = [s.get("text") for s in row.get("evidence_spans") or []]
    words = [_words(w) for w in [row.get("evidence"), *spans] if w]
    return " | ".join(dict.fromkeys(words)) or _words(row.get("sentence"))


def with_finding_ids(rows: list[dict]) -> list[dict]:
    """The rows, each with its `finding_id` (rows that carry one keep it)."""
    seen: dict[tuple, int] = {}
    out = []
    for row in rows:
        if row.get("finding_id"):
            out.append(row)
            continue
        key = (row.get("report_id"), row["check"], evidence_words(row), row.get("related_report_id"))
        nth = seen[key] = seen.get(key, -1) + 1
        out.append({**row, "finding_id": finding_id(*key, nth=nth)})
    return out


def schema_markdown() -> str:
    lines = [
        "# Output tables",
        "",
        "Generated from `pipeline/output/tables.py` (`python -m cchc.pipeline.output.tables > docs/schema.md`).",
        "Every table is a parquet dataset under the output folder, hive-partitioned by",
        f"`{PARTITION.name}` (but `metric_catalogue`, one file rewritten by every run), and every",
        "fact row carries `report_id` and its provenance.",
        "A type marked `not null` is never null in the files cchc writes (a folder written by an",
        "older cchc, without the column, reads it as null).",
        "The label is the column's Vietnamese header in `cchc export` and `cchc report`.",
        "A column of codes names the group of `patterns/labels.yaml` whose Vietnamese words",
        "people see in its place (the workbook, the page, the `_label` columns of the views).",
        "",
    ]
    for table, cols in TABLES.items():
        lines += [f"## `{table}`: {TABLE_LABELS[table]}", "", "| column | label | type | meaning |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.label} | {c.type_name} | {c.doc}{_shown_as(c)} |" for c in read_columns(table)]
        if table == "findings":
            lines += ["", "The `findings` view of `cchc query` (and the Excel sheet and HTML page) adds, from `reviews`:",
                      "", "| column | label | type | meaning |", "|---|---|---|---|"]
            lines += [f"| `{c.name}` | {c.label} | {c.type} | {c.doc} |" for c in REVIEW_VIEW_COLUMNS]
        lines += [""]
    lines += [
        f"## `reviews`: {TABLE_LABELS['reviews']}",
        "",
        "Written by `cchc review` only (`reviews/reviews.parquet`, not partitioned), never by `cchc ingest`;",
        "every verdict is kept, and a finding's status is its latest.",
        "",
        "| column | label | type | meaning |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.label} | {c.type} | {c.doc} |" for c in REVIEWS]
    lines += [""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(schema_markdown())
