"""One metric of one issuer over its periods, as an SVG chart on a time axis.

Each period is a bar from its first day to its last on a real time axis, so
a year is twice as wide as a half-year and a 32-month review spans the years
it covers.  A period that contains others (a review of years already
reported one by one) is drawn behind them, hatched; a period of another
length than the one it is compared with is orange and its value starred.
Under the axis each bar has its period, its length and its monthly rate.

The chart is plain SVG drawn here, with no script: the page that holds it
must stay self-contained and work offline under a Content-Security-Policy
that forbids scripts, which rules out the JavaScript charting libraries.
Text never overlaps: every label's box is estimated from the advance widths
of DejaVu Sans (the first font the chart asks for; Verdana, the fallback,
is as wide) and labels are placed greedily, moved up (values) or down a row
(periods) until they are clear of every label already placed.  The test
measures the boxes the browser actually draws.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from html import escape

from cchc.pipeline.output.labels import period_label, vn_date, vn_number

WIDTH = 560
SIDE = 18  # room left and right of the plot
PLOT_HEIGHT = 150
VALUE_SIZE = 12
SMALL_SIZE = 11
GAP = 4  # between two labels, in pixels
# Box of a line of text around its baseline, in ems (DejaVu Sans: ascent
# 0.928, descent 0.236), as a browser measures it.
ASCENT, DESCENT = 0.93, 0.24
LINE = 1.3  # line height, in ems

COMPARABLE_FILL = "#2f6fb0"
NOT_COMPARABLE_FILL = "#e08a1e"
CONTAINS_STROKE = "#5a6775"

# Advance widths of DejaVu Sans in ems, by character; other letters by
# their base letter (ơ as o); wider than most fonts, so estimates err wide.
_WIDTHS = {
    **dict.fromkeys("0123456789", 0.636), " ": 0.318, ".": 0.318, ",": 0.318, ":": 0.337, ";": 0.337,
    "/": 0.337, "-": 0.361, "–": 0.5, "—": 1.0, "·": 0.318, "*": 0.5, "%": 0.95, "(": 0.39, ")": 0.39,
    "⊃": 0.838, "a": 0.613, "b": 0.635, "c": 0.55, "d": 0.635, "e": 0.615, "f": 0.352, "g": 0.635,
    "h": 0.634, "i": 0.278, "j": 0.278, "k": 0.579, "l": 0.278, "m": 0.974, "n": 0.634, "o": 0.612,
    "p": 0.635, "q": 0.635, "r": 0.411, "s": 0.521, "t": 0.392, "u": 0.634, "v": 0.592, "w": 0.818,
    "x": 0.592, "y": 0.592, "z": 0.525, "đ": 0.635, "Đ": 0.77, "W": 0.989, "M": 0.863, "I": 0.295,
}


def text_width(text: str, size: float) -> float:
    """The drawn width of `text` at `size` pixels, a little on the wide side."""
    ems = 0.0
    for ch in text:
        width = _WIDTHS.get(ch)
        if width is None:
            base = unicodedata.normalize("NFD", ch)[0]
            width = _WIDTHS.get(base, 0.75 if base.isupper() else 0.64)
            if "\u031b" in unicodedata.normalize("NFD", ch):  # the horn of ơ, ư
                width += 0.05
        ems += width
    return ems * size * 1.05 + 1


@dataclass
class Bar:
    """One period of one metric of one issuer (a row of `comparison`)."""

    start: date
    end: date
    value: float
    is_percent: bool
    months: int | None
    days: int
    comparable: bool | None  # None when compared with no period
    contains_others: bool
    monthly_rate: float | None

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    @property
    def not_comparable(self) -> bool:
        return self.comparable is False

    @property
    def kind(self) -> str:
        if self.contains_others:
            return "contains"
        if self.not_comparable:
            return "not-comparable"
        return "first" if self.comparable is None else "comparable"

    @property
    def length(self) -> str:
        return f"{self.months} tháng" if self.months else f"{self.days} ngày"


@dataclass
class Chart:
    issuer: str
    issuer_code: str | None
    metric: str
    label: str  # the metric in Vietnamese
    unit: str
    area: str | None
    bars: list[Bar]


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def hits(self, other: "Box") -> bool:
        return self.x0 < other.x1 + GAP and other.x0 < self.x1 + GAP and self.y0 < other.y1 and other.y0 < self.y1


@dataclass
class Label:
    text: str
    x: float  # centre
    y: float  # baseline
    size: float
    cls: str

    @property
    def box(self) -> Box:
        half = text_width(self.text, self.size) / 2
        return Box(self.x - half, self.y - ASCENT * self.size, self.x + half, self.y + DESCENT * self.size)


def _e(value) -> str:
    return escape(str(value), quote=True)


def _day(d: date) -> int:
    return d.toordinal()


def _ticks(first: int, last: int, scale) -> tuple[list[tuple[float, str]], list[float]]:
    """Labels of the time axis and the x of its grid lines: years (each
    labelled in the middle of its span) for a long axis, months for a
    shorter one, days for a few weeks."""
    start, end = date.fromordinal(first), date.fromordinal(last)
    labels, grid = [], []
    if last - first > 540:
        for year in range(start.year, end.year + 1):
            a, b = max(first, _day(date(year, 1, 1))), min(last, _day(date(year + 1, 1, 1)))
            if _day(date(year, 1, 1)) > first:
                grid.append(scale(_day(date(year, 1, 1))))
            if scale(b) - scale(a) >= text_width(str(year), SMALL_SIZE) + 2 * GAP:
                labels.append(((scale(a) + scale(b)) / 2, str(year)))
        return labels, grid
    if last - first <= 62:  # a few weeks: days
        room = text_width("00/00", SMALL_SIZE) + 2 * GAP
        px_per_day = (scale(last) - scale(first)) / max(1, last - first)
        step = next((s for s in (1, 2, 7, 14) if s * px_per_day >= room), 31)
        for day in range(first, last + 1, step):
            grid.append(scale(day))
            d = date.fromordinal(day)
            labels.append((scale(day), f"{d.day:02d}/{d.month:02d}"))
        return labels, grid
    months = [date(y, m, 1) for y in range(start.year, end.year + 1) for m in range(1, 13)]
    months = [d for d in months if first < _day(d) < last]
    room = text_width("00/0000", SMALL_SIZE) + 2 * GAP
    px_per_month = (scale(last) - scale(first)) / max(1, (last - first) / 30.44)
    step = next((s for s in (1, 2, 3, 6, 12) if s * px_per_month >= room), 12)
    for d in months:
        if (d.month - 1) % step == 0:
            grid.append(scale(_day(d)))
            labels.append((scale(_day(d)), vn_date(d, "month")))
    return labels, grid


def _clear_of(box: Box, placed: list[Box]) -> bool:
    return not any(box.hits(other) for other in placed)


def layout(chart: Chart) -> tuple[list[dict], list[Label], list[float], float, float]:
    """Bars (x, width, relative top), labels and grid lines, with y measured
    from the axis (negative above it); also the top and bottom of the text."""
    first = min(_day(b.start) for b in chart.bars)
    last = max(_day(b.end) + 1 for b in chart.bars)
    pad = max(1, (last - first) * 0.02)
    lo, hi = first - pad, last + pad
    scale = lambda day: SIDE + (day - lo) / (hi - lo) * (WIDTH - 2 * SIDE)  # noqa: E731
    top_value = max((b.value for b in chart.bars), default=0) or 1

    # Longer periods first, so that they are drawn behind the ones they hold.
    order = sorted(range(len(chart.bars)), key=lambda i: (-chart.bars[i].days, chart.bars[i].start))
    bars = []
    for i in order:
        b = chart.bars[i]
        x0, x1 = scale(_day(b.start)) + 0.75, scale(_day(b.end) + 1) - 0.75
        bars.append({"bar": b, "x": x0, "w": max(1.5, x1 - x0), "h": max(0.0, b.value) / top_value * PLOT_HEIGHT})

    labels: list[Label] = []
    placed: list[Box] = []
    # Values above the bars, the front bars first.
    for item in reversed(bars):
        b = item["bar"]
        # A label may stand on a bar behind its own (one that contains it), never on another.
        front = [o for o in bars if o is not item and _inside(o["bar"], b)]
        x = _visible_centre(item, front) if b.contains_others else item["x"] + item["w"] / 2
        obstacles = placed + [Box(o["x"], -o["h"], o["x"] + o["w"], 0) for o in bars
                              if o is not item and not _inside(b, o["bar"])]
        text = vn_number(b.value, b.is_percent) + ("*" if b.not_comparable else "")
        x = _within(x, text_width(text, VALUE_SIZE))
        label = Label(text, x, -item["h"] - 5, VALUE_SIZE, f"value {b.kind}")
        while not _clear_of(label.box, obstacles):
            label.y -= 2
        labels.append(label)
        placed.append(label.box)

    # The time axis, then each bar's period and length, a row down at a time.
    ticks, grid = _ticks(first, last, scale)
    tick_y = SMALL_SIZE * (ASCENT + 0.5)
    for x, text in ticks:
        label = Label(text, _within(x, text_width(text, SMALL_SIZE)), tick_y, SMALL_SIZE, "tick")
        labels.append(label)
        placed.append(label.box)
    row_y = tick_y + SMALL_SIZE * LINE + 6
    for item in sorted(bars, key=lambda o: (o["bar"].contains_others, o["bar"].start)):
        b = item["bar"]
        rate = "" if b.monthly_rate is None else f" · {vn_number(b.monthly_rate, decimals=1)}/tháng"
        lines = [b.label, f"{b.length}{rate}"]
        width = max(text_width(t, SMALL_SIZE) for t in lines)
        x = _within(item["x"] + item["w"] / 2, width)
        y = row_y
        while True:
            group = [Label(t, x, y + k * SMALL_SIZE * LINE, SMALL_SIZE, c)
                     for k, (t, c) in enumerate(zip(lines, (f"period-label {b.kind}", f"rate {b.kind}")))]
            if all(_clear_of(g.box, placed) for g in group):
                break
            y += 2 * SMALL_SIZE * LINE + 4
        labels += group
        placed += [g.box for g in group]
    top = min(box.y0 for box in placed) if placed else -PLOT_HEIGHT
    bottom = max(box.y1 for box in placed) if placed else 0
    return bars, labels, grid, min(top, -PLOT_HEIGHT), bottom


def _overlap_only(a: Bar, b: Bar) -> bool:
    """Two periods that share days without one containing the other."""
    return a.start <= b.end and b.start <= a.end and not _inside(a, b) and not _inside(b, a)


def _inside(a: Bar, b: Bar) -> bool:
    return b.start <= a.start and a.end <= b.end


def _within(x: float, width: float) -> float:
    """A label's centre, moved so that the label stays inside the chart."""
    return min(max(x, width / 2 + 2), WIDTH - width / 2 - 2)


