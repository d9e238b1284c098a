"""Writes to interview sessions, shared by the pages and the API.

Refusals raise ``PermissionDenied`` (403) or ``Http404`` where the caller may not know the
object exists; bad input raises ``ValidationError`` naming the field; a request that does not
fit the session's state (finishing twice, advancing past the end) raises ``Conflict``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone

from common.refusals import Conflict
from questions.models import Question, QuestionSet, QuestionSetItem
from teams.models import Membership, Team

from . import permissions, scoring, suggestions
from .models import (
    Answer,
    AnswerKeypoint,
    AnswerReview,
    InterviewSession,
    Mark,
    MarkValue,
    Mode,
    Recommendation,
    Reviewer,
    ScorecardAmendment,
    ScorecardReminder,
    Status,
)

MAX_QUESTIONS = 50


__all__ = ["Conflict"]  # raised for states that do not allow a change; common.refusals maps it to 409


# Apps above sessions (practice) learn that a session finished through a hook they register at
# start-up (``AppConfig.ready``); sessions never imports them. A hook takes the finished session
# and runs inside the finishing transaction, so what it writes stands or falls with the finish.
_finish_hooks = []


def register_finish_hook(hook):
    _finish_hooks.append(hook)
    return hook


# --- choosing questions ----------------------------------------------------------------------


def pick_questions(*, user, tags=(), difficulty="", count=5, worst=False) -> list[Question]:
    """Questions for a self-assessment by filter; with ``worst``, the ones the user scored lowest."""
    qs = (
        Question.objects.for_user(user)
        .exclude(pk__in=Answer.objects.in_interviews_taken_by(user).values("question_id"))
        .with_difficulty(difficulty)
    )
    if tags:
        qs = qs.filter(tags__slug__in=tags).distinct()
    if worst:
        scored = (
            Answer.objects.filter(session__candidate=user, session__status=Status.FINISHED, question__in=qs)
            .values("question_id")
            .annotate(avg=Avg("score"))
            .order_by("avg", "question_id")[:count]
        )
        ids = [row["question_id"] for row in scored]
        found = qs.in_bulk(ids)
        return [found[i] for i in ids if i in found]
    return list(qs.order_by("?")[:count])


LOCKED_MESSAGE = "This question is in an interview you are taking: its rubric opens when that interview ends."


def _locked_for(user_id, question_ids, exclude_session=None) -> set[int]:
    """Of these questions, those in a peer or structured interview the user is taking now."""
    answers = Answer.objects.in_interviews_taken_by(user_id).filter(question_id__in=question_ids)
    if exclude_session is not None:
        answers = answers.exclude(session=exclude_session)
    return set(answers.values_list("question_id", flat=True))


def _questions_for(*, by, question_set=None, question_ids=None) -> tuple[str, list[Question]]:
    """The questions a new session asks; never one whose rubric is closed to its creator.

    Whoever creates a session reads the rubric in it (as interviewer, or after submitting in a
    self-assessment), so a question of an interview they are taking cannot be asked: from a set
    it is left out, by id it is refused.
    """
    visible = Question.objects.for_user(by).exclude(
        pk__in=Answer.objects.in_interviews_taken_by(by).values("question_id")
    )
    if question_set is not None:
        items = question_set.items.filter(question__in=visible).select_related("question").order_by("position")
        questions = [item.question for item in items]
        title = question_set.title
    else:
        ids = [int(i) for i in (question_ids or [])]
        found = visible.in_bulk(ids)
        locked = _locked_for(by, [i for i in ids if i not in found])
        if locked:
            raise ValidationError({"question_ids": f"{LOCKED_MESSAGE} ({', '.join(map(str, sorted(locked)))})"})
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationError({"question_ids": f"No such question: {', '.join(map(str, missing))}."})
        questions = [found[i] for i in ids]
        title = "Hand-picked questions" if len(questions) != 1 else questions[0].prompt[:200]
    if not questions:
        raise ValidationError({"questions": "Choose at least one question."})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"A session asks at most {MAX_QUESTIONS} questions."})
    return title, questions


def _snapshot(session: InterviewSession, questions: list[Question]) -> None:
    """Copy each question and its keypoints into the session, as asked."""
    fetched = Question.objects.filter(pk__in=[q.pk for q in questions]).prefetch_related("tags", "keypoints")
    by_id = {q.pk: q for q in fetched}
    answers = Answer.objects.bulk_create(
        Answer(
            session=session,
            position=i,
            question=by_id[q.pk],
            prompt=by_id[q.pk].prompt,
            context=by_id[q.pk].context,
            reference_answer=by_id[q.pk].reference_answer,
            difficulty=by_id[q.pk].difficulty,
            tags=[[t.slug, t.name] for t in by_id[q.pk].tags.all()],
        )
        for i, q in enumerate(questions, 1)
    )
    AnswerKeypoint.objects.bulk_create(
        AnswerKeypoint(
            answer=a,
            position=kp.position,
            text=kp.text,
            weight=kp.weight,
            evidence=kp.evidence,
            contradicts=kp.contradicts,
            source=kp,
        )
        for a in answers
        for kp in by_id[a.question_id].keypoints.all()
    )


# --- creating and joining ----------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    by,
    mode,
    question_set: QuestionSet | None = None,
    question_ids=None,
    team: Team | None = None,
    candidate_email="",
    scheduled_at=None,
    meeting_url="",
    panel=(),
    minutes_per_question=None,
) -> InterviewSession:
    if mode not in Mode.values:
        raise ValidationError({"mode": f"Choose one of: {', '.join(Mode.values)}."})
    if question_set is not None and not QuestionSet.objects.for_user(by).filter(pk=question_set.pk).exists():
        raise ValidationError({"question_set": "No such question set."})
    title, questions = _questions_for(by=by, question_set=question_set, question_ids=question_ids)
    now = timezone.now()
    fields = {
        "mode": mode,
        "title": title,
        "question_set": question_set,
        "interviewer": by,
        "meeting_url": meeting_url or "",
        "minutes_per_question": minutes_per_question or (question_set.minutes_per_question if question_set else None),
        "question_count": len(questions),
    }
    if mode == Mode.SELF:
        fields.update(candidate=by, status=Status.LIVE, started_at=now, invite_used_at=now)
    elif mode == Mode.PEER:
        fields.update(status=Status.SCHEDULED)
    else:
        if team is None:
            raise ValidationError({"team": "A structured interview belongs to a team."})
        if not Membership.objects.filter(team=team, user=by).exists():
            raise ValidationError({"team": "You are not a member of this team."})
        if question_set is None or question_set.team_id != team.pk:
            raise ValidationError({"question_set": "Choose a question set shared with this team."})
        if not candidate_email:
            raise ValidationError({"candidate_email": "Give the candidate's e-mail address."})
        fields.update(
            status=Status.SCHEDULED,
            team=team,
            candidate_email=candidate_email.strip().lower(),
            scheduled_at=scheduled_at,
            invite_expires_at=max(now, scheduled_at or now) + timedelta(days=7),
        )
    session = InterviewSession.objects.create(**fields)
    _snapshot(session, questions)
    Reviewer.objects.create(session=session, user=by, is_lead=True)
    if mode == Mode.STRUCTURED:
        members = {m.user_id: m.user for m in Membership.objects.filter(team=team).select_related("user")}
        for user in {u.pk: u for u in panel}.values():
            if user.pk == by.pk:
                continue
            if user.pk not in members:
                raise ValidationError({"panel": f"{user.username} is not a member of {team.name}."})
            Reviewer.objects.create(session=session, user=user)
        transaction.on_commit(lambda: send_structured_invite(session.pk))
    _show(session, 1)
    return session


def send_structured_invite(session_id: int) -> None:
    from .invites import send_invite

    send_invite(InterviewSession.objects.get(pk=session_id))


@transaction.atomic
def session_join(*, token: str, user) -> InterviewSession:
    """Admit one candidate through an invite link; raise Conflict saying why it cannot."""
    session = InterviewSession.objects.filter(invite_token=token).exclude(mode=Mode.SELF).first()
    if session is None:
        raise Conflict("This invite link is not valid. Check that you copied all of it.")
    if session.candidate_id == user.pk:
        return session
    problem = join_refusal(session=session, user=user)
    if problem:
        raise Conflict(problem)
    now = timezone.now()
    claimed = InterviewSession.objects.filter(
        pk=session.pk, candidate__isnull=True, invite_used_at__isnull=True, invite_expires_at__gt=now
    ).update(
        candidate=user,
        invite_used_at=now,
        status=Status.LIVE,
        started_at=now,
        version=F("version") + 1,
    )
    if claimed != 1:
        raise Conflict("This invite link has already been used by another candidate.")
    session.refresh_from_db()
    _show(session, session.current_position)
    return session


def join_refusal(*, session, user) -> str | None:
    """Why ``user`` cannot join ``session`` through its invite link now, or None if they can.

    The join page asks before offering a "Join" button; ``session_join`` asks again when claiming.
    """
    if session.candidate_id == user.pk:
        return None
    if session.reviewers.filter(user=user).exists():
        return "You are an interviewer in this session; send the link to the candidate."
    if session.status == Status.FINISHED:
        return "This interview has already finished."
    if session.candidate_id is not None or session.invite_used_at is not None:
        return "This invite link has already been used by another candidate."
    if session.invite_expires_at <= timezone.now():
        return "This invite link has expired. Ask your interviewer for a new one."
    return None


# --- roles -------------------------------------------------------------------------------------


def _reviewer(session, user) -> Reviewer:
    reviewer = Reviewer.objects.filter(session=session, user=user).first()
    if reviewer is None:
        raise PermissionDenied("Only the interviewers of this session can do that.")
    return reviewer


def _lead(session, user) -> Reviewer:
    reviewer = _reviewer(session, user)
    if not reviewer.is_lead:
        raise PermissionDenied("Only the interviewer leading the session can do that.")
    return reviewer


def _answer(session, position) -> Answer:
    answer = Answer.objects.filter(session=session, position=position).first()
    if answer is None:
        raise ValidationError({"position": f"This session has questions 1 to {session.question_count}."})
    return answer


def _live(session):
    if session.status == Status.FINISHED:
        raise Conflict("This session has finished.")


def _bump(session, field="version"):
    InterviewSession.objects.filter(pk=session.pk).update(**{field: F(field) + 1})


def _show(session, position):
    Answer.objects.filter(session=session, position=position, shown_at__isnull=True).update(shown_at=timezone.now())


# --- the candidate's answer --------------------------------------------------------------------


def answer_save_text(*, session, position, by, text) -> Answer:
    """Save the candidate's answer as it is typed (the current question only)."""
    if session.candidate_id != by.pk:
        raise PermissionDenied("Only the candidate writes the answer.")
    _live(session)
    if len(text) > 20_000:
        raise ValidationError({"text": "Keep the answer under 20,000 characters."})
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
        raise ValidationError({"mode": "Only self-assessments submit answers; live sessions are marked as they go."})
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


