"""Calibration pages: a team's drills, making one, scoring one blind, its results; the team page's section."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from teams.models import Membership, Team
from teams.permissions import require_manager, role

from . import services
from .forms import DrillEditForm, DrillForm, QuestionChoiceForm, RequirementForm, ScoreForm, letter
from .models import Attempt, Drill, Requirement
from .presenters import drill_for


def _team(request, pk):
    return get_object_or_404(Team.objects.for_user(request.user), pk=pk)


def _add_errors(form, error):
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _list_page(request, team, *, requirement_form=None, status=200):
    is_manager = role(request.user, team) == Membership.Role.MANAGER
    drills = list(Drill.objects.filter(team=team).select_related("created_by"))
    mine = dict(Attempt.objects.filter(drill__team=team, user=request.user).values_list("drill_id", "kappa"))
    counts = {}
    if is_manager:
        for drill_id in Attempt.objects.filter(drill__team=team).values_list("drill_id", flat=True):
            counts[drill_id] = counts.get(drill_id, 0) + 1
    requirement = Requirement.objects.filter(team=team).first()
    if requirement_form is None and is_manager:
        requirement_form = RequirementForm(
            initial={"required": requirement is not None, "threshold": requirement.threshold if requirement else 0.6}
        )
    context = {
        "team": team,
        "is_manager": is_manager,
        "rows": [(d, d.pk in mine, mine.get(d.pk), counts.get(d.pk, 0)) for d in drills],
        "requirement": requirement,
        "requirement_form": requirement_form,
    }
    return render(request, "calibration/drill_list.html", context, status=status)


@require_safe
@login_required
def drill_list(request, team_pk):
    return _list_page(request, _team(request, team_pk))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def drill_new(request, team_pk):
    """Step one chooses the question (htmx swaps in step two); step two writes the answers and gold marks."""
    team = _team(request, team_pk)
    require_manager(request.user, team, "make calibration drills")
    questions = services.drill_questions(team=team, by=request.user).order_by("prompt")
    source = request.POST if request.method == "POST" else request.GET
    choice = QuestionChoiceForm(source if "question" in source else None, questions=questions)
    context = {"team": team, "choice": choice, "form": None}
    status = 200
    if choice.is_bound and choice.is_valid():
        question = choice.cleaned_data["question"]
        keypoints = list(question.keypoints.order_by("position"))
        sources = services.source_answers(team=team, question=question)
        form = DrillForm(request.POST if request.method == "POST" else None, keypoints=keypoints, sources=sources)
        context.update(question=question, form=form, sources=[(letter(i), s) for i, s in enumerate(sources)])
        if form.is_bound:
            if form.is_valid():
                try:
                    drill = services.drill_create(team=team, by=request.user, question=question, answers=form.answers())
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(request, "Drill made. The team's interviewers can score it now.")
                    return redirect(drill)
            status = 400
    elif choice.is_bound:
        status = 400
    template = "calibration/drill_new.html#step-two" if request.htmx else "calibration/drill_new.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _drill(request, pk):
    return get_object_or_404(Drill.objects.for_user(request.user).select_related("team"), pk=pk)


@require_safe
@login_required
def drill_detail(request, pk):
    drill = _drill(request, pk)
    data = drill_for(drill, request.user)
    form = ScoreForm(drill_data=data) if data["can_score"] else None
    return render(request, "calibration/drill_detail.html", {"drill": drill, "data": data, "form": form})


@require_POST
@login_required
def drill_score(request, pk):
    drill = _drill(request, pk)
    data = drill_for(drill, request.user)
    form = ScoreForm(request.POST, drill_data=data)
    if form.is_valid():
        try:
            attempt = services.attempt_submit(drill=drill, by=request.user, marks=form.marks())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            shown = "not measurable" if attempt.kappa is None else f"{attempt.kappa:.2f}"
            messages.success(request, f"Marks submitted. Your agreement with the gold marks: {shown}.")
            return redirect(drill)
    context = {"drill": drill, "data": data, "form": form}
    return render(request, "calibration/drill_detail.html", context, status=400)


def _managed_drill(request, pk, action):
    """The drill (404 outside its team), for its team's managers only (403 for its interviewers)."""
    drill = _drill(request, pk)
    require_manager(request.user, drill.team, action)
    return drill


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def drill_edit(request, pk):
    """The title always; the gold marks only until an interviewer has scored the drill."""
    drill = _managed_drill(request, pk, "change calibration drills")
    data = drill_for(drill, request.user)
    locked = bool(data["attempts"])
    form = DrillEditForm(request.POST if request.method == "POST" else None, drill_data=data, locked=locked)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.drill_update(
                    drill=drill, by=request.user, prompt=form.cleaned_data["prompt"], gold=form.gold()
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Drill saved." if locked else "Drill saved, with its gold marks.")
                return redirect(drill)
        status = 400
    context = {"drill": drill, "data": data, "form": form, "locked": locked, "locked_message": services.GOLD_LOCKED}
    return render(request, "calibration/drill_edit.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def drill_delete(request, pk):
    """A confirmation page saying what goes with the drill; the POST deletes it."""
    drill = _managed_drill(request, pk, "delete calibration drills")
    if request.method == "POST":
        removed = services.drill_delete(drill=drill, by=request.user)
        messages.success(
            request,
            f"Drill deleted, with {removed} attempt{pluralize(removed)}: agreement figures no longer count it.",
        )
        return redirect("calibration:list", team_pk=drill.team_id)
    context = {
        "drill": drill,
        "attempts": drill.attempts.count(),
        "requirement": Requirement.objects.filter(team=drill.team).exists(),
    }
    return render(request, "calibration/drill_delete.html", context)


@require_POST
@login_required
def requirement(request, team_pk):
    team = _team(request, team_pk)
    require_manager(request.user, team, "set the drill requirement")
    form = RequirementForm(request.POST)
    if form.is_valid():
        threshold = form.cleaned_data["threshold"] if form.cleaned_data["required"] else None
        services.requirement_set(team=team, by=request.user, threshold=threshold)
        if threshold is None:
            messages.success(request, "New interviewers no longer need to pass a drill.")
        else:
            messages.success(request, f"Interviewers who join from now on must pass a drill at {threshold:.2f}.")
        return redirect("calibration:list", team_pk=team.pk)
    return _list_page(request, team, requirement_form=form, status=400)


def team_section(request, team, is_manager):
    """The team page's calibration section: every interviewer's agreement for managers, one's own otherwise."""
    interviewers = team.memberships.filter(role=Membership.Role.INTERVIEWER)
    if not is_manager:
        interviewers = interviewers.filter(user=request.user)
    memberships = list(interviewers.for_display())
    # A subquery, not a list: the page runs the same queries for a team without interviewers.
    figures = services.agreement(team=team, users=interviewers.values("user_id"))
    return {
        "template": "calibration/_team_section.html",
        "rows": [(m, figures.get(m.user_id)) for m in memberships],
        "last": services.RECENT_DRILLS,
    }
