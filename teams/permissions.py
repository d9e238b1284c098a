"""Who may do what with a team: the one place that decides it.

Plain functions rather than a rules registry (the ``rules`` package): there are a handful of
predicates, each also needed as a query (``teams_managed_by`` feeds ``for_user`` filters of
the apps above), and a function is found by grep and checked by the type of its arguments.
A refusal raises Django's ``PermissionDenied`` (403) or ``Http404``; ``common.refusals`` maps
them to responses.
"""

from django.core.exceptions import PermissionDenied

from .models import Membership, Team


def role(user, team: Team) -> str | None:
    """The user's role in the team ("manager", "interviewer"), or None. Asked once per user and team."""
    if not user.is_authenticated:
        return None
    roles = team.__dict__.setdefault("_roles", {})
    if user.pk not in roles:
        roles[user.pk] = team.memberships.filter(user=user).values_list("role", flat=True).first()
    return roles[user.pk]


def is_member(user, team: Team) -> bool:
    return role(user, team) is not None


def manages(user, team) -> bool:
    """Managers rename the team, change its members and invites, and see its interviews and reports.

    ``team`` is a Team or a team id (None: no team, so nobody manages it).
    """
    if isinstance(team, Team):
        return role(user, team) == Membership.Role.MANAGER
    return bool(team) and user.is_authenticated and teams_managed_by(user).filter(team_id=team).exists()


def teams_managed_by(user):
    """The ids of the teams the user manages, as a subquery."""
    return Membership.objects.filter(user=user, role=Membership.Role.MANAGER).values("team_id")


def teams_of(user):
    """The ids of the teams the user belongs to, as a subquery."""
    return Membership.objects.filter(user=user).values("team_id")


def require_manager(user, team: Team, action: str) -> None:
    if not manages(user, team):
        raise PermissionDenied(f"Only managers of {team.name} can {action}.")
