"""The service functions on their own: the rules hold whoever calls them, and writes are all-or-nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teams import permissions, services
from teams.models import Membership, Team

from ..factories import UserFactory
from .conftest import roles, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "call",
    [
        lambda team, by, invite: services.team_rename(team=team, by=by, name="Taken over"),
        lambda team, by, invite: services.team_delete(team=team, by=by),
        lambda team, by, invite: services.member_add(team=team, by=by, username="newbie", role="manager"),
        lambda team, by, invite: services.member_set_role(team=team, by=by, user=by, role="manager"),
        lambda team, by, invite: services.member_remove(
            team=team, by=by, user=team.memberships.get(role="manager").user
        ),
        lambda team, by, invite: services.invite_create(team=team, by=by, role="manager"),
        lambda team, by, invite: services.invite_revoke(invite=invite, by=by),
    ],
    ids=["rename", "delete", "member_add", "member_set_role", "member_remove", "invite_create", "invite_revoke"],
)
def test_services_refuse_interviewers(team, teammate, newbie, invite, call):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(team, teammate, invite)
    assert snapshot() == before


def test_team_create_is_all_or_nothing():
    unsaved = UserFactory.build(username="unsaved")  # the membership cannot be saved, after the team was
    with pytest.raises(ValueError, match="unsaved related object"):
        services.team_create(user=unsaved, name="Half made")
    assert not Team.objects.exists()


def test_team_create_refuses_a_blank_name(newbie):
    with pytest.raises(ValidationError) as refused:
        services.team_create(user=newbie, name="  ")
    assert "name" in refused.value.message_dict
    assert not Team.objects.exists()


def test_member_add_matches_a_username_regardless_of_case(team, owner, newbie):
    membership = services.member_add(team=team, by=owner, username="NewBie", role=Membership.Role.INTERVIEWER)
    assert membership.user == newbie


def test_member_add_refuses_an_unknown_role(team, owner, newbie):
    with pytest.raises(ValidationError) as refused:
        services.member_add(team=team, by=owner, username="newbie", role="boss")
    assert "role" in refused.value.message_dict
    assert "newbie" not in roles(team)


def test_setting_the_same_role_again_is_harmless(team, owner):
    services.member_set_role(team=team, by=owner, user=owner, role=Membership.Role.MANAGER)
    assert roles(team) == {"owner": "manager"}


def test_a_member_may_leave_but_not_remove_others(team, owner, teammate):
    with pytest.raises(PermissionDenied):
        services.member_remove(team=team, by=teammate, user=owner)
    services.member_remove(team=team, by=teammate, user=teammate)
    assert roles(team) == {"owner": "manager"}


def test_team_delete_removes_memberships_and_invites(team, owner, teammate, invite):
    services.team_delete(team=team, by=owner)
    assert not Team.objects.filter(name="Platform hiring").exists()
    assert not Membership.objects.filter(user__in=[owner, teammate]).exists()


def test_role_helpers(team, owner, teammate, outsider):
    assert permissions.role(owner, team) == "manager" and permissions.manages(owner, team)
    assert permissions.role(teammate, team) == "interviewer" and not permissions.manages(teammate, team)
    assert permissions.is_member(teammate, team)
    assert permissions.role(outsider, team) is None and not permissions.is_member(outsider, team)
    assert permissions.manages(owner, team.pk) and not permissions.manages(teammate, team.pk)
