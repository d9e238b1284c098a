"""The progress report: a candidate's own finished self-assessments and peer interviews over a period.

Eight queries, one per section, however many sessions, and the review queue's five (practice,
through common.hooks); the CSV rows stream.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.aggregates import Max
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from common import hooks
from questions.models import Difficulty, Question, rubric_locked_filter
from sessions.models import Answer, AnswerKeypoint, InterviewSession, Mode, Status

from ..models import Kind, Period, ReportStatus
from .figures import NOT_MISSED, iso_utc, round_or_none
from .self_marks import self_against_peers

PERIOD_DAYS = {Period.DAYS_30: 30, Period.DAYS_90: 90, Period.ALL: None}
PROGRESS_MODES = [Mode.SELF, Mode.PEER]  # a structured interview's scorecard never reaches its candidate
WEEKLY_AFTER_DAYS = 120  # over_time has one row per ISO week when the range spans more than this
TOP_MISSED_KEYPOINTS = 10
WEAKEST_QUESTIONS = 5
WEAKEST_TAGS = 3
WEAK_BELOW = 70
NEVER_TRIED = 10
CSV_CHUNK_SIZE = 500


def _mean(total, count):
    return total / count if count else None


def _day(value) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def period_range(period: str, now: datetime) -> tuple[datetime | None, datetime]:
    """(start, end) of a report period; start is None for all time."""
    days = PERIOD_DAYS[Period(period)]
    return (now - timedelta(days=days) if days else None), now


def _progress_filter(user, start, end, prefix="") -> Q:
    """The sessions a progress report counts, as a Q on a model reaching them through ``prefix``."""
    condition = Q(
        **{
            f"{prefix}candidate": user,
            f"{prefix}status": Status.FINISHED,
            f"{prefix}mode__in": PROGRESS_MODES,
            f"{prefix}finished_at__lte": end,
        }
    )
    if start is not None:
        condition &= Q(**{f"{prefix}finished_at__gte": start})
    return condition


def progress_report(user, period: str, *, now: datetime | None = None, previous=None) -> dict:
    """A candidate's own progress over a period ("30d", "90d", "all"), as of ``now``.

    Counts the user's finished self-assessments and peer interviews finished within the period.

    ``previous`` is the user's previous READY progress report of the same period (or None); the
    caller finds it, so that it can leave out the report being built.
    """
    now = now or timezone.now()
    period = Period(period).value
    start, end = period_range(period, now)
    sessions = InterviewSession.objects.filter(_progress_filter(user, start, end))
    answers = Answer.objects.filter(_progress_filter(user, start, end, "session__"))
    answer_score = Coalesce("score", Value(0.0))

    totals = sessions.aggregate(
        sessions=Count("pk", distinct=True),
        questions=Count("answers"),
        total=Sum(Coalesce("answers__score", Value(0.0))),
        first=Min("finished_at"),
    )
    mean_score = _mean(totals["total"] or 0.0, totals["questions"])
    tag_rows = _by_tag(answers, answer_score)
    weakest = [row for row in tag_rows if row["mean_score"] < WEAK_BELOW][:WEAKEST_TAGS]
    by_tag = [{key: value for key, value in row.items() if key != "slug"} for row in tag_rows]
    return {
        "kind": Kind.PROGRESS.value,
        "period": period,
        "generated_at": iso_utc(now),
        "user": user.get_username(),
        "range": {"start": iso_utc(start), "end": iso_utc(end)},
        "totals": {
            "sessions": totals["sessions"],
            "questions": totals["questions"],
            "mean_score": round_or_none(mean_score),
        },
        "over_time": _over_time(sessions, start or totals["first"], end),
        "by_tag": by_tag,
        "by_difficulty": _by_difficulty(answers, answer_score),
        "missed_keypoints": _missed_keypoints(user, start, end),
        "self_against_peers": self_against_peers(answers),
        "practise_next": {
            "weakest_questions": _weakest_questions(user, answers, answer_score),
            "weakest_tags": [row["tag"] for row in weakest],
            # The same topics with their slugs: the page links to the question list filtered by slug.
            "weakest_topics": [{"slug": row["slug"], "tag": row["tag"]} for row in weakest],
            "never_tried": _never_tried(user),
        },
        "change": _change(user, period, previous, totals["sessions"], mean_score),
        # The review queue at ``now`` (practice.summary), retention over the period; None without practice.
        "reviews": hooks.ask(hooks.REVIEW_SUMMARY, user=user, at=now, start=start),
    }


def _over_time(sessions, span_start, end) -> list[dict]:
    weekly = span_start is not None and end - span_start > timedelta(days=WEEKLY_AFTER_DAYS)
    bucket = TruncWeek("finished_at") if weekly else TruncDate("finished_at")
    rows = (
        sessions.annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            sessions=Count("pk", distinct=True),
            questions=Count("answers"),
            total=Sum(Coalesce("answers__score", Value(0.0))),
        )
        .order_by("bucket")
    )
    return [
        {
            "date": _day(row["bucket"]),
            "sessions": row["sessions"],
            "questions": row["questions"],
            "mean_score": round_or_none(_mean(row["total"] or 0.0, row["questions"])),
        }
        for row in rows
    ]


def _tag_pairs(tags) -> dict[str, str]:
    """{slug: name} from an answer's tags snapshot ([[slug, name], ...]; a bare name is its own slug)."""
    pairs = {}
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, list | tuple) and len(tag) == 2:
            pairs[str(tag[0])] = str(tag[1])
        elif isinstance(tag, str):
            pairs[tag] = tag
    return pairs


