"""Writes to questions and question sets, shared by the pages and the API.

Each function checks who may do it, validates what must hold across rows, and runs in its
own transaction. Validation problems raise ``ValidationError`` with a dict naming the
field; refusals raise ``PermissionDenied``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 - re-exported for views and API
from django.db import transaction
from django.db.models import F, Max

from teams.models import Membership, Team

from . import rules
from .models import (
    Question,
    QuestionSet,
    QuestionSetItem,
    RubricKeypoint,
    Tag,
    Visibility,
    question_used_filter,
    unique_slugs,
    visible_to,
)

_OFFSET = 100_000  # positions are moved out of the way before renumbering


# --- who may do what -------------------------------------------------------------------


def is_team_manager(user, team_id) -> bool:
    return Membership.objects.manages(user, team_id)


def can_change(user, obj) -> bool:
    """Owners change their questions and sets; team managers change their team's."""
    if not user.is_authenticated or obj.owner_id is None:
        return False
    if obj.owner_id == user.pk:
        return True
    return obj.visibility == Visibility.TEAM and is_team_manager(user, obj.team_id)


def _require_change(user, obj):
    if not can_change(user, obj):
        raise PermissionDenied("Only the owner or a manager of its team may change this.")


def check_visibility(*, user, visibility, team) -> Team | None:
    """Validate a visibility choice for something the user writes; return the team it goes to."""
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": f"Choose one of: {', '.join(Visibility.values)}."})
    if visibility == Visibility.PUBLIC and not user.is_staff:
        raise ValidationError({"visibility": "Only staff can publish to the public bank."})
    if visibility == Visibility.TEAM:
        if team is None:
            raise ValidationError({"team": "Choose the team to share with."})
        if not Membership.objects.filter(team=team, user=user).exists():
            raise ValidationError({"team": "You can only share with a team you belong to."})
        return team
    return None


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
