"""How both reports give their figures: numbers rounded, times in UTC; and what counts as a miss."""

from datetime import UTC, datetime

from sessions.models import MarkValue

NOT_MISSED = [MarkValue.COVERED, MarkValue.PARTIAL]  # a "missed" mark, or none, is a miss


def round_or_none(value, digits=1):
    return None if value is None else round(float(value), digits)


def iso_utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None
