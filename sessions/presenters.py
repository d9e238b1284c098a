"""What each person may see of a session: the one place that decides it.

``present_session`` returns plain data shaped by the caller's role; the API serialises it
as it is and the pages render from it, so the promises of PRODUCT.md ("Who may see what")
hold in both:

- a candidate never sees keypoints, reference answers, marks, scores or notes of a session
  that is not finished, nor questions the interviewer has not shown yet;
- in a self-assessment the rubric of a question opens once its answer is submitted;
- after a peer session the candidate sees the marks, scores, feedback and the notes the
  interviewer chose to share; a structured interview's scorecard never reaches its candidate;
- each interviewer sees their own marks, notes and rating; a manager of the team sees every
  interviewer's scorecard.
"""

from __future__ import annotations

from django.db.models import Prefetch

from . import permissions, scoring, suggestions
from .models import Answer, AnswerKeypoint, AnswerReview, InterviewSession, Mark, Mode, Reviewer, Status


def load(session_id, queryset=None) -> InterviewSession:
    """The session with everything presenting it needs, in a fixed number of queries."""
    queryset = queryset if queryset is not None else InterviewSession.objects.all()
    return (
        queryset.prefetch_related(
            Prefetch("reviewers", queryset=Reviewer.objects.select_related("user").order_by("-is_lead", "pk")),
            Prefetch(
                "answers",
                queryset=Answer.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "keypoints",
                        queryset=AnswerKeypoint.objects.order_by("position").prefetch_related(
                            Prefetch("marks", queryset=Mark.objects.all())
                        ),
                    ),
                    Prefetch("reviews", queryset=AnswerReview.objects.select_related("user")),
                ),
            ),
        )
        .select_related("interviewer", "candidate", "team", "question_set")
        .get(pk=session_id)
    )


def _marks_of(answer, user_id) -> dict[int, str]:
    return {m.keypoint_id: m.value for kp in answer.keypoints.all() for m in kp.marks.all() if m.user_id == user_id}


def _review_of(answer, user_id):
    return next((r for r in answer.reviews.all() if r.user_id == user_id), None)


def present_answer(session, answer, role, user, locked=frozenset()) -> dict:
    data = {
        "position": answer.position,
        "prompt": answer.prompt,
        "context": answer.context,
        "difficulty": answer.difficulty,
        "tags": [name for _, name in answer.tags],
        "text": answer.text,
        "submitted": answer.submitted_at is not None,
        "time_taken_seconds": answer.time_taken_seconds,
        "shown_at": answer.shown_at,
    }
    if not permissions.rubric_open(session, role, answer, locked):
        data["rubric_locked"] = answer.question_id in locked
        return data
    # Whose marks: the caller's own as an interviewer; the lead's for a candidate after a peer session.
    marker_id = session.interviewer_id if role in ("candidate", "manager") else user.pk
    marks = _marks_of(answer, marker_id)
    review = _review_of(answer, marker_id)
    data.update(
        reference_answer=answer.reference_answer,
        score=review.score if review else 0.0,
        keypoints=[
            {"id": kp.pk, "text": kp.text, "weight": kp.weight, "mark": marks.get(kp.pk)}
            for kp in answer.keypoints.all()
        ],
    )
    if role == "candidate":  # never suggestions (promise 7)
        data["notes"] = review.notes if review and review.share_notes else ""
        return data
    if role in ("lead", "panelist"):
        found = suggestions.for_answer(answer, review.notes if review else "")
        for kp in data["keypoints"]:
            kp["suggestion"] = found.get(kp["id"])
    data.update(
        notes=review.notes if review else "",
        notes_version=review.notes_version if review else 0,
        share_notes=review.share_notes if review else False,
        rating=review.rating if review else None,
    )
    if role == "manager":
        data["reviews"] = [
            {
                "interviewer": r.user.username,
                "score": r.score,
                "rating": r.rating,
                "notes": r.notes,
                "marks": _marks_of(answer, r.user_id),
            }
            for r in answer.reviews.all()
        ]
    return data


def present_session(session, user) -> dict:
    """Everything the user may see of the session (call with a session from ``load``)."""
    role = permissions.role(session, user)
    answers = list(session.answers.all())
    if role == "candidate":  # never the questions that were not asked
        answers = [a for a in answers if a.position <= session.current_position]
    data = {
        "id": session.pk,
        "mode": session.mode,
        "status": session.status,
        "title": session.title,
        "role": role,
        "current_position": session.current_position,
        "question_count": session.question_count,
        "minutes_per_question": session.minutes_per_question,
        "meeting_url": session.meeting_url,
        "scheduled_at": session.scheduled_at,
        "interviewer": session.interviewer.username,
        "candidate": session.candidate.username if session.candidate else None,
        "version": session.version,
        "mirror_id": session.mirror_id,
    }
    # One query, and only when some rubric would otherwise open to the caller.
    locked = (
        permissions.locked_elsewhere(session, user)
        if any(permissions.rubric_open(session, role, a) for a in answers)
        else set()
    )
    data["answers"] = [present_answer(session, a, role, user, locked) for a in answers]
    reviewers = list(session.reviewers.all())
    if role == "candidate":
        if session.mode == Mode.PEER and session.status == Status.FINISHED:
            lead = next((r for r in reviewers if r.is_lead), None)
            data["feedback"] = lead.feedback if lead else ""
            data["score"] = scoring.session_score(a["score"] for a in data["answers"])
        return data
    mine = next((r for r in reviewers if r.user_id == user.pk), None)
    if role in ("lead", "panelist") and mine:
        data["scorecard"] = {
            "recommendation": mine.recommendation,
            "summary": mine.summary,
            "feedback": mine.feedback,
            "submitted": mine.submitted_at is not None,
        }
        data["score"] = scoring.session_score(a["score"] for a in data["answers"] if "score" in a)
    lead_may_see = role == "lead" and permissions.sees_other_scorecards(session, role, mine)
    if role == "manager" or (lead_may_see and session.mode == Mode.STRUCTURED):
        data["panel"] = [
            {
                "interviewer": r.user.username,
                "lead": r.is_lead,
                "recommendation": r.recommendation,
                "summary": r.summary,
                "submitted": r.submitted_at is not None,
            }
            for r in reviewers
        ]
    if role in ("lead", "manager") and session.mode != Mode.SELF and session.status != Status.FINISHED:
        data["invite_url"] = session.invite_url() if session.candidate_id is None else None
    return data
