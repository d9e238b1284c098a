"""The report charts, each defined once, for the page and the PDF.

A chart is a ReportLab drawing laid out in the page's units (480 wide, text 13 to 16 high, y from the
top as the page reads it). The PDF places the drawing itself, scaled to its body text (reports.pdf);
the page gets the same drawing as inline SVG from svg_markup().

svg_markup() writes the few shapes the charts use, not reportlab.graphics.renderSVG: that renderer
styles every element with a style="" attribute, which the Content-Security-Policy (no inline style)
blocks, leaving black bars and a filled line; it also flips the y axis with transforms, fixes the
width in pixels and has no tooltip per bar. Here every shape gets presentation attributes only (fill,
stroke, x...), each chart is an image with a <title> and a <desc>, and ElementTree escapes the text.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from xml.etree.ElementTree import Element, SubElement, tostring

from reportlab.graphics.shapes import _MOVETO, Circle, Drawing, Group, Line, Path, Rect, String
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.validators import isString

from .formatting import rounded, short

ACCENT = colors.HexColor("#1f5fbf")
SECOND = colors.HexColor("#c26a00")
TEXT = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#5a6472")
GRID = colors.HexColor("#d9dee5")
TRACK = colors.HexColor("#f3f5f8")
ON_ACCENT = colors.HexColor("#ffffff")
SERIES = [ACCENT, SECOND, MUTED]
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
EMPTY = '<p class="chart-empty">No data yet.</p>'
WIDTH = 480


@dataclass(frozen=True)
class Chart:
    drawing: Drawing  # what the PDF places; svg_markup() turns it into the page's SVG
    kind: str  # "bar", "line" or "column": the page sizes them differently
    desc: str  # the chart in words, its text alternative


class Titled(Group):
    """Shapes with a tooltip: a <g> with a <title> on the page; the PDF draws the shapes alone."""

    _attrMap = AttrMap(BASE=Group, title=AttrMapValue(isString, desc="the tooltip on the page"))

    def __init__(self, title):
        super().__init__()
        self.title = title


class Picture:
    """A Drawing filled from the top down, as the page reads it (ReportLab counts y from the bottom)."""

    def __init__(self, height, font_size):
        self.drawing = Drawing(WIDTH, height)
        self.height, self.font_size = height, font_size
        self._into = self.drawing

    @contextmanager
    def titled(self, title):
        group, outer = Titled(title), self._into
        outer.add(group)
        self._into = group
        yield
        self._into = outer

    def rect(self, x, top, width, height, colour):
        self._into.add(Rect(x, self.height - top - height, width, height, fillColor=colour, strokeColor=None))

    def line(self, x1, y1, x2, y2, colour):
        self._into.add(Line(x1, self.height - y1, x2, self.height - y2, strokeColor=colour, strokeWidth=1))

    def dot(self, x, y, radius, colour):
        self._into.add(Circle(x, self.height - y, radius, fillColor=colour, strokeColor=None))

    def text(self, x, baseline, text, *, size=None, anchor="start", colour=TEXT):
        size = size or self.font_size
        self._into.add(String(x, self.height - baseline, text, fontSize=size, fillColor=colour, textAnchor=anchor))

    def polyline(self, segments, colour, width):
        """Lines through each segment's points, the pen lifted between segments."""
        path = Path(fillColor=None, strokeColor=colour, strokeWidth=width)
        for segment in segments:
            for i, (x, y) in enumerate(segment):
                (path.lineTo if i else path.moveTo)(x, self.height - y)
        self._into.add(path)


def _fmt(v, unit="", decimals=1):
    return "no data" if v is None else f"{rounded(v, decimals)}{unit}"


def _as_date(label):
    try:
        return date.fromisoformat(str(label)[:10])
    except ValueError:
        return None


# The charts --------------------------------------------------------------------------------------------


