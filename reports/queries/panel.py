"""The hiring report's reliability section: can the panel's numbers be trusted, and which questions carry signal.

Four queries, however many interviews: every reviewer's score of each answer, every reviewer's mark
of each keypoint (a keypoint a reviewer of the answer left unmarked counts as missed, as in the rest
of the report), the recommendations given, and the overdue scorecards per interviewer. These read one
small row per judgement, never whole answers; the statistics (reports.reliability) keep arrays of
those numbers, one table of values x values at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, FilteredRelation, Q

from sessions.models import AnswerKeypoint, AnswerReview, MarkValue, Recommendation, Reviewer, Status

from .. import reliability as stats

MARKS = [MarkValue.MISSED.value, MarkValue.PARTIAL.value, MarkValue.COVERED.value]  # in order
RECOMMENDATIONS = [r.value for r in Recommendation]  # strong no .. strong yes
MARK_CHUNK = 5000  # judgements read at a time
SCORECARD_DUE = timedelta(hours=1)  # after the interview ends (sessions.services reminds from then on)


def panel_reliability(sessions, *, candidates, questions, keypoint_misses, now: datetime) -> dict:
    """Alpha for scores, marks and recommendations; each interviewer against the panel; each question's signal.

    `candidates`, `questions` and `keypoint_misses` are the report's own sections (reports.queries.hiring).
    """
    scores = list(
        AnswerReview.objects.filter(answer__session__in=sessions)
        .values_list("answer_id", "user__username", "score")
        .order_by()
    )
    marks = list(_marks(sessions))
    recommendations = list(
        Reviewer.objects.filter(session__in=sessions, recommendation__in=RECOMMENDATIONS)
        .values_list("session_id", "user__username", "recommendation")
        .order_by()
    )
    score_domain = sorted({score for _, _, score in scores})
    return {
        "min_pairs": stats.MIN_PAIRS,
        "scores": stats.reliability(scores, score_domain, "interval"),
        "marks": stats.reliability(marks, MARKS, "ordinal"),
        "recommendations": stats.reliability(recommendations, RECOMMENDATIONS, "ordinal"),
        "interviewers": _interviewers(scores, marks, _overdue(sessions, now)),
        "questions": _questions(candidates, questions, keypoint_misses),
    }


def _marks(sessions):
    """(keypoint, reviewer, mark) for every reviewer of each answer; "missed" where they left it unmarked."""
    rows = (
        reviewers_marks(AnswerKeypoint.objects.filter(answer__session__in=sessions, answer__reviews__isnull=False))
        .values_list("pk", "answer__reviews__user__username", "reviewer_mark__value")
        .order_by()
    )
    # One row per judgement (390,000 at 5,000 interviews): read in chunks rather than all at once
    # into the queryset's cache next to the caller's list, and each name and mark kept once, not
    # as a new string per row.
    names, values = {}, {None: MarkValue.MISSED.value, "": MarkValue.MISSED.value}
    for keypoint, reviewer, value in rows.iterator(chunk_size=MARK_CHUNK):
        yield keypoint, names.setdefault(reviewer, reviewer), values.setdefault(value, value)


def reviewers_marks(keypoints):
    """`keypoints` once per reviewer of their answer, each with that reviewer's mark (or none) as ``reviewer_mark``.

    A join on (keypoint, reviewer), one mark at most (one per reviewer), instead of a subquery per
    keypoint and reviewer.
    """
    return keypoints.alias(reviewer=F("answer__reviews__user_id")).alias(
        reviewer_mark=FilteredRelation("marks", condition=Q(marks__user_id=F("reviewer")))
    )


def _overdue(sessions, now) -> dict:
    """{interviewer: scorecards not submitted SCORECARD_DUE after their interview finished}."""
    rows = (
        Reviewer.objects.filter(
            session__in=sessions,
            submitted_at__isnull=True,
            session__status=Status.FINISHED,
            session__finished_at__lte=now - SCORECARD_DUE,
        )
        .values("user__username")
        .annotate(overdue=Count("pk"))
        .order_by()
    )
    return {row["user__username"]: row["overdue"] for row in rows}


def _interviewers(scores, marks, overdue) -> list[dict]:
    """Per interviewer, by name: leniency against the rest of the panel, agreement of marks, overdue scorecards."""
    lenient = stats.leniency(stats.by_unit(scores))
    agreeing = stats.agreement(stats.by_unit(marks))
    names = sorted(set(lenient) | set(agreeing) | set(overdue) | {name for _, name, _ in scores})
    return [
        {
            "interviewer": name,
            "shared_answers": lenient.get(name, {}).get("answers", 0),
            "leniency": lenient.get(name, {}).get("leniency"),
            "mark_pairs": agreeing.get(name, {}).get("pairs", 0),
            "agreement": agreeing.get(name, {}).get("agreement"),
            "overdue": overdue.get(name, 0),
        }
        for name in names
    ]


def _questions(candidates, questions, keypoint_misses) -> list[dict]:
    """Per question in order: discrimination, floor and ceiling shares, keypoints nobody covers, why no signal."""
    rows = [list(c.get("scores") or []) for c in candidates]
    correlations = stats.discrimination(rows)
    uncovered = {
        m["position"]: [k["text"] for k in m["keypoints"] if k["marked"] and k["missed"] == k["marked"]]
        for m in keypoint_misses
    }
    result = []
    for index, question in enumerate(questions):
        column = [row[index] if index < len(row) else None for row in rows]
        floor, ceiling = stats.floor_ceiling(column)
        r = correlations[index] if index < len(correlations) else None
        result.append(
            {
                "position": question["position"],
                "prompt": question["prompt"],
                "scored": sum(v is not None for v in column),
                "discrimination": r,
                "floor_share": floor,
                "ceiling_share": ceiling,
                "uncovered_keypoints": uncovered.get(question["position"], []),
                "no_signal": stats.no_signal_reason(floor=floor, ceiling=ceiling, discrimination=r),
            }
        )
    return result
