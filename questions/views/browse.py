"""Browsing the bank: the question list with its filters, a question with its rubric, the sets."""

from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from common.paging import page_of

from .. import services
from ..forms import (
    QuestionFilterForm,
)
from ..models import Question, QuestionSet, rubric_locked_filter
from ..rows import question_tags, rendered_rows, searched, topics
from ._shared import _fragment, _render

PAGE_SIZE = 20

# --- browsing ------------------------------------------------------------------------------


@require_safe
def question_list(request):
    # The topics and their checkboxes come from the cache, kept with the rows (questions/rows.py): the
    # checkboxes are written in a template, not by 37 widget templates (a quarter of the page's time).
    tags, context_topic_filter = topics(request.GET.getlist("tag"))
    form = QuestionFilterForm(request.GET or None, tags=tags)
    visible = Question.objects.for_user(request.user)
    questions = visible
    if form.is_valid():
        data = form.cleaned_data
        questions = questions.with_difficulty(data["difficulty"]).with_tags(data["tag"])
        if data["mine"] and request.user.is_authenticated:
            questions = questions.filter(owner=request.user)
    # A topic that does not exist is said so, not silently dropped (which listed every question).
    known = {t.slug for t in tags}
    unknown_tags = [slug for slug in dict.fromkeys(request.GET.getlist("tag")) if slug not in known]
    if unknown_tags:
        questions = questions.none()
    if form.is_valid() and form.cleaned_data["q"].strip() and not unknown_tags:
        # A search ranks every match (full text, then similar words): run it once for the ids in their
        # order and fetch the page's rows by id, instead of once to count and again for the page.
        # The ids come from the cache when the user ran the same search within a minute (rows.searched);
        # the page's rows are read through the visibility query, so a kept result never shows more.
        params = (data["q"], data["difficulty"], tuple(sorted(data["tag"])), data["mine"])
        ids = searched(  # the search is built only when not kept: that was a third of the page's time
            request.user,
            params,
            lambda: list(questions.search(data["q"], user=request.user).values_list("pk", flat=True)),
        )
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        found = visible.only("pk", "updated_at").in_bulk(page.object_list)  # what keys the cached rows
        listed = [found[pk] for pk in page.object_list if pk in found]
    else:
        # The page and the total in one query, and of each question only what keys its cached row.
        page = page_of(questions.only("pk", "updated_at"), request.GET.get("page"), PAGE_SIZE)
        listed = page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "tags": tags, "unknown_tags": unknown_tags}
    context["rows"] = rendered_rows(listed)
    context["topic_filter"] = context_topic_filter
    return _render(request, _fragment(request, "questions/question_list.html", "results"), context)


@require_safe
def question_detail(request, pk):
    # Whether its rubric is closed to the user comes with the question, in the same query.
    visible = Question.objects.for_user(request.user)
    if request.user.is_authenticated:
        visible = visible.annotate(locked=ExpressionWrapper(rubric_locked_filter(request.user), BooleanField()))
    question = get_object_or_404(visible, pk=pk)
    rubric_locked = bool(getattr(question, "locked", False))
    show_rubric = request.GET.get("rubric") == "1" and not rubric_locked
    template = "questions/question_detail.html"
    if show_rubric:
        template = _fragment(request, template, "rubric")
    context = {
        "question": question,
        "tags": question_tags(question),  # from the cache, kept with the question's row
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
