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
3. each metric of each issuer stated for two or more periods, as bars on a
   time axis (each period from its first day to its last), the unit in the
   title, the period, its length and its monthly rate under each bar; a
   period that contains others (a 32-month review of years reported one by
   one) is drawn behind them, hatched; a period of another length than the
   one it is compared with is orange and starred; a legend says why.

Codes are shown as their Vietnamese words (`pipeline.output.labels`), numbers as
1.234,5 and dates as precisely as the report gave them (09/2023).

Every piece of text from the data is report text or a file name, so it is
untrusted: it goes through `html.escape` (attributes too) and nothing from
the data is ever written unescaped.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from itertools import count, groupby
from pathlib import Path

from cchc.pipeline import __version__
from cchc.pipeline.output.catalogue import catalogue_rows, series_unit
from cchc.pipeline.output.labels import evidence_marks, evidence_texts, label, labels, vn_date, vn_message, vn_number
from cchc.pipeline.patterns import compile_pattern, entries
from cchc.pipeline.output.query import connect
from cchc.pipeline.read.detect import CCHC_PAGE_MARK
from cchc.pipeline.output.reviews import CONFIRMED, DISMISSED, OPEN
from cchc.pipeline.output.store import atomic_write
from cchc.pipeline.output.tables import TABLE_LABELS, TABLES
from cchc.pipeline.output.timechart import COMPARABLE_FILL, CONTAINS_STROKE, NOT_COMPARABLE_FILL, Bar, Chart, chart_svg

# The Vietnamese words of the codes, from patterns/labels.yaml.
STATUS_LABELS = labels("status")
SEVERITY_LABELS = labels("severity")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
REVIEW_LABELS = {CONFIRMED: "Đã xác nhận", DISMISSED: "Đã bác bỏ", OPEN: "Chưa xem xét"}
CHECK_LABELS = labels("check")

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


# Report ids are the tool's own hashes, not report text: no time limit is needed.
_NOT_ID_CHARS = compile_pattern(r"[^0-9A-Za-z_-]", timeout=None)


def _anchor(report_id: str) -> str:
    return "bc-" + _NOT_ID_CHARS.sub("_", str(report_id))


def quote_with_mark(sentence: str | None, evidence: str | list[str] | None) -> str:
    """The sentence, escaped, with each piece of evidence in <mark>: a total
    and each of its parts, in the order given."""
    sentence = sentence or ""
    pieces = [evidence] if isinstance(evidence, str) else [e for e in evidence or [] if e]
    html, cursor = [], 0
    for a, b in evidence_marks(sentence, pieces):
        html.append(f"{_e(sentence[cursor:a])}<mark>{_e(sentence[a:b])}</mark>")
        cursor = b
    return "".join(html) + _e(sentence[cursor:])


def _rows(con, sql: str) -> list[dict]:
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


# -------------------------------------------------------------- the data


def _metric_order() -> dict[str, int]:
    """metric key → its place in patterns/metrics.yaml."""
    return {e["key"]: i for i, e in enumerate(entries("metrics"))}