def _by_tag(answers, answer_score) -> list[dict]:
    """Mean score per tag, weakest first.

    The tags are a JSON snapshot on each answer, so the database groups the answers by their
    whole tag list (as many groups as distinct lists, i.e. about as many as questions, whatever
    the number of answers) and the groups are then added up per tag.
    """
    groups = answers.values("tags").annotate(answers=Count("pk"), total=Sum(answer_score)).order_by()
    counts, totals, names = Counter(), Counter(), {}
    for group in groups:
        for slug, name in _tag_pairs(group["tags"]).items():
            counts[slug] += group["answers"]
            totals[slug] += group["total"] or 0.0
            names.setdefault(slug, Counter())[name] += group["answers"]
    rows = []
    for slug, count in counts.items():
        name = min(names[slug].items(), key=lambda item: (-item[1], item[0]))[0]  # the name used most
        rows.append({"tag": name, "slug": slug, "answers": count, "mean_score": round_or_none(totals[slug] / count)})
    return sorted(rows, key=lambda row: (row["mean_score"], row["tag"]))


def _by_difficulty(answers, answer_score) -> list[dict]:
    order = Case(
        *[When(difficulty=value, then=Value(rank)) for rank, value in enumerate(Difficulty.values)],
        default=Value(len(Difficulty.values)),
        output_field=IntegerField(),
    )
    rows = (
        answers.values("difficulty")
        .annotate(answers=Count("pk"), mean_score=Avg(answer_score))
        .order_by(order, "difficulty")
    )
    return [
        {"difficulty": row["difficulty"], "answers": row["answers"], "mean_score": round_or_none(row["mean_score"])}
        for row in rows
    ]


def _missed_keypoints(user, start, end) -> list[dict]:
    # The lead's mark is joined on (keypoint, lead): at most one row per keypoint (one mark per
    # reviewer), so the keypoints are counted without DISTINCT, which sorted every row.
    rows = (
        AnswerKeypoint.objects.filter(_progress_filter(user, start, end, "answer__session__"))
        .alias(lead=F("answer__session__interviewer_id"))
        .alias(lead_mark=FilteredRelation("marks", condition=Q(marks__user_id=F("lead"))))
        .values("text", "answer__prompt", "answer__question_id")
        .annotate(asked=Count("pk"), kept=Count("lead_mark", filter=Q(lead_mark__value__in=NOT_MISSED)))
        .annotate(missed=F("asked") - F("kept"))
        .filter(missed__gt=0)
        .order_by("-missed", "-asked", "text", "answer__prompt", "answer__question_id")[:TOP_MISSED_KEYPOINTS]
    )
    return [
        {
            "keypoint": row["text"],
            "question": row["answer__prompt"],
            "question_id": row["answer__question_id"],
            "missed": row["missed"],
            "asked": row["asked"],
        }
        for row in rows
    ]


def _weakest_questions(user, answers, answer_score) -> list[dict]:
    rows = (
        answers.filter(question__in=Question.objects.for_user(user))
        .values("question_id", "question__prompt")
        .annotate(mean_score=Avg(answer_score), attempts=Count("pk"))
        .order_by("mean_score", "question_id")[:WEAKEST_QUESTIONS]
    )
    return [
        {
            "question_id": row["question_id"],
            "prompt": row["question__prompt"],
            "mean_score": round_or_none(row["mean_score"]),
            "attempts": row["attempts"],
        }
        for row in rows
    ]


def _never_tried(user) -> list[dict]:
    """Visible questions the user never answered in a finished practice session (any period), in bank order.

    Practice sessions only, like the rest of the report: a question met in a structured interview,
    whose scorecard the candidate never sees, is still worth practising.
    """
    tried = Answer.objects.filter(
        question_id=OuterRef("pk"),
        session__candidate=user,
        session__status=Status.FINISHED,
        session__mode__in=PROGRESS_MODES,
    )
    rows = (
        Question.objects.for_user(user)
        .filter(~Exists(tried))
        .order_by(F("number").asc(nulls_last=True), "pk")
        .values("pk", "prompt", "difficulty")[:NEVER_TRIED]
    )
    return [{"question_id": row["pk"], "prompt": row["prompt"], "difficulty": row["difficulty"]} for row in rows]


