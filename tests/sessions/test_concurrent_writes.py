"""200 marks, notes and answer saves on one live session from parallel clients, through a real
server on PostgreSQL: no 5xx, every mark kept, and notes never lose an update (each save either
wins with the version it read or is refused 409, never silently overwritten)."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from rest_framework.authtoken.models import Token

from sessions.models import AnswerReview, InterviewSession, Mark

from .conftest import keypoint_ids, start_peer

pytestmark = pytest.mark.django_db(transaction=True)
WRITES = 200


@pytest.fixture
def on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("parallel writes through a live server need PostgreSQL (set DATABASE_URL); CI runs them")


def _call(base, token, method, path, body):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_parallel_writes_on_one_session_are_all_kept(on_postgresql, live_server, owner, candidate, bank):
    session = start_peer(owner, candidate, bank)
    lead, taker = Token.objects.create(user=owner).key, Token.objects.create(user=candidate).key
    keypoints = keypoint_ids(session, 1)
    base, path = live_server.url, f"/api/sessions/{session.pk}/answers/1/"

    def write(n):
        kind = n % 4
        if kind == 0:
            return "answer", _call(base, taker, "PUT", path, {"text": f"answer {n}"})
        if kind == 1:
            return "notes", _call(base, lead, "PUT", path + "notes/", {"notes": f"note {n}", "version": n // 4})
        value = ["covered", "partial", "missed"][n % 3]
        kp = keypoints[n % len(keypoints)]
        return f"mark {kp} {value} {n}", _call(base, lead, "PUT", f"{path}marks/{kp}/", {"mark": value})

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(write, range(WRITES)))

    statuses = [status for _, (status, _) in results]
    assert all(status < 500 for status in statuses), [r for r in results if r[1][0] >= 500][:3]
    assert all(status == 200 for name, (status, _) in results if name == "answer")
    assert all(status == 200 for name, (status, _) in results if name.startswith("mark"))
    notes = [(status, body) for name, (status, body) in results if name == "notes"]
    assert all(status in (200, 409) for status, _ in notes)
    accepted = sum(1 for status, _ in notes if status == 200)
    review = AnswerReview.objects.get(answer__session=session, answer__position=1, user=owner)
    assert review.notes_version == accepted >= 1  # every accepted save counted, none lost silently
    assert review.notes.startswith("note ")
    # Every keypoint holds exactly one mark of the lead's, and the score matches the marks.
    marks = Mark.objects.filter(keypoint_id__in=keypoints, user=owner)
    assert marks.count() == len(keypoints)
    answer = InterviewSession.objects.get(pk=session.pk).answers.get(position=1)
    assert answer.text.startswith("answer ")
    assert answer.score == review.score
