"""The review queue as the progress report shows it: what falls due when, retention, weakest topics.

practice.apps registers ``review_summary`` with common.hooks (REVIEW_SUMMARY) and
reports.queries.progress asks for it, so neither app imports the other. It counts the queue's
own items (``ReviewItem.objects.for_user(user).active(profile)``) at the queue's own moments
(``services.forecast``: due now, by the end of today, within 7 and within 30 days), with days in
the user's time zone. Five queries however many items: the zone, the profile, the days, the
retention and the topics.
"""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from accounts.timezones import zone_of
from sessions.models import MarkValue

from .models import ReviewItem, ReviewLog
from .services import profile_of, scheduler_for

FORECAST_DAYS = 30  # today and the next 30 days, one bar each; the last ends 30 days from now
WEEK = 7
WEAKEST_TAGS = 3


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def review_summary(*, user, at: datetime, start: datetime | None = None) -> dict:
    """The user's review queue at ``at``; retention over the reviews since ``start`` (None: all).

    ``due``: items due now, by the end of today, within 7 days, within 30 days (each includes
    the overdue ones). ``by_day``: items falling due on each day from today (overdue ones count
    today) to 30 days from now. ``retention``: of the reviews made while an item was due, the
    share answered covered. ``weakest_tags``: the topics whose items FSRS gives the lowest mean
    chance of being recalled at ``at``, lowest first.
    """
    at = at.astimezone(UTC)
    zone = zone_of(user)
    profile = profile_of(user)
    active = ReviewItem.objects.for_user(user).active(profile)
    today = at.astimezone(zone).date()
    days = (
        active.filter(due__lte=at + timedelta(days=FORECAST_DAYS))
        .annotate(day=TruncDate("due", tzinfo=zone))
        .values("day")
        .annotate(
            items=Count("pk"),
            now=Count("pk", filter=Q(due__lte=at)),
            week=Count("pk", filter=Q(due__lte=at + timedelta(days=WEEK))),
        )
        .order_by("day")
    )
    per_day, due = Counter(), Counter()
    for row in days:
        per_day[max(row["day"], today)] += row["items"]  # overdue: due today
        due.update(now=row["now"], week=row["week"], month=row["items"])
        due["today"] += row["items"] if row["day"] <= today else 0
    return {
        "as_of": _iso(at),
        "time_zone": str(zone),
        "due": {"now": due["now"], "today": due["today"], "next_7_days": due["week"], "next_30_days": due["month"]},
        "by_day": [
            {"date": (today + timedelta(days=n)).isoformat(), "due": per_day[today + timedelta(days=n)]}
            for n in range(FORECAST_DAYS + 1)
        ],
        "retention": _retention(user, at, start, profile.desired_retention),
        "weakest_tags": _weakest_tags(active, profile, at),
    }


def _retention(user, at, start, desired) -> dict:
    logs = ReviewLog.objects.filter(item__user=user, was_due=True, reviewed_at__lte=at)
    if start is not None:
        logs = logs.filter(reviewed_at__gte=start)
    counts = logs.aggregate(reviews=Count("pk"), covered=Count("pk", filter=Q(mark=MarkValue.COVERED)))
    share = round(counts["covered"] / counts["reviews"], 2) if counts["reviews"] else None
    return {"reviews": counts["reviews"], "covered": counts["covered"], "share": share, "desired": desired}


def _weakest_tags(active, profile, at) -> list[dict]:
    """Per topic of the active items: how many, how many due now, their mean chance of recall at ``at``."""
    scheduler = scheduler_for(profile)
    fields = ["state", "step", "stability", "difficulty", "due", "last_review"]
    rows = active.order_by().values_list("pk", "question__tags__slug", "question__tags__name", *fields)
    recall, names, items = {}, {}, defaultdict(list)
    for pk, slug, name, *card in rows:
        if slug is None:
            continue
        if pk not in recall:
            item = ReviewItem(pk=pk, **dict(zip(fields, card, strict=True)))
            recall[pk] = (scheduler.get_card_retrievability(item.card(), at), item.due <= at)
        names[slug] = name
        items[slug].append(recall[pk])
    tags = [
        {
            "tag": names[slug],
            "slug": slug,
            "items": len(chances),
            "due": sum(is_due for _, is_due in chances),
            "recall": round(sum(chance for chance, _ in chances) / len(chances), 2),
        }
        for slug, chances in items.items()
    ]
    return sorted(tags, key=lambda tag: (tag["recall"], -tag["items"], tag["tag"]))[:WEAKEST_TAGS]
