"""Writes to questions, their tags and keypoints."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import rules
from ..models import (
    Question,
    QuestionSetItem,
    RubricKeypoint,
    Tag,
    Visibility,
    question_used_filter,
    unique_slugs,
)
from ..rows import forget_search
from ._who import _require_change, check_visibility

# --- tags and keypoints ------------------------------------------------------------------


def tags_from_names(names) -> list[Tag]:
    """The tags of these names (already checked by ``rules``): found by slug or name, else created."""
    tags = []
    for name in names:
        slug = rules.tag_slug(name)
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(slug=slug, name=name if name != slug else name.replace("-", " ").title())
        tags.append(tag)
    return tags


def sync_keypoints(question: Question, keypoints: list[dict]) -> None:
    """Make the question's keypoints these, updating rows in place by position."""
    sync_keypoints_many([(question, keypoints)])


def sync_keypoints_many(pairs: list[tuple[Question, list[dict]]]) -> None:
    """``sync_keypoints`` for many saved questions: one read, one insert, one delete, a save per changed row."""
    existing: dict[int, dict[int, RubricKeypoint]] = {question.pk: {} for question, _ in pairs}
    for kp in RubricKeypoint.objects.filter(question_id__in=list(existing)):
        existing[kp.question_id][kp.position] = kp
    new, dropped = [], []
    for question, keypoints in pairs:
        current = existing[question.pk]
        for position, spec in enumerate(keypoints, 1):
            values = {
                "text": spec["text"].strip(),
                "weight": spec["weight"],
                "evidence": spec.get("evidence", []),
                "contradicts": spec.get("contradicts", []),
            }
            kp = current.pop(position, None)
            if kp is None:
                new.append(RubricKeypoint(question=question, position=position, **values))
            elif any(getattr(kp, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(kp, k, v)
                kp.save(update_fields=list(values))
        dropped += [kp.pk for kp in current.values()]
    if dropped:
        RubricKeypoint.objects.filter(pk__in=dropped).delete()
    RubricKeypoint.objects.bulk_create(new)
    if new:
        forget_search()  # bulk_create sends no signal; a search matches keypoints


def _check_question(**fields) -> dict:
    return rules.check_question({**fields, "keypoints": list(fields["keypoints"]), "tags": list(fields["tags"])})


def _save_question(question: Question, data: dict) -> Question:
    """Write checked fields to the question, then its tags and keypoints."""
    keypoints, tags = data.pop("keypoints"), data.pop("tags")
    for name, value in data.items():
        setattr(question, name, value)
    question.save()
    question.tags.set(tags_from_names(tags))
    sync_keypoints(question, keypoints)
    return question


# --- questions ---------------------------------------------------------------------------


@transaction.atomic
def question_create(
    *,
    owner,
    prompt,
    difficulty,
    keypoints,
    context="",
    reference_answer="",
    tags=(),
    visibility=Visibility.PRIVATE,
    team=None,
) -> Question:
    fields = {"prompt": prompt, "difficulty": difficulty, "context": context, "reference_answer": reference_answer}
    data = _check_question(**fields, keypoints=keypoints, tags=tags)
    team = check_visibility(user=owner, visibility=visibility, team=team)
    return _save_question(Question(owner=owner, visibility=visibility, team=team), data)


@transaction.atomic
def questions_create_many(*, owner, questions: list[dict], visibility=Visibility.PRIVATE, team=None) -> list[Question]:
    """``question_create`` for each of ``questions`` (its keyword arguments), all or none, in bulk.

    Checks each question as ``question_create`` does, in order; a ValidationError carries
    ``item``, the 1-based number of the question it concerns.
    """
    checked = []
    for item, fields in enumerate(questions, 1):
        try:
            checked.append(_check_question(**{"context": "", "reference_answer": "", "tags": (), **fields}))
            if item == 1:
                team = check_visibility(user=owner, visibility=visibility, team=team)
        except ValidationError as exc:
            exc.item = item
            raise
    names = list(dict.fromkeys(name for data in checked for name in data["tags"]))
    tags = dict(zip(names, tags_from_names(names), strict=True))
    slugs = unique_slugs(Question, [data["prompt"] for data in checked])
    created = []
    for data, slug in zip(checked, slugs, strict=True):
        values = {name: value for name, value in data.items() if name not in ("keypoints", "tags")}
        created.append(Question(owner=owner, visibility=visibility, team=team, slug=slug, **values))
    Question.objects.bulk_create(created)
    through = Question.tags.through
    links = {(q.pk, tags[name].pk) for q, data in zip(created, checked, strict=True) for name in data["tags"]}
    through.objects.bulk_create(through(question_id=q, tag_id=t) for q, t in sorted(links))
    sync_keypoints_many([(q, data["keypoints"]) for q, data in zip(created, checked, strict=True)])
    return created


@transaction.atomic
def question_update(
    *, question, by, prompt, difficulty, keypoints, context="", reference_answer="", tags=(), visibility, team=None
) -> Question:
    _require_change(by, question)
    fields = {"prompt": prompt, "difficulty": difficulty, "context": context, "reference_answer": reference_answer}
    data = _check_question(**fields, keypoints=keypoints, tags=tags)
    # A team manager editing a teammate's question keeps it in the team.
    team = check_visibility(user=by, visibility=visibility, team=team)
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.visibility, question.team = visibility, team
    return _save_question(question, data)


@transaction.atomic
def question_delete(*, question, by) -> str:
    """Delete a question, or archive it when sets or sessions still use it; return which."""
    _require_change(by, question)
    in_use = question.set_items.exists() or Question.objects.filter(question_used_filter(), pk=question.pk).exists()
    if in_use:
        Question.objects.filter(pk=question.pk).update(is_archived=True)
        QuestionSetItem.objects.filter(question=question, question_set__owner=question.owner).delete()
        return "archived"
    question.delete()
    return "deleted"
