"""What the session services share: finding the reviewer and the answer, state checks, the rubric lock, rescoring."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.utils import timezone

from common.refusals import Conflict

from .. import live, scoring
from ..models import (
    Answer,
    AnswerKeypoint,
    AnswerReview,
    InterviewSession,
    Mark,
    Mode,
    Reviewer,
    Status,
)

MAX_QUESTIONS = 50


LOCKED_MESSAGE = "This question is in an interview you are taking: its rubric opens when that interview ends."


def _locked_for(user_id, question_ids, exclude_session=None) -> set[int]:
    """Of these questions, those in a peer or structured interview the user is taking now."""
    answers = Answer.objects.in_interviews_taken_by(user_id).filter(question_id__in=question_ids)
    if exclude_session is not None:
        answers = answers.exclude(session=exclude_session)
    return set(answers.values_list("question_id", flat=True))


# --- roles -------------------------------------------------------------------------------------


def _reviewer(session, user, known=None) -> Reviewer:
    """The user's Reviewer row of the session. ``known``: that row if the caller has read it already (the
    room's views read it with the session); anything else is ignored and the row read here."""
    if known is not None and known.session_id == session.pk and known.user_id == user.pk:
        return known
    reviewer = Reviewer.objects.filter(session=session, user=user).first()
    if reviewer is None:
        raise PermissionDenied("Only the interviewers of this session can do that.")
    return reviewer


def _lead(session, user) -> Reviewer:
    reviewer = _reviewer(session, user)
    if not reviewer.is_lead:
        raise PermissionDenied("Only the interviewer leading the session can do that.")
    return reviewer


def _answer(session, position, keypoints=False, reviewer=None) -> Answer:
    """The answer at this position; with ``keypoints``, its keypoints too (one more query), which then
    serve every ``answer.keypoints.all()`` of the request: the check, the suggestions, the score.

    With ``reviewer``, in the same query: whether another interview that reviewer is taking closes the
    question's rubric (``answer.locked_elsewhere``, read by ``_can_review`` for that reviewer) and
    their notes on the answer (``answer.reviewer_notes``, None before their first write)."""
    answers = Answer.objects.filter(session=session, position=position)
    if keypoints:  # in position order: the default order (by answer, then position) joins two more tables
        answers = answers.prefetch_related(Prefetch("keypoints", AnswerKeypoint.objects.order_by("position")))
    if reviewer is not None:
        taking = Answer.objects.in_interviews_taken_by(reviewer.user_id).exclude(session=session)
        answers = answers.annotate(
            locked_elsewhere=Exists(taking.filter(question_id=OuterRef("question_id"))),
            reviewer_notes=Subquery(
                AnswerReview.objects.filter(answer=OuterRef("pk"), user=reviewer.user_id).values("notes")[:1]
            ),
        )
    try:  # get(), not first(): ordered as the model says, the query would join the session table
        answer = answers.get()
    except Answer.DoesNotExist:
        raise ValidationError({"position": f"This session has questions 1 to {session.question_count}."}) from None
    if reviewer is not None:
        answer.locked_for_user = reviewer.user_id  # whose lock ``locked_elsewhere`` tells
    return answer


def _live(session):
    if session.status == Status.FINISHED:
        raise Conflict("This session has finished.")


def _bump(session, field="version"):
    InterviewSession.objects.filter(pk=session.pk).update(**{field: F(field) + 1})
    live.forget(session.pk)  # an update sends no signal


def _show(session, position):
    Answer.objects.filter(session=session, position=position, shown_at__isnull=True).update(shown_at=timezone.now())


def _can_review(session, reviewer, answer):
    if reviewer.submitted_at is not None:
        raise Conflict("Your scorecard is submitted; marks can no longer change.")
    if session.mode == Mode.SELF and answer.submitted_at is None:
        raise Conflict("Submit your answer first; the rubric opens after that.")
    if session.status == Status.SCHEDULED:
        raise Conflict("The interview has not started yet.")
    if answer.question_id and _locked_elsewhere(session, reviewer, answer):
        raise Conflict(LOCKED_MESSAGE)


def _locked_elsewhere(session, reviewer, answer) -> bool:
    """Is the answer's question in another interview the reviewer is taking now? Read with the answer when
    ``_answer`` was given this reviewer, else here (one query)."""
    if getattr(answer, "locked_for_user", None) == reviewer.user_id:
        return answer.locked_elsewhere
    return bool(_locked_for(reviewer.user_id, [answer.question_id], exclude_session=session))


def _rescore(answer, reviewer, review) -> AnswerReview:
    """Recompute the reviewer's score for the answer from their marks (the lead's is the answer's)."""
    by = review.user_id
    marks = dict(Mark.objects.filter(keypoint__answer=answer, user=by).values_list("keypoint_id", "value"))
    review.score = scoring.answer_score((kp.weight, marks.get(kp.pk)) for kp in answer.keypoints.all())
    review.save(update_fields=["score"])
    if reviewer.is_lead:
        Answer.objects.filter(pk=answer.pk).update(score=review.score)
    return review


def _review_for_update(answer, user) -> AnswerReview:
    """The user's review of the answer, locked until the transaction ends; created first if missing.

    One query once the review exists, as it does after a reviewer's first write on an answer; three the
    first time (INSERT ... ON CONFLICT DO NOTHING: a concurrent request may have just created it)."""
    review = AnswerReview.objects.select_for_update().filter(answer=answer, user=user).first()
    if review is None:
        AnswerReview.objects.bulk_create([AnswerReview(answer=answer, user=user)], ignore_conflicts=True)
        review = AnswerReview.objects.select_for_update().get(answer=answer, user=user)
    review.answer = answer  # the caller's, keypoints and all: reading it again would be a query
    return review
