"""Writes to question sets: their fields, questions and order."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max

from .. import rules
from ..models import (
    Question,
    QuestionSet,
    QuestionSetItem,
    Visibility,
    visible_to,
)
from ._who import _require_change, check_visibility

_OFFSET = 100_000  # positions are moved out of the way before renumbering


# --- question sets -----------------------------------------------------------------------


def _clean_set_fields(*, title, minutes_per_question):
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the set a title."
    elif len(title) > rules.MAX_TITLE:
        errors["title"] = f"Keep the title under {rules.MAX_TITLE} characters."
    if minutes_per_question in ("", None):
        minutes_per_question = None
    else:
        try:
            minutes_per_question = int(minutes_per_question)
        except (TypeError, ValueError):
            minutes_per_question = -1
        if not 1 <= minutes_per_question <= rules.MAX_MINUTES:
            errors["minutes_per_question"] = (
                f"Minutes per question must be a whole number from 1 to {rules.MAX_MINUTES}."
            )
    if errors:
        raise ValidationError(errors)
    return title, minutes_per_question


def _share_questions_with(qset: QuestionSet, questions, by) -> list[Question]:
    """Make sure everyone who sees the set sees its questions; return the ones newly shared.

    A team set may hold public questions and questions of its team; the set owner's own
    private questions are shared with the team on the way. A public set holds only public
    questions.
    """
    shared, refused = [], []
    for q in questions:
        if q.visibility == Visibility.PUBLIC:
            continue
        if qset.visibility == Visibility.PRIVATE:
            continue
        if qset.visibility == Visibility.TEAM and q.visibility == Visibility.TEAM and q.team_id == qset.team_id:
            continue
        if qset.visibility == Visibility.TEAM and q.owner_id == by.pk:
            shared.append(q)
        else:
            refused.append(q)
    if refused:
        names = "; ".join(f"“{q.prompt[:60]}”" for q in refused)
        raise ValidationError(
            {"questions": f"These questions cannot be seen by everyone who will see this set: {names}."}
        )
    if shared:
        Question.objects.filter(pk__in=[q.pk for q in shared]).update(visibility=Visibility.TEAM, team=qset.team)
    return shared


def _visible_questions(user, ids) -> list[Question]:
    ids = list(ids)
    found = Question.objects.filter(visible_to(user), is_archived=False).in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"questions": f"No such question: {', '.join(map(str, missing))}."})
    if len(set(ids)) != len(ids):
        raise ValidationError({"questions": "A question can be in a set only once."})
    return [found[i] for i in ids]


def _set_items(qset: QuestionSet, questions: list[Question]) -> None:
    current = list(qset.items.order_by("position").values_list("question_id", flat=True))
    if current == [q.pk for q in questions]:
        return
    qset.items.all().delete()
    QuestionSetItem.objects.bulk_create(
        QuestionSetItem(question_set=qset, question=q, position=i) for i, q in enumerate(questions, 1)
    )


@transaction.atomic
def set_create(
    *,
    owner,
    title,
    description="",
    minutes_per_question=None,
    visibility=Visibility.PRIVATE,
    team=None,
    question_ids=(),
) -> QuestionSet:
    title, minutes_per_question = _clean_set_fields(title=title, minutes_per_question=minutes_per_question)
    team = check_visibility(user=owner, visibility=visibility, team=team)
    questions = _visible_questions(owner, question_ids)
    qset = QuestionSet.objects.create(
        owner=owner,
        title=title,
        description=(description or "").strip(),
        minutes_per_question=minutes_per_question,
        visibility=visibility,
        team=team,
    )
    _share_questions_with(qset, questions, owner)
    _set_items(qset, questions)
    return qset


@transaction.atomic
def set_update(
    *, qset, by, title, description="", minutes_per_question=None, visibility, team=None, question_ids=None
) -> list[Question]:
    """Change a set's details (and, when given, its questions); return questions newly shared."""
    _require_change(by, qset)
    title, minutes_per_question = _clean_set_fields(title=title, minutes_per_question=minutes_per_question)
    team = check_visibility(user=by, visibility=visibility, team=team)
    qset = QuestionSet.objects.select_for_update().get(pk=qset.pk)
    qset.title, qset.description = title, (description or "").strip()
    qset.minutes_per_question, qset.visibility, qset.team = minutes_per_question, visibility, team
    qset.save()
    if question_ids is None:
        questions = [item.question for item in qset.items.select_related("question")]
    else:
        questions = _visible_questions(by, question_ids)
    shared = _share_questions_with(qset, questions, by)
    _set_items(qset, questions)
    return shared


