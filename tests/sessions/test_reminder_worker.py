"""The scorecard and peer feedback reminders through a real Celery worker (PostgreSQL and Redis, as in CI):
sent once a day."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from sessions import services
from sessions.models import InterviewSession, ScorecardReminder
from sessions.tasks import remind_overdue_scorecards, remind_owed_feedback

from ..reports.test_worker import _stop, _worker, broker  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_reminders(count, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ScorecardReminder.objects.count() >= count:
            break
        time.sleep(0.25)
    return ScorecardReminder.objects.count()


def test_the_worker_sends_one_reminder_however_often_the_task_runs(needs_services, structured, panelist, broker):  # noqa: F811
    services.finish(session=structured, by=structured.interviewer, recommendation="yes")
    InterviewSession.objects.filter(pk=structured.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    broker(settings.REDIS_URL)
    from interviewprep.celery import app

    app.control.purge()
    worker = _worker(settings.REDIS_URL)
    try:
        for _ in range(3):
            remind_overdue_scorecards.delay()
        assert _wait_for_reminders(1) == 1, _stop(worker)
        time.sleep(2)  # the other two messages run too, and find today's reminder claimed
        assert ScorecardReminder.objects.get().reviewer.user == panelist
    finally:
        log = _stop(worker)
    assert log.count("remind_overdue_scorecards") >= 3 and "succeeded" in log
    assert ScorecardReminder.objects.count() == 1


def test_the_worker_sends_one_peer_feedback_reminder_however_often_the_task_runs(needs_services, peer, owner, broker):  # noqa: F811
    services.finish(session=peer, by=owner)  # no feedback: owed
    InterviewSession.objects.filter(pk=peer.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    broker(settings.REDIS_URL)
    from interviewprep.celery import app

    app.control.purge()
    worker = _worker(settings.REDIS_URL)
    try:
        for _ in range(3):
            remind_owed_feedback.delay()
        assert _wait_for_reminders(1) == 1, _stop(worker)
        time.sleep(2)  # the other two messages run too, and find today's reminder claimed
        assert ScorecardReminder.objects.get().reviewer.user == owner
    finally:
        log = _stop(worker)
    assert log.count("remind_owed_feedback") >= 3 and "succeeded" in log
    assert ScorecardReminder.objects.count() == 1
