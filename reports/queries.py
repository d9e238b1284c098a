"""The shapes these functions return are documented in docs/reports.md.

Read-only aggregations behind the progress and hiring reports: the JSON kept in Report.data.

Every section is computed by the database, one query per section (the hiring report's candidates
take three, its agreement two), so the number of queries does not depend on how many sessions or
answers there are: 7 for a progress report, 8 for a hiring report (9 when the set's team is not
loaded yet). No report loads answers into memory; Python only reshapes aggregated rows, whose
number is bounded by the output (questions, tags, candidates x questions). The CSV rows stream.

Scores: an answer's score in a progress report is ``Answer.score`` (the lead's), null counting as
0; in a hiring report it is each reviewer's ``AnswerReview.score``. Numbers are rounded to one
decimal, shares (0 to 1) to two.

The lead of a session is its ``interviewer``: ``sessions.services`` makes exactly that user the
lead ``Reviewer`` (in a peer session's mirror too), and ``Answer.score`` is their score. Matching
a mark's user to that column of the same row lets the database join instead of running a
subquery per keypoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from questions.models import Difficulty, Question, rubric_locked_filter
from sessions.models import (
    Answer,
    AnswerKeypoint,
    AnswerReview,
    InterviewSession,
    Mark,
    MarkValue,
    Mode,
    Recommendation,
    Reviewer,
    Status,
)

from .models import Kind, Period, ReportStatus

PERIOD_DAYS = {Period.DAYS_30: 30, Period.DAYS_90: 90, Period.ALL: None}
PROGRESS_MODES = [Mode.SELF, Mode.PEER]  # a structured interview's scorecard never reaches its candidate
WEEKLY_AFTER_DAYS = 120  # over_time has one row per ISO week when the range spans more than this
TOP_MISSED_KEYPOINTS = 10
WEAKEST_QUESTIONS = 5
WEAKEST_TAGS = 3
WEAK_BELOW = 70
NEVER_TRIED = 10
CSV_CHUNK_SIZE = 500
NOT_MISSED = [MarkValue.COVERED, MarkValue.PARTIAL]  # a "missed" mark, or none, is a miss


def _round(value, digits=1):
    return None if value is None else round(float(value), digits)


def _mean(total, count):
    return total / count if count else None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


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


# --- progress ------------------------------------------------------------------------------------


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
    by_tag = _by_tag(answers, answer_score)
    return {
        "kind": Kind.PROGRESS.value,
        "period": period,
        "generated_at": _iso(now),
        "user": user.get_username(),
        "range": {"start": _iso(start), "end": _iso(end)},
        "totals": {
            "sessions": totals["sessions"],
            "questions": totals["questions"],
            "mean_score": _round(mean_score),
        },
        "over_time": _over_time(sessions, start or totals["first"], end),
        "by_tag": by_tag,
        "by_difficulty": _by_difficulty(answers, answer_score),
        "missed_keypoints": _missed_keypoints(user, start, end),
        "practise_next": {
            "weakest_questions": _weakest_questions(user, answers, answer_score),
            "weakest_tags": [row["tag"] for row in by_tag if row["mean_score"] < WEAK_BELOW][:WEAKEST_TAGS],
            "never_tried": _never_tried(user),
        },
        "change": _change(user, period, previous, totals["sessions"], mean_score),
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
            "mean_score": _round(_mean(row["total"] or 0.0, row["questions"])),
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
        rows.append({"tag": name, "answers": count, "mean_score": _round(totals[slug] / count)})
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
        {"difficulty": row["difficulty"], "answers": row["answers"], "mean_score": _round(row["mean_score"])}
        for row in rows
    ]


def _missed_keypoints(user, start, end) -> list[dict]:
    rows = (
        AnswerKeypoint.objects.filter(_progress_filter(user, start, end, "answer__session__"))
        .values("text", "answer__prompt", "answer__question_id")
        .annotate(
            asked=Count("pk", distinct=True),  # distinct: one row per mark of the keypoint, by anyone
            kept=Count(
                "marks", filter=Q(marks__user_id=F("answer__session__interviewer_id"), marks__value__in=NOT_MISSED)
            ),
        )
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
            "mean_score": _round(row["mean_score"]),
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
        "previous_generated_at": previous.data.get("generated_at") or _iso(previous.finished_at),
        "mean_score_delta": _round(mean_score - before_mean)
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
                "finished_at": _iso(answer["session__finished_at"]),
                "mode": answer["session__mode"],
                "position": answer["position"],
                "prompt": answer["prompt"],
                "difficulty": answer["difficulty"],
                "tags": ";".join(_tag_pairs(answer["tags"]).values()),
                "score": _round(answer["score"] or 0.0),
                "keypoints": [] if answer["rubric_closed"] else keypoints.get(answer["pk"], []),
            }


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- hiring (question set) -------------------------------------------------------------------------


def question_set_report(question_set, *, now: datetime | None = None) -> dict:
    """A hiring manager's report on a team question set's structured interviews, any status."""
    now = now or timezone.now()
    sessions = InterviewSession.objects.filter(
        mode=Mode.STRUCTURED, question_set=question_set, team_id=question_set.team_id
    )
    questions = _asked_questions(question_set, sessions)
    return {
        "kind": Kind.QUESTION_SET.value,
        "generated_at": _iso(now),
        "question_set": {
            "id": question_set.pk,
            "title": question_set.title,
            "team": question_set.team.name if question_set.team_id else None,
        },
        "questions": questions,
        "candidates": _candidates(sessions, [q["position"] for q in questions]),
        "keypoint_misses": _keypoint_misses(sessions),
        "interviewers": _interviewers(sessions),
        "agreement": _agreement(sessions),
    }


def _asked_questions(question_set, sessions) -> list[dict]:
    """Per position, the prompt most candidates were asked (the set's items before any interview)."""
    rows = (
        Answer.objects.filter(session__in=sessions)
        .values("position", "prompt")
        .annotate(asked=Count("pk"))
        .order_by("position", "-asked", "prompt")
    )
    questions = {}
    for row in rows:
        questions.setdefault(row["position"], row["prompt"])
    if not questions:
        prompts = question_set.items.order_by("position").values_list("question__prompt", flat=True)
        questions = dict(enumerate(prompts, 1))
    return [{"position": position, "prompt": prompt} for position, prompt in questions.items()]


def _candidates(sessions, positions) -> list[dict]:
    people = sessions.values("pk", "status", "candidate_email", "candidate__username").order_by("created_at", "pk")
    cells = (
        AnswerReview.objects.filter(answer__session__in=sessions)
        .values("answer__session_id", "answer__position")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    panels = (
        Reviewer.objects.filter(session__in=sessions)
        .values("session_id", "user__username", "is_lead", "recommendation")
        .order_by("session_id", "-is_lead", "user__username")
    )
    scores = {(cell["answer__session_id"], cell["answer__position"]): cell["mean"] for cell in cells}
    recommendations = {}
    for row in panels:
        recommendations.setdefault(row["session_id"], []).append(
            {"interviewer": row["user__username"], "lead": row["is_lead"], "recommendation": row["recommendation"]}
        )
    candidates = []
    for person in people:
        row_scores = [scores.get((person["pk"], position)) for position in positions]
        scored = [score for score in row_scores if score is not None]
        candidates.append(
            {
                "session_id": person["pk"],
                "candidate": person["candidate__username"] or person["candidate_email"],
                "status": person["status"],
                "scores": [_round(score) for score in row_scores],
                "mean": _round(_mean(sum(scored), len(scored))),
                "recommendations": recommendations.get(person["pk"], []),
            }
        )
    return candidates


def _keypoint_misses(sessions) -> list[dict]:
    """Per keypoint, over every reviewer of each answer: how often it was judged missed.

    Each (reviewer of an answer, keypoint) pair is one judgement; it is a miss unless that
    reviewer marked the keypoint covered or partly covered.
    """
    reviewer_has_not_missed = Exists(
        Mark.objects.filter(
            keypoint_id=OuterRef("pk"), user_id=OuterRef("answer__reviews__user_id"), value__in=NOT_MISSED
        )
    )
    rows = (
        AnswerKeypoint.objects.filter(answer__session__in=sessions)
        .values("answer__position", "answer__prompt", "position", "text")
        .annotate(
            marked=Count("answer__reviews"),
            missed=Count("answer__reviews", filter=~reviewer_has_not_missed),
        )
        .order_by("answer__position", "answer__prompt", "position", "text")
    )
    questions = {}
    for row in rows:
        question = questions.setdefault(
            (row["answer__position"], row["answer__prompt"]),
            {"position": row["answer__position"], "prompt": row["answer__prompt"], "keypoints": []},
        )
        question["keypoints"].append(
            {
                "text": row["text"],
                "marked": row["marked"],
                "missed": row["missed"],
                "missed_share": _round(row["missed"] / row["marked"], 2) if row["marked"] else 0,
            }
        )
    return list(questions.values())


def _interviewers(sessions) -> list[dict]:
    """Each interviewer against the whole panel (themselves included) on the answers they reviewed.

    One row per pair (this interviewer's review, any review of the same answer); the pair with
    itself carries the interviewer's own figures.
    """
    own = Q(answer__reviews__user_id=F("user_id"))
    rows = (
        AnswerReview.objects.filter(answer__session__in=sessions)
        .values("user__username")
        .annotate(
            answers=Count("pk", filter=own),
            mean_score=Avg("score", filter=own),
            mean_rating=Avg("rating", filter=own),
            panel_mean_score=Avg("answer__reviews__score"),
            panel_mean_rating=Avg("answer__reviews__rating"),
        )
        .order_by("user__username")
    )
    return [
        {
            "interviewer": row["user__username"],
            "answers": row["answers"],
            "mean_score": _round(row["mean_score"]),
            "panel_mean_score": _round(row["panel_mean_score"]),
            "score_difference": _round(row["mean_score"] - row["panel_mean_score"])
            if row["mean_score"] is not None and row["panel_mean_score"] is not None
            else None,
            "mean_rating": _round(row["mean_rating"]),
            "panel_mean_rating": _round(row["panel_mean_rating"]),
        }
        for row in rows
    ]


def _agreement(sessions) -> dict:
    scores = (
        AnswerReview.objects.filter(answer__session__in=sessions, answer__reviews__user_id__gt=F("user_id"))
        .order_by()
        .aggregate(pairs=Count("pk"), difference=Avg(Abs(F("score") - F("answer__reviews__score"))))
    )
    recommendations = (
        Reviewer.objects.filter(
            session__in=sessions,
            recommendation__in=Recommendation.values,
            session__reviewers__user_id__gt=F("user_id"),
            session__reviewers__recommendation__in=Recommendation.values,
        )
        .order_by()
        .aggregate(
            pairs=Count("pk"),
            same=Count("pk", filter=Q(session__reviewers__recommendation=F("recommendation"))),
        )
    )
    return {
        "pairs": scores["pairs"],
        "mean_abs_score_difference": _round(scores["difference"]),
        "same_recommendation_share": _round(recommendations["same"] / recommendations["pairs"], 2)
        if recommendations["pairs"]
        else None,
    }
