"""Scorecards after the interview: amendments with a reason, and reminders when they are overdue."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.refusals import Conflict

from .. import permissions
from ..models import (
    Mode,
    Reviewer,
    ScorecardAmendment,
    ScorecardReminder,
    Status,
)
from .moving import _check_recommendation

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
        raise Conflict("Scorecards belong to structured interviews.")
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
    return _remind(scorecards_overdue(now=now), now=now, send=_send_scorecard_reminder)


def _remind(overdue, *, now, send) -> int:
    """Of these reviewers, remind those not reminded today nor in the last REMINDER_GAP: each claims
    its (reviewer, day) row first, then ``send(reviewer, now)``. Peer feedback reminders use it too."""
    today = timezone.localdate(now)
    due = (
        overdue.exclude(reminders__day=today)
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
        send(reviewer, now)
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