def line_chart(rows, *, y_max=100, unit=""):
    """Values over time: (label, value or None) pairs, ISO date labels placed by date. None without data."""
    rows = [(str(label), v) for label, v in rows or []]
    if not any(v is not None for _, v in rows):
        return None
    height, left, right, top, bottom = 236, 40, 22, 14, 38
    pw, ph = WIDTH - left - right, height - top - bottom
    dates = [_as_date(label) for label, _ in rows]
    span = (max(dates) - min(dates)).days if all(dates) else 0
    n = len(rows)

    def px(i):
        if span:
            return left + (dates[i] - min(dates)).days / span * pw
        return left + (pw / 2 if n == 1 else i / (n - 1) * pw)

    def py(v):
        return top + ph - max(0.0, min(v, y_max)) / y_max * ph

    picture = Picture(height, 15)
    for tick in range(0, int(y_max) + 1, int(y_max) // 4 or 1):
        picture.line(left, py(tick), left + pw, py(tick), GRID)
        picture.text(left - 8, py(tick) + 5, str(tick), anchor="end", colour=MUTED)
    # Date labels left to right, skipping any that would overlap the previous one; the last one wins.
    shown = []
    for i in range(n):
        if not shown or px(i) - px(shown[-1]) >= 72:
            shown.append(i)
    if shown[-1] != n - 1:
        if px(n - 1) - px(shown[-1]) >= 72:
            shown.append(n - 1)
        elif len(shown) > 1:
            shown[-1] = n - 1
    for i in shown:
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        d = dates[i]
        label = f"{d.day} {d:%b}" if d else short(rows[i][0], 12)
        picture.text(px(i), top + ph + 26, label, anchor=anchor, colour=MUTED)
    segments = [[]]  # a missing value lifts the pen
    for i, (_, v) in enumerate(rows):
        if v is None:
            segments.append([])
        else:
            segments[-1].append((px(i), py(v)))
    picture.polyline([segment for segment in segments if segment], ACCENT, 2.5)
    for i, (label, v) in enumerate(rows):
        if v is not None:
            with picture.titled(f"{label}: {_fmt(v, unit)}"):
                picture.dot(px(i), py(v), 4, ACCENT)
    valued = [(label, v) for label, v in rows if v is not None]
    low = min(valued, key=lambda r: r[1])
    high = max(valued, key=lambda r: r[1])
    desc = (
        f"Line chart, 0 to {y_max:g}{unit}, {len(valued)} points from {valued[0][0]} to {valued[-1][0]}. "
        f"Lowest {_fmt(low[1], unit)} on {low[0]}, highest {_fmt(high[1], unit)} on {high[0]}, "
        f"latest {_fmt(valued[-1][1], unit)}."
    )
    return Chart(picture.drawing, "line", desc)


def bar_chart(rows, *, max_value=100, unit="", decimals=1):
    """Horizontal bars, a label above each: (label, value or None) pairs on a 0..max_value track."""
    rows = [(str(label), v) for label, v in rows or []]
    if not rows:
        return None
    row_h, pad = 46, 8
    pw = WIDTH - 2 * pad
    picture = Picture(pad * 2 + len(rows) * row_h, 16)
    for i, (name, v) in enumerate(rows):
        y = pad + i * row_h
        shown = _fmt(v, unit, decimals)
        bar = 0.0 if v is None else max(0.0, min(v, max_value)) / max_value * pw
        with picture.titled(f"{name}: {shown}"):
            picture.text(pad, y + 15, short(name, 52))
            picture.rect(pad, y + 20, pw, 16, TRACK)
            if bar:
                picture.rect(pad, y + 20, bar, 16, ACCENT)
            if bar > pw - 64:
                picture.text(pad + bar - 6, y + 33, shown, size=14, anchor="end", colour=ON_ACCENT)
            else:
                picture.text(pad + bar + 6, y + 33, shown, size=14)
    listed = "; ".join(f"{name} {_fmt(v, unit, decimals)}" for name, v in rows[:25])
    more = f"; and {len(rows) - 25} more" if len(rows) > 25 else ""
    desc = f"Bar chart, 0 to {max_value:g}{unit}, {len(rows)} bars: {listed}{more}."
    return Chart(picture.drawing, "bar", desc)


def grouped_bar_chart(rows, names, *, max_value=100, unit=""):
    """Several bars per label (an interviewer's mean beside the panel's), with a legend of `names`.

    `rows` are (label, [value or None, one per name]) pairs.
    """
    rows = [(str(label), list(values)) for label, values in rows or []]
    if not rows:
        return None
    pad, legend_h, bar_h, gap = 8, 28, 14, 3
    row_h = 22 + len(names) * (bar_h + gap) + 8
    pw = WIDTH - 2 * pad - 48
    picture = Picture(pad * 2 + legend_h + len(rows) * row_h, 16)
    x = pad
    for k, name in enumerate(names):
        picture.rect(x, pad, 14, 14, SERIES[k % len(SERIES)])
        picture.text(x + 20, pad + 12, short(name, 32))
        x += 44 + 9 * len(short(name, 32))
    for i, (label, values) in enumerate(rows):
        y = pad + legend_h + i * row_h
        with picture.titled(f"{label}: " + ", ".join(f"{names[k]} {_fmt(v, unit)}" for k, v in enumerate(values))):
            picture.text(pad, y + 15, short(label, 52))
            for k, v in enumerate(values):
                by = y + 20 + k * (bar_h + gap)
                bar = 0.0 if v is None else max(0.0, min(v, max_value)) / max_value * pw
                if bar:
                    picture.rect(pad, by, bar, bar_h, SERIES[k % len(SERIES)])
                picture.text(pad + bar + 6, by + 12, _fmt(v, unit), size=13)
    listed = "; ".join(
        f"{label}: " + ", ".join(f"{names[k]} {_fmt(v, unit)}" for k, v in enumerate(values))
        for label, values in rows[:20]
    )
    more = f"; and {len(rows) - 20} more" if len(rows) > 20 else ""
    desc = f"Grouped bar chart, 0 to {max_value:g}{unit}, {len(rows)} rows: {listed}{more}."
    return Chart(picture.drawing, "bar", desc)


def dot_plot(rows, *, limit=None, unit=""):
    """Signed values around a zero line, one dot per (label, value or None) row, on a -limit..+limit track.

    For leniency: left of zero marks harder than the rest of the panel, right softer. `limit`
    defaults to the largest value rounded up to a multiple of 5, at least 10. None without data.
    """
    rows = [(str(label), v) for label, v in rows or []]
    valued = [abs(v) for _, v in rows if v is not None]
    if not valued:
        return None
    limit = limit or max(10, math.ceil(max(valued) / 5) * 5)
    row_h, pad, axis_h = 46, 8, 22
    pw = WIDTH - 2 * pad

    def px(v):
        return pad + (max(-limit, min(v, limit)) + limit) / (2 * limit) * pw

    picture = Picture(pad * 2 + axis_h + len(rows) * row_h, 16)
    for tick, anchor in ((-limit, "start"), (0, "middle"), (limit, "end")):
        picture.text(px(tick), pad + 14, f"{tick:+g}{unit}" if tick else "0", size=14, anchor=anchor, colour=MUTED)
    for i, (name, v) in enumerate(rows):
        y = pad + axis_h + i * row_h
        shown = "no data" if v is None else f"{'+' if v > 0 else ''}{rounded(v, 1)}{unit}"
        with picture.titled(f"{name}: {shown}"):
            picture.text(pad, y + 15, short(name, 40))
            picture.text(WIDTH - pad, y + 15, shown, size=14, anchor="end", colour=MUTED)
            picture.rect(pad, y + 20, pw, 16, TRACK)
            picture.line(px(0), y + 18, px(0), y + 38, MUTED)
            if v is not None:
                picture.dot(px(v), y + 28, 6, ACCENT)
    listed = "; ".join(f"{name} {_fmt(v, unit)}" for name, v in rows[:25])
    more = f"; and {len(rows) - 25} more" if len(rows) > 25 else ""
    desc = f"Dot plot around zero, {-limit:g} to +{limit:g}{unit}, {len(rows)} rows: {listed}{more}."
    return Chart(picture.drawing, "bar", desc)


def column_chart(rows, *, noun="item"):
    """Counts per day, a column each: (ISO date, count) pairs from today on. None when every count is 0.

    The review forecast: the first column is today (what is overdue counts there), labels fall
    every 7 days, and each column's tooltip says its day and count.
    """
    rows = [(str(label), int(v or 0)) for label, v in rows or []]
    if not any(v for _, v in rows):
        return None
    height, left, right, top, bottom = 200, 40, 12, 14, 38
    pw, ph = WIDTH - left - right, height - top - bottom
    slot = pw / len(rows)
    y_max = max(4, math.ceil(max(v for _, v in rows) / 4) * 4)
    picture = Picture(height, 15)
    for tick in range(0, y_max + 1, y_max // 4):
        y = top + ph - tick / y_max * ph
        picture.line(left, y, left + pw, y, GRID)
        picture.text(left - 8, y + 5, str(tick), anchor="end", colour=MUTED)
    plural = f"{noun}s"
    for i, (label, v) in enumerate(rows):
        d = _as_date(label)
        name = "Today" if i == 0 else f"{d:%a} {d.day} {d:%b}" if d else short(label, 12)
        if i % 7 == 0:  # a label a week, the day without its weekday
            tick = name if i == 0 or not d else f"{d.day} {d:%b}"
            anchor = "start" if i == 0 else "middle"
            picture.text(
                left + i * slot + (0 if i == 0 else slot / 2), top + ph + 26, tick, anchor=anchor, colour=MUTED
            )
        if v:
            with picture.titled(f"{name}: {v} {noun if v == 1 else plural}"):
                picture.rect(
                    left + i * slot + slot * 0.15, top + ph - v / y_max * ph, slot * 0.7, v / y_max * ph, ACCENT
                )
    busiest = max(rows, key=lambda row: row[1])
    desc = (
        f"Column chart, one column per day from {rows[0][0]} (today, overdue included) to {rows[-1][0]}: "
        f"{sum(v for _, v in rows)} {plural} in all, {rows[0][1]} today; "
        f"the busiest day {busiest[0]} with {busiest[1]}."
    )
    return Chart(picture.drawing, "column", desc)


# The page's SVG ----------------------------------------------------------------------------------------


def svg_markup(chart, *, chart_id, title):
    """A chart as a <figure> with inline SVG, or "No data yet." for None."""
    if chart is None:
        return EMPTY
    drawing = chart.drawing
    figure = Element("figure", {"class": "chart-figure"})
    svg = SubElement(
        figure,
        "svg",
        {
            "class": f"chart chart-{chart.kind}",
            "id": chart_id,
            "viewBox": f"0 0 {_n(drawing.width)} {_n(drawing.height)}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "font-family": FONT,
            "preserveAspectRatio": "xMidYMin meet",
        },
    )
    SubElement(svg, "title", id=f"{chart_id}-title").text = title
    SubElement(svg, "desc", id=f"{chart_id}-desc").text = chart.desc
    _add_shapes(svg, drawing.contents, drawing.height)
    return tostring(figure, encoding="unicode")


def _n(value):
    """A coordinate: whole numbers as they are, others to one decimal."""
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def _colour(colour):
    return "none" if colour is None else "#" + colour.hexval()[2:]


def _add_shapes(parent, shapes, height):
    """SVG elements for ReportLab shapes, y turned to count from the top of a drawing `height` high."""
    for shape in shapes:
        if isinstance(shape, Group):
            group = SubElement(parent, "g")
            if getattr(shape, "title", None):
                SubElement(group, "title").text = shape.title
            _add_shapes(group, shape.contents, height)
        elif isinstance(shape, Rect):
            top = height - shape.y - shape.height
            attributes = {"x": shape.x, "y": top, "width": shape.width, "height": shape.height}
            SubElement(parent, "rect", {k: _n(v) for k, v in attributes.items()}, fill=_colour(shape.fillColor))
        elif isinstance(shape, Line):
            ends = {"x1": shape.x1, "y1": height - shape.y1, "x2": shape.x2, "y2": height - shape.y2}
            SubElement(parent, "line", {k: _n(v) for k, v in ends.items()}, stroke=_colour(shape.strokeColor))
        elif isinstance(shape, Circle):
            at = {"cx": shape.cx, "cy": height - shape.cy, "r": shape.r}
            SubElement(parent, "circle", {k: _n(v) for k, v in at.items()}, fill=_colour(shape.fillColor))
        elif isinstance(shape, Path):
            xs, ys = shape.points[0::2], shape.points[1::2]
            steps = zip(shape.operators, xs, ys, strict=True)
            d = " ".join(f"{'M' if op == _MOVETO else 'L'}{_n(x)} {_n(height - y)}" for op, x, y in steps)
            stroke = {"stroke": _colour(shape.strokeColor), "stroke-width": _n(shape.strokeWidth)}
            SubElement(parent, "path", d=d, fill=_colour(shape.fillColor), **stroke)
        elif isinstance(shape, String):
            text = SubElement(
                parent, "text", x=_n(shape.x), y=_n(height - shape.y), **{"font-size": _n(shape.fontSize)}
            )
            if shape.textAnchor != "start":
                text.set("text-anchor", shape.textAnchor)
            text.set("fill", _colour(shape.fillColor))
            text.text = shape.text
        else:
            raise TypeError(f"no SVG for {type(shape).__name__}")
