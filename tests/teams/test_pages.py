"""Team pages: who may see and change what, the rules on members and roles, and query counts."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Membership, Team, TeamInvite

from ..conftest import login
from ..factories import MembershipFactory, TeamFactory, UserFactory
from .conftest import roles, snapshot

pytestmark = pytest.mark.django_db

MANAGER_ACTIONS = ["rename", "member_add", "member_role", "member_remove", "invite_create", "invite_revoke"]


def action_request(name, team, invite):
    """The URL and form data of each manager-only action, aimed at `team`."""
    return {
        "rename": (reverse("teams:rename", args=[team.pk]), {"name": "Data hiring"}),
        "member_add": (reverse("teams:member_add", args=[team.pk]), {"username": "newbie", "role": "interviewer"}),
        "member_role": (reverse("teams:member_role", args=[team.pk, "teammate"]), {"role": "manager"}),
        "member_remove": (reverse("teams:member_remove", args=[team.pk, "teammate"]), {}),
        "invite_create": (reverse("teams:invite_create", args=[team.pk]), {"role": "interviewer"}),
        "invite_revoke": (reverse("teams:invite_revoke", args=[team.pk, invite.pk]), {}),
    }[name]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("name", MANAGER_ACTIONS)
def test_manager_actions_work_and_say_so(client, team, owner, teammate, newbie, invite, name):
    url, data = action_request(name, team, invite)
    login(client, owner)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("teams:detail", args=[team.pk])
    assert messages_of(response), "every action shows its result"
    team.refresh_from_db()
    invite.refresh_from_db()
    expected = {
        "rename": lambda: team.name == "Data hiring",
        "member_add": lambda: roles(team) == {"owner": "manager", "teammate": "interviewer", "newbie": "interviewer"},
        "member_role": lambda: roles(team) == {"owner": "manager", "teammate": "manager"},
        "member_remove": lambda: roles(team) == {"owner": "manager"},
        "invite_create": lambda: team.invites.count() == 2,
        "invite_revoke": lambda: invite.revoked_at is not None,
    }[name]
    assert expected()


@pytest.mark.parametrize("name", MANAGER_ACTIONS)
def test_interviewer_is_refused_with_403(client, team, teammate, newbie, invite, name):
    url, data = action_request(name, team, invite)
    before = snapshot()
    login(client, teammate)
    response = client.post(url, data)
    assert response.status_code == 403
    assert "Only managers" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("name", MANAGER_ACTIONS)
def test_outsider_gets_404(client, team, teammate, outsider, newbie, invite, name):
    url, data = action_request(name, team, invite)
    before = snapshot()
    login(client, outsider)
    assert client.post(url, data).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", MANAGER_ACTIONS)
def test_anonymous_is_sent_to_log_in(client, team, teammate, newbie, invite, name):
    url, data = action_request(name, team, invite)
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=" in response.url
    assert snapshot() == before


@pytest.mark.parametrize("name", [*MANAGER_ACTIONS, "leave", "create"])
def test_changes_refuse_get(client, team, owner, teammate, invite, name):
    if name == "leave":
        url = reverse("teams:leave", args=[team.pk])
    elif name == "create":
        url = reverse("teams:create")
    else:
        url, _ = action_request(name, team, invite)
    before = snapshot()
    login(client, owner)
    assert client.get(url).status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("name", ["list", "detail"])
def test_pages_refuse_post(client, team, owner, name):
    url = reverse("teams:list") if name == "list" else reverse("teams:detail", args=[team.pk])
    login(client, owner)
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("name", ["list", "detail"])
def test_pages_send_anonymous_to_log_in(client, team, name):
    url = reverse("teams:list") if name == "list" else reverse("teams:detail", args=[team.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_team_page_for_the_manager_has_every_control(client, team, owner, teammate, invite):
    login(client, owner)
    response = client.get(reverse("teams:detail", args=[team.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Platform hiring" in body and "teammate" in body
    for name in ["member_add", "invite_create", "rename"]:
        url, _ = action_request(name, team, invite)
        assert f'action="{url}"' in body
    assert reverse("teams:member_role", args=[team.pk, "teammate"]) in body
    assert reverse("teams:member_remove", args=[team.pk, "teammate"]) in body
    assert f"http://testserver/teams/join/{invite.token}/" in body
    assert '<label for="id_username">Username</label>' in body
    assert '<label for="id_member_' in body  # each role select has its own label


def test_team_page_for_an_interviewer_shows_members_without_controls(client, team, owner, teammate, invite):
    login(client, teammate)
    response = client.get(reverse("teams:detail", args=[team.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "owner" in body and "Manager" in body and "Interviewer" in body
    assert invite.token not in body
    assert reverse("teams:member_add", args=[team.pk]) not in body
    assert reverse("teams:rename", args=[team.pk]) not in body
    assert reverse("teams:leave", args=[team.pk]) in body


def test_team_page_is_404_for_an_outsider(client, team, outsider):
    login(client, outsider)
    assert client.get(reverse("teams:detail", args=[team.pk])).status_code == 404
    assert client.get(reverse("teams:detail", args=[999_999])).status_code == 404


def test_list_shows_only_my_teams_with_my_role(client, team, teammate, outsider):
    other = TeamFactory(name="Mobile hiring")
    MembershipFactory(team=other, user=teammate, role=Membership.Role.MANAGER)
    login(client, teammate)
    body = client.get(reverse("teams:list")).content.decode()
    assert "Platform hiring" in body and "Mobile hiring" in body
    assert "Another team" not in body
    assert "2 members" in body  # Platform hiring: owner and teammate


# --- Creating and renaming -------------------------------------------------------------------


def test_create_team_makes_the_creator_its_manager(client, newbie):
    login(client, newbie)
    response = client.post(reverse("teams:create"), {"name": "  Security hiring  "})
    team = Team.objects.get(name="Security hiring")
    assert response.status_code == 302 and response.url == reverse("teams:detail", args=[team.pk])
    assert roles(team) == {"newbie": "manager"}
    assert "created" in messages_of(response)[0]


def test_create_team_with_a_blank_name_shows_the_error_inline(client, newbie):
    login(client, newbie)
    response = client.post(reverse("teams:create"), {"name": "   "})
    assert response.status_code == 400
    assert 'class="field field-error"' in response.content.decode()
    assert not Team.objects.exists()


def test_rename_with_a_too_long_name_is_refused_inline(client, team, owner):
    login(client, owner)
    response = client.post(reverse("teams:rename", args=[team.pk]), {"name": "x" * 121})
    assert response.status_code == 400
    assert "at most 120 characters" in response.content.decode()
    team.refresh_from_db()
    assert team.name == "Platform hiring"


# --- Members ---------------------------------------------------------------------------------


def test_adding_an_unknown_username_says_so_on_the_field(client, team, owner):
    login(client, owner)
    response = client.post(reverse("teams:member_add", args=[team.pk]), {"username": "ghost", "role": "interviewer"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "No user named “ghost”" in body and 'class="field field-error"' in body
    assert roles(team) == {"owner": "manager"}


def test_adding_an_existing_member_is_refused_without_a_duplicate(client, team, owner, teammate):
    login(client, owner)
    response = client.post(reverse("teams:member_add", args=[team.pk]), {"username": "teammate", "role": "manager"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert team.memberships.filter(user=teammate).count() == 1
    assert roles(team)["teammate"] == "interviewer"


def test_adding_with_an_unknown_role_is_refused(client, team, owner, newbie):
    login(client, owner)
    response = client.post(reverse("teams:member_add", args=[team.pk]), {"username": "newbie", "role": "boss"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "newbie" not in roles(team)


def test_a_user_can_belong_to_several_teams(client, team, owner, outsider):
    login(client, owner)
    response = client.post(reverse("teams:member_add", args=[team.pk]), {"username": "outsider", "role": "manager"})
    assert response.status_code == 302
    assert Team.objects.for_user(outsider).count() == 2


def test_role_change_and_remove_of_a_non_member_are_404(client, team, owner, outsider):
    login(client, owner)
    assert client.post(reverse("teams:member_role", args=[team.pk, "outsider"]), {"role": "manager"}).status_code == 404
    assert client.post(reverse("teams:member_remove", args=[team.pk, "outsider"])).status_code == 404
    assert client.post(reverse("teams:member_remove", args=[team.pk, "nobody"])).status_code == 404


def test_the_last_manager_cannot_be_demoted(client, team, owner, teammate):
    login(client, owner)
    response = client.post(reverse("teams:member_role", args=[team.pk, "owner"]), {"role": "interviewer"})
    assert response.status_code == 400
    assert "only manager" in response.content.decode()
    assert roles(team)["owner"] == "manager"


def test_the_last_manager_cannot_leave(client, team, owner, teammate):
    login(client, owner)
    response = client.post(reverse("teams:leave", args=[team.pk]))
    assert response.status_code == 400
    assert "only manager" in response.content.decode()
    assert roles(team)["owner"] == "manager"


def test_the_last_manager_cannot_remove_themselves(client, team, owner):
    login(client, owner)
    response = client.post(reverse("teams:member_remove", args=[team.pk, "owner"]))
    assert response.status_code == 400
    assert "only manager" in response.content.decode()
    assert roles(team) == {"owner": "manager"}


def test_with_a_second_manager_the_first_may_step_down_and_leave(client, team, owner, teammate):
    Membership.objects.filter(team=team, user=teammate).update(role=Membership.Role.MANAGER)
    login(client, owner)
    assert (
        client.post(reverse("teams:member_role", args=[team.pk, "owner"]), {"role": "interviewer"}).status_code == 302
    )
    assert roles(team) == {"owner": "interviewer", "teammate": "manager"}
    # Now an interviewer, owner may no longer manage, but may leave.
    assert client.post(reverse("teams:member_role", args=[team.pk, "owner"]), {"role": "manager"}).status_code == 403
    response = client.post(reverse("teams:leave", args=[team.pk]))
    assert response.status_code == 302 and response.url == reverse("teams:list")
    assert roles(team) == {"teammate": "manager"}
    assert client.get(reverse("teams:detail", args=[team.pk])).status_code == 404


def test_an_interviewer_may_leave(client, team, teammate):
    login(client, teammate)
    response = client.post(reverse("teams:leave", args=[team.pk]))
    assert response.status_code == 302
    assert "You left Platform hiring." in messages_of(response)
    assert "teammate" not in roles(team)


def test_leave_is_404_for_an_outsider(client, team, outsider):
    before = snapshot()
    login(client, outsider)
    assert client.post(reverse("teams:leave", args=[team.pk])).status_code == 404
    assert snapshot() == before


def test_usernames_with_dots_and_at_signs_work_in_urls(client, team, owner):
    MembershipFactory(team=team, user=UserFactory(username="ann.lee@corp"))
    login(client, owner)
    url = reverse("teams:member_role", args=[team.pk, "ann.lee@corp"])
    assert client.post(url, {"role": "manager"}).status_code == 302
    assert roles(team)["ann.lee@corp"] == "manager"


# --- Invite links on the team page -----------------------------------------------------------


def test_created_invite_link_is_shown_in_full(client, team, owner):
    login(client, owner)
    response = client.post(reverse("teams:invite_create", args=[team.pk]), {"role": "manager"}, follow=True)
    invite = TeamInvite.objects.get(team=team)
    assert invite.role == "manager" and invite.created_by == owner
    assert len(invite.token) >= 43
    assert response.content.decode().count(f"http://testserver/teams/join/{invite.token}/") == 2  # message and list


def test_revoked_invites_leave_the_list(client, team, owner, invite):
    login(client, owner)
    client.post(reverse("teams:invite_revoke", args=[team.pk, invite.pk]))
    assert invite.token not in client.get(reverse("teams:detail", args=[team.pk])).content.decode()


def test_invite_of_another_team_cannot_be_revoked_through_mine(client, team, owner, outsider):
    other_invite = TeamInvite.objects.create(team=Team.objects.get(name="Another team"), created_by=outsider)
    login(client, owner)
    assert client.post(reverse("teams:invite_revoke", args=[team.pk, other_invite.pk])).status_code == 404
    other_invite.refresh_from_db()
    assert other_invite.revoked_at is None


# --- Query counts ----------------------------------------------------------------------------


def _teams_for(user, count, members_each):
    for n in range(count):
        team = TeamFactory(name=f"Team {user.username} {n}")
        MembershipFactory(team=team, user=user, role=Membership.Role.MANAGER)
        for _ in range(members_each):
            MembershipFactory(team=team)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_team_list_runs_a_fixed_number_of_queries(client):
    few, many = UserFactory(username="few"), UserFactory(username="many")
    _teams_for(few, 1, 1)
    _teams_for(many, 10, 8)
    url = reverse("teams:list")
    login(client, few)
    small = _queries(client, url)
    login(client, many)
    large = _queries(client, url)
    assert small == large
    body = client.get(url).content.decode()
    assert body.count('class="card"') == 10 and "9 members" in body


def test_team_page_runs_a_fixed_number_of_queries(client, owner):
    small_team = TeamFactory(name="Small")
    MembershipFactory(team=small_team, user=owner, role=Membership.Role.MANAGER)
    big_team = TeamFactory(name="Big")
    MembershipFactory(team=big_team, user=owner, role=Membership.Role.MANAGER)
    for _ in range(12):
        MembershipFactory(team=big_team)
    for _ in range(5):
        TeamInvite.objects.create(team=big_team, created_by=owner)
    TeamInvite.objects.create(team=small_team, created_by=owner)
    login(client, owner)
    small = _queries(client, reverse("teams:detail", args=[small_team.pk]))
    large = _queries(client, reverse("teams:detail", args=[big_team.pk]))
    assert small == large
