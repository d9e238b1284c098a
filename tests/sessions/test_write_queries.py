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


def test_an_answer_save_runs_three_queries(client, live, candidate):
    login(client, candidate)
    body, queries = _post(client, f"/sessions/{live.pk}/answers/1/text/", {"text": "A queue in front."})
    # The answer with its session (the candidate's), its text, the session's answer_version.
    assert len(queries) == 3, queries
    assert body == '<span class="save-state saved">Saved</span>'
    assert live.answers.get(position=1).text == "A queue in front."


def test_a_mark_runs_a_fixed_number_of_queries(client, live, owner):
    login(client, owner)
    kp = keypoint_ids(live, 1)[0]
    path = f"/sessions/{live.pk}/answers/1/marks/{kp}/"
    _post(client, path, {"mark": "partial"})  # the review and the mark exist from now on, as in a room
    body, queries = _post(client, path, {"mark": "covered"})
    # The reviewer with the session; the answer, with whether another interview the reviewer is taking
    # locks its rubric and with their notes (for the suggestion recorded with the mark); its keypoints;
    # the review locked, the mark upserted, the reviewer's marks, the review's score, the answer's score
    # (the lead's); and the savepoint around the transaction.
    assert len(queries) == 10, queries
    assert 'id="score-1"' in body and "<strong>50.0</strong>" in body  # weight 2 of 4


def test_a_notes_save_runs_a_fixed_number_of_queries(client, live, owner):
    login(client, owner)
    path = f"/sessions/{live.pk}/answers/1/notes/"
    _post(client, path, {"notes": "Said: load balancer.", "version": 0})
    body, queries = _post(client, path, {"notes": "Said: load balancer, retries.", "version": 1})
    # The reviewer with the session, the answer, the review locked, the notes; then the answer's keypoints
    # for the suggestions shown; and the savepoint around the transaction.
    assert len(queries) == 7, queries
    assert 'name="version" value="2"' in body
    assert body.count('class="suggestion"') == 3  # one per keypoint of the answer, out of band


def test_a_first_notes_save_creates_the_review_in_two_more_queries(client, live, owner):
    login(client, owner)
    body, queries = _post(client, f"/sessions/{live.pk}/answers/2/notes/", {"notes": "First words.", "version": 0})
    # As above, but the locking read finds no review: it is inserted (ON CONFLICT DO NOTHING), then locked.
    assert len(queries) == 9, queries
    assert 'name="version" value="1"' in body
    assert live.answers.get(position=2).reviews.get(user=owner).notes == "First words."


# --- the same refusals as before the session was read more lightly ---------------------------------


@pytest.fixture
def peer_live(owner, candidate):
    return start_peer(owner, candidate, [make_question(400), make_question(401)])


def _writes(session):
    kp = keypoint_ids(session, 1)[0]
    return {
        "answer": (f"/sessions/{session.pk}/answers/1/text/", {"text": "x"}),
        "mark": (f"/sessions/{session.pk}/answers/1/marks/{kp}/", {"mark": "covered"}),
        "notes": (f"/sessions/{session.pk}/answers/1/notes/", {"notes": "x", "version": 0}),
    }


def test_outsiders_get_404_and_the_wrong_side_403(client, peer_live, owner, candidate, outsider):
    writes = _writes(peer_live)
    login(client, outsider)
    for name, (path, data) in writes.items():
        assert client.post(path, data, headers=HTMX).status_code == 404, name
    login(client, candidate)  # the candidate writes the answer, never marks or notes
    assert client.post(*writes["mark"], headers=HTMX).status_code == 403
    assert client.post(*writes["notes"], headers=HTMX).status_code == 403
    login(client, owner)  # the interviewer marks and takes notes, never writes the answer
    assert client.post(*writes["answer"], headers=HTMX).status_code == 403


def test_a_manager_off_the_panel_may_not_mark_or_take_notes(client, owner, team, teammate, candidate):
    from tests.factories import QuestionSetFactory

    from .conftest import start_structured

    qset = QuestionSetFactory(owner=owner, team=team, questions=[make_question(410)])
    session = start_structured(teammate, candidate, team, qset)
    writes = _writes(session)
    login(client, owner)  # manages the team: sees the session, is not on its panel
    assert client.post(*writes["mark"], headers=HTMX).status_code == 403
    assert client.post(*writes["notes"], headers=HTMX).status_code == 403


def test_a_mark_is_refused_while_another_interview_locks_the_rubric(client, owner, candidate, outsider):
    question = make_question(420)
    led = start_peer(owner, candidate, [question])
    start_peer(outsider, owner, [question])  # the owner now takes an interview with the same question
    login(client, owner)
    response = client.post(*_writes(led)["mark"], headers=HTMX)
    assert response.status_code == 409 and services.LOCKED_MESSAGE in response.content.decode()
    assert client.post(*_writes(led)["notes"], headers=HTMX).status_code == 200  # notes are not the rubric


def test_an_answer_save_is_refused_as_before(client, peer_live, owner, candidate):
    login(client, candidate)
    path = f"/sessions/{peer_live.pk}/answers/{{}}/text/"
    missing = client.post(path.format(99), {"text": "x"}, headers=HTMX)
    assert missing.status_code == 409 and "questions 1 to 2" in missing.content.decode()
    later = client.post(path.format(2), {"text": "x"}, headers=HTMX)
    assert later.status_code == 409 and "moved on" in later.content.decode()
    services.finish(session=peer_live, by=owner)
    finished = client.post(path.format(1), {"text": "x"}, headers=HTMX)
    assert finished.status_code == 409 and "finished" in finished.content.decode()
