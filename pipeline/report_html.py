"""One self-contained HTML page over an output folder, in Vietnamese.

The page is for an inspector who opens a single file, offline: no fonts,
styles, scripts or images are fetched from anywhere.  The CSS is inline, the
charts are SVG drawn here, and the page carries a Content-Security-Policy
that forbids every fetch and every script, so even a mistake in escaping
could not make it load or run anything.

It shows, in order:
1. the run: files by status, the files that were not read (with their
   error), and the rows of each table;
2. each report that was read (issuer, title, period, source file) with its
   findings: check, severity, message, section and page, and the sentence
   quoted with the words at fault in <mark>; the findings not yet reviewed
   come first, and those an auditor confirmed or dismissed (`cchc review`)
   are folded below them with the verdict and its note;
3. each metric of each issuer stated for two or more periods, as a bar
   chart; a period whose length differs from the one before it (a 32-month
   review after a year) is hatched and starred, and a legend says why.

Every piece of text from the data is report text or a file name, so it is
untrusted: it goes through `html.escape` (attributes too) and nothing from
the data is ever written unescaped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from itertools import count, groupby
from pathlib import Path

from pipeline import __version__
from pipeline.patterns import entries
from pipeline.query import connect
from pipeline.read.detect import CCHC_PAGE_MARK
from pipeline.reviews import CONFIRMED, DISMISSED, OPEN
from pipeline.store import atomic_write
from pipeline.tables import TABLE_LABELS, TABLES

STATUS_LABELS = {
    "ok": "Đọc được",
    "partial": "Đọc được một phần",
    "failed": "Không đọc được",
    "needs_ocr": "Cần nhận dạng chữ (OCR)",
    "skipped": "Không đọc (liên kết ra ngoài thư mục)",
    "missing": "Không còn tệp",
    "not_a_report": "Không phải báo cáo",
}
SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
REVIEW_LABELS = {CONFIRMED: "Đã xác nhận", DISMISSED: "Đã bác bỏ", OPEN: "Chưa xem xét"}
CHECK_LABELS = {
    "sum_mismatch": "Tổng không khớp với các thành phần",
    "table_total": "Dòng tổng của bảng không khớp",
    "claimed_vs_listed": "Số nêu khác số liệt kê",
    "out_of_period": "Văn bản ban hành ngoài kỳ báo cáo",
    "conflicting_citation": "Dẫn chiếu văn bản mâu thuẫn",
    "missing_year": "Số hiệu thiếu năm ban hành",
    "unknown_code": "Mã cơ quan không có trong danh mục",
    "type_code_mismatch": "Loại văn bản không khớp mã loại",
    "percent_over_100": "Tỷ lệ vượt quá 100%",
    "date_after_report": "Ngày sau ngày báo cáo",
    "period_outside_report": "Kỳ số liệu nằm ngoài kỳ báo cáo",
    "cross_report_mismatch": "Hai báo cáo nêu số liệu khác nhau",
    "cross_report_citation_date": "Hai báo cáo dẫn cùng văn bản với ngày khác nhau",
    "subperiod_mismatch": "Số liệu cả kỳ nhỏ hơn tổng các kỳ con",
    "report_version": "Báo cáo có phiên bản khác",
}

# Chart geometry, in SVG pixels.
BAR_SLOT = 92  # horizontal room for one period
CHART_MIN_WIDTH = 320
PLOT_HEIGHT = 150
TOP = 26  # room for the value above the tallest bar
BOTTOM = 42  # room for the two lines of the period label
SIDE = 14
LEGEND_LINE = 18

COMPARABLE_FILL = "#2f6fb0"
NOT_COMPARABLE_FILL = "#e08a1e"


@dataclass
class Bar:
    """One period of one metric of one issuer (a row of `comparison`)."""

    label: str  # "2021" or "01/2021–08/2023"
    start: date
    end: date
    months: int
    value: float
    is_percent: bool
    comparable: bool | None  # None for the first period
    monthly_rate: float | None

    @property
    def not_comparable(self) -> bool:
        return self.comparable is False


@dataclass
class Chart:
    issuer: str
    issuer_code: str | None
    metric: str
    label: str  # the metric in Vietnamese
    area: str | None
    bars: list[Bar]


# ----------------------------------------------------------------- helpers


def _e(value) -> str:
    """Escaped text of any value from the data; empty for a null."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return escape(str(value), quote=True)


