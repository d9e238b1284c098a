"""The candidate's answer, and the interviewers' marks, notes and ratings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from common.refusals import Conflict

from .. import suggestions
from ..models import (
    Answer,
    AnswerReview,
    Mark,
    MarkValue,
    Mode,
)
from ._common import (
    _answer,
    _bump,
    _can_review,
    _live,
    _rescore,
    _review_for_update,
    _reviewer,
)

# --- the candidate's answer --------------------------------------------------------------------


def answer_save_text(*, session, position, by, text, answer=None) -> Answer:
    """Save the candidate's answer as it is typed (the current question only). ``answer``: the session's
    answer at ``position`` if the caller has read it."""
    if session.candidate_id != by.pk:
        raise PermissionDenied("Only the candidate writes the answer.")
    _live(session)
    if len(text) > 20_000:
        raise ValidationError({"text": "Keep the answer under 20,000 characters."})
    if answer is None or answer.session_id != session.pk or answer.position != position:
        answer = _answer(session, position)
    if position != session.current_position:
        raise Conflict("The interview has moved on to another question.")
    if session.mode == Mode.SELF and answer.submitted_at:
        raise Conflict("This answer was submitted; the rubric is open.")
    Answer.objects.filter(pk=answer.pk).update(text=text)
    _bump(session, "answer_version")
    answer.text = text
    return answer


def answer_submit(*, session, position, by) -> Answer:
    """Self-assessment: the candidate is done writing; the rubric opens for this question."""
    if session.mode != Mode.SELF:
        raise Conflict("Only self-assessments submit answers; live sessions are marked as they go.")
    if session.candidate_id != by.pk:
        raise PermissionDenied("Only the candidate submits the answer.")
    _live(session)
    answer = _answer(session, position)
    if position != session.current_position:
        raise Conflict("Submit the question you are on.")
    Answer.objects.filter(pk=answer.pk, submitted_at__isnull=True).update(submitted_at=timezone.now())
    answer.refresh_from_db()
    return answer


# --- marks, notes, ratings ---------------------------------------------------------------------


@transaction.atomic
def mark_set(*, session, position, keypoint_id, by, value, reviewer=None) -> AnswerReview:
    """Mark one keypoint (``keypoint_id``, an int) for one reviewer, and recompute that reviewer's score for
    the answer. ``reviewer``: ``by``'s Reviewer row of the session if the caller has read it."""
    reviewer = _reviewer(session, by, known=reviewer)
    answer = _answer(session, position, keypoints=True, reviewer=reviewer)  # with the lock and the notes
    _can_review(session, reviewer, answer)
    if value not in MarkValue.values and value not in ("", None):
        raise ValidationError({"mark": f"Choose one of: {', '.join(MarkValue.values)}."})
    keypoint = next((kp for kp in answer.keypoints.all() if kp.pk == keypoint_id), None)
    if keypoint is None:
        raise ValidationError({"keypoint": "This keypoint is not part of this question."})
    said = None
    if value not in ("", None):  # read-only work before the first write, so the write lock is held briefly
        said = suggestions.for_answer(answer, answer.reviewer_notes or "").get(keypoint.pk)
    review = _review_for_update(answer, by)
    if value in ("", None):
        Mark.objects.filter(keypoint=keypoint, user=by).delete()
    else:
        # Insert or update in one statement (ON CONFLICT on the one mark per keypoint and reviewer).
        Mark.objects.bulk_create(
            [Mark(keypoint=keypoint, user=by, value=value, suggested=said["verdict"] if said else "")],
            update_conflicts=True,
            unique_fields=["keypoint", "user"],
            update_fields=["value", "suggested", "updated_at"],
        )
    return _rescore(answer, reviewer, review)


@transaction.atomic
def suggestions_accept(*, session, position, by) -> AnswerReview:
    """Mark every keypoint as its suggestion says (the person accepts them all at once)."""
    reviewer = _reviewer(session, by)
    answer = _answer(session, position, keypoints=True, reviewer=reviewer)
    _can_review(session, reviewer, answer)
    review = _review_for_update(answer, by)
    found = suggestions.for_answer(answer, review.notes)
    if not found:
        raise Conflict("There is nothing written to suggest marks from yet.")
    for keypoint_id, said in found.items():
        Mark.objects.update_or_create(
            keypoint_id=keypoint_id, user=by, defaults={"value": said["verdict"], "suggested": said["verdict"]}
        )
    return _rescore(answer, reviewer, review)


@transaction.atomic
def notes_save(*, session, position, by, notes, version, reviewer=None) -> AnswerReview:
    """Save a reviewer's notes unless another tab saved since ``version`` was read. ``reviewer``: ``by``'s
    Reviewer row of the session if the caller has read it."""
    reviewer = _reviewer(session, by, known=reviewer)
    answer = _answer(session, position)
    if reviewer.submitted_at is not None:
        raise Conflict("Your scorecard is submitted; notes can no longer change.")
    review = _review_for_update(answer, by)
    if int(version) != review.notes_version:
        raise Conflict(
            "These notes were changed in another tab or window since you opened them. "
            "Copy your text, reload, and merge it in."
        )
    review.notes = notes
    review.notes_version += 1
    review.save(update_fields=["notes", "notes_version"])
    return review


@transaction.atomic
def rating_set(*, session, position, by, rating) -> AnswerReview:
    reviewer = _reviewer(session, by)
    if session.mode != Mode.STRUCTURED:
        raise ValidationError({"rating": "Ratings belong to structured interviews."})
    answer = _answer(session, position, reviewer=reviewer)
    _can_review(session, reviewer, answer)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 4:
        raise ValidationError({"rating": "Rate from 1 to 4."})
    review = _review_for_update(answer, by)
    review.rating = rating
    review.save(update_fields=["rating"])
    return review
