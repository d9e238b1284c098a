"""Report pages' charts and number filters: the page side of reports.charts and reports.formatting.

The Content-Security-Policy allows no script and no inline style, so the charts are inline SVG drawn
on the server with presentation attributes only (reports.charts.svg_markup); each is an image with a
<title> and a <desc>, and the page shows the same numbers in a table next to it.
"""

import re

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from reports import charts, formatting
from reports.formatting import number
from reports.insights import question_insights

register = template.Library()

for _filter in (
    formatting.score,
    formatting.percent,
    formatting.signed,
    formatting.delta_words,
    formatting.marks_compared,
    formatting.recommendation_label,
    formatting.period_label,
    formatting.isodate,
    formatting.alpha_text,
    formatting.alpha_words,
    formatting.correlation,
    formatting.self_gap_words,
):
    register.filter(_filter)
register.simple_tag(question_insights, name="question_insights")


@register.filter
def delta_class(value):
    v = number(value)
    if not v:
        return "delta-none"
    return "delta-up" if v > 0 else "delta-down"


@register.filter
def score_band(value):
    """A class for a 0-100 score: below 50 low, below 70 mid, else high."""
    v = number(value)
    if v is None:
        return "score-none"
    return "score-low" if v < 50 else "score-mid" if v < 70 else "score-high"


@register.filter
def tag_slug(name):
    """The slug the question bank gives a tag name (questions.services)."""
    return slugify(name or "")[:50]


def _id(chart_id, suffix=""):
    raw = f"{chart_id}-{suffix}" if suffix not in ("", None) else str(chart_id)
    return re.sub(r"[^A-Za-z0-9_-]", "-", raw) or "chart"


def line_chart_svg(points, *, x="date", y="mean_score", chart_id="chart", title="", y_max=100, unit=""):
    """Score over time: one point per row of `points`, x from row[x] (ISO dates), y from row[y] 0..y_max."""
    rows = [(p.get(x, ""), number(p.get(y))) for p in points or []]
    return charts.svg_markup(charts.line_chart(rows, y_max=y_max, unit=unit), chart_id=chart_id, title=title)


def bar_chart_svg(items, *, label, value, chart_id="chart", title="", scale=1, max_value=100, unit="", decimals=1):
    """Horizontal bars, a label above each: row[value] * scale on a 0..max_value track."""
    rows = [(r.get(label, ""), number(r.get(value))) for r in items or []]
    rows = [(name, None if v is None else v * scale) for name, v in rows]
    chart = charts.bar_chart(rows, max_value=max_value, unit=unit, decimals=decimals)
    return charts.svg_markup(chart, chart_id=chart_id, title=title)


def grouped_bar_chart_svg(items, *, label, values, series, chart_id="chart", title="", max_value=100, unit=""):
    """Several bars per row (e.g. an interviewer's mean beside the panel's), with a legend."""
    keys = [k.strip() for k in values.split(",")] if isinstance(values, str) else list(values)
    names = [s.strip() for s in series.split(",")] if isinstance(series, str) else list(series)
    names += keys[len(names) :]
    rows = [(r.get(label, ""), [number(r.get(k)) for k in keys]) for r in items or []]
    chart = charts.grouped_bar_chart(rows, names, max_value=max_value, unit=unit)
    return charts.svg_markup(chart, chart_id=chart_id, title=title)


# Every label is escaped by ElementTree in svg_markup and every number formatted there.


@register.simple_tag
def line_chart(points, x="date", y="mean_score", chart_id="chart", title="Chart", suffix="", y_max=100, unit=""):
    svg = line_chart_svg(points, x=x, y=y, chart_id=_id(chart_id, suffix), title=title, y_max=y_max, unit=unit)
    return mark_safe(svg)  # noqa: S308


@register.simple_tag
def bar_chart(
    items, label, value, chart_id="chart", title="Chart", suffix="", scale=1, max_value=100, unit="", decimals=1
):
    options = dict(scale=scale, max_value=max_value, unit=unit, decimals=decimals)
    svg = bar_chart_svg(items, label=label, value=value, chart_id=_id(chart_id, suffix), title=title, **options)
    return mark_safe(svg)  # noqa: S308


@register.simple_tag
def grouped_bar_chart(items, label, values, series, chart_id="chart", title="Chart", suffix="", max_value=100):
    chart_id = _id(chart_id, suffix)
    svg = grouped_bar_chart_svg(
        items, label=label, values=values, series=series, chart_id=chart_id, title=title, max_value=max_value
    )
    return mark_safe(svg)  # noqa: S308


@register.simple_tag
def dot_plot(items, label, value, chart_id="chart", title="Chart", suffix="", unit=""):
    """Signed values around zero, a dot per row (the interviewers' leniency)."""
    rows = [(r.get(label, ""), number(r.get(value))) for r in items or []]
    svg = charts.svg_markup(charts.dot_plot(rows, unit=unit), chart_id=_id(chart_id, suffix), title=title)
    return mark_safe(svg)  # noqa: S308


@register.simple_tag
def column_chart(items, label, value, chart_id="chart", title="Chart", noun="item"):
    """A column per row (the review forecast: a day each), row[value] counted, row[label] an ISO date."""
    rows = [(r.get(label, ""), number(r.get(value))) for r in items or []]
    svg = charts.svg_markup(charts.column_chart(rows, noun=noun), chart_id=_id(chart_id), title=title)
    return mark_safe(svg)  # noqa: S308
