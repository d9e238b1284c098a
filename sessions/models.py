"""Interview sessions and scored answers.

A session asks an ordered list of questions. Each question asked becomes an ``Answer`` that
keeps a snapshot of the question (prompt, context, reference answer, difficulty, tags) and
of its keypoints (``AnswerKeypoint``), so later edits to a question do not rewrite history.
The people on the interviewer side (``Reviewer``: the lead, and panelists in a structured
interview) each keep their own marks, notes, rating and scorecard, so two interviewers
marking at once never overwrite each other.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from teams.permissions import teams_managed_by

INVITE_DAYS = 7


def new_token():
    return secrets.token_urlsafe(32)


def default_invite_expiry():
    return timezone.now() + timedelta(days=INVITE_DAYS)


class Mode(models.TextChoices):
    SELF = "self", "Self-assessment"
    PEER = "peer", "Peer mock interview"
    STRUCTURED = "structured", "Structured interview"


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    FINISHED = "finished", "Finished"


class MarkValue(models.TextChoices):
    COVERED = "covered", "Covered"
    PARTIAL = "partial", "Partly covered"
    MISSED = "missed", "Missed"


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class SessionQuerySet(models.QuerySet):
    def for_user(self, user, *, few: bool = False):
        """Sessions the user took part in, and structured sessions of teams they manage.

        ``few``: the caller has already narrowed the sessions to a few (the open ones, by the partial
        index): whether the user reviews each is then asked row by row (EXISTS, by the reviewers'
        unique index) instead of hashing every session the user ever reviewed, which grows with
        their history (7.6 ms at 20,000 sessions for the home page's live ones, none of them live).
        """
        if not user.is_authenticated:
            return self.none()
        managed = teams_managed_by(user)
        # A semi-join (IN) rather than a join on reviewers and DISTINCT: the database can then take
        # the few rows a page asks for (the latest 100) without first gathering and de-duplicating
        # the user's whole history.
        if few:
            reviews = Q(Exists(Reviewer.objects.filter(user=user, session_id=OuterRef("pk"))))
        else:
            reviews = Q(pk__in=Reviewer.objects.filter(user=user).values("session_id"))
        return self.filter(Q(candidate=user) | reviews | Q(mode=Mode.STRUCTURED, team_id__in=managed))


class InterviewSession(models.Model):
    mode = models.CharField(max_length=12, choices=Mode.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LIVE)
    title = models.CharField(max_length=200)
    question_set = models.ForeignKey(
        "questions.QuestionSet", null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions_led")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions_taken"
    )
    candidate_email = models.EmailField(blank=True)
    invite_token = models.CharField(max_length=64, unique=True, default=new_token)
    invite_expires_at = models.DateTimeField(default=default_invite_expiry)
    invite_used_at = models.DateTimeField(null=True, blank=True)
    meeting_url = models.URLField(blank=True)
    minutes_per_question = models.PositiveSmallIntegerField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    current_position = models.PositiveSmallIntegerField(default=1)
    question_count = models.PositiveSmallIntegerField(default=0)
    # Bumped on every change the candidate's room must follow (advance, finish, swap).
    version = models.PositiveIntegerField(default=1)
    # Bumped whenever the candidate's written answer changes (the interviewer follows it).
    answer_version = models.PositiveIntegerField(default=1)
    mirror = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="mirror_of")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="session_mode_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="session_status_valid"),
            models.CheckConstraint(condition=Q(current_position__gte=1), name="session_position_from_one"),
            models.CheckConstraint(
                condition=~Q(mode=Mode.SELF) | Q(candidate=models.F("interviewer")),
                name="session_self_is_own_candidate",
            ),
            models.CheckConstraint(
                condition=~Q(mode=Mode.STRUCTURED) | Q(team__isnull=False), name="session_structured_has_team"
            ),
        ]
        indexes = [
            # Newest first, as the list shows them: the latest 100 a user may see are the first rows
            # of this index that pass the access check, however long the user's history.
            models.Index(fields=["-created_at", "-id"], name="session_newest_first"),
            # A candidate's latest finished sessions (the home page's recent scores) without reading
            # their whole history: at 20,000 sessions the query read them all (19 ms).
            models.Index(fields=["candidate", "status", "-finished_at"], name="session_candidate_finished"),
            # Sessions not finished yet are few at any time: live and scheduled ones (the home page)
            # are found in this small index instead of among every session ever held.
            models.Index(fields=["status"], condition=Q(status__in=["live", "scheduled"]), name="session_open"),
            # Finished structured interviews by finish time (overdue scorecards on the home page): not
            # the practice sessions, which are most of the table and grow with every user's history.
            models.Index(
                fields=["finished_at"],
                condition=Q(mode="structured", status="finished"),
                name="session_structured_finished",
            ),
        ]

    def __str__(self):
        return f"{self.get_mode_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("sessions:room", args=[self.pk])

    @property
    def is_finished(self):
        return self.status == Status.FINISHED

    def invite_url(self):
        return settings.SITE_URL.rstrip("/") + reverse("sessions:join", args=[self.invite_token])


class Reviewer(models.Model):
    """Someone on the interviewer side: the lead, or a panelist of a structured interview."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    is_lead = models.BooleanField(default=False)
    feedback = models.TextField(blank=True, help_text="Peer sessions: shared with the candidate at the end.")
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    summary = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="reviewer_once_per_session"),
            models.CheckConstraint(
                condition=Q(recommendation="") | Q(recommendation__in=Recommendation.values),
                name="reviewer_recommendation_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.session}"


class AnswerQuerySet(models.QuerySet):
    def in_interviews_taken_by(self, user):
        """Answers of peer and structured interviews the user is taking and that have not finished.

        While such an interview runs, the rubric of each of its questions is closed to the
        user everywhere: the bank, other sessions (their own self-assessments too), exports.
        """
        return self.filter(
            session__mode__in=[Mode.PEER, Mode.STRUCTURED],
            session__candidate=user,
            session__status__in=[Status.SCHEDULED, Status.LIVE],
            question__isnull=False,
        )

    def rubric_locked_for(self, user):
        """Answers whose question's rubric must stay closed to the user on the bank's pages.

        Those of interviews the user is taking, and in a self-assessment those not yet submitted.
        """
        return self.filter(
            Q(session__mode__in=[Mode.PEER, Mode.STRUCTURED]) | Q(session__mode=Mode.SELF, submitted_at__isnull=True),
            session__candidate=user,
            session__status__in=[Status.SCHEDULED, Status.LIVE],
            question__isnull=False,
        )


class Answer(models.Model):
    """One question within a session, as it was asked."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(
        "questions.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    prompt = models.CharField(max_length=300)
    context = models.TextField(blank=True)
    reference_answer = models.TextField(blank=True)
    difficulty = models.CharField(max_length=20)
    tags = models.JSONField(default=list, help_text="Tag slugs and names as asked: [[slug, name], ...].")
    text = models.TextField(blank=True, help_text="The candidate's written answer.")
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Self-assessment: the rubric opens.")
    shown_at = models.DateTimeField(null=True, blank=True)
    time_taken_seconds = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="The lead's score, 0 to 100.")

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="answer_unique_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="answer_position_from_one"),
        ]

    def __str__(self):
        return f"#{self.position} {self.prompt}"


class AnswerKeypoint(models.Model):
    """A rubric keypoint as it was when the question was asked."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="keypoints")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    weight = models.PositiveSmallIntegerField()
    evidence = models.JSONField(default=list, blank=True, help_text="As asked: what keypoint suggestions look for.")
    contradicts = models.JSONField(default=list, blank=True)
    source = models.ForeignKey(
        "questions.RubricKeypoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["answer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "position"], name="answerkeypoint_unique_position"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="answerkeypoint_weight_positive"),
        ]

    def __str__(self):
        return self.text


