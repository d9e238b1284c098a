"""The live room's frequent writes (issue 14): an answer save, a mark and a notes save each run a fixed,
small number of queries, however many questions the session has, and answer the same fragments.

The counts are those of a test, which runs inside a transaction: the services' ``transaction.atomic``
adds a SAVEPOINT and its RELEASE here, where in production it is BEGIN and COMMIT (not queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions import services

from ..conftest import login
from .conftest import keypoint_ids, make_question, start_peer

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(params=[2, 12], ids=["2 questions", "12 questions"])
def live(request, owner, candidate):
    session = start_peer(owner, candidate, [make_question(300 + n) for n in range(request.param)])
    services.answer_save_text(session=session, position=1, by=candidate, text="A load balancer and retries.")
    return session


def _post(client, path, data):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(path, data, headers=HTMX)
    assert response.status_code == 200, response.content
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_an_answer_save_runs_four_queries(client, live, candidate):
    login(client, candidate)
    body, queries = _post(client, f"/sessions/{live.pk}/answers/1/text/", {"text": "A queue in front."})
    # The session (with the access check), the answer, its text, the session's answer_version.
    assert len(queries) == 4, queries
    assert body == '<span class="save-state saved">Saved</span>'
    assert live.answers.get(position=1).text == "A queue in front."


def test_a_mark_runs_a_fixed_number_of_queries(client, live, owner):
    login(client, owner)
    kp = keypoint_ids(live, 1)[0]
    path = f"/sessions/{live.pk}/answers/1/marks/{kp}/"
    _post(client, path, {"mark": "partial"})  # the review and the mark exist from now on, as in a room
    body, queries = _post(client, path, {"mark": "covered"})
    # The session (with the access check), the reviewer, the answer, its keypoints, the rubric lock
    # (another interview the reviewer is taking), the reviewer's notes (for the suggestion recorded with
    # the mark), the review locked, the mark upserted, the reviewer's marks, the review's score, the
    # answer's score (the lead's); and the savepoint around them.
    assert len(queries) == 13, queries
    assert 'id="score-1"' in body and "<strong>50.0</strong>" in body  # weight 2 of 4


def test_a_notes_save_runs_a_fixed_number_of_queries(client, live, owner):
    login(client, owner)
    path = f"/sessions/{live.pk}/answers/1/notes/"
    _post(client, path, {"notes": "Said: load balancer.", "version": 0})
    body, queries = _post(client, path, {"notes": "Said: load balancer, retries.", "version": 1})
    # The session (with the access check), the reviewer, the answer, the review locked, the notes; then the
    # answer's keypoints for the suggestions shown; and the savepoint around the write.
    assert len(queries) == 8, queries
    assert 'name="version" value="2"' in body
    assert body.count('class="suggestion"') == 3  # one per keypoint of the answer, out of band
