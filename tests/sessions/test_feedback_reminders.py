"""Peer mocks: the feedback an interviewer owes gets a gentle reminder an hour after the end, then at
most one a day, until it is given (the clock is frozen by passing ``now``, as for scorecards)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from sessions import services
from sessions.models import InterviewSession, Reviewer, ScorecardReminder
from sessions.tasks import remind_owed_feedback

from .conftest import fresh, make_question, start_peer

ENDED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _end(session, by, feedback="", at=ENDED):
    services.finish(session=session, by=by, feedback=feedback)
    InterviewSession.objects.filter(pk=session.pk).update(finished_at=at)
    return fresh(session)


@pytest.fixture
def ended(peer, owner):
    """Owner interviewed the candidate and finished at ENDED without writing feedback."""
    return _end(peer, owner)


def send(at):
    return services.feedback_reminders_send(now=at)


def test_not_before_an_hour_then_one_gentle_reminder_to_the_interviewer(ended, owner):
    assert send(ENDED + timedelta(minutes=59)) == 0
    assert mail.outbox == []

    assert send(ENDED + timedelta(hours=1)) == 1

    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "feedback" in message.subject and ended.title in message.subject
    assert f"{settings.SITE_URL.rstrip('/')}/sessions/{ended.pk}/feedback/" in message.body
    assert "Thank you for interviewing" in message.body and "1 hour ago" in message.body


def test_then_at_most_one_a_day(ended):
    first = ENDED + timedelta(hours=1)
    assert send(first) == 1
    assert send(first + timedelta(minutes=15)) == 0
    assert send(first + timedelta(hours=13)) == 0  # 23:00 the same day
    assert send(first + timedelta(hours=15)) == 0  # the next day, but not a day since the last one
    assert send(first + timedelta(hours=24)) == 1
    assert send(first + timedelta(hours=24, minutes=15)) == 0
    assert send(first + timedelta(days=2)) == 1

    days = [d.isoformat() for d in ScorecardReminder.objects.values_list("day", flat=True)]
    assert days == ["2026-11-27", "2026-11-28", "2026-11-29"]
    assert len(mail.outbox) == 3 and "2 days ago" in mail.outbox[-1].body


def test_a_week_after_the_end_we_stop_asking(ended):
    assert send(ENDED + timedelta(days=6, hours=23)) == 1
    assert send(ENDED + timedelta(days=7, hours=23)) == 0
    assert len(mail.outbox) == 1


def test_none_once_the_feedback_is_given(ended, owner):
    assert send(ENDED + timedelta(hours=1)) == 1

    services.feedback_give(session=ended, by=owner, feedback="Clear structure; size the cache next time.")

    assert send(ENDED + timedelta(days=1, hours=1)) == 0
    assert send(ENDED + timedelta(days=3)) == 0
    assert len(mail.outbox) == 1
    assert list(services.feedback_owed()) == []


def test_none_when_the_feedback_was_written_at_the_end(peer, owner):
    _end(peer, owner, feedback="Well reasoned.")

    assert send(ENDED + timedelta(hours=2)) == 0
    assert mail.outbox == []


def test_none_for_the_wrong_person(ended, owner, candidate, structured, panelist):
    """The candidate owes nothing; a structured panelist owes a scorecard (its own reminder), not
    feedback; a peer session that has not ended owes nothing yet; each session owes its own."""
    services.finish(session=structured, by=structured.interviewer, recommendation="yes")
    InterviewSession.objects.filter(pk=structured.pk).update(finished_at=ENDED)
    turn = start_peer(candidate, owner, [make_question(4)])  # live: candidate interviews owner

    assert send(ENDED + timedelta(hours=2)) == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert ScorecardReminder.objects.get().reviewer.user == owner

    # Once the candidate interviews in their turn and ends without feedback, they owe it too.
    _end(turn, candidate, at=ENDED + timedelta(hours=1))
    assert send(ENDED + timedelta(hours=2, minutes=15)) == 1
    assert mail.outbox[-1].to == [candidate.email]
    assert {r.user for r in services.feedback_owed()} == {owner, candidate}


def test_a_day_already_claimed_sends_nothing(ended, owner):
    """Two runs at once: the one that inserts the (reviewer, day) row sends, the other does not."""
    reviewer = Reviewer.objects.get(session=ended, user=owner)
    ScorecardReminder.objects.create(reviewer=reviewer, day=timezone.localdate(ENDED), sent_at=ENDED)

    assert send(ENDED + timedelta(hours=1)) == 0
    assert mail.outbox == []


def test_the_task_run_twice_sends_one_and_the_beat_runs_it(peer, owner):
    _end(peer, owner, at=timezone.now() - timedelta(hours=2))

    assert remind_owed_feedback() == 1
    assert remind_owed_feedback() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "sessions.tasks.remind_owed_feedback" in schedule
