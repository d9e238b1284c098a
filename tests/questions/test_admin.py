"""The admin: staff manage questions with inline keypoints; nobody else gets in."""

import pytest
from django.urls import reverse

from ..conftest import login
from ..factories import QuestionFactory, QuestionSetFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", ["question", "questionset", "tag"])
def test_changelists_search_and_filter(client, staff, model):
    q = QuestionFactory(prompt="Admin findable prompt", tags=[TagFactory(slug="iam")])
    QuestionSetFactory(title="Admin set", questions=[q])
    login(client, staff)
    url = reverse(f"admin:questions_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Admin"}).status_code == 200


def test_question_change_page_has_keypoints_inline(client, staff):
    q = QuestionFactory(keypoints=["Inline keypoint one", "Inline keypoint two", "Inline keypoint three"])
    login(client, staff)
    body = client.get(reverse("admin:questions_question_change", args=[q.pk])).content.decode()
    assert "Inline keypoint two" in body
    assert client.get(reverse("admin:questions_question_changelist"), {"difficulty__exact": "basic"}).status_code == 200


def test_team_admin(client, staff, team):
    login(client, staff)
    assert client.get(reverse("admin:teams_team_change", args=[team.pk])).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_non_staff_are_kept_out(client, outsider, who):
    if who == "outsider":
        login(client, outsider)
    response = client.get(reverse("admin:questions_question_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
