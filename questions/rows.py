"""The question list's rows and topic checkboxes (and the API's list items), made once and shared from the cache.

A row shows what every user sees the same of a question (its prompt, difficulty and topics), so it
is rendered once for everybody; who may see which question is still decided per request, by the
query that picks the page. A row is keyed by its question and the question's ``updated_at``, and
guarded by one generation (``common.cached``) that any change to a question, to the topics a
question carries or to a topic moves on: the signals ``connect_signals`` connects, and the bank
loader's bulk writes, which call ``forget_rows`` themselves.
"""

from __future__ import annotations

import hashlib

from django.db.models import prefetch_related_objects
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string

from common import cached

GROUP = "questions:rows"
TEMPLATE = "questions/_question_row.html"
FILTER_TEMPLATE = "questions/_topic_filter.html"
SEARCH_GROUP = "questions:search"
SEARCH_SECONDS = 60


def rendered_rows(questions) -> list[str]:
    """Each question's row on the list page (HTML), in order."""
    return _per_question(questions, "row", lambda missing: [render_to_string(TEMPLATE, {"q": q}) for q in missing])


def question_tags(question) -> list[dict]:
    """The question's topics ({"slug", "name"}, in their order) for its page, kept with its row: one
    cache read instead of a query when warm (the question needs only ``pk`` and ``updated_at``)."""
    return _per_question(
        [question], "tags", lambda missing: [[{"slug": t.slug, "name": t.name} for t in q.tags.all()] for q in missing]
    )[0]


def listed(questions, represent) -> list:
    """Each question as the API lists it, in order; ``represent(questions)`` gives them in order."""
    return _per_question(questions, "api", represent)


def _per_question(questions, kind: str, make) -> list:
    """``make(questions)`` of each question, from the cache, or made (one query for the topics of all missing).

    The questions need only their ``pk`` and ``updated_at`` loaded (``.only()``): the missing ones are
    then read whole, in one query."""
    questions = list(questions)
    by_key = {f"{GROUP}:{kind}:{q.pk}:{q.updated_at.timestamp()}": q for q in questions}

    def render(keys):
        missing = [by_key[key] for key in keys]
        if any(q.get_deferred_fields() for q in missing):
            from .models import Question

            whole = Question.objects.in_bulk([q.pk for q in missing])
            missing = [whole.get(q.pk, q) for q in missing]
        prefetch_related_objects(missing, "tags")
        return dict(zip(keys, make(missing), strict=True))

    found = cached.read_group(GROUP, list(by_key), render)
    return [found[key] for key in by_key]


def topics(ticked) -> tuple[list, str]:
    """Every topic, and the topic checkboxes of the list's filters (HTML) with ``ticked`` (slugs) ticked:
    from the cache in one round trip, the checkboxes rendered once per choice of ticked topics."""
    ticked = sorted(set(ticked))
    tags_key = f"{GROUP}:tags"
    filter_key = f"{GROUP}:topics:" + hashlib.sha256("\n".join(ticked).encode()).hexdigest()[:32]

    def render(keys):
        from .models import Tag

        tags = list(Tag.objects.all())
        html = render_to_string(FILTER_TEMPLATE, {"tags": tags, "ticked": set(ticked)})
        return {key: value for key, value in ((tags_key, tags), (filter_key, html)) if key in keys}

    found = cached.read_group(GROUP, [tags_key, filter_key], render)
    return found[tags_key], found[filter_key]


def bank_sets() -> list:
    """The bank's question sets (no owner: public), as the home page lists them: the same for everybody,
    from the cache (a set saved or deleted, and the bank loader, make it stale)."""
    key = f"{GROUP}:bank-sets"

    def render(keys):
        from .models import QuestionSet

        bank = QuestionSet.objects.filter(owner__isnull=True, visibility="public")
        return {key: list(bank.only("pk", "title", "description").order_by("pk")[:10])}

    return cached.read_group(GROUP, [key], render)[key]


def searched(user, params: tuple, search) -> list[int]:
    """The ids of the questions a search finds for ``user``, most relevant first: ``search()``, or the cache.

    Building the ranked search (full text on several fields, the typo fallback) is most of a search
    page's time, and people page through, go back and search again. A result is kept per user for
    SEARCH_SECONDS, keyed by the search's ``params`` and by the questions whose rubric is closed to the
    user now (one query): a search never matches those questions' keypoints, so an interview starting
    or ending is a new key, never an old result. Any change to a question, keypoint or topic
    (``forget_search``) makes every kept result stale. What a user may see (a team joined or left) is
    not in the key: the caller reads the page's rows through the visibility query, so a question no
    longer visible never shows, and one newly visible shows within SEARCH_SECONDS.
    """
    from .models import Question, rubric_locked_filter

    locked = []
    if user.is_authenticated:
        locked = sorted(Question.objects.filter(rubric_locked_filter(user)).values_list("pk", flat=True))
    digest = hashlib.sha256(repr((user.pk, params, locked)).encode()).hexdigest()[:32]
    key = f"{SEARCH_GROUP}:{digest}"
    return cached.read_group(SEARCH_GROUP, [key], lambda keys: {key: search()}, SEARCH_SECONDS)[key]


def forget_search(**kwargs) -> None:
    """A question, keypoint or topic changed: no kept search result serves again."""
    cached.forget(SEARCH_GROUP)


def forget_rows(**kwargs) -> None:
    """Every row rendered so far may show an old prompt or topic: none serves again (nor any search)."""
    cached.forget(GROUP, SEARCH_GROUP)


def connect_signals() -> None:
    from .models import Question, QuestionSet, RubricKeypoint, Tag

    post_save.connect(forget_rows, sender=Question, dispatch_uid="questions-rows-question-saved")
    post_save.connect(forget_rows, sender=QuestionSet, dispatch_uid="questions-rows-set-saved")
    post_delete.connect(forget_rows, sender=QuestionSet, dispatch_uid="questions-rows-set-deleted")
    post_delete.connect(forget_rows, sender=Tag, dispatch_uid="questions-rows-tag-deleted")
    post_save.connect(forget_rows, sender=Tag, dispatch_uid="questions-rows-tag-saved")
    m2m_changed.connect(forget_rows, sender=Question.tags.through, dispatch_uid="questions-rows-tags-changed")
    post_delete.connect(forget_rows, sender=Question, dispatch_uid="questions-rows-question-deleted")
    post_save.connect(forget_search, sender=RubricKeypoint, dispatch_uid="questions-search-keypoint-saved")
    post_delete.connect(forget_search, sender=RubricKeypoint, dispatch_uid="questions-search-keypoint-deleted")
