"""Question sets: create, edit (the builder), clone, delete, export and import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from teams.models import Team

from .. import services
from ..forms import (
    ImportForm,
    QuestionSetForm,
    visibility_value,
)
from ..models import Question, QuestionSet
from ._shared import _add_errors, _done, _fragment, _render

SEARCH_RESULTS = 10

# --- question sets -------------------------------------------------------------------------


def _changeable_set(request, pk):
    qset = get_object_or_404(QuestionSet.objects.for_user(request.user), pk=pk)
    if not services.can_change(request.user, qset):
        raise PermissionDenied("Only the owner or a manager of its team may change this set.")
    return qset


@login_required
@require_http_methods(["GET", "POST"])
def set_create(request):
    teams = list(Team.objects.for_user(request.user))
    form = QuestionSetForm(request.POST or None, user=request.user, teams=teams, initial={"visibility": "private"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visibility, team = data["visibility"]
        try:
            qset = services.set_create(
                owner=request.user,
                title=data["title"],
                description=data["description"],
                minutes_per_question=data["minutes_per_question"],
                visibility=visibility,
                team=team,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Set created. Now add questions to it.")
            return redirect("questions:set_edit", pk=qset.pk)
    return render(request, "questions/set_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request, pk):
    """The set builder: details, the ordered questions, and a search box to add more."""
    qset = _changeable_set(request, pk)
    teams = list(Team.objects.for_user(request.user))
    details_form = QuestionSetForm(
        initial={
            "title": qset.title,
            "description": qset.description,
            "minutes_per_question": qset.minutes_per_question,
            "visibility": visibility_value(qset),
        },
        user=request.user,
        teams=teams,
    )
    partial = "builder"
    focus = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        question_id = request.POST.get("question", "")
        try:
            if action == "details":
                details_form = QuestionSetForm(request.POST, user=request.user, teams=teams)
                partial = "details"
                if details_form.is_valid():
                    data = details_form.cleaned_data
                    visibility, team = data["visibility"]
                    shared = services.set_update(
                        qset=qset,
                        by=request.user,
                        title=data["title"],
                        description=data["description"],
                        minutes_per_question=data["minutes_per_question"],
                        visibility=visibility,
                        team=team,
                    )
                    text = "Set details saved."
                    if shared:
                        verb = "is" if len(shared) == 1 else "are"
                        text += f" {len(shared)} of your questions in it {verb} now shared with {team.name} too."
                    messages.success(request, text)
                    return _done(request, reverse("questions:set_edit", args=[qset.pk]))
            elif action == "add" and question_id.isdigit():
                question = get_object_or_404(Question.objects.for_user(request.user), pk=question_id)
                services.set_add_question(qset=qset, by=request.user, question=question)
                messages.success(request, f"Added “{question.prompt[:80]}”.")
                partial = "items"
            elif action in ("up", "down") and question_id.isdigit():
                services.set_move_question(
                    qset=qset, by=request.user, question_id=int(question_id), offset=-1 if action == "up" else 1
                )
                focus = (int(question_id), action)
                partial = "items"
            elif action == "remove" and question_id.isdigit():
                services.set_remove_question(qset=qset, by=request.user, question_id=int(question_id))
                messages.success(request, "Question removed from the set.")
                partial = "items"
            elif action == "reorder":
                order = [i for i in request.POST.get("order", "").split(",") if i.strip().isdigit()]
                services.set_reorder(qset=qset, by=request.user, question_ids=order)
                messages.success(request, "New order saved.")
                partial = "items"
            else:
                return HttpResponse("Unknown action.", status=400)
        except ValidationError as error:
            if action == "details":
                _add_errors(details_form, error)
            else:
                for text in error.messages:
                    messages.error(request, text)
                partial = "items"
        if not request.htmx and not details_form.errors:
            url = reverse("questions:set_edit", args=[qset.pk])
            if focus:  # keep the keyboard on the moved question after a full page load
                url += f"?moved={focus[0]}&dir={focus[1]}"
            return redirect(url)
    elif request.GET.get("moved", "").isdigit() and request.GET.get("dir") in ("up", "down"):
        focus = (int(request.GET["moved"]), request.GET["dir"])
    items = qset.items.select_related("question").prefetch_related("question__tags").order_by("position")
    in_set = [item.question_id for item in items]
    search = (request.POST if request.method == "POST" else request.GET).get("q", "").strip()
    results = []
    if search:
        results = list(
            Question.objects.for_user(request.user)
            .search(search, user=request.user)
            .exclude(pk__in=in_set)[:SEARCH_RESULTS]
        )
    context = {
        "set": qset,
        "items": items,
        "details_form": details_form,
        "search": search,
        "results": results,
        # After an htmx "add", the search results are refreshed too (out of band).
        "oob_search": request.method == "POST" and bool(search),
        "focus_id": focus[0] if focus else None,
        "focus_action": focus[1] if focus else None,
    }
    if request.method == "GET" and "q" in request.GET:
        partial = "search"
    template = _fragment(request, "questions/set_edit.html", partial)
    return _render(request, template, context)


@login_required
@require_POST
def set_clone(request, pk):
    qset = get_object_or_404(QuestionSet.objects.for_user(request.user), pk=pk)
    copy = services.set_clone(qset=qset, by=request.user)
    messages.success(request, f"“{qset.title}” copied into your sets. Change it freely.")
    return _done(request, reverse("questions:set_edit", args=[copy.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def set_delete(request, pk):
    qset = _changeable_set(request, pk)
    if request.method == "POST":
        services.set_delete(qset=qset, by=request.user)
        messages.success(request, f"Set “{qset.title}” deleted. Its questions are untouched.")
        return _done(request, reverse("questions:set_list"))
    return render(request, "questions/confirm_delete.html", {"object": qset, "kind": "set"})


@require_safe
def set_export(request, pk):
    from .. import transfer

    qset = get_object_or_404(QuestionSet.objects.for_user(request.user), pk=pk)
    fmt = request.GET.get("format", "json")
    if fmt not in ("json", "yaml", "csv"):
        return HttpResponse("Choose format=json, yaml or csv.", status=400, content_type="text/plain")
    content, content_type, filename = transfer.export_set(qset, user=request.user, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def set_import(request):
    from .. import transfer

    teams = list(Team.objects.for_user(request.user))
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user, teams=teams)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        visibility, team = form.cleaned_data["visibility"]
        try:
            data = transfer.read_upload(upload, title=form.cleaned_data["title"] or None)
            qset = transfer.import_set(owner=request.user, data=data, visibility=visibility, team=team)
        except transfer.TransferError as error:
            problems = error.errors
        except ValidationError as error:
            problems = [
                {"item": None, "row": None, "field": field, "message": " ".join(msgs)}
                for field, msgs in error.message_dict.items()
            ]
        else:
            messages.success(request, f"Imported “{qset.title}” with {qset.items.count()} questions.")
            return redirect("questions:set_detail", pk=qset.pk)
    status = 400 if problems or form.errors else 200
    return render(request, "questions/set_import.html", {"form": form, "problems": problems}, status=status)
