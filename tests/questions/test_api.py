"""The read API: contract shapes, filters, bad parameters and visibility."""

import pytest
from rest_framework.test import APIClient

from questions.models import Difficulty

from ..factories import PASSWORD, QuestionFactory, QuestionSetFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def questions():
    s3 = TagFactory(slug="s3", name="S3")
    return [
        QuestionFactory(prompt="Basic storage?", tags=[s3], keypoints=["Objects up to 5 TB", "Keys", "Buckets"]),
        QuestionFactory(prompt="Advanced routing?", difficulty=Difficulty.ADVANCED),
    ]


def test_list_contract(api, questions):
    body = api.get("/api/questions/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    first = body["results"][0]
    assert set(first) == {"id", "slug", "prompt", "difficulty", "tags"}
    assert first["tags"] == ["s3"]


def test_list_filters(api, questions):
    assert api.get("/api/questions/?difficulty=advanced").json()["count"] == 1
    assert api.get("/api/questions/?tag=s3").json()["results"][0]["prompt"] == "Basic storage?"
    assert api.get("/api/questions/?search=5 TB").json()["count"] == 1


def test_detail_contract(api, questions):
    body = api.get(f"/api/questions/{questions[0].pk}/").json()
    assert {"context", "reference_answer", "keypoints"} <= set(body)
    assert [kp["position"] for kp in body["keypoints"]] == [1, 2, 3]
    assert set(body["keypoints"][0]) == {"id", "text", "weight", "position"}


@pytest.mark.parametrize(
    "query,param",
    [
        ("difficulty=expert", "difficulty"),
        ("page=0", "page"),
        ("page=abc", "page"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(api, questions, query, param):
    response = api.get(f"/api/questions/?{query}")
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize("query,param", [("tag=nope", "tag"), ("page=99", "page")])
def test_what_does_not_exist_answers_404_naming_the_parameter(api, questions, query, param):
    """Well formed, as the schema says, but naming nothing: 404, the parameter named."""
    response = api.get(f"/api/questions/?{query}")
    assert response.status_code == 404
    assert param in response.json()


def test_tags_and_sets(api, questions):
    assert api.get("/api/tags/").json() == [{"slug": "s3", "name": "S3"}]
    qset = QuestionSetFactory(title="Mixed", questions=[questions[1], questions[0]])
    listing = api.get("/api/question-sets/").json()
    assert listing["results"][0]["question_count"] == 2
    detail = api.get(f"/api/question-sets/{qset.pk}/").json()
    assert [q["prompt"] for q in detail["questions"]] == ["Advanced routing?", "Basic storage?"]


def test_private_and_team_objects_answer_404_to_outsiders(
    api, outsider, owner, teammate, private_question, team_question
):
    hidden_set = QuestionSetFactory(owner=owner, visibility="private", questions=[private_question])
    for user in (None, outsider):
        api.force_authenticate(user)
        assert api.get(f"/api/questions/{private_question.pk}/").status_code == 404
        assert api.get(f"/api/questions/{team_question.pk}/").status_code == 404
        assert api.get(f"/api/question-sets/{hidden_set.pk}/").status_code == 404
        assert api.get("/api/questions/").json()["count"] == 0
    api.force_authenticate(teammate)
    assert api.get(f"/api/questions/{team_question.pk}/").status_code == 200
    assert api.get(f"/api/questions/{private_question.pk}/").status_code == 404
    api.force_authenticate(owner)
    assert api.get(f"/api/questions/{private_question.pk}/").status_code == 200
    assert api.get(f"/api/question-sets/{hidden_set.pk}/").status_code == 200


def test_tags_are_read_only_and_bank_questions_cannot_be_changed(api, questions):
    api.force_authenticate(UserFactory())
    assert api.post("/api/tags/", {"slug": "x", "name": "X"}).status_code == 405
    assert api.delete(f"/api/questions/{questions[0].pk}/").status_code == 403
    assert api.patch(f"/api/questions/{questions[0].pk}/", {"prompt": "Mine now?"}, format="json").status_code == 403


def test_token_then_authenticated_request(api, private_question):
    response = api.post("/api/auth/token/", {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(f"/api/questions/{private_question.pk}/").status_code == 200


def test_token_bad_input(api, owner):
    assert api.post("/api/auth/token/", {}, format="json").status_code == 400
    response = api.post("/api/auth/token/", {"username": "owner", "password": "wrong"}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_token_endpoint_locks_out_after_repeated_failures(api, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/auth/token/", {"username": "owner", "password": "wrong"}, format="json")
    response = api.post("/api/auth/token/", {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "Too many failed" in response.json()["detail"]


def test_schema_and_docs(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/questions/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200 and b"<script" in docs.content
    assert b"cdn" not in docs.content.lower()