def _bdi(value) -> str:
    """Text taken from a report or a file name, escaped and isolated, so that
    a right-to-left override in it cannot reorder the page around it."""
    text = _e(value)
    return f"<bdi>{text}</bdi>" if text else ""


def vn_number(value: float, percent: bool = False) -> str:
    """A number the Vietnamese way: 4.127 for four thousand, 99,4 for a decimal."""
    if value is None or not math.isfinite(value):
        return ""
    if value == int(value):
        text = f"{int(value):,}".replace(",", ".")
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text + ("%" if percent else "")


def vn_date(d: date | datetime | None) -> str:
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year}"


def period_label(start: date, end: date) -> str:
    """A calendar year as its year, any other period as mm/yyyy–mm/yyyy."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start.month:02d}/{start.year}–{end.month:02d}/{end.year}"


def _anchor(report_id: str) -> str:
    return "bc-" + re.sub(r"[^0-9A-Za-z_-]", "_", str(report_id))


def quote_with_mark(sentence: str | None, evidence: str | None) -> str:
    """The sentence, escaped, with the first occurrence of the evidence in <mark>."""
    sentence = sentence or ""
    at = sentence.find(evidence) if evidence else -1
    if at < 0:
        return _e(sentence)
    end = at + len(evidence)
    return f"{_e(sentence[:at])}<mark>{_e(sentence[at:end])}</mark>{_e(sentence[end:])}"


def _rows(con, sql: str) -> list[dict]:
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


# -------------------------------------------------------------- the data


def _metric_info() -> dict[str, tuple[int, str, str | None]]:
    """metric key → (its place in patterns/metrics.yaml, Vietnamese label, area)."""
    return {e["key"]: (i, e.get("label") or e["key"], e.get("area")) for i, e in enumerate(entries("metrics"))}


def _area_labels() -> dict[str, str]:
    return {e["area"]: e.get("label") or e["area"] for e in entries("areas")}


def charts(con) -> list[Chart]:
    """Every issuer × metric of `comparison` with two or more periods; per
    issuer, by reform area and then in the order of patterns/metrics.yaml."""
    info = _metric_info()
    rows = _rows(
        con,
        "SELECT issuer, issuer_code, metric, period_start, period_end, months, value, is_percent, comparable, "
        "monthly_rate FROM comparison ORDER BY issuer, metric, period_end, period_start",
    )
    grouped: dict[tuple, list[dict]] = {}
    places: dict[str, int] = {}
    for r in rows:
        grouped.setdefault((r["issuer"], r["issuer_code"], r["metric"]), []).append(r)
    result = []
    for (issuer, code, metric), series in grouped.items():
        if len(series) < 2:
            continue  # one period: nothing to compare yet
        place, label, area = info.get(metric, (len(info), metric, None))
        bars = [
            Bar(
                label=period_label(r["period_start"], r["period_end"]),
                start=r["period_start"],
                end=r["period_end"],
                months=r["months"],
                value=r["value"],
                is_percent=bool(r["is_percent"]),
                comparable=r["comparable"],
                monthly_rate=r["monthly_rate"],
            )
            for r in series
        ]
        result.append(Chart(issuer or "", code, metric, label, area, bars))
        places[metric] = place
    area_order = {a: i for i, a in enumerate(_area_labels())}
    return sorted(
        result,
        key=lambda c: (c.issuer, c.issuer_code or "", area_order.get(c.area, len(area_order)), places[c.metric], c.metric),
    )


# ------------------------------------------------------------- the chart


def chart_svg(chart: Chart, chart_id: str) -> str:
    """A bar chart: one bar per period, the value above it, the period and its
    length in months below.  A period not comparable with the one before it
    is hatched, outlined in dashes and starred, and the legend under the
    chart says what that means."""
    n = len(chart.bars)
    width = max(CHART_MIN_WIDTH, 2 * SIDE + n * BAR_SLOT)
    marked = any(b.not_comparable for b in chart.bars)
    legend_h = 2 * LEGEND_LINE + 6 if marked else 0
    height = TOP + PLOT_HEIGHT + BOTTOM + legend_h
    base = TOP + PLOT_HEIGHT
    top_value = max((b.value for b in chart.bars), default=0) or 1
    left = (width - n * BAR_SLOT) / 2
    hatch = f"hatch-{chart_id}"
    title = f"{chart.label} — {chart.issuer}"

    parts = [
        f'<svg class="chart-svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        # The hatch of a non-comparable bar; defined per chart so that each
        # SVG stands alone (it can be copied out of the page).
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fbe3c4"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{NOT_COMPARABLE_FILL}" stroke-width="3"/></pattern></defs>',
        f'<line class="axis" x1="{SIDE}" y1="{base}" x2="{width - SIDE}" y2="{base}" stroke="#555" stroke-width="1"/>',
    ]
    bar_w = BAR_SLOT * 0.56
    for i, bar in enumerate(chart.bars):
        h = max(0.0, bar.value) / top_value * PLOT_HEIGHT
        x = left + i * BAR_SLOT + (BAR_SLOT - bar_w) / 2
        cx = x + bar_w / 2
        y = base - h
        shown = vn_number(bar.value, bar.is_percent) + (" *" if bar.not_comparable else "")
        if bar.not_comparable:
            style = f'fill="url(#{hatch})" stroke="{NOT_COMPARABLE_FILL}" stroke-width="1.5" stroke-dasharray="4 2"'
            kind = "not-comparable"
        else:
            style = f'fill="{COMPARABLE_FILL}"'
            kind = "first" if bar.comparable is None else "comparable"
        tip = [f"Kỳ {vn_date(bar.start)}–{vn_date(bar.end)} ({bar.months} tháng): {vn_number(bar.value, bar.is_percent)}"]
        if bar.monthly_rate is not None:
            tip.append(f"bình quân {vn_number(round(bar.monthly_rate, 2))}/tháng")
        if bar.not_comparable:
            tip.append("độ dài kỳ khác kỳ trước, không so sánh trực tiếp được")
        parts += [
            f'<g class="period {kind}">',
            f'<rect class="bar {kind}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" {style} '
            f'data-period="{_e(bar.label)}" data-value="{bar.value:g}" data-months="{bar.months}">'
            f"<title>{_e('; '.join(tip))}</title></rect>",
            f'<text class="value" x="{cx:.1f}" y="{y - 6:.1f}" text-anchor="middle">{_e(shown)}</text>',
            f'<text class="period-label" x="{cx:.1f}" y="{base + 16}" text-anchor="middle">{_e(bar.label)}</text>',
            f'<text class="months" x="{cx:.1f}" y="{base + 31}" text-anchor="middle">{bar.months} tháng</text>',
            "</g>",
        ]
    if marked:
        y0 = base + BOTTOM + 4
        parts += [
            '<g class="legend">',
            f'<rect x="{SIDE}" y="{y0}" width="14" height="11" fill="{COMPARABLE_FILL}"/>',
            f'<text x="{SIDE + 20}" y="{y0 + 10}">Kỳ cùng độ dài với kỳ trước</text>',
            f'<rect x="{SIDE}" y="{y0 + LEGEND_LINE}" width="14" height="11" fill="url(#{hatch})" '
            f'stroke="{NOT_COMPARABLE_FILL}" stroke-dasharray="4 2"/>',
            f'<text x="{SIDE + 20}" y="{y0 + LEGEND_LINE + 10}">* Độ dài kỳ khác kỳ trước: không so sánh trực tiếp</text>',
            "</g>",
        ]
    parts.append("</svg>")
    return "".join(parts)


# -------------------------------------------------------------- the page

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 0; color: #1d232b;
       background: #f4f6f9; line-height: 1.45; font-size: 15px; }
header.page { background: #17395c; color: #fff; padding: 18px 32px; }
header.page h1 { margin: 0 0 4px; font-size: 24px; }
header.page p { margin: 2px 0; color: #d6e2ee; font-size: 13px; }
nav.toc { background: #fff; border-bottom: 1px solid #d5dbe3; padding: 8px 32px; font-size: 14px; }
nav.toc a { margin-right: 18px; color: #17395c; }
main { padding: 8px 32px 40px; max-width: 1400px; }
section.block { margin-top: 22px; }
h2 { font-size: 20px; border-bottom: 2px solid #17395c; padding-bottom: 4px; color: #17395c; }
h3 { font-size: 17px; margin: 18px 0 6px; }
h4 { font-size: 15px; margin: 14px 0 6px; color: #3a4a5c; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 10px 0 14px; }
.card { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; padding: 10px 16px; min-width: 150px; }
.card .n { font-size: 26px; font-weight: 700; display: block; }
.card.bad .n { color: #b3261e; }
.card.warn .n { color: #a35c00; }
.summary-grid { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-start; }
table.data { border-collapse: collapse; background: #fff; margin: 6px 0 12px; font-size: 14px; }
table.data caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.data th, table.data td { border: 1px solid #d5dbe3; padding: 4px 10px; text-align: left; vertical-align: top; }
table.data th { background: #e6edf5; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok-note { color: #2e6b30; }
article.report { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; margin: 12px 0; padding: 4px 16px 10px; }
article.report > details > summary { cursor: pointer; list-style: none; }
article.report h3 { display: inline; }
.count { font-size: 13px; color: #555; margin-left: 8px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; font-size: 14px; margin: 8px 0; }
dl.meta dt { color: #5a6775; }
dl.meta dd { margin: 0; word-break: break-all; }
ol.findings { padding-left: 22px; margin: 6px 0; }
li.finding { margin: 8px 0; padding: 6px 10px; border-left: 4px solid #999; background: #fafbfc; }
li.finding.sev-error { border-left-color: #b3261e; }
li.finding.sev-warning { border-left-color: #d98a00; }
li.finding.sev-info { border-left-color: #2f6fb0; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 10px; color: #fff;
         background: #777; margin-right: 6px; }
.badge.error { background: #b3261e; } .badge.warning { background: #c77700; } .badge.info { background: #2f6fb0; }
.finding .where { color: #5a6775; font-size: 13px; }
.finding code, td code { font-size: 12px; background: #eef1f4; padding: 0 4px; border-radius: 3px; }
.finding p.message { margin: 4px 0; }
blockquote.quote { margin: 4px 0; padding: 4px 10px; border-left: 3px solid #c9d2dc; color: #333; background: #fff; }
mark { background: #ffe066; padding: 0 2px; }
details.reviewed { margin: 8px 0; }
details.reviewed > summary { cursor: pointer; color: #3a4a5c; font-size: 14px; }
ol.findings.reviewed li.finding { opacity: 0.8; }
p.review { margin: 4px 0; font-size: 14px; }
.verdict { font-weight: 700; margin-right: 4px; }
.verdict.confirmed { color: #b3261e; } .verdict.dismissed { color: #2e6b30; }
code.finding-id { color: #5a6775; }
.values, .related { font-size: 13px; color: #3a4a5c; }
.none { color: #5a6775; font-style: italic; }
.legend-box { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; padding: 8px 12px; font-size: 14px;
              display: inline-flex; gap: 20px; align-items: center; flex-wrap: wrap; }
.legend-box svg { vertical-align: middle; margin-right: 6px; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
figure.chart { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; margin: 0; padding: 8px; }
figure.chart figcaption { font-size: 14px; font-weight: 600; max-width: 420px; }
figure.chart figcaption code { font-weight: 400; font-size: 11px; color: #5a6775; }
svg.chart-svg text { font-family: inherit; font-size: 12px; fill: #1d232b; }
svg.chart-svg text.value { font-weight: 700; }
svg.chart-svg text.months { fill: #5a6775; font-size: 11px; }
svg.chart-svg .legend text { font-size: 11px; }
"""

