from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from questions.models import Question, QuestionSet


@require_safe
def home(request):
    questions = Question.objects.for_user(request.user)
    context = {
        "question_count": questions.count(),
        "sets": QuestionSet.objects.for_user(request.user).filter(owner__isnull=True).order_by("pk")[:10],
    }
    return render(request, "home.html", context)


@never_cache
@require_safe
def healthz(request):
    """200 when the database (and Redis, when configured) answer; 503 naming what failed."""
    failed = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        failed["database"] = str(exc) or exc.__class__.__name__
    if settings.REDIS_URL:
        try:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
            client.ping()
            client.close()
        except Exception as exc:  # noqa: BLE001
            failed["redis"] = str(exc) or exc.__class__.__name__
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})
