"""Writes and reads of the review queue, shared by the pages and the API.

FSRS (the ``fsrs`` package) does all the scheduling. Interviews are practised days apart, not
minutes, so the scheduler runs without its minute-long learning steps: a missed keypoint comes
back the next day and every interval is a whole number of days. Fuzzing is off, so the same
marks always give the same dates.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from common.refusals import Conflict
from sessions import live
from sessions import services as session_services
from sessions.models import InterviewSession, Mark, MarkValue, Mode, Status

from .models import PracticeProfile, PracticeRun, ReviewItem, ReviewLog

RATING = {MarkValue.COVERED: Rating.Good, MarkValue.PARTIAL: Rating.Hard, MarkValue.MISSED: Rating.Again}
PRACTICE_TITLE = "Practice: keypoints due"


def profile_of(user) -> PracticeProfile:
    """The user's practice profile; an unsaved one with the defaults if they never changed it."""
    return PracticeProfile.objects.filter(user=user).first() or PracticeProfile(user=user)


def profile_of_id(user_id) -> PracticeProfile:
    return PracticeProfile.objects.filter(user_id=user_id).first() or PracticeProfile(user_id=user_id)


def scheduler_for(profile: PracticeProfile) -> Scheduler:
    return Scheduler(
        desired_retention=profile.desired_retention,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --- recording marks ---------------------------------------------------------------------------


def _learner_and_marker(session):
    """Whose items a finished session moves, and whose marks count.

    A self-assessment: the user's own marks. A peer interview: the lead interviewer's marks, for
    the candidate, who reads them once it ends. A structured interview's scorecard is never shown
    to its candidate, so it moves nothing.
    """
    if session.mode == Mode.SELF:
        return session.candidate_id, session.candidate_id
    if session.mode == Mode.PEER and session.candidate_id:
        return session.candidate_id, session.interviewer_id
    return None, None


@transaction.atomic
def reviews_record(*, session: InterviewSession, now: datetime | None = None) -> int:
    """Move the review items of a finished session's marks; returns how many reviews were recorded.

    Missed or partly covered keypoints become items (one per user and keypoint); a keypoint
    already an item is reviewed: covered = good, partly = hard, missed = again. A keypoint marked
    covered that is not an item stays out of the queue. Recording the same session again changes
    nothing. ``now`` is the review's moment: by default when the session finished.
    """
    learner, marker = _learner_and_marker(session)
    if learner is None or session.status != Status.FINISHED:
        return 0
    now = _utc(now or session.finished_at or timezone.now())
    marks = list(
        Mark.objects.filter(user_id=marker, keypoint__answer__session=session, keypoint__source__isnull=False)
        .order_by("keypoint__answer__position", "keypoint__position")
        .values_list("keypoint_id", "keypoint__source_id", "keypoint__source__question_id", "value")
    )
    if not marks:
        return 0
    done = set(
        ReviewLog.objects.filter(item__user_id=learner, answer_keypoint_id__in=[m[0] for m in marks]).values_list(
            "answer_keypoint_id", flat=True
        )
    )
    items = {
        item.keypoint_id: item
        for item in ReviewItem.objects.select_for_update().filter(
            user_id=learner, keypoint_id__in=[m[1] for m in marks]
        )
    }
    scheduler = scheduler_for(profile_of_id(learner))
    new, logs = {}, []
    for answer_keypoint_id, source_id, question_id, value in marks:
        if answer_keypoint_id in done:
            continue
        item = items.get(source_id) or new.get(source_id)
        if item is None:
            if value == MarkValue.COVERED:
                continue
            item = new[source_id] = ReviewItem(
                user_id=learner, keypoint_id=source_id, question_id=question_id, due=now, created_at=now
            )
            card, was_due = Card(card_id=0, due=now), False
        else:
            card, was_due = item.card(), item.due <= now
        card, _ = scheduler.review_card(card, RATING[value], now)
        item.take(card)
        item.last_mark = value
        item.reviews += 1
        item.lapses += value == MarkValue.MISSED
        logs.append((item, answer_keypoint_id, value, was_due))
    ReviewItem.objects.bulk_create(new.values())
    changed = [item for item in items.values() if any(entry[0] is item for entry in logs)]
    ReviewItem.objects.bulk_update(
        changed, ["state", "step", "stability", "difficulty", "due", "last_review", "last_mark", "reviews", "lapses"]
    )
    ReviewLog.objects.bulk_create(
        ReviewLog(item=item, answer_keypoint_id=ak, mark=value, reviewed_at=now, was_due=was_due)
        for item, ak, value, was_due in logs
    )
    return len(logs)


# --- reading the queue ---------------------------------------------------------------------------


def due_items(*, user, at: datetime | None = None, profile: PracticeProfile | None = None) -> list[ReviewItem]:
    """The user's active items due at ``at``, weakest first (lowest chance of being remembered).

    Each item carries ``retrievability``, FSRS's estimate of that chance at ``at``.
    """
    at = _utc(at or timezone.now())
    profile = profile or profile_of(user)
    scheduler = scheduler_for(profile)
    items = list(
        ReviewItem.objects.for_user(user)
        .active(profile)
        .due(at)
        .select_related("keypoint", "question")
        .order_by("due", "pk")
    )
    for item in items:
        item.retrievability = scheduler.get_card_retrievability(item.card(), at)
    items.sort(key=lambda item: (item.retrievability, item.due, item.pk))
    return items


def due_questions(items: list[ReviewItem]) -> list[int]:
    """Question ids of the due items, the question holding the weakest keypoint first."""
    return list(dict.fromkeys(item.question_id for item in items))


def practised_today(*, user, now: datetime) -> int:
    start = now.astimezone(timezone.get_current_timezone()).replace(hour=0, minute=0, second=0, microsecond=0)
    total = PracticeRun.objects.filter(user=user, started_at__gte=start, started_at__lte=now).aggregate(
        n=Sum("question_count")
    )["n"]
    return total or 0


def queue_summary(*, user, at: datetime | None = None) -> dict:
    """What the home page and the practice page show: due items, questions, and today's allowance."""
    at = at or timezone.now()
    profile = profile_of(user)
    items = due_items(user=user, at=at, profile=profile)
    questions = due_questions(items)
    left = max(0, profile.daily_max - practised_today(user=user, now=at))
    return {
        "profile": profile,
        "items": items,
        "due_count": len(items),
        "question_count": len(questions),
        "left_today": left,
        "next_count": min(left, len(questions)),
    }


def forecast(*, user, at: datetime | None = None) -> dict:
    """How many active items fall due by the end of today, within 7 days and within 30 days."""
    at = at or timezone.now()
    profile = profile_of(user)
    active = ReviewItem.objects.for_user(user).active(profile)
    end_of_today = at.astimezone(timezone.get_current_timezone()).replace(
        hour=23, minute=59, second=59, microsecond=999999
    )
    return {
        "today": active.due(end_of_today).count(),
        "week": active.due(at + timedelta(days=7)).count(),
        "month": active.due(at + timedelta(days=30)).count(),
    }


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def practice_start(*, user, now: datetime | None = None) -> InterviewSession:
    """Start a self-assessment of the questions holding due keypoints, weakest first.

    At most the user's daily maximum of questions a day, counted over the practice sessions
    started today.
    """
    now = now or timezone.now()
    profile = profile_of(user)
    left = profile.daily_max - practised_today(user=user, now=now)
    questions = due_questions(due_items(user=user, at=now, profile=profile))
    if not questions:
        raise Conflict("Nothing is due for practice now.")
    if left <= 0:
        raise Conflict(
            f"You have practised your daily maximum of {profile.daily_max} "
            f"question{'' if profile.daily_max == 1 else 's'} today. "
            "Come back tomorrow, or raise the maximum."
        )
    chosen = questions[:left]
    session = session_services.session_create(by=user, mode=Mode.SELF, question_ids=chosen)
    InterviewSession.objects.filter(pk=session.pk).update(title=PRACTICE_TITLE)
    session.title = PRACTICE_TITLE
    PracticeRun.objects.create(user=user, session=session, question_count=len(chosen), started_at=now)
    return session


@transaction.atomic
def profile_update(*, user, desired_retention: float, daily_max: int) -> PracticeProfile:
    profile = profile_of(user)
    profile.desired_retention, profile.daily_max = desired_retention, daily_max
    try:
        profile.full_clean(exclude=["user"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    profile.save()
    return profile


def item_suspend(*, user, item_id: int, suspended: bool) -> ReviewItem:
    """Suspend an item (or bring it back); 404 semantics are the caller's: an unknown id raises."""
    item = ReviewItem.objects.for_user(user).get(pk=item_id)
    ReviewItem.objects.filter(pk=item.pk).update(suspended=suspended)
    item.suspended = suspended
    return item


@transaction.atomic
def tag_suspend(*, user, tag, suspended: bool) -> PracticeProfile:
    profile = profile_of(user)
    if profile.pk is None:
        profile.save()
    if suspended:
        profile.suspended_tags.add(tag)
    else:
        profile.suspended_tags.remove(tag)
    return profile


# --- deleting an account ---------------------------------------------------------------------------

FORMER_USER = "former user"  # no sign-up can take it: usernames have no spaces


def former_user():
    """The one inactive account that stands for every deleted person in sessions kept for others.

    It cannot log in (inactive, no usable password). Keeping rows pointing at it, rather than
    at nothing, leaves every page and presenter that names a session's people working.
    """
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=FORMER_USER, defaults={"is_active": False, "email": ""}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def account_delete(*, user, password: str) -> None:
    """Delete the user and what they own; sessions with other people keep the other side's view.

    Deleted: own questions and sets, self-assessments, reports, review items, tokens, and
    sessions where nobody else remains. Kept: every session with someone else in it, where the
    user's place (candidate, interviewer, panelist, their marks and notes) passes to "former
    user". Refused, with nothing deleted, for a wrong password and while the user is the only
    manager of a team that has other members.
    """
    from sessions.models import AnswerReview, Reviewer
    from teams.models import Membership, Team
    from teams.services import team_delete

    if user.username == FORMER_USER or not user.check_password(password or ""):
        raise ValidationError({"password": "This is not your password."})
    managed = Membership.objects.filter(user=user, role=Membership.Role.MANAGER).values("team_id")
    stranded = [
        team.name
        for team in Team.objects.filter(pk__in=managed).order_by("name")
        if not team.memberships.managers().exclude(user=user).exists() and team.memberships.exclude(user=user).exists()
    ]
    if stranded:
        raise Conflict(
            f"You are the only manager of {', '.join(stranded)}. Make someone else a manager first, "
            "so the team keeps one."
        )
    ghost = former_user()
    user.questions.all().delete()
    user.question_sets.all().delete()
    for team in Team.objects.filter(memberships__user=user).distinct():
        if not team.memberships.exclude(user=user).exists():
            team_delete(team=team, by=user)  # refuses while others' work is still shared with it
    mine = InterviewSession.objects.filter(Q(candidate=user) | Q(reviewers__user=user)).distinct()
    kept, gone = [], []
    for session in mine.prefetch_related("reviewers"):
        others = {session.candidate_id, *(r.user_id for r in session.reviewers.all())} - {user.pk, ghost.pk, None}
        keep = session.mode != Mode.SELF and (others or (session.mode == Mode.STRUCTURED and session.team_id))
        (kept if keep else gone).append(session.pk)
    InterviewSession.objects.filter(pk__in=gone).delete()
    # Where "former user" already sits on the panel (another deleted person), this one's side goes.
    crowded = Reviewer.objects.filter(session_id__in=kept, user=ghost).values("session_id")
    Mark.objects.filter(user=user, keypoint__answer__session_id__in=crowded).delete()
    AnswerReview.objects.filter(user=user, answer__session_id__in=crowded).delete()
    Reviewer.objects.filter(user=user, session_id__in=crowded).delete()
    Mark.objects.filter(user=user, keypoint__answer__session_id__in=kept).update(user=ghost)
    AnswerReview.objects.filter(user=user, answer__session_id__in=kept).update(user=ghost)
    Reviewer.objects.filter(user=user, session_id__in=kept).update(user=ghost)
    InterviewSession.objects.filter(pk__in=kept, interviewer=user).update(interviewer=ghost)
    InterviewSession.objects.filter(pk__in=kept, candidate=user).update(candidate=ghost, candidate_email="")
    live.forget(*kept)  # who is in these rooms changed, by updates, which send no signal
    user.delete()
