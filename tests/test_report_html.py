"""`cchc report`: one self-contained HTML page, checked as markup and as a
real browser renders it (headless Chromium, which `make test` installs).

The output folder holds the samples and one hostile report whose file name
and text carry markup and a remote URL, so every test also checks that data
is shown as text and never becomes markup or a fetch.
"""

import json
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cchc.cli import app
from cchc.pipeline.output.report_html import write_html

from conftest import SAMPLES, require_tool
from test_compare import ingest_without_prefect

HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
HOSTILE_TITLE = 'Kết quả cải cách hành chính năm 2022 <script>alert("tieu-de")</script>'
HOSTILE_SENTENCE = (
    "Hiện nay, Sở có 10 máy tính, trong đó có 4 máy tính để bàn, 5 máy tính xách tay "
    '<img src="https://example.com/x.png"> <style>body{background:url(https://example.com/y.png)}</style>.'
)
HOSTILE_TEXT = (
    "SỞ TƯ PHÁP\n\nSố: 10/BC-STP\n\nNinh Bình, ngày 15 tháng 12 năm 2022\n\nBÁO CÁO\n\n"
    f"{HOSTILE_TITLE}\n\nI. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\n\n"
    "1. Văn bản chỉ đạo\n\nSở đã ban hành 12 văn bản chỉ đạo, điều hành về công tác CCHC.\n\n"
    f"II. KẾT QUẢ\n\n1. Hạ tầng\n\n{HOSTILE_SENTENCE}\n\nGIÁM ĐỐC\n\nNguyễn Văn An\n"
)
SHARED = "so-ngoai-vu-ha-tinh-2021-2023.txt"  # the 2021–2023 review, also read as DOCX and PDF


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    hostile = root / "in" / HOSTILE_NAME
    hostile.parent.mkdir()
    hostile.write_text(HOSTILE_TEXT, encoding="utf-8")
    empty = root / "in" / "rong.pdf"  # a copy that never finished: a failed row
    empty.write_bytes(b"")
    folder = root / "out"
    ingest_without_prefect([*sorted(p for p in SAMPLES.iterdir() if p.is_file()), hostile, empty], folder)
    return folder


@pytest.fixture(scope="module")
def page(out) -> Path:
    return write_html(out, out.parent / "page.html")


# ------------------------------------------------------ reading the markup


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None"
    content: list = field(default_factory=list)  # text and child elements, in order

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(item if isinstance(item, str) else item.text() for item in self.content)

    def iter(self):
        yield self
        for item in self.content:
            if isinstance(item, Element):
                yield from item.iter()

    def find_all(self, tag: str, **attrs: str) -> list["Element"]:
        """Elements by tag and attributes; data_issuer_code= means data-issuer-code=."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.iter() if e.tag == tag and all(e.attrs.get(k) == v for k, v in wanted.items())]


class _TreeBuilder(HTMLParser):
    """A small DOM of the page (the standard library has none)."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "source", "area", "base", "col", "embed", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Element("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.content.append(element)
        if tag not in self.VOID:
            self.node = element

    def handle_startendtag(self, tag, attrs):  # <rect ... /> in SVG
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.node = self.node.parent

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.content.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# ----------------------------------------------------------- without Chromium

RESOURCE_TAGS = {"script", "link", "img", "iframe", "frame", "object", "embed", "base", "video", "audio", "source",
                 "image", "use", "track", "input", "form"}


def test_page_fetches_nothing(page):
    html = page.read_text(encoding="utf-8")
    dom = parse(html)
    for el in dom.iter():
        assert el.tag not in RESOURCE_TAGS, f"<{el.tag}> in the page"
        for name, value in el.attrs.items():
            assert name not in ("src", "srcset", "xlink:href", "action", "data", "poster"), (el.tag, name, value)
            if name == "href":
                assert value.startswith("#"), f"link out of the page: {value}"
            assert "url(" not in value or value.count("url(") == value.count("url(#"), (el.tag, name, value)
            assert not name.startswith("on"), (el.tag, name)
    css = "".join(el.text() for el in dom.find_all("style"))
    assert "@import" not in css and "url(" not in css and "http" not in css
    csp = dom.find_all("meta", http_equiv="Content-Security-Policy")
    assert csp and "default-src 'none'" in csp[0].attrs["content"]
    # The hostile report's remote URLs are there, as text to read.
    assert '<img src="https://example.com/x.png">' in dom.text()