def _visible_centre(item: dict, front: list[dict]) -> float:
    """The middle of the widest part of a bar not covered by the bars in
    front of it (a review's own months beyond the years it contains)."""
    start, end = item["x"], item["x"] + item["w"]
    edges = sorted((o["x"], o["x"] + o["w"]) for o in front)
    best, at = (start + end) / 2, -1.0
    cursor = start
    for a, b in [*edges, (end, end)]:
        if a - cursor > at:
            best, at = (cursor + min(a, end)) / 2, a - cursor
        cursor = max(cursor, b)
    return best if at >= 12 else (start + end) / 2


def chart_svg(chart: Chart, chart_id: str) -> str:
    bars, labels, grid, top, bottom = layout(chart)
    marked = {b["bar"].kind for b in bars}
    legend = []
    if "contains" in marked:
        legend.append(("contains", "Kỳ bao trùm các kỳ khác: vẽ phía sau, không so sánh với chúng"))
    if "not-comparable" in marked:
        legend.append(("not-comparable", "* Độ dài kỳ khác kỳ so sánh: không so sánh trực tiếp"))
    base = -top + 6  # the axis, in the chart's own coordinates
    legend_top = base + bottom + 10
    height = legend_top + len(legend) * (SMALL_SIZE * LINE + 4) + 4
    hatch = f"hatch-{chart_id}"
    title = f"{chart.label} ({chart.unit}) — {chart.issuer}" if chart.unit else f"{chart.label} — {chart.issuer}"
    parts = [
        f'<svg class="chart-svg" width="{WIDTH}" height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-label="{_e(title)}" data-unit="{_e(chart.unit)}">',
        f"<title>{_e(title)}</title>",
        # Defined per chart, so that each SVG stands alone if copied out.
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e9ef"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{CONTAINS_STROKE}" stroke-width="2"/></pattern></defs>',
    ]
    for x in grid:
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{base - PLOT_HEIGHT - 4:.1f}" x2="{x:.1f}" '
                     f'y2="{base + 4:.1f}" stroke="#c9d2dc" stroke-dasharray="2 3"/>')
    for item in bars:
        b = item["bar"]
        if b.contains_others:
            style = f'fill="url(#{hatch})" stroke="{CONTAINS_STROKE}" stroke-width="1.2" stroke-dasharray="4 2"'
        elif b.not_comparable:
            style = f'fill="{NOT_COMPARABLE_FILL}"'
        else:
            style = f'fill="{COMPARABLE_FILL}"'
        tip = [f"Kỳ {vn_date(b.start)}–{vn_date(b.end)} ({b.length}): {vn_number(b.value, b.is_percent)}"
               f"{' ' + chart.unit if chart.unit and not b.is_percent else ''}"]
        if b.monthly_rate is not None:
            tip.append(f"bình quân {vn_number(b.monthly_rate)}/tháng")
        if b.contains_others:
            tip.append("kỳ bao trùm các kỳ khác của cùng chỉ tiêu")
        if b.not_comparable:
            tip.append("độ dài kỳ khác kỳ so sánh")
        if any(o is not item and _overlap_only(b, o["bar"]) for o in bars):
            style += ' fill-opacity="0.75"'  # a period that overlaps another in part: both show
        parts.append(
            f'<rect class="bar {b.kind}" x="{item["x"]:.1f}" y="{base - item["h"]:.1f}" width="{item["w"]:.1f}" '
            f'height="{item["h"]:.1f}" {style} data-period="{_e(b.label)}" data-start="{b.start.isoformat()}" '
            f'data-end="{b.end.isoformat()}" data-value="{b.value:g}" data-months="{b.months or ""}">'
            f"<title>{_e('; '.join(tip))}</title></rect>"
        )
    parts.append(f'<line class="axis" x1="{SIDE / 2}" y1="{base}" x2="{WIDTH - SIDE / 2}" y2="{base}" '
                 'stroke="#555" stroke-width="1"/>')
    for label in labels:
        parts.append(f'<text class="{label.cls}" x="{label.x:.1f}" y="{base + label.y:.1f}" '
                     f'text-anchor="middle" font-size="{label.size}">{_e(label.text)}</text>')
    if legend:
        parts.append('<g class="legend">')
        for k, (kind, text) in enumerate(legend):
            y = legend_top + k * (SMALL_SIZE * LINE + 4)
            style = (f'fill="url(#{hatch})" stroke="{CONTAINS_STROKE}"' if kind == "contains"
                     else f'fill="{NOT_COMPARABLE_FILL}"')
            parts.append(f'<rect x="{SIDE}" y="{y:.1f}" width="14" height="11" {style}/>'
                         f'<text class="legend-text" x="{SIDE + 20}" y="{y + 10:.1f}" font-size="{SMALL_SIZE}">'
                         f"{_e(text)}</text>")
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
