"""Numbers and words of a report, the same on the page, in the PDF and in the CSV.

Every function takes a value from a report's plain data (reports.queries), which may be missing or
of the wrong type, and never raises: what it cannot read it shows as "—" or says in words.
"""

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.dateparse import parse_date, parse_datetime

from sessions.models import Recommendation

RECOMMENDATIONS = dict(Recommendation.choices)  # "strong_yes" -> "Strong yes", as the scorecard says it
PERIODS = {"30d": "Last 30 days", "90d": "Last 90 days", "all": "All time"}
SAME_AS_PANEL = 1.0  # points of difference still "in line with the panel"


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


def score(value, decimals=1):
    """55 -> "55.0"; no score -> an em dash."""
    v = number(value)
    return "—" if v is None else rounded(v, decimals)


def percent(value):
    """A share 0..1 as a whole percentage: 0.714 -> "71%"."""
    v = number(value)
    return "—" if v is None else f"{rounded(v * 100, 0)}%"


def signed(value, decimals=1):
    """+4.2 / -3.0 / 0.0; whole numbers stay whole (+3)."""
    v = number(value)
    if v is None:
        return "—"
    text = str(int(v)) if isinstance(value, int) else rounded(v, decimals)
    return text if v < 0 else f"+{text}"


def delta_words(value, unit="points"):
    """A change in words: "up 4.2 points", "down 3 sessions", "unchanged"."""
    v = number(value)
    if v is None:
        return "not comparable"
    if v == 0:
        return "unchanged"
    size = str(abs(int(v))) if isinstance(value, int) else rounded(abs(v))
    return f"{'up' if v > 0 else 'down'} {size} {unit}".strip()


def marks_compared(difference):
    """An interviewer's mean minus the panel's mean on the same answers, in words."""
    v = number(difference)
    if v is None:
        return "no shared answers to compare"
    if abs(v) < SAME_AS_PANEL:
        return "in line with the panel"
    return f"marks {'harder' if v < 0 else 'softer'} than the panel by {rounded(abs(v))} points"


def recommendation_label(value):
    if not value:
        return "not submitted"
    return RECOMMENDATIONS.get(value, str(value).replace("_", " ").capitalize())


def recommendations_text(recommendations):
    """A candidate's panel in one line: "ann (lead): Yes; carl: Strong yes"."""
    return "; ".join(
        f"{r.get('interviewer', '')}{' (lead)' if r.get('lead') else ''}: "
        f"{recommendation_label(r.get('recommendation'))}"
        for r in recommendations or []
    )


def period_label(value):
    return PERIODS.get(value, value or "")


def isodate(value):
    """An ISO date or date-time string as a date/datetime (None when it is not one)."""
    if not value:
        return None
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        return parse_datetime(text) or parse_date(text) or None
    except ValueError:
        return None


def short(text, limit):
    """Text on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(str(text if text is not None else "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


RELIABLE_ALPHA, TENTATIVE_ALPHA = 0.8, 0.667  # Krippendorff's own guidance for drawing conclusions


def alpha_text(section):
    """A reliability section ({"alpha", "low", "high", "pairs", "enough"}) in one line."""
    section = section or {}
    pairs = section.get("pairs") or 0
    if not section.get("enough"):
        return f"not enough data ({pairs} pair{'' if pairs == 1 else 's'}; 10 needed)"
    v = number(section.get("alpha"))
    if v is None:
        return f"cannot be computed: every judgement was the same ({pairs} pairs)"
    low, high = number(section.get("low")), number(section.get("high"))
    interval = f", 95% interval {rounded(low, 2)} to {rounded(high, 2)}" if low is not None and high is not None else ""
    return f"{rounded(v, 2)}{interval} ({pairs} pairs)"


def alpha_words(section):
    """What a manager may do with an alpha, after Krippendorff: rely at .80, tentatively at .667."""
    section = section or {}
    v = number(section.get("alpha"))
    if not section.get("enough") or v is None:
        return "too few double-scored judgements to say"
    if v >= RELIABLE_ALPHA:
        return "the panel agrees: these judgements can be relied on"
    if v >= TENTATIVE_ALPHA:
        return "the panel mostly agrees: draw only tentative conclusions"
    return "the panel does not agree enough to rely on these judgements"


def correlation(value):
    """A correlation to two decimals (0.456 -> "0.46"); none -> an em dash."""
    v = number(value)
    return "—" if v is None else rounded(v, 2)


def self_gap_words(gap, tag=None):
    """A self-marks gap in a sentence: "You rate yourself 12 points above your interviewers on networking."."""
    v = number(gap)
    if v is None:
        return ""
    on = f" on {tag}" if tag else ""
    if abs(v) < SAME_AS_PANEL:
        return f"You rate yourself about as your interviewers do{on}."
    size = rounded(abs(v), 1).removesuffix(".0")
    return f"You rate yourself {size} points {'above' if v > 0 else 'below'} your interviewers{on}."
