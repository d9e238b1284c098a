import pytest

from teams.models import Membership, Team, TeamInvite

from ..factories import UserFactory


@pytest.fixture
def newbie(db):
    """A user with an account and no team."""
    return UserFactory(username="newbie")


@pytest.fixture
def invite(team, owner):
    return TeamInvite.objects.create(team=team, created_by=owner)


def snapshot():
    """Every team, membership and invite state: what a refused request must leave as it was."""
    return (
        list(Team.objects.order_by("pk").values_list("pk", "name")),
        list(Membership.objects.order_by("pk").values_list("team_id", "user__username", "role")),
        list(TeamInvite.objects.order_by("pk").values_list("pk", "used_by", "used_at", "revoked_at")),
    )


def roles(team):
    return dict(team.memberships.values_list("user__username", "role"))