# No fetch of any kind and no script: the page is all inline.
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _status_rows(reports: list[dict]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for r in reports:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    known = [s for s in STATUS_LABELS if s in counts]
    return [(s, counts[s]) for s in known + sorted(set(counts) - set(known))]


def _summary(reports: list[dict], row_counts: dict[str, int], findings: list[dict]) -> str:
    by_severity: dict[str, int] = {}
    for f in findings:
        if (f.get("review_status") or OPEN) == OPEN:
            by_severity[f["severity"]] = by_severity.get(f["severity"], 0) + 1
    not_read = [r for r in reports if r["status"] != "ok"]
    html = ['<section class="block" id="tong-quan"><h2>1. Tổng quan lần chạy</h2>', '<div class="cards">']
    html.append(f'<div class="card"><span class="n">{len(reports)}</span>tệp đã nạp</div>')
    html.append(
        f'<div class="card"><span class="n">{sum(1 for r in reports if r["status"] == "ok")}</span>tệp đọc được</div>'
    )
    html.append(f'<div class="card{" bad" if not_read else ""}"><span class="n">{len(not_read)}</span>'
                "tệp lỗi hoặc đọc chưa trọn</div>")
    html.append(f'<div class="card{" bad" if by_severity.get("error") else ""}">'
                f'<span class="n">{by_severity.get("error", 0)}</span>lỗi chưa xem xét</div>')
    html.append(f'<div class="card{" warn" if by_severity.get("warning") else ""}">'
                f'<span class="n">{by_severity.get("warning", 0)}</span>cảnh báo chưa xem xét</div>')
    html.append("</div>")

    html.append('<div class="summary-grid">')
    html.append('<table class="data" id="theo-trang-thai"><caption>Số tệp theo trạng thái</caption>'
                "<thead><tr><th>Trạng thái</th><th>Mã</th><th>Số tệp</th></tr></thead><tbody>")
    for status, n in _status_rows(reports):
        html.append(f"<tr><td>{_e(STATUS_LABELS.get(status, status))}</td><td><code>{_e(status)}</code></td>"
                    f'<td class="num">{n}</td></tr>')
    if not reports:
        html.append('<tr><td colspan="3" class="none">Chưa có tệp nào.</td></tr>')
    html.append("</tbody></table>")

    html.append('<table class="data" id="so-dong"><caption>Số dòng mỗi bảng</caption>'
                "<thead><tr><th>Bảng</th><th>Nội dung</th><th>Số dòng</th></tr></thead><tbody>")
    for table in TABLES:
        html.append(f"<tr><td><code>{_e(table)}</code></td><td>{_e(TABLE_LABELS[table])}</td>"
                    f'<td class="num" data-table="{_e(table)}">{vn_number(row_counts[table])}</td></tr>')
    html.append("</tbody></table></div>")

    html.append("<h3>Tệp lỗi hoặc đọc chưa trọn</h3>")
    if not_read:
        html.append('<table class="data" id="tep-loi"><thead><tr><th>Tệp</th><th>Định dạng</th>'
                    "<th>Trạng thái</th><th>Lỗi</th></tr></thead><tbody>")
        for r in not_read:
            html.append(
                f"<tr><td>{_bdi(r['source_path'])}</td><td>{_e(r['format'])}</td>"
                f"<td>{_e(STATUS_LABELS.get(r['status'], r['status']))}</td><td>{_bdi(r['error'])}</td></tr>"
            )
        html.append("</tbody></table>")
    else:
        html.append('<p class="ok-note">Mọi tệp đều đọc được.</p>')
    html.append("</section>")
    return "".join(html)


def _finding(f: dict, sources: dict[str, str]) -> str:
    sev = f["severity"] or ""
    status = f.get("review_status") or OPEN
    where = []
    if f["section_path"]:
        where.append(f"Mục {_e(f['section_path'])}")
    if f["page"] is not None:
        where.append(f"Trang {_e(f['page'])}")
    html = [
        f'<li class="finding sev-{_e(sev)} review-{_e(status)}" data-check="{_e(f["check"])}" '
        f'data-finding-id="{_e(f.get("finding_id"))}" data-review-status="{_e(status)}">',
        f'<div class="head"><span class="badge {_e(sev)}">{_e(SEVERITY_LABELS.get(sev, sev))}</span>'
        f"<strong>{_e(CHECK_LABELS.get(f['check'], f['check']))}</strong> <code>{_e(f['check'])}</code>"
        f'{" · " if where else ""}<span class="where">{" · ".join(where)}</span>'
        f' <code class="finding-id" title="Mã phát hiện (cchc review)">{_e(f.get("finding_id"))}</code></div>',
        f'<p class="message">{_e(f["message"])}</p>',
    ]
    if status != OPEN:
        note = f": {_e(f.get('review_note'))}" if f.get("review_note") else ""
        html.append(f'<p class="review"><span class="verdict {_e(status)}">'
                    f"{_e(REVIEW_LABELS.get(status, status))}</span>{note}</p>")
    if f["sentence"]:
        html.append(f'<blockquote class="quote"><bdi>{quote_with_mark(f["sentence"], f["evidence"])}</bdi></blockquote>')
    values = []
    if f["value_stated"] is not None:
        values.append(f"Báo cáo nêu: <b>{vn_number(f['value_stated'])}</b>")
    if f["value_computed"] is not None:
        values.append(f"Tính lại: <b>{vn_number(f['value_computed'])}</b>")
    if values:
        html.append(f'<div class="values">{" · ".join(values)}</div>')
    if f["related_report_id"]:
        other = f["related_report_id"]
        html.append(
            f'<div class="related">So với báo cáo: <a href="#{_anchor(other)}">{_bdi(sources.get(other, other))}</a></div>'
        )
    html.append("</li>")
    return "".join(html)


def _reports_block(reports: list[dict], findings: list[dict]) -> str:
    by_report: dict[str, list[dict]] = {}
    for f in findings:
        by_report.setdefault(f["report_id"], []).append(f)
    sources = {r["report_id"]: r["source_path"] for r in reports}
    # A file that is not a report, or another copy of one, is not a report read.
    read = [r for r in reports if r["status"] not in ("failed", "not_a_report") and not r.get("duplicate_of")]
    read.sort(key=lambda r: (r["issuer"] or "", r["report_date"] or date.min, r["source_path"] or ""))
    html = [
        '<section class="block" id="phat-hien"><h2>2. Phát hiện theo từng báo cáo</h2>',
        f"<p>{len(read)} báo cáo đọc được, {len(findings)} phát hiện. Mỗi phát hiện trích câu của báo cáo; "
        "chỗ sai được tô <mark>vàng</mark>.</p>",
    ]
    for r in read:
        own = sorted(
            by_report.get(r["report_id"], []),
            key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["char_start"] or 0, f["check"]),
        )
        # Open findings first; the reviewed ones folded below, with their note.
        open_ = [f for f in own if (f.get("review_status") or OPEN) == OPEN]
        reviewed = [f for f in own if (f.get("review_status") or OPEN) != OPEN]
        title = f"{r['issuer'] or 'Không rõ cơ quan'} — {r['title'] or 'Không rõ tiêu đề'}"
        period = (
            f"{vn_date(r['period_start'])} – {vn_date(r['period_end'])}" if r["period_start"] or r["period_end"] else ""
        )
        meta = [
            ("Cơ quan", r["issuer"]),
            ("Số hiệu", r["doc_number"]),
            ("Ngày báo cáo", vn_date(r["report_date"])),
            ("Kỳ báo cáo", period + (f" ({r['period_text']})" if r["period_text"] else "")),
            ("Tệp nguồn", r["source_path"]),
            ("Mã báo cáo", r["report_id"]),
        ]
        if r["status"] != "ok":
            meta.append(("Trạng thái", f"{STATUS_LABELS.get(r['status'], r['status'])}: {r['error'] or ''}"))
        errors = sum(1 for f in open_ if f["severity"] == "error")
        html.append(f'<article class="report" id="{_anchor(r["report_id"])}" data-report-id="{_e(r["report_id"])}">')
        html.append(
            f"<details open><summary><h3>{_bdi(title)}</h3><span class=\"count\">{len(open_)} phát hiện chưa xem xét"
            f"{f', {errors} lỗi' if errors else ''}{f', {len(reviewed)} đã xem xét' if reviewed else ''}"
            "</span></summary>"
        )
        html.append('<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{_bdi(v)}</dd>" for k, v in meta if v) + "</dl>")
        if open_:
            html.append('<ol class="findings open">' + "".join(_finding(f, sources) for f in open_) + "</ol>")
        elif not reviewed:
            html.append('<p class="none">Không có phát hiện.</p>')
        else:
            html.append('<p class="none">Mọi phát hiện đều đã được xem xét.</p>')
        if reviewed:
            counts = ", ".join(f"{sum(1 for f in reviewed if f['review_status'] == s)} {REVIEW_LABELS[s].lower()}"
                               for s in (CONFIRMED, DISMISSED) if any(f["review_status"] == s for f in reviewed))
            html.append(f'<details class="reviewed"><summary>{len(reviewed)} phát hiện đã xem xét ({counts})</summary>'
                        '<ol class="findings reviewed">' + "".join(_finding(f, sources) for f in reviewed)
                        + "</ol></details>")
        html.append("</details></article>")
    if not read:
        html.append('<p class="none">Chưa có báo cáo nào đọc được.</p>')
    html.append("</section>")
    return "".join(html)


def _legend_box() -> str:
    return (
        '<div class="legend-box" id="chu-giai">'
        f'<span><svg width="16" height="12" aria-hidden="true"><rect width="16" height="12" fill="{COMPARABLE_FILL}"/>'
        "</svg>Kỳ đầu tiên, hoặc kỳ cùng độ dài với kỳ trước: so sánh được</span>"
        '<span><svg width="16" height="12" aria-hidden="true"><rect width="16" height="12" fill="#fbe3c4" '
        f'stroke="{NOT_COMPARABLE_FILL}" stroke-width="2" stroke-dasharray="4 2"/></svg>'
        "* Kỳ có độ dài khác kỳ trước (ví dụ 32 tháng so với 12 tháng): không so sánh trực tiếp được; "
        "xem mức bình quân mỗi tháng khi rê chuột lên cột</span></div>"
    )


def _charts_block(all_charts: list[Chart]) -> str:
    areas = _area_labels()
    html = [
        '<section class="block" id="so-sanh"><h2>3. Chỉ tiêu qua các kỳ</h2>',
        "<p>Mỗi biểu đồ là một chỉ tiêu của một cơ quan được nêu trong từ hai kỳ trở lên "
        "(bảng <code>comparison</code>); rê chuột lên cột để xem ngày đầu, ngày cuối và mức bình quân mỗi tháng.</p>",
        _legend_box(),
    ]
    if not all_charts:
        html.append('<p class="none">Chưa có chỉ tiêu nào được nêu trong hai kỳ trở lên.</p>')
    ids = count()
    for (issuer, code), of_issuer in groupby(all_charts, key=lambda c: (c.issuer, c.issuer_code)):
        html.append(f"<h3>{_e(issuer or 'Không rõ cơ quan')}{_e(f' ({code})' if code else '')}</h3>")
        for area, of_area in groupby(of_issuer, key=lambda c: c.area):
            html.append(f"<h4>{_e(areas.get(area, area) if area else 'Chỉ tiêu khác')}</h4>")
            html.append('<div class="charts">')
            for chart in of_area:
                html.append(
                    f'<figure class="chart" data-issuer="{_e(chart.issuer)}" '
                    f'data-issuer-code="{_e(chart.issuer_code)}" data-metric="{_e(chart.metric)}">'
                    f"<figcaption>{_e(chart.label)} <code>{_e(chart.metric)}</code></figcaption>"
                    f"{chart_svg(chart, str(next(ids)))}</figure>"
                )
            html.append("</div>")
    html.append("</section>")
    return "".join(html)


def build_html(out: str | Path) -> str:
    """The page for the output folder `out`, as a string."""
    out = Path(out)
    con = connect(out)
    reports = _rows(con, "SELECT * FROM reports ORDER BY source_path")
    findings = _rows(con, "SELECT * FROM findings")
    row_counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in TABLES}
    all_charts = charts(con)
    made = datetime.now()
    return "".join(
        [
            "<!DOCTYPE html>\n",
            '<html lang="vi"><head><meta charset="utf-8">',
            CCHC_PAGE_MARK,  # so that `cchc ingest` knows its own page wherever it lies
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Tổng hợp báo cáo cải cách hành chính — {_e(out.name or str(out))}</title>",
            f"<style>{CSS}</style></head><body>",
            '<header class="page"><h1>Tổng hợp kết quả đọc báo cáo cải cách hành chính</h1>',
            f"<p>Thư mục kết quả: {_e(out)}</p>",
            f"<p>Lập lúc {made:%H:%M} ngày {vn_date(made)} bằng cchc {_e(__version__)}</p></header>",
            '<nav class="toc"><a href="#tong-quan">1. Tổng quan lần chạy</a>'
            '<a href="#phat-hien">2. Phát hiện theo từng báo cáo</a>'
            '<a href="#so-sanh">3. Chỉ tiêu qua các kỳ</a></nav>',
            "<main>",
            _summary(reports, row_counts, findings),
            _reports_block(reports, findings),
            _charts_block(all_charts),
            "</main></body></html>\n",
        ]
    )


def write_html(out: str | Path, target: str | Path) -> Path:
    """Write the page for `out` to `target` (atomically: a temporary file
    renamed into place)."""
    target = Path(target)
    text = build_html(out)
    atomic_write(target, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return target
