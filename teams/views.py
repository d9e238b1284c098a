from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import permissions, services
from .forms import InviteForm, MemberAddForm, MemberRoleForm, TeamForm, add_service_errors
from .models import Membership, Team

# Apps above teams add a section to the team page (calibration: each interviewer's agreement with
# gold marks) through a function registered at start-up: ``(request, team, is_manager) -> dict``
# with the section's ``template`` and what it shows, or None to show nothing. Teams imports none.
_team_sections = []


def register_team_section(section):
    _team_sections.append(section)
    return section


def _team(request, pk):
    """The team, if the user is a member of it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(Team.objects.for_user(request.user), pk=pk)


def _membership(team, username):
    """A member of the team, by username; 404 for anyone else."""
    return get_object_or_404(team.memberships.select_related("user"), user__username=username)


def _render_detail(request, team, *, status=200, **forms):
    """The team page. Forms passed in (bound, with errors) replace the blank ones."""
    memberships = list(team.memberships.for_display())
    is_manager = permissions.manages(request.user, team)
    context = {
        "team": team,
        "memberships": memberships,
        "is_manager": is_manager,
        "my_role": permissions.role(request.user, team),
    }
    if is_manager:
        role_form = forms.get("role_form")
        context["rows"] = [
            (
                m,
                role_form if role_form and role_form.membership.pk == m.pk else MemberRoleForm(membership=m),
                m.user_id != request.user.pk,
            )
            for m in memberships
        ]
        context["rename_form"] = forms.get("rename_form") or TeamForm(initial={"name": team.name})
        context["add_form"] = forms.get("add_form") or MemberAddForm()
        context["invite_form"] = forms.get("invite_form") or InviteForm()
        context["invites"] = [
            (invite, request.build_absolute_uri(invite.get_absolute_url()))
            for invite in team.invites.usable().select_related("created_by")
        ]
    context["leave_errors"] = forms.get("leave_errors", [])
    context["sections"] = [s for section in _team_sections if (s := section(request, team, is_manager))]
    return render(request, "teams/team_detail.html", context, status=status)


def _render_list(request, form, status=200):
    teams = Team.objects.for_user(request.user).with_role(request.user).with_member_count()
    return render(request, "teams/team_list.html", {"teams": teams, "form": form}, status=status)


@require_safe
@login_required
def team_list(request):
    return _render_list(request, TeamForm())


@require_POST
@login_required
def team_create(request):
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = services.team_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Team “{team.name}” created. You are its manager: add members below.")
            return redirect(team)
    return _render_list(request, form, status=400)


@require_safe
@login_required
def team_detail(request, pk):
    return _render_detail(request, _team(request, pk))


@require_POST
@login_required
def team_rename(request, pk):
    team = _team(request, pk)
    permissions.require_manager(request.user, team, "rename the team")
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = services.team_rename(team=team, by=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Team renamed to “{team.name}”.")
            return redirect(team)
    return _render_detail(request, team, status=400, rename_form=form)


@require_POST
@login_required
def member_add(request, pk):
    team = _team(request, pk)
    permissions.require_manager(request.user, team, "add members")
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_add(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            role = membership.get_role_display().lower()
            messages.success(request, f"{membership.user.username} added to {team.name} as {role}.")
            return redirect(team)
    return _render_detail(request, team, status=400, add_form=form)


@require_POST
@login_required
def member_role(request, pk, username):
    team = _team(request, pk)
    permissions.require_manager(request.user, team, "change roles")
    membership = _membership(team, username)
    member = membership.user
    form = MemberRoleForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            membership = services.member_set_role(
                team=team, by=request.user, user=member, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            role = membership.get_role_display().lower()
            messages.success(request, f"{member.username} is now {'a manager' if role == 'manager' else 'an ' + role}.")
            return redirect(team)
    return _render_detail(request, team, status=400, role_form=form)


@require_POST
@login_required
def member_remove(request, pk, username):
    team = _team(request, pk)
    permissions.require_manager(request.user, team, "remove members")
    member = _membership(team, username).user
    try:
        services.member_remove(team=team, by=request.user, user=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_detail(request, team, status=400)
    if member.pk == request.user.pk:
        messages.success(request, f"You left {team.name}.")
        return redirect("teams:list")
    messages.success(request, f"{member.username} was removed from {team.name}.")
    return redirect(team)


@require_POST
@login_required
def leave(request, pk):
    team = _team(request, pk)
    try:
        services.member_remove(team=team, by=request.user, user=request.user)
    except ValidationError as exc:
        return _render_detail(request, team, status=400, leave_errors=exc.messages)
    messages.success(request, f"You left {team.name}.")
    return redirect("teams:list")


@require_POST
@login_required
def invite_create(request, pk):
    team = _team(request, pk)
    permissions.require_manager(request.user, team, "create invite links")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invite = services.invite_create(team=team, by=request.user, role=form.cleaned_data["role"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            url = request.build_absolute_uri(invite.get_absolute_url())
            expires = invite.expires_at.strftime("%d %B %Y")
            messages.success(
                request, f"Invite link created: {url} — it admits one person until {expires}. Copy it from the list."
            )
            return redirect(team)
    return _render_detail(request, team, status=400, invite_form=form)


@require_POST
@login_required
def invite_revoke(request, pk, invite_pk):
    team = _team(request, pk)
    permissions.require_manager(request.user, team, "revoke invite links")
    invite = get_object_or_404(team.invites.select_related("team"), pk=invite_pk)
    services.invite_revoke(invite=invite, by=request.user)
    messages.success(request, "Invite link revoked: nobody can join with it any more.")
    return redirect(team)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def join(request, token):
    """An invite link: a page naming the team with a "Join team" button, which admits one user."""
    try:
        invite = services.invite_find(token=token)
    except services.InviteUnavailable as exc:
        return _invite_unavailable(request, exc)
    team = invite.team
    if request.method == "POST":
        try:
            membership = services.invite_accept(token=token, user=request.user)
        except services.InviteUnavailable as exc:
            return _invite_unavailable(request, exc)
        except services.AlreadyMember:
            messages.info(request, f"You are already a member of {team.name}.")
            return redirect(team)
        role = membership.get_role_display().lower()
        messages.success(request, f"Welcome to {team.name}. You joined as {role}.")
        return redirect(team)
    context = {
        "invite": invite,
        "team": team,
        "already_member": permissions.is_member(request.user, team),
        "role": Membership.Role(invite.role).label.lower(),
    }
    return render(request, "teams/join.html", context)


def _invite_unavailable(request, exc):
    status = 404 if exc.reason == "unknown" else 410
    return render(request, "teams/invite_unavailable.html", {"message": str(exc), "reason": exc.reason}, status=status)
