"""Nothing left unscored: a reminder an hour after the interview, then one a day, never two in a day."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from sessions import services
from sessions.models import InterviewSession, Reviewer, ScorecardReminder
from sessions.tasks import remind_overdue_scorecards

from .conftest import fresh

ENDED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def ended(structured, panelist):
    """The lead finished (their scorecard is in) at ENDED; the panelist's is not."""
    services.finish(session=structured, by=structured.interviewer, recommendation="yes")
    InterviewSession.objects.filter(pk=structured.pk).update(finished_at=ENDED)
    return fresh(structured)


def send(at):
    return services.scorecard_reminders_send(now=at)


def test_first_reminder_an_hour_after_the_end_to_the_interviewer_who_owes_one(ended, panelist):
    assert send(ENDED + timedelta(minutes=59)) == 0

    assert send(ENDED + timedelta(hours=1)) == 1

    [message] = mail.outbox
    assert message.to == [panelist.email]
    assert "overdue" in message.subject and ended.title in message.subject
    assert f"{settings.SITE_URL.rstrip('/')}/sessions/{ended.pk}/" in message.body


def test_then_one_a_day_never_two_in_a_day(ended):
    first = ENDED + timedelta(hours=1)
    assert send(first) == 1
    assert send(first + timedelta(minutes=15)) == 0
    assert send(first + timedelta(hours=13)) == 0  # 23:00 the same day
    assert send(first + timedelta(hours=15)) == 0  # the next day, but not a day since the last one
    assert send(first + timedelta(hours=24)) == 1
    assert send(first + timedelta(hours=24, minutes=15)) == 0
    assert send(first + timedelta(days=2)) == 1

    days = list(ScorecardReminder.objects.values_list("day", flat=True))
    assert [d.isoformat() for d in days] == ["2026-11-27", "2026-11-28", "2026-11-29"]
    assert len(mail.outbox) == 3


def test_a_day_already_claimed_sends_nothing(ended, panelist):
    """Two runs at once: the one that inserts the (reviewer, day) row sends, the other does not."""
    reviewer = Reviewer.objects.get(session=ended, user=panelist)
    ScorecardReminder.objects.create(reviewer=reviewer, day=timezone.localdate(ENDED), sent_at=ENDED)

    assert send(ENDED + timedelta(hours=1)) == 0
    assert mail.outbox == []


def test_no_reminder_once_submitted_nor_for_unfinished_interviews(ended, panelist, structured):
    services.scorecard_submit(session=ended, by=panelist, recommendation="no")

    assert send(ENDED + timedelta(hours=2)) == 0
    assert list(services.scorecards_overdue(now=ENDED + timedelta(hours=2))) == []


def test_a_live_interview_is_never_overdue(structured):
    assert send(timezone.now() + timedelta(days=3)) == 0


def test_the_task_body_uses_the_clock_and_the_beat_runs_it(ended, panelist):
    InterviewSession.objects.filter(pk=ended.pk).update(finished_at=timezone.now() - timedelta(hours=2))

    assert remind_overdue_scorecards() == 1
    assert remind_overdue_scorecards() == 0
    assert len(mail.outbox) == 1
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "sessions.tasks.remind_overdue_scorecards" in schedule