def _can_review(session, reviewer, answer):
    if reviewer.submitted_at is not None:
        raise Conflict("Your scorecard is submitted; marks can no longer change.")
    if session.mode == Mode.SELF and answer.submitted_at is None:
        raise Conflict("Submit your answer first; the rubric opens after that.")
    if session.status == Status.SCHEDULED:
        raise Conflict("The interview has not started yet.")
    if answer.question_id and _locked_for(reviewer.user_id, [answer.question_id], exclude_session=session):
        raise Conflict(LOCKED_MESSAGE)


@transaction.atomic
def mark_set(*, session, position, keypoint_id, by, value) -> AnswerReview:
    """Mark one keypoint for one reviewer, and recompute that reviewer's score for the answer."""
    reviewer = _reviewer(session, by)
    answer = _answer(session, position)
    _can_review(session, reviewer, answer)
    if value not in MarkValue.values and value not in ("", None):
        raise ValidationError({"mark": f"Choose one of: {', '.join(MarkValue.values)}."})
    keypoint = AnswerKeypoint.objects.filter(answer=answer, pk=keypoint_id).first()
    if keypoint is None:
        raise ValidationError({"keypoint": "This keypoint is not part of this question."})
    said = None
    if value not in ("", None):  # read-only work before the first write, so the write lock is held briefly
        notes = AnswerReview.objects.filter(answer=answer, user=by).values_list("notes", flat=True).first()
        said = suggestions.for_answer(answer, notes or "").get(keypoint.pk)
    review = _review_for_update(answer, by)
    if value in ("", None):
        Mark.objects.filter(keypoint=keypoint, user=by).delete()
    else:
        Mark.objects.update_or_create(
            keypoint=keypoint, user=by, defaults={"value": value, "suggested": said["verdict"] if said else ""}
        )
    return _rescore(answer, reviewer, review)


