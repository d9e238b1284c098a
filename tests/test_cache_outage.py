"""With Redis away the website keeps working: sessions come from the database and the cache
misses, logging a warning. A real Redis server of the test's own, on a free loopback port, is
stopped under a logged-in browser and started again."""

import logging
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from sessions import services

from .conftest import login
from .factories import PASSWORD, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (CI installs and runs it)")
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def redis_cache(redis_server):
    location = f"redis://127.0.0.1:{redis_server.port}/0"
    cache_settings = {"default": {"BACKEND": "interviewprep.cache.ResilientRedisCache", "LOCATION": location}}
    with override_settings(CACHES=cache_settings, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        yield caches["default"]


PAGES = ["/", "/questions/", "/sessions/", "/sets/", "/reports/"]


def test_pages_and_login_work_while_redis_is_down_and_after_it_is_back(client, redis_server, redis_cache, caplog):
    user = UserFactory(username="steady")
    login(client, user)
    for url in PAGES:
        assert client.get(url).status_code == 200, url

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="interviewprep.cache"):
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "steady" in response.content.decode(), url  # still logged in: the session came from the database
        client.logout()
        assert client.get("/sessions/").status_code == 302  # logged out for real
        login_page = client.get("/accounts/login/")
        assert login_page.status_code == 200
        logged_in = client.post("/accounts/login/", {"username": "steady", "password": PASSWORD})
        assert logged_in.status_code in (200, 302)
    assert any("Cache unavailable" in r.getMessage() for r in caplog.records)

    redis_server.start()
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert redis_cache.get("nothing-here") is None
    redis_cache.set("back", 1)
    assert redis_cache.get("back") == 1


def test_a_write_missed_while_redis_was_away_is_not_served_stale_later(redis_server, redis_cache):
    """Redis paused (SIGSTOP) keeps its data but does not answer, like a network blip."""
    redis_cache.set("session-x", "logged in")
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        redis_cache.delete("session-x")  # a logout while Redis does not answer: the delete times out
        assert redis_cache.get("session-x") is None  # a miss, not an error
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    assert redis_cache.get("session-x") is None  # healed: the stale value was deleted first
    redis_cache.set("session-x", "fresh")
    assert redis_cache.get("session-x") == "fresh"


def test_the_live_room_poll_answers_without_redis_and_misses_no_change_it_made_while_away(
    client, redis_server, redis_cache
):
    owner, candidate = UserFactory(username="lead"), UserFactory(username="taker")
    questions = [QuestionFactory(prompt=f"Outage question {n}?") for n in (1, 2, 3)]
    session = services.session_create(by=owner, mode="peer", question_ids=[q.pk for q in questions])
    services.session_join(token=session.invite_token, user=candidate)
    session.refresh_from_db()
    login(client, candidate)
    poll = f"/sessions/{session.pk}/poll/"
    assert client.get(poll, {"v": session.version}).status_code == 204
    with CaptureQueriesContext(connection) as warm:
        assert client.get(poll, {"v": session.version}).status_code == 204
    assert len(warm) == 0  # answered from Redis

    # Paused, Redis keeps the room as it was but does not hear that it moved on.
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        services.advance(session=session, by=owner)
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    assert client.get(poll, {"v": session.version})["HX-Refresh"] == "true"  # not the old "nothing new"
    session.refresh_from_db()

    redis_server.stop()
    assert client.get(poll, {"v": session.version}).status_code == 204  # from the database
    services.advance(session=session, by=owner)
    assert client.get(poll, {"v": session.version})["HX-Refresh"] == "true"
    candidate.is_active = False
    candidate.save()
    assert client.get(poll, {"v": session.version + 1}).status_code == 302  # signed out, as always