def _change(user, period, previous, sessions, mean_score) -> dict:
    comparable = (
        previous is not None
        and previous.kind == Kind.PROGRESS
        and previous.period == period
        and previous.status == ReportStatus.READY
        and previous.user_id == user.pk
        and isinstance(previous.data, dict)
    )
    if not comparable:
        return {
            "previous_report_id": None,
            "previous_generated_at": None,
            "mean_score_delta": None,
            "sessions_delta": None,
        }
    before = previous.data.get("totals") or {}
    before_mean, before_sessions = before.get("mean_score"), before.get("sessions")
    return {
        "previous_report_id": previous.pk,
        "previous_generated_at": previous.data.get("generated_at") or iso_utc(previous.finished_at),
        "mean_score_delta": round_or_none(mean_score - before_mean)
        if mean_score is not None and before_mean is not None
        else None,
        "sessions_delta": sessions - before_sessions if before_sessions is not None else None,
    }


def progress_answer_rows(
    user, period: str, *, now: datetime | None = None, chunk_size: int = CSV_CHUNK_SIZE, viewer=None
) -> Iterator[dict]:
    """One dict per answer a progress report counts, oldest first, for the CSV download.

    Streams: the answers come from one cursor, ``chunk_size`` at a time, and each chunk's keypoints
    and marks from one more query; plain rows, no model instances. A null score is
    given as 0, like in the report; an unmarked keypoint has mark "". The keypoints of a
    question whose rubric is closed to ``viewer`` now (an interview they are taking) are left out.
    """
    start, end = period_range(period, now or timezone.now())
    answers = (
        Answer.objects.filter(_progress_filter(user, start, end, "session__"))
        .order_by("session__finished_at", "session_id", "position")
        .values(
            "pk",
            "session_id",
            "session__finished_at",
            "session__mode",
            "session__interviewer_id",
            "position",
            "prompt",
            "difficulty",
            "tags",
            "score",
            rubric_closed=Case(
                When(rubric_locked_filter(viewer or user, "question_id"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    for chunk in _batched(answers.iterator(chunk_size=chunk_size), chunk_size):
        # Each keypoint with every mark it has (a LEFT JOIN on the mark's index; a lookup per
        # keypoint is slower), the lead's picked out here: the session's interviewer.
        lead = {answer["pk"]: answer["session__interviewer_id"] for answer in chunk}
        keypoints, seen = {}, {}
        rows = (
            AnswerKeypoint.objects.filter(answer_id__in=lead)
            .order_by("answer_id", "position", "pk")
            .values_list("pk", "answer_id", "text", "weight", "marks__user_id", "marks__value")
        )
        for pk, answer_id, text, weight, marker, mark in rows:
            if pk not in seen:
                seen[pk] = {"text": text, "weight": weight, "mark": ""}
                keypoints.setdefault(answer_id, []).append(seen[pk])
            if marker is not None and marker == lead[answer_id]:
                seen[pk]["mark"] = mark
        for answer in chunk:
            yield {
                "session_id": answer["session_id"],
                "finished_at": iso_utc(answer["session__finished_at"]),
                "mode": answer["session__mode"],
                "position": answer["position"],
                "prompt": answer["prompt"],
                "difficulty": answer["difficulty"],
                "tags": ";".join(_tag_pairs(answer["tags"]).values()),
                "score": round_or_none(answer["score"] or 0.0),
                "keypoints": [] if answer["rubric_closed"] else keypoints.get(answer["pk"], []),
            }


def progress_keypoint_width(user, period: str, *, now: datetime | None = None, viewer=None) -> int:
    """The most keypoints a row of ``progress_answer_rows`` with the same arguments carries: one query.

    The CSV's header names the keypoint columns up to this width, and goes out before the rows.
    Counted, not taken from the rules' maximum (6 keypoints): the header has always been as wide as
    the widest row, often narrower than that, and a row of a rubric closed to the viewer has none.
    """
    start, end = period_range(period, now or timezone.now())
    widest = (
        Answer.objects.filter(_progress_filter(user, start, end, "session__"))
        .alias(
            rubric_closed=Case(  # as progress_answer_rows decides it
                When(rubric_locked_filter(viewer or user, "question_id"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .filter(rubric_closed=False)
        .annotate(keypoint_count=Count("keypoints"))
        .aggregate(widest=Max("keypoint_count"))["widest"]
    )
    return widest or 0


def _batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch
