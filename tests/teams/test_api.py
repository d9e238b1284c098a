"""The teams API: contract shapes, who may do what, bad input naming the field, and the manager rules."""

import pytest
from rest_framework.test import APIClient

from teams.models import Membership, Team

from ..factories import MembershipFactory, TeamFactory, UserFactory
from .conftest import roles, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def endpoints(team):
    """Every change endpoint of one team, with a body that would succeed for a manager."""
    base = f"/api/teams/{team.pk}/"
    return {
        "rename_patch": ("patch", base, {"name": "Data hiring"}),
        "rename_put": ("put", base, {"name": "Data hiring"}),
        "destroy": ("delete", base, None),
        "member_add": ("post", f"{base}members/", {"username": "newbie", "role": "interviewer"}),
        "member_role": ("patch", f"{base}members/teammate/", {"role": "manager"}),
        "member_remove": ("delete", f"{base}members/teammate/", None),
    }


CHANGES = ["rename_patch", "rename_put", "destroy", "member_add", "member_role", "member_remove"]


def call(api, spec):
    method, url, body = spec
    return getattr(api, method)(url, body, format="json") if body is not None else getattr(api, method)(url)


# --- Reading ---------------------------------------------------------------------------------


def test_list_shows_my_teams_with_my_role(api, team, owner, teammate, outsider):
    other = TeamFactory(name="Mobile hiring")
    MembershipFactory(team=other, user=teammate, role=Membership.Role.MANAGER)
    body = as_user(api, teammate).get("/api/teams/").json()
    assert body["count"] == 2
    assert body["results"] == [
        {"id": other.pk, "name": "Mobile hiring", "my_role": "manager"},
        {"id": team.pk, "name": "Platform hiring", "my_role": "interviewer"},
    ]


def test_retrieve_lists_members_managers_first(api, team, owner, teammate):
    body = as_user(api, teammate).get(f"/api/teams/{team.pk}/").json()
    assert body == {
        "id": team.pk,
        "name": "Platform hiring",
        "my_role": "interviewer",
        "members": [{"username": "owner", "role": "manager"}, {"username": "teammate", "role": "interviewer"}],
    }


def test_outsider_gets_404_on_retrieve_and_an_empty_list(api, team, outsider):
    as_user(api, outsider)
    assert api.get(f"/api/teams/{team.pk}/").status_code == 404
    names = [t["name"] for t in api.get("/api/teams/").json()["results"]]
    assert names == ["Another team"]


def test_anonymous_is_refused(api, team):
    for response in (
        api.get("/api/teams/"),
        api.get(f"/api/teams/{team.pk}/"),
        api.post("/api/teams/", {"name": "X"}, format="json"),
    ):
        assert response.status_code in {401, 403}
    assert Team.objects.count() == 1


# --- Creating --------------------------------------------------------------------------------


def test_create_makes_the_caller_manager(api, newbie):
    response = as_user(api, newbie).post("/api/teams/", {"name": " Security hiring "}, format="json")
    assert response.status_code == 201
    team = Team.objects.get()
    assert response.json() == {"id": team.pk, "name": "Security hiring", "my_role": "manager"}
    assert roles(team) == {"newbie": "manager"}


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 121}, {"name": None}])
def test_create_with_a_bad_name_answers_400_naming_it(api, newbie, body):
    response = as_user(api, newbie).post("/api/teams/", body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    assert not Team.objects.exists()


# --- Changes: who may make them --------------------------------------------------------------


@pytest.mark.parametrize("name", CHANGES)
def test_manager_changes_work(api, team, owner, teammate, newbie, name):
    response = call(as_user(api, owner), endpoints(team)[name])
    expected_status = {"member_add": 201, "destroy": 204, "member_remove": 204}.get(name, 200)
    assert response.status_code == expected_status, response.content
    if name == "destroy":
        assert not Team.objects.filter(pk=team.pk).exists()
        return
    team.refresh_from_db()
    expected = {
        "rename_patch": lambda: team.name == "Data hiring",
        "rename_put": lambda: team.name == "Data hiring",
        "member_add": lambda: roles(team) == {"owner": "manager", "teammate": "interviewer", "newbie": "interviewer"},
        "member_role": lambda: roles(team) == {"owner": "manager", "teammate": "manager"},
        "member_remove": lambda: roles(team) == {"owner": "manager"},
    }[name]
    assert expected()


@pytest.mark.parametrize("name", CHANGES)
def test_interviewer_changes_are_403(api, team, teammate, newbie, name):
    spec = endpoints(team)[name]
    if name == "member_remove":  # removing oneself is leaving, which is allowed: aim at the manager
        spec = ("delete", f"/api/teams/{team.pk}/members/owner/", None)
    before = snapshot()
    response = call(as_user(api, teammate), spec)
    assert response.status_code == 403
    assert "Only managers" in response.json()["detail"]
    assert snapshot() == before


def test_interviewer_gets_403_before_any_validation(api, team, teammate):
    response = as_user(api, teammate).patch(f"/api/teams/{team.pk}/members/teammate/", {"role": "boss"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("name", CHANGES)
def test_outsider_changes_are_404(api, team, teammate, outsider, newbie, name):
    before = snapshot()
    assert call(as_user(api, outsider), endpoints(team)[name]).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", CHANGES)
def test_anonymous_changes_are_refused(api, team, teammate, newbie, name):
    before = snapshot()
    assert call(api, endpoints(team)[name]).status_code in {401, 403}
    assert snapshot() == before


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "{base}"),
        ("get", "{base}members/"),
        ("put", "{base}members/"),
        ("delete", "{base}members/"),
        ("get", "{base}members/teammate/"),
        ("post", "{base}members/teammate/"),
        ("put", "{base}members/teammate/"),
        ("delete", "/api/teams/"),
    ],
)
def test_wrong_methods_are_405(api, team, owner, teammate, method, path):
    before = snapshot()
    response = getattr(as_user(api, owner), method)(path.format(base=f"/api/teams/{team.pk}/"))
    assert response.status_code == 405
    assert snapshot() == before


# --- Members: bad input and the rules --------------------------------------------------------


def test_member_add_returns_the_member(api, team, owner, newbie):
    response = as_user(api, owner).post(
        f"/api/teams/{team.pk}/members/", {"username": "newbie", "role": "manager"}, format="json"
    )
    assert response.status_code == 201
    assert response.json() == {"username": "newbie", "role": "manager"}


def test_member_add_unknown_username(api, team, owner):
    response = as_user(api, owner).post(
        f"/api/teams/{team.pk}/members/", {"username": "ghost", "role": "interviewer"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    assert response.json()["username"][0].startswith("No user named “ghost”")


def test_member_add_existing_member_makes_no_duplicate(api, team, owner, teammate):
    response = as_user(api, owner).post(
        f"/api/teams/{team.pk}/members/", {"username": "teammate", "role": "manager"}, format="json"
    )
    assert response.status_code == 400
    assert "already a member" in response.json()["username"][0]
    assert team.memberships.filter(user=teammate).count() == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({"role": "interviewer"}, "username"),
        ({"username": "newbie", "role": "boss"}, "role"),
        ({"username": ""}, "username"),
    ],
)
def test_member_add_bad_input_names_the_field(api, team, owner, newbie, body, field):
    response = as_user(api, owner).post(f"/api/teams/{team.pk}/members/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert "newbie" not in roles(team)


def test_member_add_role_defaults_to_interviewer(api, team, owner, newbie):
    response = as_user(api, owner).post(f"/api/teams/{team.pk}/members/", {"username": "newbie"}, format="json")
    assert response.status_code == 201 and response.json()["role"] == "interviewer"


def test_member_role_bad_or_missing_role_names_the_field(api, team, owner, teammate):
    as_user(api, owner)
    for body in ({}, {"role": "boss"}):
        response = api.patch(f"/api/teams/{team.pk}/members/teammate/", body, format="json")
        assert response.status_code == 400 and "role" in response.json()
    assert roles(team)["teammate"] == "interviewer"


def test_member_endpoints_answer_404_for_a_non_member(api, team, owner, outsider):
    as_user(api, owner)
    assert api.patch(f"/api/teams/{team.pk}/members/outsider/", {"role": "manager"}, format="json").status_code == 404
    assert api.delete(f"/api/teams/{team.pk}/members/outsider/").status_code == 404
    assert Team.objects.for_user(outsider).count() == 1


def test_last_manager_cannot_be_demoted(api, team, owner, teammate):
    response = as_user(api, owner).patch(f"/api/teams/{team.pk}/members/owner/", {"role": "interviewer"}, format="json")
    assert response.status_code == 400
    assert "only manager" in response.json()["role"][0]
    assert roles(team)["owner"] == "manager"


def test_last_manager_cannot_be_removed(api, team, owner, teammate):
    response = as_user(api, owner).delete(f"/api/teams/{team.pk}/members/owner/")
    assert response.status_code == 400
    assert "only manager" in response.json()["detail"]
    assert roles(team)["owner"] == "manager"


def test_with_two_managers_one_may_be_demoted_then_not_the_other(api, team, owner, teammate):
    Membership.objects.filter(user=teammate).update(role=Membership.Role.MANAGER)
    as_user(api, owner)
    response = api.patch(f"/api/teams/{team.pk}/members/teammate/", {"role": "interviewer"}, format="json")
    assert response.status_code == 200 and response.json() == {"username": "teammate", "role": "interviewer"}
    response = api.patch(f"/api/teams/{team.pk}/members/owner/", {"role": "interviewer"}, format="json")
    assert response.status_code == 400
    assert roles(team) == {"owner": "manager", "teammate": "interviewer"}


def test_an_interviewer_may_remove_themselves(api, team, teammate):
    assert as_user(api, teammate).delete(f"/api/teams/{team.pk}/members/teammate/").status_code == 204
    assert "teammate" not in roles(team)
    assert api.get(f"/api/teams/{team.pk}/").status_code == 404


def test_usernames_with_dots_work(api, team, owner):
    MembershipFactory(team=team, user=UserFactory(username="ann.lee"))
    as_user(api, owner)
    response = api.patch(f"/api/teams/{team.pk}/members/ann.lee/", {"role": "manager"}, format="json")
    assert response.status_code == 200 and response.json()["username"] == "ann.lee"


# --- Renaming and deleting -------------------------------------------------------------------


def test_rename_returns_the_team_with_members(api, team, owner):
    response = as_user(api, owner).patch(f"/api/teams/{team.pk}/", {"name": "Data hiring"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Data hiring" and response.json()["my_role"] == "manager"
    assert response.json()["members"] == [{"username": "owner", "role": "manager"}]


def test_rename_with_a_blank_name_names_the_field(api, team, owner):
    response = as_user(api, owner).patch(f"/api/teams/{team.pk}/", {"name": ""}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    team.refresh_from_db()
    assert team.name == "Platform hiring"


def test_delete_is_refused_while_questions_are_shared_with_the_team(api, team, owner, team_question):
    response = as_user(api, owner).delete(f"/api/teams/{team.pk}/")
    assert response.status_code == 400
    assert "1 question(s)" in response.json()["detail"]
    assert Team.objects.filter(pk=team.pk).exists()
