"""Thin Celery tasks: they take ids, claim the row with a conditional update, and let
reports.queries do the work. A report is built once however often its message is delivered.

The build renders the report's PDF too, so that a download serves it instead of rendering it
inside the web request."""

import json
import logging
import threading
import traceback

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from . import pdf, queries, services
from .models import Kind, Period, Report, ReportStatus

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=services.MAX_BUILD_ATTEMPTS)
def build_report(self, report_id: int) -> str:
    now = timezone.now()
    # Claim: a queued report, or this very message redelivered after its worker died.
    claimed = Report.objects.filter(
        Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RUNNING, task_id=self.request.id or "-"),
        pk=report_id,
        attempts__lt=services.MAX_BUILD_ATTEMPTS,
    ).update(
        status=ReportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        task_id=self.request.id or "",
    )
    if claimed != 1:
        _give_up_if_poisoned(report_id)
        return "skipped"
    # Only the build that holds the claim may finish the report: a build presumed dead and
    # re-queued by the sweep lost its claim when the next build took the row.
    mine = Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING, task_id=self.request.id or "")
    report = Report.objects.select_related("user", "question_set__team").get(pk=report_id)
    try:
        with _Heartbeat(mine):
            data = build(report)
            # As a download will read it back: plain JSON (no tuples, keys as text).
            data = json.loads(json.dumps(data))
            document = pdf.pdf_bytes(data)
    except Exception as exc:
        if report.attempts < services.MAX_BUILD_ATTEMPTS:
            mine.update(
                status=ReportStatus.QUEUED,
                error=f"{exc.__class__.__name__}: {exc}",
                # If the retry message is lost (broker outage), the sweep sends another.
                next_enqueue_at=timezone.now() + timezone.timedelta(seconds=2**report.attempts + 60),
            )
            raise self.retry(exc=exc, countdown=2**report.attempts) from exc
        mine.update(status=ReportStatus.FAILED, error=traceback.format_exc(limit=5)[-2000:], finished_at=timezone.now())
        log.exception("Report %s failed after %s attempts", report_id, report.attempts)
        return "failed"
    # The PDF goes in the same update as READY: a ready report built here always has it.
    finished = mine.update(status=ReportStatus.READY, data=data, pdf=document, error="", finished_at=timezone.now())
    if finished and report.weekly:
        _announce(report)
    return "ready"


class _Heartbeat:
    """While the build runs, a thread touches the claimed row every HEARTBEAT_SECONDS.

    A worker killed outright (signal 9, out of memory, a lost machine) stops beating, and the
    sweep queues the report again after SILENT_SECONDS.
    """

    def __init__(self, claimed_rows):
        self.rows = claimed_rows
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="report-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=services.HEARTBEAT_SECONDS * 2)
        return False

    def _beat(self):
        try:
            while not self.stop.wait(services.HEARTBEAT_SECONDS):
                self.rows.update(heartbeat_at=timezone.now())
        finally:
            connection.close()  # this thread's own database connection


def _give_up_if_poisoned(report_id):
    """A message that keeps coming back after its attempts are used up marks the report failed."""
    Report.objects.filter(
        pk=report_id,
        status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
        attempts__gte=services.MAX_BUILD_ATTEMPTS,
    ).update(status=ReportStatus.FAILED, error="Gave up after repeated failures.", finished_at=timezone.now())


def build(report: Report) -> dict:
    """The report's data, read in one snapshot (reports.queries.snapshot)."""
    with queries.snapshot():
        return _build(report)


def _build(report: Report) -> dict:
    if report.kind == Kind.PROGRESS:
        previous = (
            Report.objects.filter(user=report.user, kind=Kind.PROGRESS, period=report.period, status=ReportStatus.READY)
            .exclude(pk=report.pk)
            .filter(created_at__lt=report.created_at)
            .order_by("-created_at")
            .defer("pdf")
            .first()
        )
        return queries.progress_report(report.user, report.period, previous=previous)
    return queries.question_set_report(report.question_set, period=report.period)


def _announce(report: Report) -> None:
    url = settings.SITE_URL.rstrip("/") + reverse("reports:detail", args=[report.pk])
    send_mail(
        subject="Your weekly InterviewPrep progress",
        message=(
            f"Hello {report.user.username},\n\nYour progress report for the last 30 days is ready:\n{url}\n\n"
            f"Turn these e-mails off on your progress page: {settings.SITE_URL.rstrip('/')}{reverse('reports:mine')}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[report.user.email],
    )


@shared_task
def sweep_reports() -> int:
    return services.sweep()


@shared_task
def weekly_reports() -> int:
    """A progress report for everyone who practised in the last 7 days and has not turned it off."""
    from django.contrib.auth.models import User

    from sessions.models import InterviewSession, Mode, Status

    since = timezone.now() - timezone.timedelta(days=7)
    practised = InterviewSession.objects.filter(
        status=Status.FINISHED, finished_at__gte=since, mode__in=[Mode.SELF, Mode.PEER]
    ).values("candidate_id")
    users = (
        User.objects.filter(pk__in=practised, is_active=True)
        .exclude(email="")
        .exclude(report_preference__weekly_email=False)
    )
    count = 0
    for user in users.iterator():
        already = Report.objects.filter(user=user, weekly=True, created_at__gte=since).exists()
        if not already:
            services.report_request(user=user, kind=Kind.PROGRESS, period=Period.DAYS_30, weekly=True)
            count += 1
    return count
