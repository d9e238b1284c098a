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


def rendered_rows(questions) -> list[str]:
    """Each question's row on the list page (HTML), in order."""
    return _per_question(questions, "row", lambda missing: [render_to_string(TEMPLATE, {"q": q}) for q in missing])


def listed(questions, represent) -> list:
    """Each question as the API lists it, in order; ``represent(questions)`` gives them in order."""
    return _per_question(questions, "api", represent)


def _per_question(questions, kind: str, make) -> list:
    """``make(questions)`` of each question, from the cache, or made (one query for the topics of all missing)."""
    questions = list(questions)
    by_key = {f"{GROUP}:{kind}:{q.pk}:{q.updated_at.timestamp()}": q for q in questions}

    def render(keys):
        missing = [by_key[key] for key in keys]
        prefetch_related_objects(missing, "tags")
        return dict(zip(keys, make(missing), strict=True))

    found = cached.read_group(GROUP, list(by_key), render)
    return [found[key] for key in by_key]


def topic_filter(tags, ticked) -> str:
    """The topic checkboxes of the list's filters (HTML), from the cache: rendered once per choice of ticked topics."""
    ticked = sorted(set(ticked) & {t.slug for t in tags})
    key = f"{GROUP}:topics:" + hashlib.sha256("\n".join(ticked).encode()).hexdigest()[:32]

    def render(keys):
        return {key: render_to_string(FILTER_TEMPLATE, {"tags": tags, "ticked": set(ticked)})}

    return cached.read_group(GROUP, [key], render)[key]


def forget_rows(**kwargs) -> None:
    """Every row rendered so far may show an old prompt or topic: none serves again."""
    cached.forget(GROUP)


def connect_signals() -> None:
    from .models import Question, Tag

    post_save.connect(forget_rows, sender=Question, dispatch_uid="questions-rows-question-saved")
    post_delete.connect(forget_rows, sender=Tag, dispatch_uid="questions-rows-tag-deleted")
    post_save.connect(forget_rows, sender=Tag, dispatch_uid="questions-rows-tag-saved")
    m2m_changed.connect(forget_rows, sender=Question.tags.through, dispatch_uid="questions-rows-tags-changed")
