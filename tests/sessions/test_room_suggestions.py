"""Suggestions in the rooms: the interviewer side sees them, the candidate never does, and a
mark records whether it followed the suggestion or overrode it."""

import pytest

from questions.models import RubricKeypoint
from sessions import services
from sessions.models import Mark

from ..conftest import login
from .conftest import api_as, fresh, keypoint_ids, start_peer

pytestmark = pytest.mark.django_db

ANSWER = "Security groups are stateful, so return traffic is allowed automatically."


@pytest.fixture
def sg_question(bank):
    """Bank question 1 with a rubric the matcher can read."""
    question = bank[0]
    kp = question.keypoints.order_by("position").first()
    RubricKeypoint.objects.filter(pk=kp.pk).update(
        text="Security groups are stateful: return traffic is allowed automatically.",
        evidence=["stateful", "return traffic"],
        contradicts=["security groups are stateless"],
    )
    return question


def test_self_assessment_shows_suggestions_after_submit_and_accepts_them(client, owner, sg_question):
    session = services.session_create(by=owner, mode="self", question_ids=[sg_question.pk])
    login(client, owner)
    client.post(f"/sessions/{session.pk}/answers/1/text/", {"text": ANSWER})
    before = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "data-suggested" not in before  # not before the answer is submitted
    client.post(f"/sessions/{session.pk}/answers/1/submit/")
    room = client.get(f"/sessions/{session.pk}/").content.decode()
    assert 'data-suggested="covered"' in room and "stateful" in room and "Accept all suggestions" in room

    response = client.post(f"/sessions/{session.pk}/answers/1/accept-suggestions/")
    assert response.status_code == 302
    marks = {m.keypoint.position: m for m in Mark.objects.filter(user=owner).select_related("keypoint")}
    assert marks[1].value == "covered" and all(m.value == m.suggested for m in marks.values())
    assert fresh(session).answers.get().score > 0

    # Overriding one: the mark keeps what the suggestion said.
    kp = keypoint_ids(session, 1)[0]
    client.post(f"/sessions/{session.pk}/answers/1/marks/{kp}/", {"mark": "missed"})
    mark = Mark.objects.get(keypoint_id=kp, user=owner)
    assert (mark.value, mark.suggested) == ("missed", "covered")


def test_the_interviewer_sees_suggestions_as_the_candidate_types_and_the_candidate_never(
    client, owner, candidate, sg_question, bank
):
    session = start_peer(owner, candidate, [sg_question])
    login(client, candidate)
    client.post(f"/sessions/{session.pk}/answers/1/text/", {"text": ANSWER})
    candidate_room = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Suggested" not in candidate_room and "data-suggested" not in candidate_room
    api_body = api_as(candidate).get(f"/api/sessions/{session.pk}/").content.decode()
    assert "suggestion" not in api_body

    session = fresh(session)
    login(client, owner)
    room = client.get(f"/sessions/{session.pk}/").content.decode()
    assert 'data-suggested="covered"' in room
    live = client.get(f"/sessions/{session.pk}/poll/", {"v": session.version, "a": session.answer_version - 1})
    assert live.status_code == 200 and b'hx-swap-oob="true"' in live.content and b"data-suggested" in live.content
    body = api_as(owner).get(f"/api/sessions/{session.pk}/").json()
    first = body["answers"][0]["keypoints"][0]
    assert first["suggestion"]["verdict"] == "covered"
    assert all(ANSWER[e["start"] : e["end"]] == e["text"] for e in first["suggestion"]["evidence"])

    accepted = api_as(owner).post(f"/api/sessions/{session.pk}/answers/1/accept-suggestions/")
    assert accepted.status_code == 200 and accepted.json()["answers"][0]["keypoints"][0]["mark"] == "covered"


def test_notes_of_what_was_said_feed_the_suggestions(client, owner, candidate, sg_question):
    session = start_peer(owner, candidate, [sg_question])
    login(client, owner)
    response = client.post(
        f"/sessions/{session.pk}/answers/1/notes/",
        {"notes": "Said SGs are stateful and return traffic just works.", "version": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and b'data-suggested="covered"' in response.content


def test_accepting_with_nothing_written_is_refused(owner, candidate, sg_question):
    session = start_peer(owner, candidate, [sg_question])
    response = api_as(owner).post(f"/api/sessions/{session.pk}/answers/1/accept-suggestions/")
    assert response.status_code == 409
    assert api_as(candidate).post(f"/api/sessions/{session.pk}/answers/1/accept-suggestions/").status_code == 403