def test_text_from_the_data_is_escaped(page, out):
    html = page.read_text(encoding="utf-8")
    dom = parse(html)
    # The only <style> is the page's own; no element came from the data.
    assert len(dom.find_all("style")) == 1
    assert not dom.find_all("script") and not dom.find_all("img")
    text = dom.text()
    assert HOSTILE_NAME in text  # the file name, shown as text
    assert HOSTILE_TITLE in text
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    quote = next(
        q for q in dom.find_all("blockquote") if "xách tay" in q.text() and "10 máy tính" in q.text()
    )
    assert quote.text() == HOSTILE_SENTENCE
    assert [m.text() for m in quote.find_all("mark")] == ["10 máy tính", "4 máy tính", "5 máy tính"]  # the total and each part


def test_cli_report(out, tmp_path):
    target = tmp_path / "trang.html"
    result = CliRunner().invoke(app, ["report", str(out), "--html", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# -------------------------------------------------------------- in Chromium


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium")
    require_tool(exe is not None, "chromium (for the HTML page's browser tests)", "apt-get install chromium")
    command = [
        exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        f"--user-data-dir={profile}", *args, page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def png_size_and_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the inflated image data of a PNG, read by hand (no Pillow)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width = height = None
    idat = b""
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    return width, height, zlib.decompress(idat)


def test_chromium_renders_a_screenshot_that_is_not_blank(page, tmp_path):
    shot = tmp_path / "page.png"
    chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.exists() and shot.stat().st_size > 50_000  # a blank page of this size is ~10 KB
    width, height, pixels = png_size_and_pixels(shot)
    assert (width, height) == (1280, 2000)
    # A blank page inflates to a handful of byte values; text, tables and
    # colour blocks to many.
    assert len(set(pixels[::7])) > 64
    # Keep the last screenshot where a developer can look at it.
    shutil.copy(shot, page.parent / "page.png")


def test_chromium_dom_has_the_charts_and_the_findings(page, out, tmp_path):
    dom = parse(chromium(page, tmp_path / "profile", "--dump-dom").stdout)
    assert not dom.find_all("script") and not dom.find_all("img")  # the hostile markup stayed text

    # directive_documents of Sở Ngoại vụ: 45, 38 in the two years, and 32 in
    # the 32-month review that contains them, drawn behind them, hatched.
    [figure] = dom.find_all("figure", data_issuer_code="SNgV", data_metric="directive_documents")
    assert "(văn bản)" in figure.find_all("figcaption")[0].text()  # the unit
    [svg] = figure.find_all("svg")
    bars = sorted((r for r in svg.find_all("rect") if "bar" in r.classes()),
                  key=lambda r: (r.attrs["data-start"], r.attrs["data-end"]))
    assert [float(b.attrs["data-value"]) for b in bars] == [45, 32, 38]
    assert [b.attrs["data-period"] for b in bars] == ["2021", "01/2021–08/2023", "2022"]
    assert ["contains" in b.classes() for b in bars] == [False, True, False]
    drawn = [r.attrs["data-period"] for r in svg.find_all("rect") if "bar" in r.classes()]
    assert drawn[0] == "01/2021–08/2023"  # first drawn: behind the years it contains
    # A time axis: each bar from its first day to its last.
    x = {b.attrs["data-period"]: (float(b.attrs["x"]), float(b.attrs["width"])) for b in bars}
    year = x["2021"][1] + 1.5  # a bar is drawn 0.75 px in from each edge of its period
    assert abs(x["2022"][0] - (x["2021"][0] + year)) < 0.2
    assert abs(x["01/2021–08/2023"][0] - x["2021"][0]) < 0.2
    assert abs((x["01/2021–08/2023"][1] + 1.5) / year - 973 / 365) < 0.01
    heights = {b.attrs["data-period"]: float(b.attrs["height"]) for b in bars}
    assert abs(heights["2022"] / heights["2021"] - 38 / 45) < 0.01
    texts = {t.text() for t in svg.find_all("text")}
    assert {"45", "38", "32", "2021", "2022", "2023", "01/2021–08/2023"} <= texts
    assert {"12 tháng · 3,8/tháng", "32 tháng · 1/tháng"} <= texts  # the monthly rate under each bar
    legend = [g for g in svg.find_all("g") if "legend" in g.classes()]
    assert legend and "bao trùm" in legend[0].text()
    # Eight months of 2023 against eleven of 2022: orange and starred.
    [received] = dom.find_all("figure", data_issuer_code="SNgV", data_metric="dossiers_received")
    [late] = [r for r in received.find_all("rect") if "bar" in r.classes() and r.attrs["data-start"] == "2023-01-01"]
    assert "not-comparable" in late.classes()
    assert "246*" in {t.text() for t in received.find_all("text")}
    # Only metrics with two or more periods get a chart; Can Lộc has one report.
    comparison = pd.read_parquet(out / "comparison")
    sizes = comparison.groupby(["issuer_code", "metric"]).size()
    charted = {(f.attrs["data-issuer-code"], f.attrs["data-metric"]) for f in dom.find_all("figure")}
    assert charted == set(sizes[sizes >= 2].index)

    # The shared report's "24 máy tính" sum mismatch, in each of its three formats.
    reports = pd.read_parquet(out / "reports").set_index("source_path")
    findings = pd.read_parquet(out / "findings")
    shared_id = reports.loc[str(SAMPLES / SHARED), "report_id"]
    expected = findings[(findings.report_id == shared_id) & (findings.evidence == "24 máy tính")].iloc[0]
    [article] = dom.find_all("article", data_report_id=shared_id)
    assert "Sở Ngoại vụ" in article.find_all("h3")[0].text()
    assert SHARED in article.text()  # the source file
    [item] = [li for li in article.find_all("li", data_check="sum_mismatch") if "24 máy tính" in li.text()]
    assert "sev-error" in item.classes()
    [quote] = item.find_all("blockquote")
    assert quote.text() == expected.sentence
    assert [m.text() for m in quote.find_all("mark")] == ["24 máy tính", "14 máy tính", "9 máy tính"]  # the total and each part
    assert expected.message in item.text()
    # The text file has no form feeds: it says nothing of pages, and no page is shown;
    # the PDF of the same report has its pages.
    assert "Mục II.6.1" in item.text() and "Trang" not in item.text()
    pdf_id = reports.loc[str(SAMPLES / SHARED.replace(".txt", ".pdf")), "report_id"]
    pdf_page = int(findings[(findings.report_id == pdf_id) & (findings.evidence == "24 máy tính")].iloc[0].page)
    [pdf_article] = dom.find_all("article", data_report_id=pdf_id)
    [pdf_item] = [li for li in pdf_article.find_all("li", data_check="sum_mismatch") if "24 máy tính" in li.text()]
    assert pdf_page > 1 and f"Trang {pdf_page}" in pdf_item.text()
    assert "Lỗi" in item.find_all("span")[0].text()

    # The run summary counts what the tables hold.
    assert [td.text() for td in dom.find_all("td", data_table="findings")] == [str(len(findings))]


# Measures what the browser draws: a copy of the page with a script that
# writes the box of every text of every chart into the DOM.  The page itself
# forbids scripts, so the copy's policy allows this one.
MEASURE = """<script>
const charts = [...document.querySelectorAll("svg.chart-svg")].map(svg => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const figure = svg.closest("figure");
  return {issuer: figure.dataset.issuerCode, metric: figure.dataset.metric, svg: box(svg),
          texts: [...svg.querySelectorAll("text")].map(t => ({text: t.textContent, box: box(t)}))};
});
const pre = document.createElement("pre");
pre.id = "boxes";
pre.textContent = JSON.stringify(charts);
document.body.appendChild(pre);
</script>"""


def _synthetic_charts() -> list:
    """Charts harder than the samples': ten quarters of the statistical
    calendar, large numbers, a review over half of them, two periods that
    overlap in part, and periods a few days long."""
    from datetime import date, timedelta

    from cchc.pipeline.output.timechart import Bar, Chart

    def bar(start, end, value, **kw):
        days = (end - start).days + 1
        kw.setdefault("months", None)
        return Bar(start, end, value, kw.pop("is_percent", False), kw.pop("months"), days, kw.pop("comparable", True),
                   kw.pop("contains_others", False), kw.pop("monthly_rate", value / max(1, days / 30.44)))

    quarters = []
    start = date(2021, 12, 15)
    for k in range(10):
        end = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 14)
        quarters.append(bar(start, end, 123456.789 * (k + 1), months=3, comparable=None if k == 0 else k % 3 != 2))
        start = end + timedelta(days=1)
    review = bar(date(2021, 12, 15), date(2023, 3, 14), 2_000_000, months=15, contains_others=True, comparable=None)
    partial = [bar(date(2020, 1, 1), date(2020, 12, 31), 99.5, months=12, is_percent=True, monthly_rate=None),
               bar(date(2020, 7, 1), date(2021, 6, 30), 99.9, months=12, is_percent=True, monthly_rate=None,
                   comparable=False)]
    short = [bar(date(2023, 1, d), date(2023, 1, d + 1), d, comparable=None if d == 1 else True) for d in (1, 3, 5, 7)]
    return [Chart("Sở Thử nghiệm", "STN", "many", "Mười quý theo lịch thống kê", "hồ sơ", None, quarters + [review]),
            Chart("Sở Thử nghiệm", "STN", "overlap", "Hai kỳ chồng lấn", "%", None, partial),
            Chart("Sở Thử nghiệm", "STN", "short", "Kỳ vài ngày", "lượt", None, short)]


def _measured_boxes(html: str, tmp_path: Path) -> list[dict]:
    """The box of every text of every chart of a page, as Chromium draws it."""
    html = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1)
    measured = tmp_path / "measured.html"
    measured.write_text(html.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
    dom = parse(chromium(measured, tmp_path / "profile", "--dump-dom", "--window-size=1280,2000").stdout)
    [pre] = [e for e in dom.find_all("pre") if e.attrs.get("id") == "boxes"]
    return json.loads(pre.text())


def test_chromium_draws_no_chart_label_over_another(page, tmp_path):
    from cchc.pipeline.output.report_html import CSP, CSS
    from cchc.pipeline.output.timechart import chart_svg

    charts = _measured_boxes(page.read_text(encoding="utf-8"), tmp_path)
    assert len(charts) == len(parse(page.read_text(encoding="utf-8")).find_all("figure")) > 10
    figures = "".join(f'<figure class="chart" data-issuer-code="STN" data-metric="{c.metric}">{chart_svg(c, str(i))}'
                      "</figure>" for i, c in enumerate(_synthetic_charts()))
    synthetic = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
                 f'content="{CSP}"><style>{CSS}</style></head><body>{figures}</body></html>')
    charts += _measured_boxes(synthetic, tmp_path)
    assert {c["metric"] for c in charts} >= {"many", "overlap", "short"}
    overlaps, outside = [], []
    for chart in charts:
        left, top, right, bottom = chart["svg"]
        texts = chart["texts"]
        assert len(texts) >= 6, chart["metric"]
        for i, a in enumerate(texts):
            x0, y0, x1, y1 = a["box"]
            assert x1 - x0 > 3 and y1 - y0 > 8, a  # drawn, with a real font
            if x0 < left - 0.5 or x1 > right + 0.5 or y0 < top - 0.5 or y1 > bottom + 0.5:
                outside.append((chart["metric"], a["text"]))
            for b in texts[i + 1:]:
                u0, v0, u1, v1 = b["box"]
                if x0 < u1 - 0.5 and u0 < x1 - 0.5 and y0 < v1 - 0.5 and v0 < y1 - 0.5:
                    overlaps.append((chart["issuer"], chart["metric"], a["text"], b["text"]))
    assert not overlaps, overlaps
    assert not outside, outside


def test_dates_keep_their_precision_in_the_page(page, out):
    dom = parse(page.read_text(encoding="utf-8"))
    reports = pd.read_parquet(out / "reports").set_index("source_path")
    seed = reports.loc[str(SAMPLES / SHARED)]
    [article] = dom.find_all("article", data_report_id=seed.report_id)
    meta = dict(zip((dt.text() for dt in article.find_all("dt")), (dd.text() for dd in article.find_all("dd"))))
    assert meta["Ngày báo cáo"] == "09/2023"  # "ngày   tháng 9 năm 2023"
    annual = reports.loc[str(SAMPLES / "so-ngoai-vu-ha-tinh-2022.txt")]
    [article] = dom.find_all("article", data_report_id=annual.report_id)
    meta = dict(zip((dt.text() for dt in article.find_all("dt")), (dd.text() for dd in article.find_all("dd"))))
    assert meta["Ngày báo cáo"] == "16/12/2022"


def test_what_went_wrong_is_said_in_vietnamese(page, out):
    dom = parse(page.read_text(encoding="utf-8"))
    failed = pd.read_parquet(out / "reports").query("status == 'failed'")
    assert len(failed) == 1 and failed.error.iloc[0].startswith("the file is empty")
    [table] = [t for t in dom.find_all("table") if t.attrs.get("id") == "tep-loi"]
    [row] = [tr for tr in table.find_all("tr") if "rong.pdf" in tr.text()]
    cells = [td.text() for td in row.find_all("td")]
    assert cells[2] == "Không đọc được"  # the status in words
    assert cells[3].startswith("Tệp rỗng (0 byte)")
    assert failed.error.iloc[0] in cells[3]  # the reader's own words, under it


def test_each_piece_of_evidence_is_marked_in_the_quote():
    from cchc.pipeline.output.report_html import quote_with_mark

    sentence = "Sở có 24 máy tính, trong đó có 14 máy tính để bàn, 9 máy tính xách tay <b>."
    dom = parse(f"<blockquote>{quote_with_mark(sentence, ['24 máy tính', '14 máy tính', '9 máy tính'])}</blockquote>")
    assert [m.text() for m in dom.find_all("mark")] == ["24 máy tính", "14 máy tính", "9 máy tính"]
    assert dom.text() == sentence  # the whole sentence, escaped, nothing lost
    # The same words twice: each occurrence once.
    twice = parse(quote_with_mark("10 hồ sơ và 10 hồ sơ", ["10 hồ sơ", "10 hồ sơ"]))
    assert len(twice.find_all("mark")) == 2


def test_chromium_screenshot_of_the_charts(out, page, tmp_path):
    """The charts alone, as the page draws them, in a screenshot kept beside the page."""
    from cchc.pipeline.output.query import connect
    from cchc.pipeline.output.report_html import CSP, CSS, _charts_block, charts

    block = _charts_block(charts(connect(out)))
    html = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
            f'content="{CSP}"><style>{CSS}</style></head><body><main>{block}</main></body></html>')
    assert block in page.read_text(encoding="utf-8")
    charts_page = tmp_path / "charts.html"
    charts_page.write_text(html, encoding="utf-8")
    shot = tmp_path / "charts.png"
    chromium(charts_page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,1600")
    width, height, pixels = png_size_and_pixels(shot)
    assert (width, height) == (1280, 1600)
    assert len(set(pixels[::7])) > 64
    shutil.copy(shot, page.parent / "charts.png")
