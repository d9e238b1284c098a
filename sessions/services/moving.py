"""Moving through a session: next question, finishing, scorecards, swapping roles; and its summary."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from common.refusals import Conflict
from questions.models import Question, QuestionSetItem

from .. import scoring
from ..models import (
    Answer,
    AnswerReview,
    InterviewSession,
    Mode,
    Recommendation,
    Reviewer,
    Status,
)
from ._common import (
    MAX_QUESTIONS,
    _lead,
    _live,
    _reviewer,
    _show,
)
from .starting import _snapshot

# Apps above sessions (practice) learn that a session finished through a hook they register at
# start-up (``AppConfig.ready``); sessions never imports them. A hook takes the finished session
# and runs inside the finishing transaction, so what it writes stands or falls with the finish.
_finish_hooks = []


def register_finish_hook(hook):
    _finish_hooks.append(hook)
    return hook


# --- moving through the session ----------------------------------------------------------------


@transaction.atomic
def advance(*, session, by) -> InterviewSession:
    """Show the next question; refused on the last one (finish instead)."""
    _lead(session, by)
    session = InterviewSession.objects.select_for_update().get(pk=session.pk)
    _live(session)
    if session.status == Status.SCHEDULED:
        raise Conflict("The candidate has not joined yet.")
    if session.current_position >= session.question_count:
        raise Conflict("This is the last question: finish the session instead.")
    _record_time(session, session.current_position)
    session.current_position += 1
    session.version += 1
    session.save(update_fields=["current_position", "version"])
    _show(session, session.current_position)
    return session


def _record_time(session, position):
    answer = Answer.objects.filter(session=session, position=position).first()
    if answer and answer.shown_at and answer.time_taken_seconds is None:
        seconds = int((timezone.now() - answer.shown_at).total_seconds())
        Answer.objects.filter(pk=answer.pk).update(time_taken_seconds=seconds)


@transaction.atomic
def finish(*, session, by, feedback="", shared_positions=(), recommendation="", summary="") -> InterviewSession:
    """End the session. Peer: feedback and which notes to share. Structured: the lead's scorecard."""
    reviewer = _lead(session, by)
    session = InterviewSession.objects.select_for_update().get(pk=session.pk)
    if session.status == Status.FINISHED:
        raise Conflict("This session has already finished.")
    if session.mode == Mode.STRUCTURED:
        _check_recommendation(recommendation)
    elif session.mode == Mode.PEER and session.status == Status.SCHEDULED:
        raise Conflict("The candidate has not joined yet; there is nothing to finish.")
    _record_time(session, session.current_position)
    now = timezone.now()
    session.status, session.finished_at = Status.FINISHED, now
    session.version += 1
    session.save(update_fields=["status", "finished_at", "version"])
    reviewer.feedback, reviewer.summary = feedback or "", summary or ""
    reviewer.recommendation = recommendation or ""
    reviewer.submitted_at = now
    reviewer.save(update_fields=["feedback", "summary", "recommendation", "submitted_at"])
    if session.mode == Mode.PEER:
        positions = [int(p) for p in shared_positions]
        AnswerReview.objects.filter(answer__session=session, user=by).update(share_notes=False)
        AnswerReview.objects.filter(answer__session=session, user=by, answer__position__in=positions).update(
            share_notes=True
        )
    for hook in _finish_hooks:
        hook(session)
    return session


def _check_recommendation(recommendation):
    if recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": f"Choose a recommendation: {', '.join(Recommendation.values)}."})


@transaction.atomic
def scorecard_submit(*, session, by, recommendation, summary="") -> Reviewer:
    """A panelist's own recommendation, once; after that their marks are final."""
    reviewer = _reviewer(session, by)
    if session.mode != Mode.STRUCTURED:
        raise Conflict("Scorecards belong to structured interviews.")
    if reviewer.is_lead:
        raise Conflict("The lead interviewer's scorecard is submitted when the session finishes.")
    if session.status == Status.SCHEDULED:
        raise Conflict("The interview has not started yet.")
    _check_recommendation(recommendation)
    updated = Reviewer.objects.filter(pk=reviewer.pk, submitted_at__isnull=True).update(
        recommendation=recommendation, summary=summary or "", submitted_at=timezone.now()
    )
    if updated != 1:
        raise Conflict("Your scorecard is already submitted.")
    reviewer.refresh_from_db()
    return reviewer