class AnswerReview(models.Model):
    """One reviewer's notes, rating and score for one answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answer_reviews")
    notes = models.TextField(blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    share_notes = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "user"], name="answerreview_once_per_reviewer"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4), name="answerreview_rating_1_4"
            ),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="answerreview_score_0_100"),
        ]

    def __str__(self):
        return f"{self.user} on {self.answer}"


class Mark(models.Model):
    """One reviewer's mark for one keypoint of one answer; no row means unmarked."""

    keypoint = models.ForeignKey(AnswerKeypoint, on_delete=models.CASCADE, related_name="marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="marks")
    value = models.CharField(max_length=10, choices=MarkValue.choices)
    # What the keypoint suggestion said when the mark was set ("" if there was none): a mark that
    # differs overrode it. This is how we learn where suggestions are wrong.
    suggested = models.CharField(max_length=10, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["keypoint", "user"], name="mark_once_per_reviewer"),
            models.CheckConstraint(condition=Q(value__in=MarkValue.values), name="mark_value_valid"),
        ]

    def __str__(self):
        return f"{self.keypoint}: {self.value}"


class ScorecardAmendment(models.Model):
    """A change to a submitted scorecard, with its reason: the scorecard's history, oldest first.

    The reviewer's row holds the scorecard as it stands; each amendment keeps what it was before.
    """

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="amendments")
    reason = models.TextField()
    old_recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    new_recommendation = models.CharField(max_length=12, choices=Recommendation.choices)
    old_summary = models.TextField(blank=True)
    new_summary = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="scorecardamendment_has_reason"),
            models.CheckConstraint(
                condition=Q(new_recommendation__in=Recommendation.values),
                name="scorecardamendment_recommendation_valid",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.old_recommendation or '-'} -> {self.new_recommendation}"


class ScorecardReminder(models.Model):
    """One reminder e-mail for an overdue scorecard (or a peer interviewer's feedback owed), one row per
    reviewer and day: never two a day.

    The sender claims the day by inserting the row; the unique constraint refuses a second claim.
    """

    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewer", "day"]
        constraints = [models.UniqueConstraint(fields=["reviewer", "day"], name="scorecardreminder_once_a_day")]

    def __str__(self):
        return f"{self.reviewer} reminded on {self.day}"


class PartnerRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PartnerRequest.State.OPEN)


class PartnerRequest(models.Model):
    """A member "looking for a peer mock": topics, difficulty, a few time slots (UTC); another
    member accepts one slot and a peer session is created with the poster as interviewer."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    MAX_SLOTS = 3

    poster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_requests")
    topics = models.JSONField(default=list, blank=True, help_text="Tag slugs.")
    difficulty = models.CharField(max_length=20, blank=True)
    slots = models.JSONField(default=list, help_text="ISO datetimes in UTC.")
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="partner_accepts"
    )
    session = models.ForeignKey(
        InterviewSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="partner_requests"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnerRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="partnerrequest_status_created")]

    def __str__(self):
        return f"{self.poster}: {self.get_status_display()}"

    def slot_times(self):
        """The slots as aware datetimes (UTC)."""
        from datetime import datetime

        return [datetime.fromisoformat(s) for s in self.slots]
