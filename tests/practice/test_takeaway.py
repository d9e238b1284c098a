"""Your data to take away: the Anki deck (opened as Anki would: a zip holding a SQLite
collection), the JSON archive read back by the set import, and deleting an account with both
sides of a shared interview checked."""

import io
import json
import sqlite3
import tempfile
import zipfile

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from practice.models import ReviewItem
from questions.models import Question, QuestionSet, Visibility
from questions.transfer import import_set, parse_upload
from sessions import services
from sessions.models import Answer, InterviewSession, Mark
from teams.models import Membership, Team

from ..conftest import login
from ..factories import PASSWORD, MembershipFactory, QuestionFactory, QuestionSetFactory, UserFactory
from .conftest import api_as, fresh, mark_all, self_assessment

pytestmark = pytest.mark.django_db


def read_deck(content: bytes) -> list[dict]:
    """The notes of an .apkg: front, back and tags of each."""
    with zipfile.ZipFile(io.BytesIO(content)) as package, tempfile.TemporaryDirectory() as tmp:
        path = package.extract("collection.anki2", tmp)
        with sqlite3.connect(path) as db:
            rows = db.execute("SELECT flds, tags FROM notes ORDER BY id").fetchall()
    return [{"front": f.split("\x1f")[0], "back": f.split("\x1f")[1], "tags": t.split()} for f, t in rows]


@pytest.fixture
def candidate(db):
    return UserFactory(username="candidate")


@pytest.fixture
def history(owner, candidate, questions):
    """Owner practised questions 1 and 2 alone; candidate was interviewed by owner on question 3."""
    services.finish(session=self_assessment(owner, questions[:2], {1: ["missed", "partial", "covered"]}), by=owner)
    peer = services.session_create(by=owner, mode="peer", question_ids=[questions[2].pk])
    services.session_join(token=peer.invite_token, user=candidate)
    peer = mark_all(peer, owner, {1: ["covered", "missed"]})
    services.notes_save(session=peer, position=1, by=owner, notes="Shared note", version=0)
    services.finish(session=peer, by=owner, feedback="Good on VPCs", shared_positions=[1])
    return fresh(peer)


# --- Anki -------------------------------------------------------------------------------------------