@transaction.atomic
def swap_roles(*, session, by) -> InterviewSession:
    """After a peer session, start the mirror session at once: the candidate now interviews.

    The mirror asks other questions (``mirror_candidates``): the new candidate has just read the
    first half's rubrics as its interviewer. The new interviewer may re-pick them before the
    interview begins (``mirror_questions_set``).
    """
    session = InterviewSession.objects.select_for_update().get(pk=session.pk)
    if session.mode != Mode.PEER or session.status != Status.FINISHED:
        raise Conflict("Roles can be swapped once a peer interview has finished.")
    if by.pk not in (session.interviewer_id, session.candidate_id):
        raise PermissionDenied("Only the two people of this interview can swap roles.")
    if session.mirror_id:
        return session.mirror
    questions = mirror_candidates(first=session, interviewer=session.candidate)[: session.question_count]
    if not questions:
        raise Conflict(
            "There is no other question from this set or on these topics that neither of you has seen: "
            "start a new peer interview instead."
        )
    now = timezone.now()
    mirror = InterviewSession.objects.create(
        mode=Mode.PEER,
        title=session.title,
        question_set=session.question_set,
        interviewer=session.candidate,
        candidate=session.interviewer,
        meeting_url=session.meeting_url,
        minutes_per_question=session.minutes_per_question,
        question_count=len(questions),
        status=Status.LIVE,
        started_at=now,
        invite_used_at=now,
    )
    Reviewer.objects.create(session=mirror, user=session.candidate, is_lead=True)
    _snapshot(mirror, questions)
    _show(mirror, 1)
    session.mirror = mirror
    session.version += 1  # both rooms of the first half follow to the mirror (see views.poll)
    session.save(update_fields=["mirror", "version"])
    return mirror


def mirror_candidates(*, first, interviewer) -> list[Question]:
    """The questions the mirror of ``first`` may ask, best first, at most MAX_QUESTIONS.

    Those of the same set, in its order, then those of the same difficulty sharing the most
    topics; never one asked in ``first`` (both people read it), nor one the new interviewer may
    not see or whose rubric an interview they are taking keeps closed. Five queries.
    """
    asked = list(first.answers.all())
    visible = (
        Question.objects.for_user(interviewer)
        .exclude(pk__in=[a.question_id for a in asked if a.question_id])
        .exclude(pk__in=Answer.objects.in_interviews_taken_by(interviewer).values("question_id"))
    )
    picked = []
    if first.question_set_id:
        items = QuestionSetItem.objects.filter(question_set_id=first.question_set_id, question__in=visible)
        items = items.select_related("question").prefetch_related("question__tags").order_by("position")
        picked = [item.question for item in items]
    tags = {slug for a in asked for slug, _ in a.tags}
    similar = (
        visible.filter(difficulty__in={a.difficulty for a in asked})
        .exclude(pk__in=[q.pk for q in picked])
        .prefetch_related("tags")
    )
    if tags:
        similar = similar.filter(tags__slug__in=tags).annotate(shared=Count("tags")).order_by("-shared", "number", "pk")
    return [*picked, *similar[: max(0, MAX_QUESTIONS - len(picked))]][:MAX_QUESTIONS]


def mirror_first_half(session) -> InterviewSession | None:
    """The session whose roles were swapped to start ``session``, if it is a mirror."""
    return InterviewSession.objects.filter(mirror=session).first()


def mirror_has_begun(session) -> bool:
    """Whether anything happened in the session yet (moved on, an answer typed, a mark or a note)."""
    return (
        session.status != Status.LIVE
        or session.current_position > 1
        or Answer.objects.filter(session=session).exclude(text="").exists()
        or AnswerReview.objects.filter(answer__session=session).exists()
    )


@transaction.atomic
def mirror_questions_set(*, session, by, question_ids) -> InterviewSession:
    """Before a mirror session begins, its interviewer asks other questions among ``mirror_candidates``."""
    _lead(session, by)
    session = InterviewSession.objects.select_for_update().get(pk=session.pk)
    first = mirror_first_half(session)
    if first is None:
        raise Conflict("Only a session started by swapping roles has its questions re-picked.")
    if mirror_has_begun(session):
        raise Conflict("The interview has begun: its questions can no longer change.")
    try:
        ids = list(dict.fromkeys(int(i) for i in question_ids))
    except (TypeError, ValueError):
        raise ValidationError({"question_ids": "Question ids are whole numbers."}) from None
    if not ids:
        raise ValidationError({"question_ids": "Choose at least one question."})
    allowed = {q.pk: q for q in mirror_candidates(first=first, interviewer=by)}
    wrong = [i for i in ids if i not in allowed]
    if wrong:
        raise ValidationError(
            {"question_ids": f"Not among the questions this session may ask: {', '.join(map(str, wrong))}."}
        )
    Answer.objects.filter(session=session).delete()
    _snapshot(session, [allowed[i] for i in ids])
    session.question_count = len(ids)
    session.version += 1  # the candidate's room shows the new first question
    session.save(update_fields=["question_count", "version"])
    _show(session, 1)
    return session


# --- reading ----------------------------------------------------------------------------------


def summary(session) -> dict:
    """Per-question scores (the lead's), the session score and the scores per tag and difficulty."""
    answers = list(session.answers.order_by("position"))
    rows = [(a.score or 0.0, a.difficulty, [name for _, name in a.tags]) for a in answers]
    result = {"answers": answers, **scoring.breakdown(rows)}
    # The same figures as rows, for the charts.
    result["tag_rows"] = [{"label": k, "score": v} for k, v in result["by_tag"].items()]
    result["difficulty_rows"] = [{"label": k.capitalize(), "score": v} for k, v in result["by_difficulty"].items()]
    return result
