"""Peer mocks: the feedback an interviewer owes the candidate, given after the end, and gentle reminders.

A peer interviewer writes feedback when they finish the session; if they leave it empty they owe
it. An hour after the end they get a reminder, then at most one a day (the same claim-a-day rows
as scorecard reminders), for a week at most; giving the feedback stops them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.refusals import Conflict

from ..models import Mode, Reviewer, Status
from ._common import _lead
from .scorecards import _remind

FEEDBACK_DUE = timedelta(hours=1)  # after a peer session ends, feedback not given is owed
FEEDBACK_REMIND_FOR = timedelta(days=7)  # then we stop asking: a peer mock is a favour, not a duty


def feedback_owed(*, now=None):
    """Interviewers of finished peer sessions whose feedback for the candidate is still empty.

    With ``now``: only those whose session ended FEEDBACK_DUE ago or more, and less than
    FEEDBACK_REMIND_FOR ago (the ones a reminder may go to).
    """
    owed = Reviewer.objects.filter(session__mode=Mode.PEER, session__status=Status.FINISHED, feedback="")
    if now is None:
        return owed
    return owed.filter(
        session__finished_at__lte=now - FEEDBACK_DUE,
        session__finished_at__gt=now - FEEDBACK_REMIND_FOR,
    )


def feedback_owed_in(user, session_ids) -> set[int]:
    """Of these sessions, the ids of those where ``user`` owes the candidate feedback: a page's few
    rows looked up by id, rather than every review the user ever owed, which grows with their history."""
    return set(feedback_owed().filter(user=user, session_id__in=session_ids).values_list("session_id", flat=True))


@transaction.atomic
def feedback_give(*, session, by, feedback) -> Reviewer:
    """The interviewer of a finished peer session gives the feedback they left empty, once."""
    reviewer = _lead(session, by)
    if session.mode != Mode.PEER:
        raise ValidationError({"mode": "Feedback for the candidate belongs to peer interviews."})
    if session.status != Status.FINISHED:
        raise Conflict("The interview has not finished: give your feedback when you end it.")
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError({"feedback": "Write a few words of feedback for the candidate."})
    updated = Reviewer.objects.filter(pk=reviewer.pk, feedback="").update(feedback=feedback)
    if updated != 1:
        raise Conflict("Your feedback is already given.")
    reviewer.refresh_from_db()
    return reviewer


def feedback_reminders_send(*, now=None) -> int:
    """E-mail each peer interviewer who owes feedback: the first an hour after the end, then one a day.

    Idempotent as scorecard reminders are: each claims its (reviewer, day) row before sending.
    Returns how many were sent.
    """
    now = now or timezone.now()
    return _remind(feedback_owed(now=now), now=now, send=_send_feedback_reminder)


def _send_feedback_reminder(reviewer, now) -> None:
    session = reviewer.session
    hours = int((now - session.finished_at).total_seconds() // 3600)
    ago = f"{hours} hour{'s' if hours != 1 else ''} ago" if hours < 48 else f"{hours // 24} days ago"
    url = settings.SITE_URL.rstrip("/") + reverse("sessions:feedback", args=[session.pk])
    body = (
        f"Hello {reviewer.user.username},\n\n"
        f'Thank you for interviewing in the peer mock "{session.title}" {ago}.\n'
        "Your candidate has their marks and scores, but no feedback from you yet. A few words on what\n"
        "went well and what to work on next help them more than any score.\n\n"
        f"When you have a moment, write it here: {url}\n\n"
        "We send this gentle reminder at most once a day, and stop once your feedback is in\n"
        "or a week after the interview.\n"
    )
    send_mail(
        subject=f"A few words of feedback for your peer mock {session.title}?",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[reviewer.user.email],
    )