def charts(con) -> list[Chart]:
    """Every issuer × metric of `comparison` with two or more periods; per
    issuer, by reform area and then in the order of patterns/metrics.yaml."""
    order = _metric_order()
    catalogue = {r["key"]: r for r in catalogue_rows(con)}
    units = {key: r["unit"] for key, r in catalogue.items()}
    rows = _rows(
        con,
        "SELECT issuer, issuer_code, metric, period_start, period_end, days, months, value, unit, is_percent, "
        "comparable, contains_other_periods, monthly_rate FROM comparison "
        "ORDER BY issuer, issuer_code, metric, period_end, period_start",
    )
    grouped: dict[tuple, list[dict]] = {}
    for r in rows:
        grouped.setdefault((r["issuer"], r["issuer_code"], r["metric"]), []).append(r)
    result = []
    for (issuer, code, metric), series in grouped.items():
        if len(series) < 2:
            continue  # one period: nothing to compare yet
        bars = [
            Bar(
                start=r["period_start"],
                end=r["period_end"],
                value=r["value"],
                is_percent=bool(r["is_percent"]),
                months=r["months"],
                days=r["days"],
                comparable=r["comparable"],
                contains_others=bool(r["contains_other_periods"]),
                monthly_rate=r["monthly_rate"],
            )
            for r in series
        ]
        info = catalogue.get(metric, {})
        unit = "%" if all(b.is_percent for b in bars) else series_unit(metric, [r["unit"] for r in series], units)
        result.append(Chart(issuer or "", code, metric, info.get("label") or metric, unit, info.get("area"), bars))
    area_order = {a: i for i, a in enumerate(labels("area"))}
    return sorted(
        result,
        key=lambda c: (c.issuer, c.issuer_code or "", area_order.get(c.area, len(area_order)),
                       order.get(c.metric, len(order)), c.metric),
    )


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
code.detail { font-size: 11px; color: #5a6775; background: none; }
.legend-box { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; padding: 8px 12px; font-size: 14px;
              display: inline-flex; gap: 20px; align-items: center; flex-wrap: wrap; }
.legend-box svg { vertical-align: middle; margin-right: 6px; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
figure.chart { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; margin: 0; padding: 8px; }
figure.chart figcaption { font-size: 14px; font-weight: 600; max-width: 560px; }
figure.chart figcaption .unit { font-weight: 400; }
figure.chart figcaption code { font-weight: 400; font-size: 11px; color: #5a6775; }
svg.chart-svg text { font-family: "DejaVu Sans", Verdana, sans-serif; fill: #1d232b;
                    paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart-svg text.rate, svg.chart-svg text.tick { fill: #5a6775; }
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
                f"<td>{_e(STATUS_LABELS.get(r['status'], r['status']))}</td><td>{_error(r['error'])}</td></tr>"
            )
        html.append("</tbody></table>")
    else:
        html.append('<p class="ok-note">Mọi tệp đều đọc được.</p>')
    html.append("</section>")
    return "".join(html)


def _error(error: str | None) -> str:
    """What went wrong, in Vietnamese, with the reader's own words under it."""
    if not error:
        return ""
    return (f'<span class="said">{_e(vn_message(error))}</span>'
            f'<br><code class="detail" title="Chi tiết kỹ thuật">{_bdi(error)}</code>')


def _page(page: int | None, source: str | None) -> str:
    """Where the evidence is, as precisely as the file tells: a PDF's page, a
    Word page by its saved page breaks, or no page at all."""
    if page is None:
        return "Không rõ trang (tệp không ghi ngắt trang)"
    return f"Trang {_e(page)}" + (f" ({_e(label('page_source', source))})" if source else "")


def _finding(f: dict, sources: dict[str, str], page_sources: dict[str, str | None]) -> str:
    sev = f["severity"] or ""
    status = f.get("review_status") or OPEN
    where = []
    if f["section_path"]:
        where.append(f"Mục {_e(f['section_path'])}")
    where.append(_page(f["page"], page_sources.get(f["report_id"])))
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
        texts = evidence_texts(f)
        html.append(f'<blockquote class="quote"><bdi>{quote_with_mark(f["sentence"], texts)}</bdi></blockquote>')
        elsewhere = [t for t in texts if t not in (f["sentence"] or "")]
        if elsewhere:  # evidence in another sentence (the other citation of a document)
            html.append('<div class="values">Cũng dẫn chứng: ' + "; ".join(f"<mark>{_bdi(t)}</mark>" for t in elsewhere)
                        + "</div>")
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
    page_sources = {r["report_id"]: r.get("page_source") for r in reports}
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
            ("Ngày báo cáo", vn_date(r["report_date"], r["report_date_precision"])),
            ("Kỳ báo cáo", period + (f" ({r['period_text']})" if r["period_text"] else "")),
            ("Tệp nguồn", r["source_path"]),
            ("Mã báo cáo", r["report_id"]),
        ]
        if r["status"] != "ok":
            meta.append(("Trạng thái", f"{STATUS_LABELS.get(r['status'], r['status'])}: {vn_message(r['error'])}"))
        errors = sum(1 for f in open_ if f["severity"] == "error")
        html.append(f'<article class="report" id="{_anchor(r["report_id"])}" data-report-id="{_e(r["report_id"])}">')
        html.append(
            f"<details open><summary><h3>{_bdi(title)}</h3><span class=\"count\">{len(open_)} phát hiện chưa xem xét"
            f"{f', {errors} lỗi' if errors else ''}{f', {len(reviewed)} đã xem xét' if reviewed else ''}"
            "</span></summary>"
        )
        html.append('<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{_bdi(v)}</dd>" for k, v in meta if v) + "</dl>")
        if open_:
            html.append('<ol class="findings open">' + "".join(_finding(f, sources, page_sources) for f in open_) + "</ol>")
        elif not reviewed:
            html.append('<p class="none">Không có phát hiện.</p>')
        else:
            html.append('<p class="none">Mọi phát hiện đều đã được xem xét.</p>')
        if reviewed:
            counts = ", ".join(f"{sum(1 for f in reviewed if f['review_status'] == s)} {REVIEW_LABELS[s].lower()}"
                               for s in (CONFIRMED, DISMISSED) if any(f["review_status"] == s for f in reviewed))
            html.append(f'<details class="reviewed"><summary>{len(reviewed)} phát hiện đã xem xét ({counts})</summary>'
                        '<ol class="findings reviewed">' + "".join(_finding(f, sources, page_sources) for f in reviewed)
                        + "</ol></details>")
        html.append("</details></article>")
    if not read:
        html.append('<p class="none">Chưa có báo cáo nào đọc được.</p>')
    html.append("</section>")
    return "".join(html)


def _legend_box() -> str:
    swatch = '<svg width="16" height="12" aria-hidden="true"><rect width="16" height="12" {}/></svg>'
    return (
        '<div class="legend-box" id="chu-giai">'
        f'<span>{swatch.format(f"fill={chr(34)}{COMPARABLE_FILL}{chr(34)}")}'
        "Kỳ so sánh được với kỳ trước nó (cùng độ dài), hoặc kỳ đầu tiên</span>"
        f'<span>{swatch.format(f"fill={chr(34)}{NOT_COMPARABLE_FILL}{chr(34)}")}'
        "* Kỳ có độ dài khác kỳ so sánh (ví dụ 8 tháng so với 11 tháng): không so sánh trực tiếp được, "
        "xem mức bình quân mỗi tháng dưới cột</span>"
        f'<span>{swatch.format(f"fill={chr(34)}#e4e9ef{chr(34)} stroke={chr(34)}{CONTAINS_STROKE}{chr(34)} stroke-dasharray={chr(34)}4 2{chr(34)}")}'
        "Kỳ bao trùm các kỳ khác (ví dụ báo cáo 2021–2023 bên cạnh báo cáo từng năm): vẽ phía sau, "
        "không so sánh với các kỳ nằm trong nó</span></div>"
    )


def _charts_block(all_charts: list[Chart]) -> str:
    html = [
        '<section class="block" id="so-sanh"><h2>3. Chỉ tiêu qua các kỳ</h2>',
        "<p>Mỗi biểu đồ là một chỉ tiêu của một cơ quan được nêu trong từ hai kỳ trở lên "
        "(bảng <code>comparison</code>). Mỗi kỳ là một cột trải từ ngày đầu đến ngày cuối của kỳ trên trục thời gian; "
        "dưới cột là kỳ, độ dài kỳ và mức bình quân mỗi tháng.</p>",
        _legend_box(),
    ]
    if not all_charts:
        html.append('<p class="none">Chưa có chỉ tiêu nào được nêu trong hai kỳ trở lên.</p>')
    ids = count()
    for (issuer, code), of_issuer in groupby(all_charts, key=lambda c: (c.issuer, c.issuer_code)):
        html.append(f"<h3>{_e(issuer or 'Không rõ cơ quan')}{_e(f' ({code})' if code else '')}</h3>")
        for area, of_area in groupby(of_issuer, key=lambda c: c.area):
            html.append(f"<h4>{_e(label('area', area) if area else 'Chỉ tiêu khác')}</h4>")
            html.append('<div class="charts">')
            for chart in of_area:
                unit = f' <span class="unit">({_e(chart.unit)})</span>' if chart.unit else ""
                html.append(
                    f'<figure class="chart" data-issuer="{_e(chart.issuer)}" '
                    f'data-issuer-code="{_e(chart.issuer_code)}" data-metric="{_e(chart.metric)}">'
                    f"<figcaption>{_e(chart.label)}{unit} <code>{_e(chart.metric)}</code></figcaption>"
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
