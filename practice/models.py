"""Review items: the keypoints a user missed or partly covered, scheduled with FSRS.

One ``ReviewItem`` per (user, rubric keypoint) holds the FSRS card's state (the ``fsrs``
package computes it; nothing here schedules by hand). Each mark that moved an item is kept as
a ``ReviewLog`` row, once per marked keypoint of a session, so recording a session twice
changes nothing. ``PracticeProfile`` holds a user's choices; ``PracticeRun`` the practice
sessions started, for the daily maximum.
"""

from datetime import UTC

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from fsrs import Card, State

from questions.models import Question
from sessions.models import MarkValue

RETENTION_MIN, RETENTION_MAX, RETENTION_DEFAULT = 0.70, 0.97, 0.90
DAILY_MAX_DEFAULT, DAILY_MAX_LIMIT = 20, 50  # a session asks at most 50 questions


class ItemState(models.IntegerChoices):
    LEARNING = State.Learning.value, "learning"
    REVIEW = State.Review.value, "review"
    RELEARNING = State.Relearning.value, "relearning"


class PracticeProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_profile")
    desired_retention = models.FloatField(
        default=RETENTION_DEFAULT,
        validators=[MinValueValidator(RETENTION_MIN), MaxValueValidator(RETENTION_MAX)],
        help_text="The chance of remembering a keypoint when it comes back: higher means more frequent reviews.",
    )
    daily_max = models.PositiveSmallIntegerField(
        "Questions a day",
        default=DAILY_MAX_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(DAILY_MAX_LIMIT)],
        help_text=f"At most this many questions of due practice a day (1 to {DAILY_MAX_LIMIT}).",
    )
    suspended_tags = models.ManyToManyField("questions.Tag", blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=RETENTION_MIN, desired_retention__lte=RETENTION_MAX),
                name="practiceprofile_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(daily_max__gte=1, daily_max__lte=DAILY_MAX_LIMIT), name="practiceprofile_daily_max_range"
            ),
        ]

    def __str__(self):
        return f"Practice of {self.user}"


class ReviewItemQuerySet(models.QuerySet):
    def for_user(self, user):
        """The user's items whose question they may still see and whose rubric is open to them now.

        An item of a question they can no longer see (made private, archived, team left) or that
        sits in an interview they are taking drops out; it comes back if the question does.
        """
        if not user.is_authenticated:
            return self.none()
        readable = Question.objects.for_user(user).rubric_readable_by(user).values("pk")
        return self.filter(user=user, question__in=readable)

    def active(self, profile):
        """Not suspended, by item or by one of the question's tags."""
        qs = self.filter(suspended=False)
        if profile.pk:
            qs = qs.exclude(question__tags__in=profile.suspended_tags.values("pk"))
        return qs

    def due(self, at):
        return self.filter(due__lte=at)


class ReviewItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items")
    keypoint = models.ForeignKey("questions.RubricKeypoint", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey("questions.Question", on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField(choices=ItemState.choices, default=ItemState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_mark = models.CharField(max_length=10, choices=MarkValue.choices)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0, help_text="Reviews marked missed.")
    suspended = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["user", "due"], name="reviewitem_user_due")]
        constraints = [
            models.UniqueConstraint(fields=["user", "keypoint"], name="reviewitem_once_per_keypoint"),
            models.CheckConstraint(condition=Q(state__in=ItemState.values), name="reviewitem_state_valid"),
            models.CheckConstraint(condition=Q(last_mark__in=MarkValue.values), name="reviewitem_mark_valid"),
        ]

    def __str__(self):
        return f"{self.user}: {self.keypoint_id} due {self.due:%Y-%m-%d}"

    def card(self) -> Card:
        """The item as an FSRS card."""
        return Card(
            card_id=self.pk or 0,
            state=State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due.astimezone(UTC),
            last_review=self.last_review.astimezone(UTC) if self.last_review else None,
        )

    def take(self, card: Card) -> None:
        """Copy an FSRS card's state into the item (not saved)."""
        self.state, self.step = int(card.state), card.step
        self.stability, self.difficulty = card.stability, card.difficulty
        self.due, self.last_review = card.due, card.last_review


class ReviewLog(models.Model):
    """One mark that moved an item: which session's keypoint, the mark, and whether it was due."""

    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="log")
    answer_keypoint = models.ForeignKey(
        "interview_sessions.AnswerKeypoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mark = models.CharField(max_length=10, choices=MarkValue.choices)
    reviewed_at = models.DateTimeField()
    was_due = models.BooleanField(help_text="The item was due when reviewed (not its first mark, not early).")

    class Meta:
        ordering = ["reviewed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "answer_keypoint"], name="reviewlog_once_per_marked_keypoint"),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.mark} at {self.reviewed_at:%Y-%m-%d}"


class PracticeRun(models.Model):
    """A practice session started from the due queue; counts toward the daily maximum."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_runs")
    session = models.ForeignKey(
        "interview_sessions.InterviewSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question_count = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.user}: {self.question_count} questions on {self.started_at:%Y-%m-%d}"
