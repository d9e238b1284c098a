"""/healthz answers for the database and, when configured, Redis."""

import socket

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_redis_answers_503_naming_it_and_nothing_more(client, settings, caplog):
    port = _closed_port()
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": {"redis": "unavailable"}}
    assert str(port) not in response.content.decode()
    assert str(port) in caplog.text  # the details go to the log


def test_broken_database_answers_503_naming_it(client, settings):
    from django.db import connection

    real_execute = connection.cursor

    class Failing:
        def __enter__(self):
            raise connection.Database.OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432')

        def __exit__(self, *exc):
            return False

    connection.cursor = lambda: Failing()
    try:
        response = client.get(reverse("healthz"))
    finally:
        connection.cursor = real_execute
    assert response.status_code == 503
    assert response.json()["failed"] == {"database": "unavailable"}
    assert "db.internal" not in response.content.decode() and "5432" not in response.content.decode()


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    from django.test import Client

    assert Client().get("/healthz").status_code == 200
    assert Client().get(reverse("questions:list")).status_code == 301


@pytest.mark.parametrize(
    ("path", "headers", "content_type"),
    [
        ("/sessions/", {}, "text/html"),
        ("/sessions/1/answers/1/text/", {"HX-Request": "true"}, "text/plain"),
        ("/api/sessions/", {}, "application/json"),
    ],
)
def test_a_database_that_is_away_answers_503_with_retry_after(rf, path, headers, content_type):
    """Django's 500 handler runs inside the failed request's except block; the browser test
    (tests/browser/test_reconnect.py) cuts a real database link through the whole stack."""
    from django.db import OperationalError

    from interviewprep.views import server_error

    request = rf.get(path, headers=headers)
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response["Content-Type"].startswith(content_type)
    assert b"Nothing you typed is lost" in response.content


def test_any_other_server_error_stays_a_500(rf):
    from interviewprep.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/sessions/"))
    assert response.status_code == 500 and not response.has_header("Retry-After")
