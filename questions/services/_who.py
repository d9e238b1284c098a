"""Who may change a question or a set, and which visibility they may give it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from teams.models import Membership, Team

from ..models import (
    Visibility,
)

# --- who may do what -------------------------------------------------------------------


def is_team_manager(user, team_id) -> bool:
    return Membership.objects.manages(user, team_id)


def can_change(user, obj) -> bool:
    """Owners change their questions and sets; team managers change their team's."""
    if not user.is_authenticated or obj.owner_id is None:
        return False
    if obj.owner_id == user.pk:
        return True
    return obj.visibility == Visibility.TEAM and is_team_manager(user, obj.team_id)


def _require_change(user, obj):
    if not can_change(user, obj):
        raise PermissionDenied("Only the owner or a manager of its team may change this.")


def check_visibility(*, user, visibility, team) -> Team | None:
    """Validate a visibility choice for something the user writes; return the team it goes to."""
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": f"Choose one of: {', '.join(Visibility.values)}."})
    if visibility == Visibility.PUBLIC and not user.is_staff:
        raise ValidationError({"visibility": "Only staff can publish to the public bank."})
    if visibility == Visibility.TEAM:
        if team is None:
            raise ValidationError({"team": "Choose the team to share with."})
        if not Membership.objects.filter(team=team, user=user).exists():
            raise ValidationError({"team": "You can only share with a team you belong to."})
        return team
    return None
