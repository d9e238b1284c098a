"""Who may do what in an interview session: the one place that decides it.

- ``role`` names the caller's part in a session (lead, panelist, candidate, manager, or None);
  ``annotate_roles`` is the same rule as a query, for lists.
- ``rubric_open`` says whether a role sees the keypoints and reference answer of an answer;
  ``locked_elsewhere`` which of a session's questions another interview closes to the user.
- ``require_*`` raise ``PermissionDenied`` (403); a session the user may not see at all is
  ``Http404`` through ``InterviewSession.objects.for_user``. ``common.refusals`` maps both.

Plain functions, as in ``teams.permissions``: a few predicates, each next to its query form.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Exists, OuterRef, Value, When

from teams.permissions import manages

from .models import Answer, Mode, Reviewer, Status


def role(session, user) -> str | None:
    """'lead', 'candidate', 'panelist', 'manager' or None, for a user who can see the session."""
    if not user.is_authenticated:
        return None
    if session.mode == Mode.SELF:
        return "lead" if session.interviewer_id == user.pk else None
    if session.interviewer_id == user.pk:
        return "lead"
    if session.candidate_id == user.pk:
        return "candidate"
    if any(r.user_id == user.pk for r in session.reviewers.all()):
        return "panelist"
    if session.mode == Mode.STRUCTURED and manages(user, session.team_id):
        return "manager"
    return None


def annotate_roles(sessions, user):
    """``role`` as the function above names it, for each of these sessions, in the same query.

    For sessions already filtered by ``InterviewSession.objects.for_user(user)``: one the user
    neither leads, takes nor sits on is one whose team they manage.
    """
    return sessions.annotate(
        role=Case(
            When(interviewer=user, then=Value("lead")),
            When(candidate=user, then=Value("candidate")),
            When(Exists(Reviewer.objects.filter(session=OuterRef("pk"), user=user)), then=Value("panelist")),
            default=Value("manager"),
            output_field=CharField(),
        )
    )


def require_lead(session, user, action="do that") -> None:
    if role(session, user) != "lead":
        raise PermissionDenied(f"Only the interviewer leading the session can {action}.")


def locked_elsewhere(session, user) -> set[int]:
    """Ids of this session's questions that are in another interview the user is taking now.

    Their rubric stays closed to the user here too, whatever their role in this session
    (a self-assessment, or leading someone else's interview), until that interview ends.
    """
    if not user.is_authenticated:
        return set()
    return set(
        Answer.objects.in_interviews_taken_by(user)
        .exclude(session=session)
        .filter(question_id__in=[a.question_id for a in session.answers.all() if a.question_id])
        .values_list("question_id", flat=True)
    )


def rubric_open(session, role, answer, locked=frozenset()) -> bool:
    """May this role see the keypoints and reference answer of this answer?

    ``locked``: question ids closed to the caller by another interview (``locked_elsewhere``).
    """
    if answer.question_id in locked:
        return False
    if role in ("lead", "panelist", "manager"):
        if session.mode == Mode.SELF:
            return answer.submitted_at is not None or session.status == Status.FINISHED
        return True
    if role == "candidate":
        return session.mode == Mode.PEER and session.status == Status.FINISHED
    return False


def sees_other_scorecards(session, role, reviewer) -> bool:
    """May this caller see the other interviewers' scores, marks, notes and recommendations? (promise 8)

    A manager of the team always; on a structured interview's panel (the lead included) only once
    their own scorecard (``reviewer``, their Reviewer row) is submitted. Candidates never; this rule
    is about the interviewer side, whose peer and self sessions have no one else to see.
    """
    if role == "manager":
        return True
    if role not in ("lead", "panelist"):
        return False
    if session.mode != Mode.STRUCTURED:
        return True
    return reviewer is not None and reviewer.submitted_at is not None
