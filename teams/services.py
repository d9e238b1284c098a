"""Writes of the teams app. The page views and the API call these, so both keep the same rules.

Each function takes keyword arguments only and runs in its own transaction. Membership changes
first lock the team row, so two managers acting at once cannot both pass the "at least one
manager" check. Who may do what is decided in `teams.permissions`; a refusal raises Django's
`PermissionDenied`, bad input raises `ValidationError` (a dict naming the field where there is one).
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from . import permissions
from .models import Membership, Team, TeamInvite

NAME_MAX_LENGTH = Team._meta.get_field("name").max_length
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")


class InviteUnavailable(Exception):
    """The invite link cannot admit anyone. `reason` is a TeamInvite.Status value or "unknown"."""

    MESSAGES = {
        "unknown": "This invite link is not valid. Check that you copied all of it, or ask for a new one.",
        TeamInvite.Status.EXPIRED: "This invite link has expired. Ask a manager of the team for a new one.",
        TeamInvite.Status.USED: "This invite link has already been used. Each link admits one person: "
        "ask a manager of the team for a new one.",
        TeamInvite.Status.REVOKED: "This invite link was revoked by a manager of the team. Ask them for a new one.",
    }

    def __init__(self, reason, invite=None):
        self.reason = reason
        self.invite = invite
        super().__init__(self.MESSAGES[reason])


class AlreadyMember(Exception):
    """The user who opened an invite link is already in the team; the link stays unused."""

    def __init__(self, team):
        self.team = team
        super().__init__(f"You are already a member of {team.name}.")


def _lock(team):
    """Re-read the team with its row locked (a no-op on SQLite, whose writes are serialized anyway)."""
    locked = Team.objects.select_for_update().filter(pk=team.pk).first()
    if locked is None:
        raise Http404("This team no longer exists.")
    return locked


def _require_manager(team, user, action):
    permissions.require_manager(user, team, action)


def _clean_name(name):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the team a name."]})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": [f"Keep the name to {NAME_MAX_LENGTH} characters or fewer."]})
    return name


def _clean_role(role):
    if role not in Membership.Role.values:
        choices = " or ".join(Membership.Role.values)
        raise ValidationError({"role": [f"“{role}” is not a role. Choose {choices}."]})
    return role


def _membership(team, user):
    membership = team.memberships.select_related("user").filter(user=user).first()
    if membership is None:
        raise ValidationError({"username": [f"{user.username} is not a member of {team.name}."]})
    return membership


def _is_last_manager(team, membership):
    return membership.role == Membership.Role.MANAGER and team.memberships.managers().count() == 1


def team_create(*, user, name):
    """A new team with `user` as its manager."""
    name = _clean_name(name)
    with transaction.atomic():
        team = Team.objects.create(name=name)
        Membership.objects.create(team=team, user=user, role=Membership.Role.MANAGER)
    return team


def team_rename(*, team, by, name):
    name = _clean_name(name)
    with transaction.atomic():
        team = _lock(team)
        _require_manager(team, by, "rename the team")
        team.name = name
        team.save(update_fields=["name"])
    return team


# The apps above teams say what is shared with a team: each registers a function
# ``team -> sentence naming what would be lost, or ""`` (see questions.apps). Teams never
# import them.
_shared_with_team = []


def register_team_dependents(describe):
    _shared_with_team.append(describe)
    return describe


def team_delete(*, team, by):
    """Delete a team, its memberships and invites. Refused while something is shared with it only."""
    with transaction.atomic():
        team = _lock(team)
        _require_manager(team, by, "delete the team")
        shared = [text for describe in _shared_with_team if (text := describe(team))]
        if shared:
            raise ValidationError(
                f"{team.name} still shares {' and '.join(shared)} with its members. "
                "Make them private or public first, so that nothing is lost."
            )
        team.delete()


def member_add(*, team, by, username, role=Membership.Role.INTERVIEWER):
    """Add the user called `username` to the team. Unknown users and existing members are refused."""
    role = _clean_role(role)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": ["Enter the username of the person to add."]})
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        matches = list(User.objects.filter(username__iexact=username)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise ValidationError(
            {"username": [f"No user named “{username}”. Check the spelling, or send an invite link."]}
        )
    with transaction.atomic():
        team = _lock(team)
        _require_manager(team, by, "add members")
        if team.memberships.filter(user=user).exists():
            raise ValidationError({"username": [f"{user.username} is already a member of {team.name}."]})
        membership = Membership.objects.create(team=team, user=user, role=role)
    return membership


def member_set_role(*, team, by, user, role):
    """Give `user` a new role. The last manager cannot be demoted."""
    role = _clean_role(role)
    with transaction.atomic():
        team = _lock(team)
        _require_manager(team, by, "change roles")
        membership = _membership(team, user)
        if membership.role == role:
            return membership
        if _is_last_manager(team, membership):
            raise ValidationError(
                {"role": [f"{user.username} is the only manager of {team.name}. Make someone else a manager first."]}
            )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def member_remove(*, team, by, user):
    """Remove `user` from the team: managers remove anyone, a member may remove themselves (leave).

    The last manager can do neither: a team always keeps at least one manager.
    """
    with transaction.atomic():
        team = _lock(team)
        leaving = by.pk == user.pk
        if not leaving:
            _require_manager(team, by, "remove members")
        membership = _membership(team, user)
        if _is_last_manager(team, membership):
            if leaving:
                message = f"You are the only manager of {team.name}. Make someone else a manager before you leave."
            else:
                message = f"{user.username} is the only manager of {team.name}. Make someone else a manager first."
            raise ValidationError(message, code="last_manager")
        membership.delete()


def invite_create(*, team, by, role=Membership.Role.INTERVIEWER):
    """A new single-use invite link for the team, valid for seven days."""
    role = _clean_role(role)
    with transaction.atomic():
        team = _lock(team)
        _require_manager(team, by, "create invite links")
        invite = TeamInvite.objects.create(team=team, role=role, created_by=by)
    return invite


def invite_revoke(*, invite, by):
    """Revoke an invite link that has not been used yet. Revoking twice is harmless."""
    with transaction.atomic():
        team = _lock(invite.team)
        _require_manager(team, by, "revoke invite links")
        TeamInvite.objects.filter(pk=invite.pk, revoked_at__isnull=True, used_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    invite.refresh_from_db()
    return invite


def invite_find(*, token):
    """The invite with this token, if it can still admit someone; raises InviteUnavailable saying why not."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        # Not something token_urlsafe makes (NUL bytes, slashes, a novel): no need to ask the database.
        raise InviteUnavailable("unknown")
    invite = TeamInvite.objects.select_related("team").filter(token=token).first()
    if invite is None:
        raise InviteUnavailable("unknown")
    reason = invite.status()
    if reason != TeamInvite.Status.USABLE:
        raise InviteUnavailable(reason, invite)
    return invite


def invite_accept(*, token, user):
    """Admit `user` through the invite link. Exactly one user gets in per link.

    The invite is claimed with a conditional update; only the request that changed the row
    goes on to create the membership. A user who is already a member leaves the link unused.
    """
    invite = invite_find(token=token)
    team = invite.team
    if permissions.is_member(user, team):
        raise AlreadyMember(team)
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = TeamInvite.objects.usable(now).filter(pk=invite.pk).update(used_by=user, used_at=now)
            if claimed != 1:
                current = TeamInvite.objects.filter(pk=invite.pk).first()
                if current is None:
                    raise InviteUnavailable("unknown")
                reason = current.status(now)
                raise InviteUnavailable(
                    TeamInvite.Status.USED if reason == TeamInvite.Status.USABLE else reason, current
                )
            membership = Membership.objects.create(team=team, user=user, role=invite.role)
    except IntegrityError:
        # Added by another route (a manager, another link) since the check above; the claim rolled back.
        raise AlreadyMember(team) from None
    return membership
