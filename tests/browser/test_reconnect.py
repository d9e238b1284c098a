"""PostgreSQL goes away during a session and comes back: the room says "Reconnecting…", the answer
box keeps what was typed meanwhile, and saves it once the database answers again.

The app runs in a gunicorn process of its own that reaches the test database through a TCP relay
owned by this test. Cutting the relay drops every open connection and refuses new ones, which is
what the app sees of a PostgreSQL restart, without stopping the server the other tests share.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from sessions.models import Answer
from sessions.services import session_create

from ..factories import PASSWORD, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


class Relay:
    """Forwards 127.0.0.1:<port> to PostgreSQL until cut; can be opened again on the same port."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = _free_port()
        self.sockets = []
        self.listener = None

    def open(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        for sock in [self.listener, *self.sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_through_relay():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it")
    db = connection.settings_dict
    relay = Relay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    relay.open()
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{relay.port}/{db['NAME']}",
        "REDIS_URL": settings.CACHES["default"]["LOCATION"] if settings.REDIS_URL else "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "interviewprep.wsgi", "-b", f"127.0.0.1:{port}", "-k", "gthread"]
        + ["--threads", "4", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url, relay
    finally:
        server.terminate()
        server.wait(10)
        relay.cut()


def test_the_answer_typed_while_the_database_is_away_is_saved_when_it_is_back(app_through_relay, page):
    url, relay = app_through_relay
    user = UserFactory(username="rhea")
    question = QuestionFactory(prompt="How would you make an RDS database survive an AZ failure?")
    session = session_create(by=user, mode="self", question_ids=[question.pk])

    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill("rhea")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, rhea")).to_be_visible()
    page.goto(f"{url}/sessions/{session.pk}/")
    box = page.get_by_label("Your answer")
    box.fill("Use a Multi-AZ deployment.")
    expect(page.locator("#save-state")).to_have_text("Saved")

    relay.cut()
    box.press_sequentially(" A standby in another AZ takes over.", delay=5)
    state = page.locator("#connection-state")
    expect(state).to_contain_text("Reconnecting")
    expect(page.locator("#save-state")).to_contain_text("Not saved yet")
    answer = Answer.objects.get(session=session)
    assert answer.text == "Use a Multi-AZ deployment."  # the database really was away
    # A page loaded meanwhile answers 503 with a page of its own, not a 500.
    response = page.request.get(f"{url}/sessions/")
    assert (response.status, response.headers["retry-after"]) == (503, "5")

    relay.open()
    expect(state).to_have_text("Reconnected.", timeout=15000)
    expect(page.locator("#save-state")).to_have_text("Saved")
    answer.refresh_from_db()
    assert answer.text == "Use a Multi-AZ deployment. A standby in another AZ takes over."
    assert box.input_value() == answer.text
    assert [e for e in page.console_errors if "503" not in e and "ERR_" not in e] == []
