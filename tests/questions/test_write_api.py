"""Creating, changing and deleting questions and sets through the API, with the page rules."""

import pytest
from rest_framework.test import APIClient

from questions.models import Question, QuestionSet, Visibility

from ..factories import QuestionFactory, QuestionSetFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


def _question(**overrides):
    data = {
        "prompt": "When would you pick DynamoDB over RDS?",
        "context": "",
        "difficulty": "intermediate",
        "tags": ["dynamodb", "Data modelling"],
        "reference_answer": "Access patterns first.",
        "visibility": "private",
        "keypoints": [
            {"text": "Known access patterns", "weight": 2},
            {"text": "Single-digit millisecond reads", "weight": 1},
            {"text": "No joins", "weight": 1, "evidence": ["join", "denormalise"]},
        ],
    }
    data.update(overrides)
    return data


def test_create_question(api, owner):
    TagFactory(slug="dynamodb", name="DynamoDB")
    response = api.post("/api/questions/", _question(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [k["text"] for k in body["keypoints"]] == [
        "Known access patterns",
        "Single-digit millisecond reads",
        "No joins",
    ]
    assert sorted(body["tags"]) == ["data-modelling", "dynamodb"]
    assert Question.objects.get(pk=body["id"]).owner == owner


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"keypoints": [{"text": "one", "weight": 1}]}, "keypoints"),
        ({"keypoints": [{"text": "", "weight": 1}] * 3}, "keypoints"),
        ({"keypoints": [{"text": "x", "weight": 0}] * 3}, "keypoints"),
        ({"difficulty": "hard"}, "difficulty"),
        ({"prompt": ""}, "prompt"),
        ({"visibility": "public"}, "visibility"),
        ({"visibility": "team"}, "team"),
        ({"visibility": "sideways"}, "visibility"),
        ({"tags": "not-a-list"}, "tags"),
    ],
)
def test_bad_question_input_answers_400_naming_the_field(api, overrides, field):
    response = api.post("/api/questions/", _question(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Question.objects.count() == 0


def test_team_question_needs_membership(api, team, outsider):
    assert api.post("/api/questions/", _question(visibility="team", team=team.pk), format="json").status_code == 201
    other = APIClient()
    other.force_authenticate(outsider)
    response = other.post("/api/questions/", _question(visibility="team", team=team.pk), format="json")
    assert response.status_code == 404 and "team" in response.json()


def test_update_and_partial_update(api, owner):
    q = QuestionFactory(owner=owner, visibility=Visibility.PRIVATE, keypoints=["A", "B", "C"])
    ids = list(q.keypoints.values_list("pk", flat=True))
    response = api.patch(f"/api/questions/{q.pk}/", {"prompt": "Sharper prompt?"}, format="json")
    assert response.status_code == 200 and response.json()["prompt"] == "Sharper prompt?"
    assert list(q.keypoints.values_list("pk", flat=True)) == ids
    response = api.put(f"/api/questions/{q.pk}/", _question(), format="json")
    assert response.status_code == 200
    assert [k["text"] for k in response.json()["keypoints"]][0] == "Known access patterns"


def test_delete_question(api, owner):
    q = QuestionFactory(owner=owner, visibility=Visibility.PRIVATE)
    assert api.delete(f"/api/questions/{q.pk}/").status_code == 204
    assert not Question.objects.filter(pk=q.pk).exists()


def test_create_and_reorder_a_set(api, owner):
    a, b, c = QuestionFactory(), QuestionFactory(), QuestionFactory()
    response = api.post(
        "/api/question-sets/",
        {"title": "Loop", "questions": [c.pk, a.pk], "minutes_per_question": 15},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [q["id"] for q in body["questions"]] == [c.pk, a.pk] and body["minutes_per_question"] == 15
    response = api.patch(f"/api/question-sets/{body['id']}/", {"questions": [a.pk, b.pk, c.pk]}, format="json")
    assert [q["id"] for q in response.json()["questions"]] == [a.pk, b.pk, c.pk]
    assert response.json()["title"] == "Loop"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"title": ""}, "title"),
        ({"title": "T", "questions": [999999]}, "questions"),
        ({"title": "T", "minutes_per_question": 0}, "minutes_per_question"),
        ({"title": "T", "visibility": "team"}, "team"),
    ],
)
def test_bad_set_input(api, payload, field):
    response = api.post("/api/question-sets/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert QuestionSet.objects.count() == 0


def test_set_cannot_include_questions_the_caller_cannot_see(api, outsider):
    hidden = QuestionFactory(owner=outsider, visibility=Visibility.PRIVATE)
    response = api.post("/api/question-sets/", {"title": "T", "questions": [hidden.pk]}, format="json")
    assert response.status_code == 400 and "questions" in response.json()


def test_share_set_with_team_via_api(api, team, teammate, owner):
    mine = QuestionFactory(owner=owner, visibility=Visibility.PRIVATE)
    qset = QuestionSetFactory(owner=owner, visibility=Visibility.PRIVATE, questions=[mine])
    response = api.patch(f"/api/question-sets/{qset.pk}/", {"visibility": "team", "team": team.pk}, format="json")
    assert response.status_code == 200
    member = APIClient()
    member.force_authenticate(teammate)
    assert [q["id"] for q in member.get(f"/api/question-sets/{qset.pk}/").json()["questions"]] == [mine.pk]


def test_clone_via_api(api):
    bank_set = QuestionSetFactory(questions=[QuestionFactory()])
    response = api.post(f"/api/question-sets/{bank_set.pk}/clone/")
    assert response.status_code == 201
    assert QuestionSet.objects.get(pk=response.json()["id"]).items.count() == 1


def test_the_browsable_api_shows_an_owner_their_question_and_set(client, owner):
    """A browser (Accept: text/html) gets the browsable API page with the edit form filled in."""
    question = QuestionFactory(owner=owner, visibility="private", prompt="Browsable question?")
    qset = QuestionSetFactory(owner=owner, visibility="private", title="Browsable set", questions=[question])
    client.force_login(owner)
    for url, text in (
        (f"/api/questions/{question.pk}/", "Browsable question?"),
        (f"/api/question-sets/{qset.pk}/", "Browsable set"),
    ):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html") and text in response.content.decode()


def test_the_api_keeps_the_question_rules_with_their_messages(api):
    """The same limits and words as the page, the import and the bank (questions.rules)."""
    response = api.post("/api/questions/", _question(tags=list("abcdef")), format="json")
    assert response.status_code == 400
    assert response.json() == {"tags": ["A question has at most 5 tags; this one has 6."]}
    keypoints = [{"text": "A"}, {"text": "k" * 301}, {"text": "C", "weight": 11}]
    response = api.post("/api/questions/", _question(keypoints=keypoints), format="json")
    assert response.json() == {
        "keypoints": {
            "1": {"text": ["The text has 301 characters; at most 300 are allowed."]},
            "2": {"weight": ["The weight must be a whole number from 1 to 10, not '11'."]},
        }
    }
    response = api.post("/api/questions/", _question(keypoints=keypoints[:1]), format="json")
    assert response.json() == {"keypoints": ["A question needs 3 to 6 keypoints; it has 1."]}
    assert Question.objects.count() == 0


def test_the_api_stores_contradicting_phrases_and_a_patch_keeps_them(api, owner):
    keypoints = [{"text": "Sync", "contradicts": ["asynchronous", " "]}, {"text": "B"}, {"text": "C"}]
    question_id = api.post("/api/questions/", _question(keypoints=keypoints), format="json").json()["id"]
    assert api.patch(f"/api/questions/{question_id}/", {"prompt": "Sharper?"}, format="json").status_code == 200
    question = Question.objects.get(pk=question_id)
    assert [kp.contradicts for kp in question.keypoints.all()] == [["asynchronous"], [], []]
