"""Asking for reports: the request row is written in the caller's transaction and the build is
enqueued only after commit. A broker that is down is "try later", never an error or a hang:
the periodic sweep enqueues what is still queued, with backoff."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from questions.models import QuestionSet
from teams.models import Membership

from .models import Kind, Period, Report, ReportPreference, ReportStatus

BUILD_TASK = "reports.tasks.build_report"

log = logging.getLogger(__name__)

MAX_BUILD_ATTEMPTS = 3
SWEEP_BACKOFF_SECONDS = [15, 30, 60, 120, 300, 600]


def _backoff(attempt: int) -> timedelta:
    return timedelta(seconds=SWEEP_BACKOFF_SECONDS[min(attempt, len(SWEEP_BACKOFF_SECONDS) - 1)])


@transaction.atomic
def report_request(*, user, kind, period=None, question_set: QuestionSet | None = None, weekly=False) -> Report:
    """Queue a report. The period defaults to 30 days for a progress report, all time for a hiring report."""
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(Kind.values)}."})
    period = period or (Period.DAYS_30 if kind == Kind.PROGRESS else Period.ALL)
    if period not in Period.values:
        raise ValidationError({"period": f"Choose one of: {', '.join(Period.values)}."})
    if kind == Kind.PROGRESS:
        question_set = None
    else:
        if question_set is None:
            raise ValidationError({"question_set": "Choose the question set to report on."})
        if not Membership.objects.manages(user, question_set.team_id):
            raise PermissionDenied("Only managers of the set's team can ask for its hiring report.")
    report = Report.objects.create(
        kind=kind, user=user, period=period, question_set=question_set, weekly=weekly, next_enqueue_at=timezone.now()
    )
    transaction.on_commit(lambda: enqueue(report.pk))
    return report


@transaction.atomic
def report_retry(*, report, by) -> Report:
    if report.user_id != by.pk:
        raise PermissionDenied("Only the person who asked for this report can retry it.")
    updated = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.QUEUED, attempts=0, enqueue_attempts=0, error="", next_enqueue_at=timezone.now()
    )
    if updated:
        transaction.on_commit(lambda: enqueue(report.pk))
    report.refresh_from_db()
    return report


def enqueue(report_id: int) -> bool:
    """Send the build message; on a broker error, leave the report queued for the sweep.

    The task is found by its name in Celery's registry, so this module does not import the
    tasks module (which calls the services: the dependency points one way).
    """
    from celery import current_app

    build_report = current_app.tasks[BUILD_TASK]
    Report.objects.filter(pk=report_id).update(
        enqueue_attempts=F("enqueue_attempts") + 1, next_enqueue_at=timezone.now() + _backoff(0)
    )
    try:
        build_report.apply_async(args=[report_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - kombu/redis raise many kinds; all mean "broker unavailable"
        attempts = Report.objects.filter(pk=report_id).values_list("enqueue_attempts", flat=True).first() or 1
        Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            next_enqueue_at=timezone.now() + _backoff(attempts)
        )
        log.warning("Report %s not enqueued (%s); the sweep will try again.", report_id, exc)
        return False
    return True


HEARTBEAT_SECONDS = 5  # a running build touches its row this often
SILENT_SECONDS = 30  # a running build silent this long is dead: its report is queued again


def sweep(*, now=None) -> int:
    """Enqueue reports still queued past their next try, and recover builds whose worker died.

    A build beats every HEARTBEAT_SECONDS; one silent for SILENT_SECONDS (its worker was killed)
    goes back to the queue. Beat runs this every 15 s, so a dead build is rebuilt within a minute;
    the rebuild's claim changes the row's task id, so the dead one can never finish it too.
    """
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=SILENT_SECONDS)
    Report.objects.filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True, started_at__lt=silent_since),
        status=ReportStatus.RUNNING,
    ).update(status=ReportStatus.QUEUED, task_id="", next_enqueue_at=now)
    due = list(
        Report.objects.filter(status=ReportStatus.QUEUED, next_enqueue_at__lte=now).values_list("pk", flat=True)[:500]
    )
    for report_id in due:
        enqueue(report_id)
    return len(due)


def weekly_email_enabled(user) -> bool:
    pref = ReportPreference.objects.filter(user=user).first()
    return pref is None or pref.weekly_email


def set_weekly_email(*, user, enabled: bool) -> None:
    ReportPreference.objects.update_or_create(user=user, defaults={"weekly_email": enabled})
