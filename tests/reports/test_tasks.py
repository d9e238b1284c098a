"""The report task and its reliability rules, with the task body called directly."""

import socket

import pytest
from django.conf import settings
from django.utils import timezone

from reports import services, tasks
from reports.models import Kind, Report, ReportStatus

from ..conftest import login, reset_broker_pools

pytestmark = pytest.mark.django_db


def _request(owner):
    return Report.objects.create(kind=Kind.PROGRESS, user=owner, period="30d")


def test_build_makes_a_ready_report_once(owner, practised):
    report = _request(owner)
    assert tasks.build_report.apply(args=[report.pk], task_id="t-1").get() == "ready"
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.data["totals"]["sessions"] == 1
    assert bytes(report.pdf).startswith(b"%PDF-")  # rendered by the build, stored with READY
    first = report.data
    # The same message delivered again, or another one: nothing is built twice.
    assert tasks.build_report.apply(args=[report.pk], task_id="t-1").get() == "skipped"
    assert tasks.build_report.apply(args=[report.pk], task_id="t-2").get() == "skipped"
    report.refresh_from_db()
    assert report.attempts == 1 and report.data == first


def test_a_message_redelivered_after_its_worker_died_finishes_the_build(owner, practised):
    report = _request(owner)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, task_id="t-dead", attempts=1)
    assert tasks.build_report.apply(args=[report.pk], task_id="t-other").get() == "skipped"
    assert tasks.build_report.apply(args=[report.pk], task_id="t-dead").get() == "ready"
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.attempts == 2


def test_a_poison_message_cannot_loop(owner, practised):
    report = _request(owner)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, task_id="t-poison", attempts=services.MAX_BUILD_ATTEMPTS
    )
    assert tasks.build_report.apply(args=[report.pk], task_id="t-poison").get() == "skipped"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "Gave up" in report.error


def test_a_failing_build_retries_with_backoff_then_fails(owner, monkeypatch):
    report = _request(owner)
    calls = []

    def broken(report):
        calls.append(report.attempts)
        raise RuntimeError("aggregation exploded")

    monkeypatch.setattr(tasks, "build", broken)  # a fault injected into our own code, not a stand-in for a service
    result = tasks.build_report.apply(args=[report.pk], task_id="t-fail")
    report.refresh_from_db()
    assert calls == [1, 2, 3]
    assert report.status == ReportStatus.FAILED and "aggregation exploded" in report.error
    assert result.get(propagate=False) in ("failed", None) or result.failed()


def test_a_pdf_that_cannot_be_rendered_keeps_the_report_from_ready(owner, practised, monkeypatch):
    report = _request(owner)

    def broken(data):
        raise RuntimeError("font missing")

    monkeypatch.setattr(tasks.pdf, "pdf_bytes", broken)  # a fault injected into our own code
    tasks.build_report.apply(args=[report.pk], task_id="t-pdf")
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "font missing" in report.error
    assert report.data is None and report.pdf is None


def test_failed_report_can_be_tried_again(client, owner, practised, django_capture_on_commit_callbacks):
    report = _request(owner)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, attempts=3, error="boom")
    login(client, owner)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/{report.pk}/retry/")
    report.refresh_from_db()
    assert report.attempts == 0 or report.status != ReportStatus.FAILED


def test_the_sweep_enqueues_stuck_requests_and_recovers_dead_builds(owner, monkeypatch):
    queued = _request(owner)
    running = _request(owner)
    now = timezone.now()
    Report.objects.filter(pk=queued.pk).update(next_enqueue_at=now - timezone.timedelta(seconds=1))
    Report.objects.filter(pk=running.pk).update(
        status=ReportStatus.RUNNING, started_at=now - timezone.timedelta(hours=1), task_id="gone"
    )
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda pk: sent.append(pk) or True)
    assert services.sweep(now=now) == 2
    assert sorted(sent) == sorted([queued.pk, running.pk])
    assert Report.objects.get(pk=running.pk).status == ReportStatus.QUEUED


def test_the_sweep_requeues_a_build_only_once_its_heartbeat_is_silent_for_30_seconds(owner, monkeypatch):
    report = _request(owner)
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=now - timezone.timedelta(minutes=5), task_id="alive"
    )
    monkeypatch.setattr(services, "enqueue", lambda pk: True)
    Report.objects.filter(pk=report.pk).update(heartbeat_at=now - timezone.timedelta(seconds=20))
    services.sweep(now=now)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING  # still beating
    services.sweep(now=now + timezone.timedelta(seconds=11))
    report.refresh_from_db()
    assert (report.status, report.task_id) == (ReportStatus.QUEUED, "")


def test_a_build_that_lost_its_claim_cannot_finish_the_report(owner):
    """The dead build's late finish does not overwrite the rebuild's: its task id no longer matches."""
    report = _request(owner)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, task_id="")
    tasks.build_report.apply(args=[report.pk], task_id="first")
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.task_id == "first"
    assert tasks.build_report.apply(args=[report.pk], task_id="second").get() == "skipped"


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_broker_that_is_down_means_try_later(owner):
    """With the broker unreachable, enqueueing answers at once and leaves the report for the sweep."""
    import time

    from interviewprep.celery import app

    report = _request(owner)
    old = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app.conf.task_always_eager = False
    try:
        reset_broker_pools(app)
        started = time.monotonic()
        assert services.enqueue(report.pk) is False
        elapsed = time.monotonic() - started
    finally:
        app.conf.broker_url = old
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        reset_broker_pools(app)
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.next_enqueue_at > timezone.now()
    assert elapsed < 10, elapsed


def test_worker_settings_for_at_least_once_delivery():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_ACCEPT_CONTENT == ["json"] and settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    # The hard limit well under the Redis visibility timeout, or a slow build would run twice.
    assert settings.CELERY_TASK_TIME_LIMIT * 4 <= settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 5
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] <= 5
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.tasks.sweep_reports", "reports.tasks.weekly_reports"} <= schedule


def test_weekly_reports_for_people_who_practised_and_did_not_opt_out(owner, practised, outsider, mailoutbox):
    services.set_weekly_email(user=outsider, enabled=False)
    assert tasks.weekly_reports.apply().get() == 1
    report = Report.objects.get(weekly=True)
    assert report.user == owner
    assert tasks.weekly_reports.apply().get() == 0  # once a week
    tasks.build_report.apply(args=[report.pk])
    assert len(mailoutbox) == 1 and f"/reports/{report.pk}/" in mailoutbox[0].body
    services.set_weekly_email(user=owner, enabled=False)
    Report.objects.all().delete()
    assert tasks.weekly_reports.apply().get() == 0
