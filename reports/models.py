"""Report requests and the reports Celery builds from finished sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Kind(models.TextChoices):
    PROGRESS = "progress", "My progress"
    QUESTION_SET = "question_set", "Hiring report for a question set"


class Period(models.TextChoices):
    DAYS_30 = "30d", "Last 30 days"
    DAYS_90 = "90d", "Last 90 days"
    ALL = "all", "All time"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own reports; hiring reports only while they manage the set's team."""
        if not user.is_authenticated:
            return self.none()
        from teams.permissions import teams_managed_by

        managed = teams_managed_by(user)
        return self.filter(
            Q(kind=Kind.PROGRESS, user=user) | Q(kind=Kind.QUESTION_SET, user=user, question_set__team_id__in=managed)
        ).defer("pdf")  # read only by a download, which asks for it


class Report(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(max_length=4, choices=Period.choices, default=Period.DAYS_30)
    question_set = models.ForeignKey(
        "questions.QuestionSet", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    data = models.JSONField(null=True, blank=True)
    pdf = models.BinaryField(
        null=True, blank=True, help_text="The PDF of ``data``, rendered by the build; empty for reports built before."
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Builds started; capped so a poison message cannot loop."
    )
    enqueue_attempts = models.PositiveSmallIntegerField(default=0)
    next_enqueue_at = models.DateTimeField(null=True, blank=True, help_text="When the sweep may enqueue it again.")
    weekly = models.BooleanField(default=False, help_text="Built by the weekly schedule.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The Celery message building it.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="A running build touches this every few seconds; silence means it died."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_enqueue_at"], name="report_sweep_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="report_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_valid"),
            models.CheckConstraint(
                condition=~Q(kind=Kind.QUESTION_SET) | Q(question_set__isnull=False), name="report_set_needs_set"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user} ({self.status})"

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    def data_for(self, user) -> dict:
        """The report's data as this user may see it now.

        A keypoint of a question whose rubric is closed to the user (an interview they are
        taking, an answer not yet submitted) is left out, even if they missed it before.
        """
        from questions.models import Question, rubric_locked_filter

        data = self.data or {}
        missed = data.get("missed_keypoints") or []
        ids = {row.get("question_id") for row in missed} - {None}
        if not ids:
            return data
        locked = set(Question.objects.filter(rubric_locked_filter(user), pk__in=ids).values_list("pk", flat=True))
        if not locked:
            return data
        return {**data, "missed_keypoints": [row for row in missed if row.get("question_id") not in locked]}


class ReportPreference(models.Model):
    """Whether a user gets the weekly progress e-mail (on unless turned off)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_preference")
    weekly_email = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.user}: weekly e-mail {'on' if self.weekly_email else 'off'}"
