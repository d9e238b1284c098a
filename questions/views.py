from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from .forms import QuestionFilterForm
from .models import Question, QuestionSet, Tag

PAGE_SIZE = 20


@require_safe
def question_list(request):
    tags = list(Tag.objects.all())
    form = QuestionFilterForm(request.GET or None, tags=tags)
    questions = Question.objects.for_user(request.user).prefetch_related("tags")
    if form.is_valid():
        data = form.cleaned_data
        questions = questions.with_difficulty(data["difficulty"]).with_tags(data["tag"]).search(data["q"])
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "questions/question_list.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, {"form": form, "page": page, "query": query.urlencode(), "tags": tags})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def question_detail(request, pk):
    question = get_object_or_404(Question.objects.for_user(request.user).prefetch_related("tags"), pk=pk)
    show_rubric = request.GET.get("rubric") == "1"
    template = "questions/question_detail.html"
    if request.htmx and show_rubric and not request.htmx.history_restore_request:
        template += "#rubric"
    keypoints = question.keypoints.all() if show_rubric else []
    response = render(request, template, {"question": question, "show_rubric": show_rubric, "keypoints": keypoints})
    patch_vary_headers(response, ["HX-Request"])
    return response


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
    return render(request, "questions/set_detail.html", {"set": qset, "items": items})
