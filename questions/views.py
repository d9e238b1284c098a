from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from teams.models import Team

from . import rules, services
from .forms import (
    ImportForm,
    QuestionFilterForm,
    QuestionForm,
    QuestionSetForm,
    empty_row,
    keypoint_rows,
    keypoint_rows_of,
    keypoints_from_rows,
    visibility_value,
)
from .markdown import render_markdown
from .models import Question, QuestionSet, Tag

PAGE_SIZE = 20
SEARCH_RESULTS = 10


def _fragment(request, template, partial):
    """The page's template, or only its partial for an htmx request that swaps a fragment."""
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return f"{template}#{partial}"
    return template


def _render(request, template, context, status=200):
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _done(request, url):
    """Where to go after a successful change: a redirect, which htmx follows as a page load."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _add_errors(form, error: ValidationError, fields_elsewhere=()):
    """Put a service's ValidationError on the form; return errors for fields it does not have."""
    elsewhere = {}
    for field, messages_ in error.message_dict.items():
        if field in fields_elsewhere:
            elsewhere[field] = messages_
        elif field in form.fields:
            form.add_error(field, messages_)
        else:
            form.add_error(None, messages_)
    return elsewhere


# --- browsing ------------------------------------------------------------------------------


@require_safe
def question_list(request):
    tags = list(Tag.objects.all())
    form = QuestionFilterForm(request.GET or None, tags=tags)
    questions = Question.objects.for_user(request.user).prefetch_related("tags")
    if form.is_valid():
        data = form.cleaned_data
        questions = (
            questions.with_difficulty(data["difficulty"]).with_tags(data["tag"]).search(data["q"], user=request.user)
        )
        if data["mine"] and request.user.is_authenticated:
            questions = questions.filter(owner=request.user)
    # A topic that does not exist is said so, not silently dropped (which listed every question).
    known = {t.slug for t in tags}
    unknown_tags = [slug for slug in dict.fromkeys(request.GET.getlist("tag")) if slug not in known]
    if unknown_tags:
        questions = questions.none()
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "tags": tags, "unknown_tags": unknown_tags}
    # The topic checkboxes are written in the template, not by 37 widget templates (a quarter of the page's time).
    context["ticked"] = set(request.GET.getlist("tag"))
    return _render(request, _fragment(request, "questions/question_list.html", "results"), context)


@require_safe
def question_detail(request, pk):
    question = get_object_or_404(Question.objects.for_user(request.user).prefetch_related("tags"), pk=pk)
    rubric_locked = not Question.objects.rubric_readable_by(request.user).filter(pk=question.pk).exists()
    show_rubric = request.GET.get("rubric") == "1" and not rubric_locked
    template = "questions/question_detail.html"
    if show_rubric:
        template = _fragment(request, template, "rubric")
    context = {
        "question": question,
        "show_rubric": show_rubric,
        "rubric_locked": rubric_locked,
        "keypoints": question.keypoints.all() if show_rubric else [],
        "can_change": services.can_change(request.user, question),
    }
    return _render(request, template, context)


@require_safe
def set_list(request):
    sets = (
        QuestionSet.objects.for_user(request.user)
        .annotate(question_count=Count("items"))
        .order_by(*QuestionSet.LIST_ORDER)
    )
    return render(request, "questions/set_list.html", {"sets": sets})


@require_safe
def set_detail(request, pk):
    qset = get_object_or_404(QuestionSet.objects.for_user(request.user), pk=pk)
    items = (
        qset.items.filter(question__in=Question.objects.for_user(request.user))
        .select_related("question")
        .prefetch_related("question__tags")
    )
    context = {
        "set": qset,
        "items": items,
        "can_change": services.can_change(request.user, qset),
        "manages_team": services.is_team_manager(request.user, qset.team_id),
    }
    return render(request, "questions/set_detail.html", context)


# --- writing questions ---------------------------------------------------------------------


def _apply_row_action(rows, action):
    """Add, remove or move a keypoint row; return the index of the row to focus."""
    if action == "add" and len(rows) < rules.MAX_KEYPOINTS:
        rows.append(empty_row())
        return len(rows) - 1
    verb, _, index = action.partition("-")
    if not index.isdigit() or int(index) >= len(rows):
        return None
    i = int(index)
    if verb == "remove":
        rows.pop(i)
        return min(i, len(rows) - 1)
    if verb in ("up", "down"):
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(rows):
            rows[i], rows[j] = rows[j], rows[i]
            return j
        return i
    return None


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, pk=None):
    question = None
    if pk is not None:
        question = get_object_or_404(Question.objects.for_user(request.user), pk=pk)
        if not services.can_change(request.user, question):
            raise PermissionDenied("Only the owner or a manager of its team may edit this question.")
    teams = list(Team.objects.for_user(request.user))
    preview = None
    focus = None
    keypoint_errors = []
    if request.method == "GET":
        if question:
            initial = {
                "prompt": question.prompt,
                "difficulty": question.difficulty,
                "tags": ", ".join(t.name for t in question.tags.all()),
                "context": question.context,
                "reference_answer": question.reference_answer,
                "visibility": visibility_value(question),
            }
            rows = keypoint_rows_of(question)
        else:
            initial = {"difficulty": "intermediate", "visibility": "private"}
            rows = [empty_row("2" if i == 0 else "1") for i in range(rules.MIN_KEYPOINTS)]
        form = QuestionForm(initial=initial, user=request.user, teams=teams)
    else:
        form = QuestionForm(request.POST, user=request.user, teams=teams)
        rows = keypoint_rows(request.POST)
        action = request.POST.get("action", "save")
        if action == "preview":
            preview = {
                "context": render_markdown(request.POST.get("context", "")),
                "reference_answer": render_markdown(request.POST.get("reference_answer", "")),
            }
        elif action != "save":
            focus = _apply_row_action(rows, action)
        elif form.is_valid():
            data = form.cleaned_data
            visibility, team = data["visibility"]
            values = {
                "prompt": data["prompt"],
                "difficulty": data["difficulty"],
                "keypoints": keypoints_from_rows(rows),
                "context": data["context"],
                "reference_answer": data["reference_answer"],
                "tags": data["tags"],
                "visibility": visibility,
                "team": team,
            }
            try:
                if question:
                    question = services.question_update(question=question, by=request.user, **values)
                    messages.success(request, "Question saved.")
                else:
                    question = services.question_create(owner=request.user, **values)
                    messages.success(request, "Question created.")
                return _done(request, question.get_absolute_url())
            except ValidationError as error:
                keypoint_errors = _add_errors(form, error, fields_elsewhere=("keypoints",)).get("keypoints", [])
    context = {
        "form": form,
        "question": question,
        "rows": rows,
        "rules": rules,
        "keypoint_errors": keypoint_errors,
        "preview": preview,
        "focus": focus,
    }
    return _render(request, _fragment(request, "questions/question_form.html", "editor"), context)


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, pk):
    question = get_object_or_404(Question.objects.for_user(request.user), pk=pk)
    if not services.can_change(request.user, question):
        raise PermissionDenied("Only the owner or a manager of its team may delete this question.")
    if request.method == "POST":
        outcome = services.question_delete(question=question, by=request.user)
        if outcome == "archived":
            messages.success(request, "Question archived: sets and sessions that used it keep their copy.")
        else:
            messages.success(request, "Question deleted.")
        return _done(request, reverse("questions:list") + "?mine=on")
    return render(request, "questions/confirm_delete.html", {"object": question, "kind": "question"})


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
    from . import transfer

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
    from . import transfer

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
