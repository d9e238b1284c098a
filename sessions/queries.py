"""Read-only figures about sessions, for the pages that show them (the compare page, the hiring report)."""

from django.db.models import Avg

from .models import AnswerKeypoint, AnswerReview, Reviewer, Status
from .scoring import mean, session_score


def panel_scores(sessions, positions) -> list[dict]:
    """The panel's scores, candidate by question: one row per session of `sessions`, in its order.

    A row has the session_id, the candidate (username, else the invited e-mail) and the status;
    scores and ratings, one per position in `positions`: the mean of the panel's reviews of that
    answer, rounded to one decimal, None while nobody has reviewed it (a review without a rating
    does not count for the rating); the mean: for a finished interview its score as
    ``scoring.session_score`` defines it (an answer nobody reviewed counts 0), for a live one the
    mean of the scores there are so far; and the recommendations of
    the whole panel, lead first ({"interviewer", "lead", "recommendation"}, "" while not given).

    Three queries, however many sessions and reviews.
    """
    people = sessions.values("pk", "status", "candidate_email", "candidate__username", "question_count")
    cells = (
        AnswerReview.objects.filter(answer__session__in=sessions)
        .values("answer__session_id", "answer__position")
        .annotate(score=Avg("score"), rating=Avg("rating"))
        .order_by()
    )
    panels = (
        Reviewer.objects.filter(session__in=sessions)
        .values("session_id", "user__username", "is_lead", "recommendation")
        .order_by("session_id", "-is_lead", "user__username")
    )
    reviewed = {(cell["answer__session_id"], cell["answer__position"]): cell for cell in cells}
    recommendations = {}
    for row in panels:
        recommendations.setdefault(row["session_id"], []).append(
            {"interviewer": row["user__username"], "lead": row["is_lead"], "recommendation": row["recommendation"]}
        )
    rows = []
    for person in people:
        answers = [reviewed.get((person["pk"], position), {}) for position in positions]
        scores = [answer.get("score") for answer in answers]
        rows.append(
            {
                "session_id": person["pk"],
                "candidate": person["candidate__username"] or person["candidate_email"],
                "status": person["status"],
                "scores": [_rounded(score) for score in scores],
                "ratings": [_rounded(answer.get("rating")) for answer in answers],
                # A finished interview scores as every page scores a session (an answer nobody
                # marked counts 0); a live one, over the answers reviewed so far.
                "mean": session_score(scores[: person["question_count"]])
                if person["status"] == Status.FINISHED
                else mean(score for score in scores if score is not None),
                "recommendations": recommendations.get(person["pk"], []),
            }
        )
    return rows


def _rounded(value):
    return None if value is None else round(float(value), 1)


def finish_gaps(session, user) -> dict:
    """What is still open before `user` finishes `session`, for the warning on the finish page.

    ``unmarked``: keypoints the user has not marked (they count as missed: 0); ``empty``: questions
    asked so far whose written answer is empty. Two queries.
    """
    unmarked = AnswerKeypoint.objects.filter(answer__session=session).exclude(marks__user=user).count()
    texts = session.answers.filter(position__lte=session.current_position).values_list("text", flat=True)
    return {"unmarked": unmarked, "empty": sum(1 for text in texts if not text.strip())}