@transaction.atomic
def suggestions_accept(*, session, position, by) -> AnswerReview:
    """Mark every keypoint as its suggestion says (the person accepts them all at once)."""
    reviewer = _reviewer(session, by)
    answer = _answer(session, position)
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
    try:
        with transaction.atomic():
            AnswerReview.objects.get_or_create(answer=answer, user=user)
    except IntegrityError:
        pass  # created by a concurrent request
    return AnswerReview.objects.select_for_update().get(answer=answer, user=user)


@transaction.atomic
def notes_save(*, session, position, by, notes, version) -> AnswerReview:
    """Save a reviewer's notes unless another tab saved since ``version`` was read."""
    reviewer = _reviewer(session, by)
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
    answer = _answer(session, position)
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
        raise ValidationError({"mode": "Scorecards belong to structured interviews."})
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


# --- scorecard history and reminders ---------------------------------------------------------

SCORECARD_DUE = timedelta(hours=1)  # after the interview ends, an unsubmitted scorecard is overdue
REMINDER_GAP = timedelta(hours=24)  # between two reminders of one scorecard


@transaction.atomic
def scorecard_amend(*, session, by, recommendation, summary, reason, now=None) -> ScorecardAmendment:
    """Change one's own submitted scorecard; the reason and what it was before are kept in its history."""
    reviewer = Reviewer.objects.select_for_update().filter(session=session, user=by).first()
    if reviewer is None:
        raise PermissionDenied("Only the interviewers of this session can do that.")
    if session.mode != Mode.STRUCTURED:
        raise ValidationError({"mode": "Scorecards belong to structured interviews."})
    if reviewer.submitted_at is None:
        raise Conflict("Your scorecard is not submitted yet: change it and submit it instead.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are changing a submitted scorecard."})
    _check_recommendation(recommendation)
    summary = summary or ""
    if (recommendation, summary) == (reviewer.recommendation, reviewer.summary):
        raise ValidationError({"recommendation": "Nothing changed: give a new recommendation or summary."})
    amendment = ScorecardAmendment.objects.create(
        reviewer=reviewer,
        reason=reason,
        old_recommendation=reviewer.recommendation,
        new_recommendation=recommendation,
        old_summary=reviewer.summary,
        new_summary=summary,
        created_at=now or timezone.now(),
    )
    reviewer.recommendation, reviewer.summary = recommendation, summary
    reviewer.save(update_fields=["recommendation", "summary"])
    return amendment


