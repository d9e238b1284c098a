"""The hiring report: a team question set's structured interviews, candidates and panel side by side.

Twelve queries (thirteen when the set's team is not loaded yet), however many interviews; the
reliability section is reports.queries.panel.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Abs
from django.utils import timezone

from sessions.models import Answer, AnswerKeypoint, AnswerReview, InterviewSession, Mode, Recommendation, Reviewer
from sessions.queries import panel_scores

from ..models import Kind, Period
from .figures import NOT_MISSED, iso_utc, round_or_none
from .panel import panel_reliability, reviewers_marks
from .progress import period_range


def question_set_report(question_set, *, now: datetime | None = None, period: str | None = None) -> dict:
    """A hiring manager's report on a team question set's structured interviews, any status.

    ``period`` (reports.models.Period) keeps the interviews created within it; None or "all", every one.
    """
    now = now or timezone.now()
    sessions = InterviewSession.objects.filter(
        mode=Mode.STRUCTURED, question_set=question_set, team_id=question_set.team_id
    )
    start, _ = period_range(period or Period.ALL, now)
    if start is not None:
        sessions = sessions.filter(created_at__gte=start)
    questions = _asked_questions(question_set, sessions)
    candidates = _candidates(sessions, [q["position"] for q in questions])
    keypoint_misses = _keypoint_misses(sessions)
    return {
        "kind": Kind.QUESTION_SET.value,
        "generated_at": iso_utc(now),
        "period": period or Period.ALL.value,
        "question_set": {
            "id": question_set.pk,
            "title": question_set.title,
            "team": question_set.team.name if question_set.team_id else None,
        },
        "questions": questions,
        "candidates": candidates,
        "keypoint_misses": keypoint_misses,
        "interviewers": _interviewers(sessions),
        "agreement": _agreement(sessions),
        "reliability": panel_reliability(
            sessions, candidates=candidates, questions=questions, keypoint_misses=keypoint_misses, now=now
        ),
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
    """Per interview, oldest first: the panel's mean score per question, their mean and recommendations."""
    rows = panel_scores(sessions.order_by("created_at", "pk"), positions)
    return [{key: value for key, value in row.items() if key != "ratings"} for row in rows]


def _keypoint_misses(sessions) -> list[dict]:
    """Per keypoint, over every reviewer of each answer: how often it was judged missed.

    Each (reviewer of an answer, keypoint) pair is one judgement; it is a miss unless that
    reviewer marked the keypoint covered or partly covered.
    """
    rows = (
        reviewers_marks(AnswerKeypoint.objects.filter(answer__session__in=sessions))
        .values("answer__position", "answer__prompt", "position", "text")
        .annotate(
            marked=Count("answer__reviews"), kept=Count("reviewer_mark", filter=Q(reviewer_mark__value__in=NOT_MISSED))
        )
        .annotate(missed=F("marked") - F("kept"))
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
                "missed_share": round_or_none(row["missed"] / row["marked"], 2) if row["marked"] else 0,
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
            "mean_score": round_or_none(row["mean_score"]),
            "panel_mean_score": round_or_none(row["panel_mean_score"]),
            "score_difference": round_or_none(row["mean_score"] - row["panel_mean_score"])
            if row["mean_score"] is not None and row["panel_mean_score"] is not None
            else None,
            "mean_rating": round_or_none(row["mean_rating"]),
            "panel_mean_rating": round_or_none(row["panel_mean_rating"]),
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
        "mean_abs_score_difference": round_or_none(scores["difference"]),
        "same_recommendation_share": round_or_none(recommendations["same"] / recommendations["pairs"], 2)
        if recommendations["pairs"]
        else None,
    }
