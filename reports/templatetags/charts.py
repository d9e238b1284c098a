"""Charts and small formatting helpers for report pages.

The Content-Security-Policy allows no script and no inline style, so charts are drawn here, on the
server, as inline SVG with presentation attributes only (fill, x, width...). Each chart is an image
with a <title> and a <desc>, and the page shows the same numbers in a table next to it. Every piece
of text that reaches the SVG goes through escape(); numbers are formatted here.
"""

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

register = template.Library()

ACCENT = "#1f5fbf"
SECOND = "#c26a00"
TEXT = "#1d2430"
MUTED = "#5a6472"
GRID = "#d9dee5"
TRACK = "#f3f5f8"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
EMPTY = '<p class="chart-empty">No data yet.</p>'

RECOMMENDATIONS = {"strong_no": "Strong no", "no": "No", "yes": "Yes", "strong_yes": "Strong yes"}
PERIODS = {"30d": "Last 30 days", "90d": "Last 90 days", "all": "All time"}
TELLS_APART = 25.0  # points between a question's lowest and highest candidate score
SAME_AS_PANEL = 1.0  # points of difference still "in line with the panel"


# Numbers and words -------------------------------------------------------------------------------


def number(value):
    """A finite float, or None for anything else (null, "", text, NaN)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def rounded(value: float, decimals=1) -> str:
    """Rounded half up, as people do (62.5 -> "63"), not half to even."""
    exponent = Decimal(1).scaleb(-int(decimals))
    return str(Decimal(repr(float(value))).quantize(exponent, rounding=ROUND_HALF_UP))


@register.filter
def score(value, decimals=1):
    """55 -> "55.0"; no score -> an em dash."""
    v = number(value)
    return "—" if v is None else rounded(v, decimals)


@register.filter
def percent(value):
    """A share 0..1 as a whole percentage: 0.714 -> "71%"."""
    v = number(value)
    return "—" if v is None else f"{rounded(v * 100, 0)}%"


@register.filter
def signed(value, decimals=1):
    """+4.2 / -3.0 / 0.0; whole numbers stay whole (+3)."""
    v = number(value)
    if v is None:
        return "—"
    text = str(int(v)) if isinstance(value, int) else rounded(v, decimals)
    return text if v < 0 else f"+{text}"


@register.filter
def delta_words(value, unit="points"):
    """A change in words: "up 4.2 points", "down 3 sessions", "unchanged"."""
    v = number(value)
    if v is None:
        return "not comparable"
    if v == 0:
        return "unchanged"
    size = str(abs(int(v))) if isinstance(value, int) else rounded(abs(v))
    return f"{'up' if v > 0 else 'down'} {size} {unit}".strip()


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
def marks_compared(difference):
    """An interviewer's mean minus the panel's mean on the same answers, in words."""
    v = number(difference)
    if v is None:
        return "no shared answers to compare"
    if abs(v) < SAME_AS_PANEL:
        return "in line with the panel"
    return f"marks {'harder' if v < 0 else 'softer'} than the panel by {rounded(abs(v))} points"


@register.filter
def recommendation_label(value):
    if not value:
        return "not submitted"
    return RECOMMENDATIONS.get(value, str(value).replace("_", " ").capitalize())


@register.filter
def period_label(value):
    return PERIODS.get(value, value or "")


@register.filter
def tag_slug(name):
    """The slug the question bank gives a tag name (questions.services)."""
    return slugify(name or "")[:50]


@register.filter
def isodate(value):
    """An ISO date or date-time string as a date/datetime, so the |date filter can format it."""
    if not value:
        return None
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        return parse_datetime(text) or parse_date(text) or None
    except ValueError:
        return None


def question_insights(data):
    """Per question of a hiring report: candidates' score range and the keypoints' missed shares.

    Sorted by spread (highest minus lowest candidate score), widest first: the questions at the top
    are the ones that tell candidates apart. A keypoint "splits" the field when between a quarter
    and three quarters of its marks are misses.
    """
    data = data or {}
    questions = list(data.get("questions") or [])
    candidates = data.get("candidates") or []
    misses = {m.get("position"): m for m in data.get("keypoint_misses") or []}
    known = {q.get("position") for q in questions}
    questions += [{"position": p, "prompt": m.get("prompt", "")} for p, m in misses.items() if p not in known]
    rows = []
    for index, q in enumerate(questions):
        scores = []
        for c in candidates:
            cells = c.get("scores") or []
            v = number(cells[index]) if index < len(cells) else None
            if v is not None:
                scores.append(v)
        spread = max(scores) - min(scores) if len(scores) >= 2 else None
        keypoints = []
        for kp in (misses.get(q.get("position")) or {}).get("keypoints") or []:
            share = number(kp.get("missed_share")) or 0.0
            keypoints.append(
                {**kp, "missed_share": share, "splits": (kp.get("marked") or 0) >= 2 and 0.25 <= share <= 0.75}
            )
        rows.append(
            {
                "position": q.get("position"),
                "prompt": q.get("prompt", ""),
                "scored": len(scores),
                "low": min(scores) if scores else None,
                "high": max(scores) if scores else None,
                "mean": sum(scores) / len(scores) if scores else None,
                "spread": spread,
                "tells_apart": spread is not None and spread >= TELLS_APART,
                "keypoints": keypoints,
            }
        )
    rows.sort(key=lambda r: (r["spread"] is None, -(r["spread"] or 0), r["position"] or 0))
    return rows


register.simple_tag(question_insights, name="question_insights")


# SVG -----------------------------------------------------------------------------------------------


def _id(chart_id, suffix=""):
    raw = f"{chart_id}-{suffix}" if suffix not in ("", None) else str(chart_id)
    return re.sub(r"[^A-Za-z0-9_-]", "-", raw) or "chart"


def _short(text, limit):
    text = " ".join(str(text if text is not None else "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fmt(v, unit="", decimals=1):
    return "no data" if v is None else f"{rounded(v, decimals)}{unit}"


def _svg(chart_id, width, height, title, desc, body, font_size=16, kind="bar"):
    return (
        f'<figure class="chart-figure"><svg class="chart chart-{kind}" id="{chart_id}" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}" font-size="{font_size}" '
        f'fill="{TEXT}" preserveAspectRatio="xMidYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg></figure>"
    )


def _as_date(label):
    try:
        return date.fromisoformat(str(label)[:10])
    except ValueError:
        return None


def _date_label(label, d):
    return f"{d.day} {d:%b}" if d else _short(label, 12)


def line_chart_svg(points, *, x="date", y="mean_score", chart_id="chart", title="", y_max=100, unit=""):
    """Score over time: one point per row of `points`, x from row[x] (ISO dates), y from row[y] 0..y_max."""
    rows = [(str(p.get(x, "")), number(p.get(y))) for p in points or []]
    if not any(v is not None for _, v in rows):
        return EMPTY
    width, height, left, right, top, bottom = 480, 236, 40, 22, 14, 38
    pw, ph = width - left - right, height - top - bottom
    dates = [_as_date(label) for label, _ in rows]
    span = (max(dates) - min(dates)).days if all(dates) else 0
    n = len(rows)

    def px(i):
        if span:
            return left + (dates[i] - min(dates)).days / span * pw
        return left + (pw / 2 if n == 1 else i / (n - 1) * pw)

    def py(v):
        return top + ph - max(0.0, min(v, y_max)) / y_max * ph

    parts = []
    for tick in range(0, int(y_max) + 1, int(y_max) // 4 or 1):
        ty = py(tick)
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 8}" y="{ty + 5:.1f}" text-anchor="end" fill="{MUTED}">{tick}</text>')
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
        label = escape(_date_label(rows[i][0], dates[i]))
        parts.append(f'<text x="{px(i):.1f}" y="{top + ph + 26}" text-anchor="{anchor}" fill="{MUTED}">{label}</text>')
    path, pen_down = [], False
    for i, (_, v) in enumerate(rows):
        if v is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{px(i):.1f} {py(v):.1f}")
        pen_down = True
    parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
    for i, (label, v) in enumerate(rows):
        if v is not None:
            parts.append(
                f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="4" fill="{ACCENT}">'
                f"<title>{escape(label)}: {_fmt(v, unit)}</title></circle>"
            )
    valued = [(label, v) for label, v in rows if v is not None]
    low = min(valued, key=lambda r: r[1])
    high = max(valued, key=lambda r: r[1])
    desc = (
        f"Line chart, 0 to {y_max:g}{unit}, {len(valued)} points from {valued[0][0]} to {valued[-1][0]}. "
        f"Lowest {_fmt(low[1], unit)} on {low[0]}, highest {_fmt(high[1], unit)} on {high[0]}, "
        f"latest {_fmt(valued[-1][1], unit)}."
    )
    return _svg(chart_id, width, height, title, desc, "".join(parts), font_size=15, kind="line")


def bar_chart_svg(items, *, label, value, chart_id="chart", title="", scale=1, max_value=100, unit="", decimals=1):
    """Horizontal bars, a label above each: row[value] * scale on a 0..max_value track."""
    rows = [(str(r.get(label, "")), number(r.get(value))) for r in items or []]
    rows = [(name, None if v is None else v * scale) for name, v in rows]
    if not rows:
        return EMPTY
    width, row_h, pad = 480, 46, 8
    pw = width - 2 * pad
    parts = []
    for i, (name, v) in enumerate(rows):
        y = pad + i * row_h
        shown = _fmt(v, unit, decimals)
        bar = 0.0 if v is None else max(0.0, min(v, max_value)) / max_value * pw
        parts.append(f"<g><title>{escape(name)}: {shown}</title>")
        parts.append(f'<text x="{pad}" y="{y + 15}">{escape(_short(name, 52))}</text>')
        parts.append(f'<rect x="{pad}" y="{y + 20}" width="{pw}" height="16" fill="{TRACK}"/>')
        if bar:
            parts.append(f'<rect x="{pad}" y="{y + 20}" width="{bar:.1f}" height="16" fill="{ACCENT}"/>')
        if bar > pw - 64:
            parts.append(
                f'<text x="{pad + bar - 6:.1f}" y="{y + 33}" font-size="14" text-anchor="end" '
                f'fill="#fff">{shown}</text>'
            )
        else:
            parts.append(f'<text x="{pad + bar + 6:.1f}" y="{y + 33}" font-size="14" fill="{TEXT}">{shown}</text>')
        parts.append("</g>")
    listed = "; ".join(f"{name} {_fmt(v, unit, decimals)}" for name, v in rows[:25])
    more = f"; and {len(rows) - 25} more" if len(rows) > 25 else ""
    desc = f"Bar chart, 0 to {max_value:g}{unit}, {len(rows)} bars: {listed}{more}."
    return _svg(chart_id, width, pad * 2 + len(rows) * row_h, title, desc, "".join(parts))


def grouped_bar_chart_svg(items, *, label, values, series, chart_id="chart", title="", max_value=100, unit=""):
    """Several bars per row (e.g. an interviewer's mean beside the panel's), with a legend."""
    keys = [k.strip() for k in values.split(",")] if isinstance(values, str) else list(values)
    names = [s.strip() for s in series.split(",")] if isinstance(series, str) else list(series)
    names += keys[len(names) :]
    colours = [ACCENT, SECOND, MUTED]
    rows = [(str(r.get(label, "")), [number(r.get(k)) for k in keys]) for r in items or []]
    if not rows:
        return EMPTY
    width, pad, legend_h, bar_h, gap = 480, 8, 28, 14, 3
    row_h = 22 + len(keys) * (bar_h + gap) + 8
    pw = width - 2 * pad - 48
    parts = []
    x = pad
    for k, name in enumerate(names):
        colour = colours[k % len(colours)]
        parts.append(f'<rect x="{x}" y="{pad}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{x + 20}" y="{pad + 12}">{escape(_short(name, 32))}</text>')
        x += 44 + 9 * len(_short(name, 32))
    for i, (name, vs) in enumerate(rows):
        y = pad + legend_h + i * row_h
        spoken = ", ".join(f"{names[k]} {_fmt(v, unit)}" for k, v in enumerate(vs))
        parts.append(f"<g><title>{escape(name)}: {escape(spoken)}</title>")
        parts.append(f'<text x="{pad}" y="{y + 15}">{escape(_short(name, 52))}</text>')
        for k, v in enumerate(vs):
            by = y + 20 + k * (bar_h + gap)
            bar = 0.0 if v is None else max(0.0, min(v, max_value)) / max_value * pw
            if bar:
                colour = colours[k % len(colours)]
                parts.append(f'<rect x="{pad}" y="{by}" width="{bar:.1f}" height="{bar_h}" fill="{colour}"/>')
            parts.append(
                f'<text x="{pad + bar + 6:.1f}" y="{by + 12}" font-size="13" fill="{TEXT}">{_fmt(v, unit)}</text>'
            )
        parts.append("</g>")
    listed = "; ".join(
        f"{name}: " + ", ".join(f"{names[k]} {_fmt(v, unit)}" for k, v in enumerate(vs)) for name, vs in rows[:20]
    )
    more = f"; and {len(rows) - 20} more" if len(rows) > 20 else ""
    desc = f"Grouped bar chart, 0 to {max_value:g}{unit}, {len(rows)} rows: {listed}{more}."
    return _svg(chart_id, width, pad * 2 + legend_h + len(rows) * row_h, title, desc, "".join(parts))


@register.simple_tag
def line_chart(points, x="date", y="mean_score", chart_id="chart", title="Chart", suffix="", y_max=100, unit=""):
    svg = line_chart_svg(points, x=x, y=y, chart_id=_id(chart_id, suffix), title=title, y_max=y_max, unit=unit)
    return mark_safe(svg)  # noqa: S308 - every label is escaped above, numbers are formatted here


@register.simple_tag
def bar_chart(
    items, label, value, chart_id="chart", title="Chart", suffix="", scale=1, max_value=100, unit="", decimals=1
):
    svg = bar_chart_svg(
        items,
        label=label,
        value=value,
        chart_id=_id(chart_id, suffix),
        title=title,
        scale=scale,
        max_value=max_value,
        unit=unit,
        decimals=decimals,
    )
    return mark_safe(svg)  # noqa: S308 - every label is escaped above, numbers are formatted here


@register.simple_tag
def grouped_bar_chart(items, label, values, series, chart_id="chart", title="Chart", suffix="", max_value=100):
    svg = grouped_bar_chart_svg(
        items,
        label=label,
        values=values,
        series=series,
        chart_id=_id(chart_id, suffix),
        title=title,
        max_value=max_value,
    )
    return mark_safe(svg)  # noqa: S308 - every label is escaped above, numbers are formatted here