def scorecard_history(*, session, user) -> list[ScorecardAmendment]:
    """Amendments the user may read: their own; a manager of the team, everyone's. Oldest first."""
    role = permissions.role(session, user)
    if role not in ("lead", "panelist", "manager") or session.mode != Mode.STRUCTURED:
        raise PermissionDenied("Only the panel and the team's managers read scorecards.")
    amendments = ScorecardAmendment.objects.filter(reviewer__session=session).select_related("reviewer__user")
    return list(amendments if role == "manager" else amendments.filter(reviewer__user=user))


def scorecards_overdue(*, now=None):
    """Reviewers whose structured interview finished SCORECARD_DUE ago or more and whose scorecard is not in."""
    now = now or timezone.now()
    return Reviewer.objects.filter(
        session__mode=Mode.STRUCTURED,
        session__status=Status.FINISHED,
        session__finished_at__lte=now - SCORECARD_DUE,
        submitted_at__isnull=True,
    )


def scorecard_reminders_send(*, now=None) -> int:
    """E-mail each interviewer an overdue scorecard's reminder: the first after SCORECARD_DUE, then one a day.

    Idempotent: a reminder claims its (reviewer, day) row first, and the unique constraint refuses a
    second claim, so two runs at once, or a task run twice, never send two reminders in one day.
    Returns how many were sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        scorecards_overdue(now=now)
        .exclude(reminders__day=today)
        .exclude(reminders__sent_at__gt=now - REMINDER_GAP)
        .select_related("user", "session")
        .order_by("pk")
    )
    sent = 0
    for reviewer in due:
        try:
            with transaction.atomic():
                ScorecardReminder.objects.create(reviewer=reviewer, day=today, sent_at=now)
        except IntegrityError:
            continue  # another run claimed today's reminder
        _send_scorecard_reminder(reviewer, now)
        sent += 1
    return sent


def _send_scorecard_reminder(reviewer, now) -> None:
    session = reviewer.session
    hours = int((now - session.finished_at).total_seconds() // 3600)
    ago = f"{hours} hours ago" if hours < 48 else f"{hours // 24} days ago"
    body = (
        f"Hello {reviewer.user.username},\n\n"
        f'The interview "{session.title}" ended {ago} and your scorecard is not submitted yet.\n'
        "Your marks and recommendation count only once it is in, and the panel's other members cannot\n"
        "see them before that either.\n\n"
        f"Submit it here: {settings.SITE_URL.rstrip('/')}{session.get_absolute_url()}\n\n"
        "You get this reminder once a day until the scorecard is in.\n"
    )
    send_mail(
        subject=f"Your scorecard for {session.title} is overdue",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[reviewer.user.email],
    )