@transaction.atomic
def set_add_question(*, qset, by, question) -> None:
    _require_change(by, qset)
    qset = QuestionSet.objects.select_for_update().get(pk=qset.pk)
    if qset.items.filter(question=question).exists():
        raise ValidationError({"questions": "This question is in the set already."})
    if not Question.objects.filter(visible_to(by), pk=question.pk, is_archived=False).exists():
        raise ValidationError({"questions": "No such question."})
    _share_questions_with(qset, [question], by)
    last = qset.items.aggregate(last=Max("position"))["last"] or 0
    QuestionSetItem.objects.create(question_set=qset, question=question, position=last + 1)


@transaction.atomic
def set_remove_question(*, qset, by, question_id) -> None:
    _require_change(by, qset)
    qset = QuestionSet.objects.select_for_update().get(pk=qset.pk)
    deleted, _ = qset.items.filter(question_id=question_id).delete()
    if not deleted:
        raise ValidationError({"questions": "This question is not in the set."})
    _renumber(qset, list(qset.items.order_by("position").values_list("question_id", flat=True)))


@transaction.atomic
def set_reorder(*, qset, by, question_ids) -> None:
    """Put the set's questions in this order; the ids must be exactly the set's questions."""
    _require_change(by, qset)
    qset = QuestionSet.objects.select_for_update().get(pk=qset.pk)
    current = list(qset.items.order_by("position").values_list("question_id", flat=True))
    ids = [int(i) for i in question_ids]
    if sorted(ids) != sorted(current):
        raise ValidationError({"questions": "The new order must list every question of the set exactly once."})
    _renumber(qset, ids)


@transaction.atomic
def set_move_question(*, qset, by, question_id, offset: int) -> None:
    """Move one question up (offset -1) or down (+1); at either end it stays put."""
    _require_change(by, qset)
    qset = QuestionSet.objects.select_for_update().get(pk=qset.pk)
    ids = list(qset.items.order_by("position").values_list("question_id", flat=True))
    if question_id not in ids:
        raise ValidationError({"questions": "This question is not in the set."})
    i = ids.index(question_id)
    j = min(max(i + offset, 0), len(ids) - 1)
    ids.insert(j, ids.pop(i))
    _renumber(qset, ids)


def _renumber(qset, ids) -> None:
    qset.items.update(position=F("position") + _OFFSET)
    for position, question_id in enumerate(ids, 1):
        qset.items.filter(question_id=question_id).update(position=position)


@transaction.atomic
def set_clone(*, qset, by) -> QuestionSet:
    """A private copy of a set the user can see, holding the questions they can see."""
    if not by.is_authenticated:
        raise PermissionDenied("Log in to copy a set.")
    items = qset.items.filter(question__in=Question.objects.for_user(by)).order_by("position")
    copy = QuestionSet.objects.create(
        owner=by,
        title=f"{qset.title} (copy)"[: rules.MAX_TITLE],
        description=qset.description,
        minutes_per_question=qset.minutes_per_question,
        visibility=Visibility.PRIVATE,
    )
    QuestionSetItem.objects.bulk_create(
        QuestionSetItem(question_set=copy, question_id=item.question_id, position=i) for i, item in enumerate(items, 1)
    )
    return copy


@transaction.atomic
def set_delete(*, qset, by) -> None:
    _require_change(by, qset)
    qset.delete()
