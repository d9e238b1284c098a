"""The ASGI entry point (interviewprep/asgi.py) serves the app, middleware included."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.testing import ApplicationCommunicator

# The view runs in a thread of the handler's, on a connection of its own: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _request(method, path):
    from interviewprep.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def exchange():
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(10)
        body = b""
        while True:
            message = await communicator.receive_output(10)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        return start["status"], {name.lower(): value for name, value in start["headers"]}, body

    # An event loop of its own, in a thread of its own: the browser tests' Playwright keeps one
    # running in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, exchange()).result()


def test_the_health_check_answers_through_asgi():
    status, headers, body = _request("GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert b"no-cache" in headers[b"cache-control"]


def test_a_page_behind_login_redirects_through_asgi():
    status, headers, _ = _request("GET", "/sessions/")
    assert status == 302
    assert headers[b"location"].startswith(b"/accounts/login/")
