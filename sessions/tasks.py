"""Thin Celery tasks for interview sessions; the work, and its idempotency, is in sessions.services."""

from celery import shared_task

from . import services


@shared_task(name="sessions.tasks.remind_overdue_scorecards")
def remind_overdue_scorecards() -> int:
    """Celery beat runs this every quarter hour: reminders for scorecards overdue (at most one a day each)."""
    return services.scorecard_reminders_send()


@shared_task(name="sessions.tasks.remind_owed_feedback")
def remind_owed_feedback() -> int:
    """Celery beat runs this every quarter hour: gentle reminders for peer feedback owed (at most one a day each)."""
    return services.feedback_reminders_send()
