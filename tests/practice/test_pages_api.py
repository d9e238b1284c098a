"""The practice page, the home page's "Practice due", and the review API: owner and outsider."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practice import services as practice
from practice.models import PracticeProfile, ReviewItem
from sessions.models import InterviewSession

from ..conftest import login
from .conftest import api_as, finish_at, self_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(owner, questions):
    """Owner missed a keypoint of each question two days ago: all three are due now."""
    marks = {1: ["missed", "partial"], 2: ["missed"], 3: ["partial"]}
    finish_at(self_assessment(owner, questions, marks), timezone.now() - timedelta(days=2))
    return ReviewItem.objects.filter(user=owner)


def practice_due_block(client):
    """What the home page's "Practice due" loads (htmx): the counts and the start button."""
    home = client.get("/").content.decode()
    assert "Practice due" in home and 'hx-get="/practice/" hx-trigger="load"' in home
    response = client.get("/practice/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    return response.content.decode()


def test_home_shows_practice_due_with_a_start_button(client, owner, due):
    block = practice_due_block(login(client, owner))
    assert "<strong>4</strong> keypoints due, in 3 questions" in block
    assert 'action="/practice/start/"' in block and "Practise 3 questions now" in block
    assert "<html" not in block


def test_home_practice_due_when_the_daily_maximum_is_reached(client, owner, due):
    practice.profile_update(user=owner, desired_retention=0.9, daily_max=1)
    practice.practice_start(user=owner)
    block = practice_due_block(login(client, owner))
    assert "daily maximum of 1 question today" in block and "/practice/start/" not in block


def test_queue_counts_match_across_home_page_and_api(client, owner, due):
    login(client, owner)
    api = api_as(owner)
    count = api.get("/api/reviews/due/").json()["count"]
    summary = practice.queue_summary(user=owner)
    assert count == summary["due_count"] == len(practice.due_items(user=owner)) == 4
    assert f"<strong>{count}</strong> keypoints due" in practice_due_block(client)
    assert f"<strong>{count}</strong> keypoints due" in client.get("/practice/").content.decode()
    assert practice.forecast(user=owner)["today"] == count


def test_practice_page_owner_sees_the_queue_outsider_sees_nothing_of_it(client, owner, outsider, due):
    text = due.first().keypoint.text
    assert text in login(client, owner).get("/practice/").content.decode()
    page = login(client, outsider).get("/practice/").content.decode()
    assert text not in page and "Nothing due" in page


def test_practice_pages_need_a_login_and_the_right_method(client, owner):
    assert client.get("/practice/").status_code == 302
    assert client.post("/practice/start/").status_code == 302
    login(client, owner)
    assert client.get("/practice/start/").status_code == 405
    assert client.post("/practice/").status_code == 405


def test_start_from_the_page_opens_the_self_assessment(client, owner, due):
    response = login(client, owner).post("/practice/start/")
    session = InterviewSession.objects.get(candidate=owner, title=practice.PRACTICE_TITLE)
    assert response.status_code == 302 and response.url == f"/sessions/{session.pk}/"
    assert session.question_count == 3


def test_start_with_nothing_due_says_so(client, outsider):
    response = login(client, outsider).post("/practice/start/", follow=True)
    assert "Nothing is due for practice now." in response.content.decode()


def test_outsider_cannot_suspend_anothers_item(client, owner, outsider, due):
    target = due.first()
    assert login(client, outsider).post(f"/practice/items/{target.pk}/suspend/", {"suspended": "1"}).status_code == 404
    assert not ReviewItem.objects.get(pk=target.pk).suspended
    assert login(client, owner).post(f"/practice/items/{target.pk}/suspend/", {"suspended": "1"}).status_code == 302
    assert ReviewItem.objects.get(pk=target.pk).suspended


def test_settings_form_refuses_retention_out_of_range_with_a_message(client, owner):
    response = login(client, owner).post("/practice/settings/", {"desired_retention": "0.99", "daily_max": "20"})
    assert response.status_code == 400
    assert "less than or equal to 0.97" in response.content.decode()
    assert not PracticeProfile.objects.exists()
    response = client.post("/practice/settings/", {"desired_retention": "0.85", "daily_max": "10"})
    assert response.status_code == 302
    assert PracticeProfile.objects.get(user=owner).daily_max == 10


def test_tag_suspend_form(client, owner, due, tags):
    login(client, owner)
    assert client.post("/practice/tags/", {"tag": "no-such-tag", "suspended": "1"}).status_code == 400
    assert client.post("/practice/tags/", {"tag": "vpc", "suspended": "1"}).status_code == 302
    assert practice.queue_summary(user=owner)["question_count"] == 1
    assert "Resume" in client.get("/practice/").content.decode()


def test_practice_page_query_count_does_not_grow_with_the_queue(client, owner, questions):
    login(client, owner)
    finish_at(self_assessment(owner, questions[:1], {1: ["missed"]}), timezone.now() - timedelta(days=2))
    with CaptureQueriesContext(connection) as small:
        assert client.get("/practice/").status_code == 200
    finish_at(
        self_assessment(owner, questions, {1: ["missed", "missed"], 2: ["missed"], 3: ["partial", "missed"]}),
        timezone.now() - timedelta(days=2),
    )
    practice.item_suspend(user=owner, item_id=ReviewItem.objects.filter(user=owner).last().pk, suspended=True)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/practice/").status_code == 200
    assert len(large) == len(small)


# --- API ------------------------------------------------------------------------------------------


def test_due_api_lists_the_callers_items_weakest_first(owner, outsider, due):
    body = api_as(owner).get("/api/reviews/due/").json()
    assert body["count"] == 4 and len(body["results"]) == 4
    first = body["results"][0]
    assert set(first) == {"keypoint", "question", "due", "state", "last_mark"}
    assert first["last_mark"] == "missed" and first["state"] == "review"
    assert api_as(outsider).get("/api/reviews/due/").json() == {"count": 0, "results": []}


def test_due_api_at_a_moment(owner, due):
    earlier = (timezone.now() - timedelta(days=3)).isoformat()
    assert api_as(owner).get("/api/reviews/due/", {"at": earlier}).json()["count"] == 0


def test_due_api_bad_at_is_400_naming_it(owner):
    response = api_as(owner).get("/api/reviews/due/", {"at": "tomorrow"})
    assert response.status_code == 400 and "at" in response.json()


def test_review_api_refuses_anonymous_and_wrong_methods(owner):
    assert api_as().get("/api/reviews/due/").status_code in (401, 403)
    assert api_as().post("/api/reviews/practice/").status_code in (401, 403)
    assert api_as(owner).post("/api/reviews/due/").status_code == 405
    assert api_as(owner).get("/api/reviews/practice/").status_code == 405


def test_practice_api_starts_the_session_201(owner, outsider, due):
    response = api_as(owner).post("/api/reviews/practice/")
    assert response.status_code == 201
    body = response.json()
    assert body["mode"] == "self" and body["invite_url"] is None
    assert api_as(owner).get(f"/api/sessions/{body['id']}/").status_code == 200
    assert api_as(outsider).get(f"/api/sessions/{body['id']}/").status_code == 404
    refused = api_as(outsider).post("/api/reviews/practice/")
    assert refused.status_code == 409 and "Nothing is due" in refused.json()["detail"]


def test_review_endpoints_are_in_the_schema(owner):
    schema = api_as(owner).get("/api/schema/").content.decode()
    assert "/api/reviews/due/" in schema and "/api/reviews/practice/" in schema
    assert "last_mark" in schema
