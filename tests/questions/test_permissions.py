"""Who may see and change what: every page and endpoint of authoring, sets and sharing,
tried by the owner, a manager of the team, an interviewer of the team, a member of another
team and an anonymous visitor."""

import pytest
from rest_framework.test import APIClient

from questions.models import Visibility
from teams.models import Membership

from ..conftest import login, once_per_module
from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["owner", "manager", "interviewer", "outsider", "anonymous"]


def _world():
    """The owner (a manager of the team), the team's other manager and an interviewer, a member of
    another team, and the owner's questions and sets: made once for the module's 190 tests, each of
    which starts from them as made (``once_per_module``)."""
    owner = UserFactory(username="owner")
    team = TeamFactory(name="Platform hiring")
    MembershipFactory(team=team, user=owner, role=Membership.Role.MANAGER)
    outsider = MembershipFactory(team=TeamFactory(name="Another team"), user=UserFactory(username="outsider")).user
    manager = MembershipFactory(team=team, user=UserFactory(username="manager2"), role=Membership.Role.MANAGER).user
    interviewer = MembershipFactory(team=team, user=UserFactory(username="interviewer"), role="interviewer").user
    bank = QuestionFactory(prompt="A public bank question?")
    private = QuestionFactory(prompt="Private draft?", owner=owner, visibility=Visibility.PRIVATE)
    team_q = QuestionFactory(prompt="Team question?", owner=owner, visibility=Visibility.TEAM, team=team)
    team_set = QuestionSetFactory(
        title="Team loop", owner=owner, visibility=Visibility.TEAM, team=team, questions=[team_q, bank]
    )
    private_set = QuestionSetFactory(title="My drafts", owner=owner, visibility=Visibility.PRIVATE, questions=[private])
    return {
        "users": {
            "owner": owner,
            "manager": manager,
            "interviewer": interviewer,
            "outsider": outsider,
            "anonymous": None,
        },
        "bank": bank,
        "private": private,
        "team_q": team_q,
        "team_set": team_set,
        "private_set": private_set,
    }


_built = once_per_module(_world)


@pytest.fixture
def world(_built):
    """The module's rows, with the users read afresh: a user object that a test's request signed in with
    carries nothing (a cached relation, a last login) into the next test."""
    users = {actor: user and type(user).objects.get(pk=user.pk) for actor, user in _built["users"].items()}
    return {**_built, "users": users}


def _keypoints():
    return [{"text": f"Point {i}", "weight": 1} for i in range(3)]


# (method, path template, data, expected status for owner, manager, interviewer, outsider, anonymous)
PAGES = [
    ("get", "/questions/{private.pk}/", None, (200, 404, 404, 404, 404)),
    ("get", "/questions/{private.pk}/edit/", None, (200, 404, 404, 404, 302)),
    ("get", "/questions/{team_q.pk}/", None, (200, 200, 200, 404, 404)),
    ("get", "/questions/{team_q.pk}/?rubric=1", None, (200, 200, 200, 404, 404)),
    ("get", "/questions/{team_q.pk}/edit/", None, (200, 200, 403, 404, 302)),
    ("post", "/questions/{team_q.pk}/edit/", {"action": "add"}, (200, 200, 403, 404, 302)),
    ("get", "/questions/{team_q.pk}/delete/", None, (200, 200, 403, 404, 302)),
    ("post", "/questions/{team_q.pk}/delete/", {}, (302, 302, 403, 404, 302)),
    ("get", "/questions/{bank.pk}/edit/", None, (403, 403, 403, 403, 302)),
    ("get", "/questions/new/", None, (200, 200, 200, 200, 302)),
    ("get", "/sets/{team_set.pk}/", None, (200, 200, 200, 404, 404)),
    ("get", "/sets/{private_set.pk}/", None, (200, 404, 404, 404, 404)),
    ("get", "/sets/{team_set.pk}/edit/", None, (200, 200, 403, 404, 302)),
    ("get", "/sets/{team_set.pk}/edit/?q=bank", None, (200, 200, 403, 404, 302)),
    ("post", "/sets/{team_set.pk}/edit/", {"action": "down", "question": "{team_q.pk}"}, (302, 302, 403, 404, 302)),
    (
        "post",
        "/sets/{private_set.pk}/edit/",
        {"action": "remove", "question": "{private.pk}"},
        (302, 404, 404, 404, 302),
    ),
    ("post", "/sets/{team_set.pk}/clone/", {}, (302, 302, 302, 404, 302)),
    ("get", "/sets/{team_set.pk}/clone/", None, (405, 405, 405, 405, 302)),
    ("get", "/sets/{team_set.pk}/delete/", None, (200, 200, 403, 404, 302)),
    ("post", "/sets/{team_set.pk}/delete/", {}, (302, 302, 403, 404, 302)),
    ("get", "/sets/{team_set.pk}/export/?format=yaml", None, (200, 200, 200, 404, 404)),
    ("get", "/sets/{private_set.pk}/export/?format=csv", None, (200, 404, 404, 404, 404)),
    ("get", "/sets/new/", None, (200, 200, 200, 200, 302)),
    ("get", "/sets/import/", None, (200, 200, 200, 200, 302)),
]

