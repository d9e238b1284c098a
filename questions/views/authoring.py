"""Writing one's own questions: the editor with its keypoint rows, and deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from teams.models import Team

from .. import rules, services
from ..forms import (
    QuestionForm,
    empty_row,
    keypoint_rows,
    keypoint_rows_of,
    keypoints_from_rows,
    visibility_value,
)
from ..markdown import render_markdown
from ..models import Question
from ._shared import _add_errors, _done, _fragment, _render

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
