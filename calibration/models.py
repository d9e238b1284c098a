"""Calibration drills: a question, a few written answers and the manager's gold marks, scored
blind by the team's interviewers; and the team's requirement to pass one before a panel.

A drill keeps its own copy of the question's keypoints, as sessions do, so later edits to the
question do not change what the gold marks mean. Marks are lists, one value per keypoint in
order (``gold`` on each answer; ``marks`` on an attempt, one list per answer): they are written
once, read whole and compared in Python.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from teams.permissions import teams_of

MIN_ANSWERS = 2
MAX_ANSWERS = 5


class DrillQuerySet(models.QuerySet):
    def for_user(self, user):
        """Drills of the teams the user belongs to; any other drill answers 404."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(team_id__in=teams_of(user))


class Drill(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="drills")
    question = models.ForeignKey(
        "questions.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="drills"
    )
    prompt = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="drills_made"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = DrillQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.prompt

    def get_absolute_url(self):
        return reverse("calibration:drill", args=[self.pk])


class DrillKeypoint(models.Model):
    """A rubric keypoint as it was when the drill was made."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="keypoints")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["drill", "position"]
        constraints = [models.UniqueConstraint(fields=["drill", "position"], name="drillkeypoint_unique_position")]

    def __str__(self):
        return self.text


class DrillAnswer(models.Model):
    """A written answer to score, typed by the manager or copied (without the candidate's name) from an interview."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    gold = models.JSONField(help_text="The manager's marks, one per keypoint in order.")
    source = models.ForeignKey(
        "interview_sessions.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["drill", "position"]
        constraints = [models.UniqueConstraint(fields=["drill", "position"], name="drillanswer_unique_position")]

    def __str__(self):
        return f"Answer {self.position} of {self.drill}"


class Attempt(models.Model):
    """One interviewer's blind marks for a drill, once, with their agreement with the gold marks."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drill_attempts")
    marks = models.JSONField(help_text="One list of marks per answer, one mark per keypoint, in order.")
    counts = models.JSONField(help_text="Gold (rows) against these marks (columns): missed, partial, covered.")
    kappa = models.FloatField(null=True, help_text="Linear-weighted Cohen's kappa against the gold marks.")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["drill", "user"], name="attempt_once_per_drill")]
        indexes = [models.Index(fields=["user", "submitted_at"], name="attempt_user_submitted")]

    def __str__(self):
        return f"{self.user} on {self.drill}"


class Requirement(models.Model):
    """Interviewers who join the team from ``since`` on must pass a drill of the team before a panel."""

    team = models.OneToOneField("teams.Team", on_delete=models.CASCADE, related_name="drill_requirement")
    threshold = models.FloatField(
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="The agreement with the gold marks (weighted kappa) an attempt needs to pass.",
    )
    since = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0, threshold__lte=1), name="requirement_threshold_0_1")
        ]

    def __str__(self):
        return f"{self.team}: pass a drill at {self.threshold:.2f}"