API = [
    ("get", "/api/questions/{team_q.pk}/", None, (200, 200, 200, 404, 404)),
    ("patch", "/api/questions/{team_q.pk}/", {"prompt": "Renamed?"}, (200, 200, 403, 404, 403)),
    ("patch", "/api/questions/{private.pk}/", {"prompt": "Renamed?"}, (200, 404, 404, 404, 403)),
    ("patch", "/api/questions/{bank.pk}/", {"prompt": "Renamed?"}, (403, 403, 403, 403, 403)),
    ("delete", "/api/questions/{team_q.pk}/", None, (204, 204, 403, 404, 403)),
    (
        "post",
        "/api/questions/",
        {"prompt": "New?", "difficulty": "basic", "keypoints": _keypoints()},
        (201, 201, 201, 201, 403),
    ),
    ("get", "/api/question-sets/{team_set.pk}/", None, (200, 200, 200, 404, 404)),
    ("get", "/api/question-sets/{private_set.pk}/", None, (200, 404, 404, 404, 404)),
    ("patch", "/api/question-sets/{team_set.pk}/", {"title": "Renamed"}, (200, 200, 403, 404, 403)),
    ("delete", "/api/question-sets/{team_set.pk}/", None, (204, 204, 403, 404, 403)),
    ("post", "/api/question-sets/", {"title": "Mine", "questions": ["{bank.pk}"]}, (201, 201, 201, 201, 403)),
    ("post", "/api/question-sets/{team_set.pk}/clone/", None, (201, 201, 201, 404, 403)),
    ("get", "/api/question-sets/{team_set.pk}/export/?format=json", None, (200, 200, 200, 404, 404)),
    ("post", "/api/question-sets/import/", None, (400, 400, 400, 400, 403)),
]


def _fill(template, world):
    return template.format(**world) if isinstance(template, str) else template


def _resolve(value, world):
    """Placeholders such as "{bank.pk}" in request data become the ids of this test's objects."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return int(_fill(value, world))
    if isinstance(value, list):
        return [_resolve(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, world) for k, v in value.items()}
    return value


@pytest.mark.parametrize("actor_index,actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("method,path,data,expected", PAGES, ids=[f"{m} {p} {d}" for m, p, d, _ in PAGES])
def test_pages(client, world, actor_index, actor, method, path, data, expected):
    user = world["users"][actor]
    if user:
        login(client, user)
    url = _fill(path, world)
    response = getattr(client, method)(url, _resolve(data, world) or {})
    assert response.status_code == expected[actor_index], f"{actor} {method.upper()} {url}"
    if expected[actor_index] == 302 and actor == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("actor_index,actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("method,path,data,expected", API, ids=[f"{m} {p}" for m, p, _, _ in API])
def test_api(world, actor_index, actor, method, path, data, expected):
    api = APIClient()
    user = world["users"][actor]
    if user:
        api.force_authenticate(user)
    url = _fill(path, world)
    kwargs = {"format": "json"} if data is not None else {}
    response = getattr(api, method)(url, _resolve(data, world), **kwargs)
    assert response.status_code == expected[actor_index], f"{actor} {method.upper()} {url}: {response.content[:300]}"