def test_anki_deck_one_note_per_question_practised(client, owner, questions, history):
    response = login(client, owner).get("/practice/export/anki/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    notes = read_deck(response.content)
    assert len(notes) == 2  # questions 1 and 2; owner only interviewed on question 3
    by_front = {n["front"]: n for n in notes}
    first = next(n for front, n in by_front.items() if questions[0].prompt in front)
    assert "First keypoint <em>(missed)</em>" in first["back"]
    assert "Second keypoint <em>(partly covered)</em>" in first["back"]
    assert "Third keypoint <em>(covered)</em>" in first["back"]
    assert "<strong>reference</strong>" in first["back"]  # the reference answer, Markdown rendered
    assert first["tags"] == ["vpc"]
    second = next(n for front, n in by_front.items() if questions[1].prompt in front)
    assert "(not marked)" in second["back"]


def test_anki_deck_of_a_peer_candidate_holds_the_interviewers_marks(candidate, questions, history):
    response = api_as(candidate).get("/api/export/anki/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    (note,) = read_deck(response.content)
    assert questions[2].prompt in note["front"] and note["tags"] == ["iam"]
    assert "First keypoint <em>(covered)</em>" in note["back"] and "Second keypoint <em>(missed)</em>" in note["back"]


def test_anki_deck_of_an_outsider_is_empty_and_anonymous_is_refused(client, outsider, history):
    assert read_deck(login(client, outsider).get("/practice/export/anki/").content) == []
    assert api_as().get("/api/export/anki/").status_code in (401, 403)
    assert APIClient().get("/api/export/archive/").status_code in (401, 403)


# --- JSON archive -------------------------------------------------------------------------------------


def test_archive_holds_what_the_user_owns_and_the_import_reads_it_back(owner, outsider, questions, history):
    mine = QuestionFactory(prompt="My own question about NAT?", owner=owner, visibility=Visibility.PRIVATE)
    QuestionSetFactory(title="My loop", owner=owner, visibility=Visibility.PRIVATE, questions=[mine, questions[0]])
    response = api_as(owner).get("/api/export/archive/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["format"] == "interviewprep.archive" and body["profile"]["username"] == "owner"
    assert [q["prompt"] for q in body["own_questions"][0]["questions"]] == [mine.prompt]
    assert body["question_sets"][0]["set"]["title"] == "My loop"
    assert {s["mode"] for s in body["sessions"]} == {"self", "peer"}
    assert {i["last_mark"] for i in body["review_items"]} == {"missed", "partial"}
    # The set import reads the archive's documents back, for anyone.
    for document in [*body["own_questions"], *body["question_sets"]]:
        data = parse_upload(json.dumps(document).encode(), filename="archive.json")
        import_set(owner=outsider, data=data)
    assert Question.objects.filter(owner=outsider, prompt=mine.prompt).count() == 2
    assert QuestionSet.objects.get(owner=outsider, title="My loop").items.count() == 2
    # Nothing of the owner's in the outsider's archive.
    other = json.loads(api_as(UserFactory(username="third")).get("/api/export/archive/").content)
    assert other["own_questions"] == [] and other["sessions"] == [] and other["review_items"] == []


# --- deleting an account --------------------------------------------------------------------------------


def test_wrong_password_is_400_and_deletes_nothing(owner, history):
    response = api_as(owner).delete("/api/account/", {"password": "wrong"}, format="json")
    assert response.status_code == 400 and "password" in response.json()
    assert api_as(owner).delete("/api/account/", {}, format="json").status_code == 400
    assert User.objects.filter(pk=owner.pk).exists() and ReviewItem.objects.filter(user=owner).exists()


def test_delete_account_api_204_then_token_and_session_stop_working(client, owner, history):
    token = Token.objects.create(user=owner)
    login(client, owner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/reviews/due/").status_code == 200
    assert api.delete("/api/account/", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.filter(username="owner").exists()
    assert api.get("/api/reviews/due/").status_code == 401
    assert client.get("/practice/").status_code == 302  # logged out: back to the log-in page


def test_deleted_interviewer_candidate_keeps_marks_notes_feedback(owner, candidate, questions, history):
    QuestionFactory(owner=owner, visibility=Visibility.PRIVATE)
    assert api_as(owner).delete("/api/account/", {"password": PASSWORD}, format="json").status_code == 204
    assert not Question.objects.filter(owner__username="owner").exists()
    assert not InterviewSession.objects.filter(mode="self").exists()  # the self-assessment went
    view = api_as(candidate).get(f"/api/sessions/{history.pk}/").json()
    assert view["interviewer"] == "former user" and view["feedback"] == "Good on VPCs"
    answer = view["answers"][0]
    assert [kp["mark"] for kp in answer["keypoints"]][:2] == ["covered", "missed"] and answer["notes"] == "Shared note"
    assert ReviewItem.objects.filter(user=candidate).count() == 1
    former = User.objects.get(username="former user")
    assert not former.is_active and not former.has_usable_password()


def test_deleted_candidate_interviewer_keeps_the_answers_and_marks(client, owner, candidate, questions, history):
    Answer.objects.filter(session=history).update(text="The candidate's answer")
    response = login(client, candidate).post("/practice/account/delete/", {"password": "wrong"})
    assert response.status_code == 400 and "This is not your password." in response.content.decode()
    response = client.post("/practice/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert not User.objects.filter(username="candidate").exists()
    view = api_as(owner).get(f"/api/sessions/{history.pk}/").json()
    assert view["candidate"] == "former user"
    assert view["answers"][0]["text"] == "The candidate's answer"
    assert [kp["mark"] for kp in view["answers"][0]["keypoints"]][:2] == ["covered", "missed"]
    assert Mark.objects.filter(user=owner, keypoint__answer__session=history).count() == 2
    page = login(client, owner).get("/sessions/").content.decode()
    assert "former user" in page


def test_only_manager_of_a_team_with_members_is_refused(owner, team, teammate, history):
    response = api_as(owner).delete("/api/account/", {"password": PASSWORD}, format="json")
    assert response.status_code == 409 and "only manager of Platform hiring" in response.json()["detail"]
    assert User.objects.filter(pk=owner.pk).exists()
    Membership.objects.filter(team=team, user=teammate).update(role=Membership.Role.MANAGER)
    assert api_as(owner).delete("/api/account/", {"password": PASSWORD}, format="json").status_code == 204
    assert Membership.objects.filter(team=team).count() == 1


def test_a_team_of_one_goes_with_its_member(owner):
    lone = MembershipFactory(user=owner, role=Membership.Role.MANAGER).team
    assert api_as(owner).delete("/api/account/", {"password": PASSWORD}, format="json").status_code == 204
    assert not Team.objects.filter(pk=lone.pk).exists()


def test_delete_page_needs_login_and_shows_a_password_form(client, owner):
    assert client.get("/practice/account/delete/").status_code == 302
    page = login(client, owner).get("/practice/account/delete/").content.decode()
    assert 'type="password"' in page and "former user" in page
    assert client.put("/practice/account/delete/").status_code == 405
    assert api_as(owner).get("/api/account/").status_code == 405


def test_export_and_account_endpoints_are_in_the_schema(owner):
    schema = api_as(owner).get("/api/schema/").content.decode()
    for path in ("/api/export/anki/", "/api/export/archive/", "/api/account/"):
        assert path in schema
