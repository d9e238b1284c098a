"""Scoring, in one place.

A keypoint marked covered counts 1, partly covered 0.5, missed or unmarked 0. An answer's
score is 100 x (sum of weight x mark) / (sum of all its keypoints' weights). A session's
score is the mean of its answers' scores; the same mean is kept per tag and per difficulty.
"""

from collections import defaultdict
from collections.abc import Iterable

MARK_VALUES = {"covered": 1.0, "partial": 0.5, "missed": 0.0, None: 0.0, "": 0.0}


def answer_score(keypoints: Iterable[tuple[int, str | None]]) -> float:
    """Score 0-100 from (weight, mark) pairs; an unmarked keypoint counts as missed."""
    total = earned = 0.0
    for weight, mark in keypoints:
        total += weight
        earned += weight * MARK_VALUES[mark]
    return round(100 * earned / total, 1) if total else 0.0


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 1) if values else None


def breakdown(answers: Iterable[tuple[float, str, list[str]]]) -> dict:
    """Session score, and per difficulty and per tag, from (score, difficulty, tags) triples."""
    answers = list(answers)
    by_difficulty, by_tag = defaultdict(list), defaultdict(list)
    for score, difficulty, tags in answers:
        by_difficulty[difficulty].append(score)
        for tag in tags:
            by_tag[tag].append(score)
    return {
        "score": session_score(score for score, _, _ in answers),
        "by_difficulty": {k: mean(v) for k, v in sorted(by_difficulty.items())},
        "by_tag": {k: mean(v) for k, v in sorted(by_tag.items())},
    }


def session_score(answer_scores: Iterable[float | None]) -> float | None:
    """A session's score: the mean over all its answers, an unmarked answer (None) counting 0.

    Every page that shows a session's score uses this, or ``session_score_sql`` in a query.
    """
    return mean(score or 0.0 for score in answer_scores)


def session_score_sql(session="pk"):
    """``session_score`` as a subquery, to annotate a queryset of sessions in one query.

    ``session`` names the session's id in the outer query. The mean is rounded in Python
    (``mean``) where it is shown, so the figure matches the session's own page.
    """
    from django.db.models import Avg, FloatField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from .models import Answer

    return Subquery(
        Answer.objects.filter(session=OuterRef(session))
        .order_by()
        .values("session")
        .annotate(score=Avg(Coalesce("score", Value(0.0))))
        .values("score"),
        output_field=FloatField(),
    )
