import functools
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, models
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from questions.models import Question
from questions.rows import bank_sets

log = logging.getLogger(__name__)


@require_safe
def home(request):
    if request.user.is_authenticated:
        context = _dashboard(request.user)
    else:  # the count is shown only to visitors ("Browse 100 questions")
        context = {"question_count": Question.objects.for_user(request.user).count(), "sets": bank_sets()}
    return render(request, "home.html", context)


def _dashboard(user):
    """A logged-in user's home: what is in progress, waiting, coming up, and recent scores."""
    from django.utils import timezone

    from sessions.models import InterviewSession, Mode, Status
    from sessions.scoring import session_score_sql

    # Each list reads only the columns the page shows of it. The live and scheduled ones are few: taken
    # by the partial index of open sessions, then the user's part in each is asked row by row.
    mine = InterviewSession.objects.filter(status__in=[Status.LIVE, Status.SCHEDULED]).for_user(user, few=True)
    now = timezone.now()
    recent = list(
        InterviewSession.objects.filter(candidate=user, status=Status.FINISHED)
        .exclude(mode=Mode.STRUCTURED)
        .only("pk", "title", "mode", "finished_at")
        .annotate(score=session_score_sql())
        .order_by("-finished_at")[:5]
    )
    for session in recent:  # rounded as the session's own page rounds it
        session.score = None if session.score is None else round(session.score, 1)
    return {
        "in_progress": list(
            mine.filter(status=Status.LIVE)
            .only("pk", "title", "mode", "current_position", "question_count")
            .order_by("-created_at")[:10]
        ),
        "upcoming": list(
            mine.filter(status=Status.SCHEDULED)
            .only("pk", "title", "mode", "scheduled_at")
            .order_by(models.F("scheduled_at").asc(nulls_last=True))[:10]
        ),
        "invitations": list(
            InterviewSession.objects.filter(
                mode=Mode.STRUCTURED,
                candidate__isnull=True,
                candidate_email__iexact=user.email,
                invite_expires_at__gt=now,
            )
            .exclude(status=Status.FINISHED)
            .only("pk", "title", "invite_token", "scheduled_at")[:10]
        )
        if user.email
        else [],
        "recent": recent,
        "sets": bank_sets(),  # public, the same for everybody: from the cache
        "overdue_scorecards": _overdue_scorecards(user, now),
    }


def _overdue_scorecards(user, now):
    """Scorecards not in an hour after their interview: the user's own, and for a manager their teams'."""
    from sessions.services import scorecards_overdue
    from teams.permissions import teams_managed_by

    overdue = scorecards_overdue(now=now).filter(
        models.Q(user=user) | models.Q(session__team_id__in=teams_managed_by(user))
    )
    shown = ("pk", "user_id", "session_id", "user__username", "session__title", "session__finished_at")
    return list(overdue.select_related("user", "session").only(*shown).order_by("session__finished_at", "pk")[:20])


@functools.cache
def _redis_client(url):
    """One client (and its connection pool) per process and address: health checks reuse it."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


@never_cache
@require_safe
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 naming what failed.

    Only the name of the failing service is told; the error (host, port, ...) goes to the log.
    """
    failed = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        log.exception("Health check: the database does not answer")
        failed["database"] = "unavailable"
    if settings.REDIS_URL:
        try:
            _redis_client(settings.REDIS_URL).ping()
        except Exception:  # noqa: BLE001
            log.exception("Health check: Redis does not answer")
            failed["redis"] = "unavailable"
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})


def not_found(request, exception):
    """404: JSON under /api/ (the API's clients read JSON), the page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


# How long a client should wait before it tries again while the database is away.
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """500, except when the database is not answering (restarted, failed over, a dropped link):
    then 503 with Retry-After, which the room's script reads as "reconnecting" and retries, keeping
    what was typed. The 503 page renders without the database (no user, no session)."""
    from django.views.defaults import server_error as plain_server_error

    if not isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return plain_server_error(request)
    message = "The database is not answering. Nothing you typed is lost; try again in a few seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    elif request.headers.get("HX-Request"):
        response = HttpResponse(message, status=503, content_type="text/plain")
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
