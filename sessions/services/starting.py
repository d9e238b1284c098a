"""Choosing the questions, creating a session (with its snapshot of the questions), joining it."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, F
from django.utils import timezone

from common.refusals import Conflict
from questions.models import Question, QuestionSet
from teams.models import Membership, Team

from .. import live
from ..models import (
    Answer,
    AnswerKeypoint,
    InterviewSession,
    Mode,
    Reviewer,
    Status,
)
from ._common import (
    LOCKED_MESSAGE,
    MAX_QUESTIONS,
    _locked_for,
    _show,
)

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

# Apps above sessions may refuse someone a seat on a structured interview's panel (calibration:
# a new interviewer who has not passed a drill). Each check takes ``team=`` and ``user=`` and
# answers why that user may not sit on the team's panels, or None; sessions never imports them.
_panel_checks = []


def register_panel_check(check):
    _panel_checks.append(check)
    return check


def panel_refusal(*, team, user) -> str | None:
    """Why ``user`` may not sit on a panel of ``team`` now (the first registered check that says so), or None."""
    for check in _panel_checks:
        if reason := check(team=team, user=user):
            return reason
    return None


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
        if reason := panel_refusal(team=team, user=by):
            raise ValidationError({"team": reason})
        members = {m.user_id: m.user for m in Membership.objects.filter(team=team).select_related("user")}
        for user in {u.pk: u for u in panel}.values():
            if user.pk == by.pk:
                continue
            if user.pk not in members:
                raise ValidationError({"panel": f"{user.username} is not a member of {team.name}."})
            if reason := panel_refusal(team=team, user=user):
                raise ValidationError({"panel": reason})
            Reviewer.objects.create(session=session, user=user)
        transaction.on_commit(lambda: send_structured_invite(session.pk))
    _show(session, 1)
    return session


def send_structured_invite(session_id: int) -> None:
    from ..invites import send_invite

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
    live.forget(session.pk)  # a new candidate and version, by an update, which sends no signal
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
