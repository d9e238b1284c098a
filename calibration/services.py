"""Calibration writes and the figures built on them, shared by the pages and the API.

Keyword-only arguments; each write runs in its own transaction. Refusals: ``Http404`` for what
the caller may not see, ``PermissionDenied`` for what they see but may not do, ``ValidationError``
naming the field for bad input, ``Conflict`` when the drill's state does not allow it.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from common.refusals import Conflict
from questions.models import Question, Visibility
from sessions.models import Answer, MarkValue, Mode, Status
from sessions.services import LOCKED_MESSAGE
from teams.models import Membership
from teams.permissions import require_manager, role

from . import kappa as stats
from .models import MAX_ANSWERS, MIN_ANSWERS, Attempt, Drill, DrillAnswer, DrillKeypoint, Requirement

ANSWER_MAX_LENGTH = 10_000
RECENT_DRILLS = 5  # the team page's agreement pools each interviewer's last five drills
SOURCE_LIMIT = 20
ANONYMOUS = "[candidate]"


# --- what a drill can be made of ------------------------------------------------------------------


def drill_questions(*, team, by):
    """The questions a drill of ``team`` may ask: those every member can see (public, or shared with
    the team), whose rubric ``by`` may read now."""
    visible = Q(visibility=Visibility.PUBLIC) | Q(visibility=Visibility.TEAM, team=team)
    return Question.objects.for_user(by).filter(visible).rubric_readable_by(by)


@dataclass(frozen=True)
class SourceAnswer:
    id: int
    finished_at: datetime | None
    text: str


def anonymize(text: str, *names: str) -> str:
    """``text`` with each of the names (username, first and last name, e-mail) replaced, whole words only."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", ANONYMOUS, text, flags=re.IGNORECASE)
    return text


def source_answers(*, team, question) -> list[SourceAnswer]:
    """Written answers to ``question`` in the team's finished structured interviews, newest first,
    with the candidate's name taken out."""
    answers = (
        Answer.objects.filter(
            session__team=team, session__mode=Mode.STRUCTURED, session__status=Status.FINISHED, question=question
        )
        .exclude(text="")
        .select_related("session__candidate")
        .order_by("-session__finished_at", "-pk")[:SOURCE_LIMIT]
    )
    found = []
    for answer in answers:
        session, candidate = answer.session, answer.session.candidate
        names = [session.candidate_email]
        if candidate is not None:
            names += [candidate.get_full_name(), candidate.username, candidate.first_name, candidate.last_name]
            names.append(candidate.email)
        found.append(SourceAnswer(answer.pk, session.finished_at, anonymize(answer.text, *names)))
    return found


# --- making a drill -------------------------------------------------------------------------------


def _gold(position, gold, keypoints) -> list[str]:
    gold = list(gold or [])
    if len(gold) != keypoints or any(value not in MarkValue.values for value in gold):
        raise ValidationError(
            {
                "answers": f"Answer {position}: give a gold mark (covered, partial or missed) for each of the "
                f"{keypoints} keypoints."
            }
        )
    return gold


def _different_marks(golds, field="answers"):
    if len({value for gold in golds for value in gold}) < 2:
        raise ValidationError(
            {
                field: "Use at least two different gold marks across the answers: agreement cannot be "
                "measured on marks that are all the same."
            }
        )


@transaction.atomic
def drill_create(*, team, by, question, answers) -> Drill:
    """A drill of ``question`` for ``team``: ``answers`` is a list of ``{"text": ..., "gold": [...]}``
    or ``{"source": answer id, "gold": [...]}``, gold marks in keypoint order."""
    require_manager(by, team, "make calibration drills")
    if question is None or not drill_questions(team=team, by=by).filter(pk=question.pk).exists():
        raise ValidationError({"question": "Choose a question every member of the team can see."})
    keypoints = list(question.keypoints.order_by("position"))
    if not MIN_ANSWERS <= len(answers) <= MAX_ANSWERS:
        raise ValidationError({"answers": f"A drill has {MIN_ANSWERS} to {MAX_ANSWERS} answers to score."})
    sources = {s.id: s for s in source_answers(team=team, question=question)}
    rows = []
    for position, item in enumerate(answers, 1):
        source = item.get("source")
        if source:
            if source not in sources:
                raise ValidationError({"answers": f"Answer {position}: no such answer in the team's interviews."})
            text = sources[source].text
        else:
            text = (item.get("text") or "").strip()
        if not text:
            raise ValidationError({"answers": f"Answer {position}: write the answer, or choose one from an interview."})
        if len(text) > ANSWER_MAX_LENGTH:
            raise ValidationError({"answers": f"Answer {position}: at most {ANSWER_MAX_LENGTH} characters."})
        rows.append((position, text, source or None, _gold(position, item.get("gold"), len(keypoints))))
    _different_marks(gold for *_, gold in rows)
    drill = Drill.objects.create(team=team, question=question, prompt=question.prompt, created_by=by)
    DrillKeypoint.objects.bulk_create(
        DrillKeypoint(drill=drill, position=i, text=kp.text, weight=kp.weight) for i, kp in enumerate(keypoints, 1)
    )
    DrillAnswer.objects.bulk_create(
        DrillAnswer(drill=drill, position=p, text=text, source_id=source, gold=gold) for p, text, source, gold in rows
    )
    return drill


# --- changing or deleting a drill ----------------------------------------------------------------

GOLD_LOCKED = (
    "Gold marks are locked once an interviewer has scored the drill: changing them would silently change "
    "the agreement figures of everyone who scored it. Make a new drill instead."
)
PROMPT_MAX_LENGTH = Drill._meta.get_field("prompt").max_length


@transaction.atomic
def drill_update(*, drill, by, prompt=None, gold=None) -> Drill:
    """Managers change the drill's prompt, and its gold marks (one list per answer, in order) only while
    nobody has scored it: afterwards a change of gold is a ``Conflict``. Gold equal to the current marks
    is no change."""
    require_manager(by, drill.team, "change calibration drills")
    # The drill's row is locked so that an attempt cannot slip in between the check and the change.
    drill = Drill.objects.select_for_update().select_related("team").get(pk=drill.pk)
    if prompt is not None:
        prompt = prompt.strip()
        if not prompt or len(prompt) > PROMPT_MAX_LENGTH:
            raise ValidationError({"prompt": f"Give the drill a title of 1 to {PROMPT_MAX_LENGTH} characters."})
        drill.prompt = prompt
        drill.save(update_fields=["prompt"])
    if gold is not None:
        answers = list(drill.answers.order_by("position"))
        if [list(g or []) for g in gold] == [a.gold for a in answers]:
            return drill
        if drill.attempts.exists():
            raise Conflict(GOLD_LOCKED)
        if len(gold) != len(answers):
            raise ValidationError({"gold": f"Give the gold marks of each of the {len(answers)} answers."})
        keypoints = drill.keypoints.count()
        for answer, marks in zip(answers, gold, strict=True):
            try:
                answer.gold = _gold(answer.position, marks, keypoints)
            except ValidationError as error:
                raise ValidationError({"gold": error.message_dict["answers"]}) from None
        _different_marks((a.gold for a in answers), field="gold")
        DrillAnswer.objects.bulk_update(answers, ["gold"])
    return drill


@transaction.atomic
def drill_delete(*, drill, by) -> int:
    """Managers delete a drill with its attempts (so agreement no longer counts it); answers how many attempts went."""
    require_manager(by, drill.team, "delete calibration drills")
    removed, _ = Attempt.objects.filter(drill=drill).delete()
    Drill.objects.filter(pk=drill.pk).delete()
    return removed


# --- scoring a drill ------------------------------------------------------------------------------


def rubric_locked(drill, user) -> bool:
    """Whether the drill's question is in an interview ``user`` is taking (its rubric is closed to them)."""
    return (
        drill.question_id is not None
        and not Question.objects.filter(pk=drill.question_id).rubric_readable_by(user).exists()
    )


@transaction.atomic
def attempt_submit(*, drill, by, marks) -> Attempt:
    """``by`` scores the drill blind, once: ``marks`` is one list per answer, one mark per keypoint."""
    if role(by, drill.team) != Membership.Role.INTERVIEWER:
        raise PermissionDenied("Managers write the gold marks; the team's interviewers score drills.")
    if drill.created_by_id == by.pk:
        raise PermissionDenied("You wrote this drill's gold marks: the team's other interviewers score it.")
    if rubric_locked(drill, by):
        raise Conflict(LOCKED_MESSAGE)
    # Locked as ``drill_update`` locks it: gold marks cannot change between reading them and the attempt.
    if not Drill.objects.select_for_update().filter(pk=drill.pk).values_list("pk", flat=True):
        raise Http404("No such drill.")
    answers = list(drill.answers.order_by("position"))
    keypoints = drill.keypoints.count()
    marks = list(marks or [])
    shape_ok = len(marks) == len(answers) and all(len(row or []) == keypoints for row in marks)
    if not shape_ok or any(value not in MarkValue.values for row in marks for value in row):
        raise ValidationError(
            {"marks": f"Mark each of the {keypoints} keypoints of each of the {len(answers)} answers."}
        )
    pairs = [(g, m) for answer, row in zip(answers, marks, strict=True) for g, m in zip(answer.gold, row, strict=True)]
    counts = stats.table(pairs)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                drill=drill, user=by, marks=marks, counts=counts, kappa=stats.weighted_kappa(counts)
            )
    except IntegrityError:
        raise Conflict("You have already scored this drill.") from None


# --- agreement and the panel requirement ----------------------------------------------------------


def agreement(*, team, users=None, last=RECENT_DRILLS) -> dict[int, dict]:
    """Each interviewer's agreement with the gold marks over their last ``last`` drills of ``team``:
    ``{user_id: {"kappa", "exact", "drills", "marks"}}``, the drills' marks pooled into one table.
    One query, whatever the number of drills."""
    recent = Attempt.objects.filter(drill__team=team).annotate(
        n=Window(RowNumber(), partition_by=[F("user_id")], order_by=[F("submitted_at").desc(), F("pk").desc()])
    )
    if users is not None:
        recent = recent.filter(user_id__in=users)
    pooled: dict[int, list] = {}
    for user_id, counts in recent.filter(n__lte=last).values_list("user_id", "counts"):
        pooled.setdefault(user_id, []).append(counts)
    result = {}
    for user_id, tables in pooled.items():
        total = tables[0]
        for counts in tables[1:]:
            total = stats.add(total, counts)
        result[user_id] = {
            "kappa": stats.weighted_kappa(total),
            "exact": stats.exact_share(total),
            "drills": len(tables),
            "marks": sum(map(sum, total)),
        }
    return result


@transaction.atomic
def requirement_set(*, team, by, threshold) -> Requirement | None:
    """Require interviewers who join from now on to pass a drill at ``threshold``; None lifts it.

    Changing the threshold keeps the date from which the requirement applies."""
    require_manager(by, team, "set the drill requirement")
    if threshold is None:
        Requirement.objects.filter(team=team).delete()
        return None
    if not 0 <= threshold <= 1:
        raise ValidationError({"threshold": "Give an agreement between 0 and 1 (0.6 is a common bar)."})
    requirement, _ = Requirement.objects.update_or_create(team=team, defaults={"threshold": threshold, "set_by": by})
    return requirement


def passed(*, team, user, threshold) -> bool:
    return Attempt.objects.filter(drill__team=team, user=user, kappa__gte=threshold).exists()


def panel_refusal(*, team, user) -> str | None:
    """Why ``user`` may not sit on a panel of ``team`` yet, or None (sessions asks through its hook)."""
    requirement = Requirement.objects.filter(team=team).first()
    if requirement is None:
        return None
    membership = Membership.objects.filter(team=team, user=user).first()
    if membership is None or membership.role != Membership.Role.INTERVIEWER or membership.joined_at < requirement.since:
        return None
    if passed(team=team, user=user, threshold=requirement.threshold):
        return None
    return (
        f"{user.username} has not passed a calibration drill of {team.name} yet: interviewers new to the team "
        f"need an agreement of {requirement.threshold:.2f} or more with the gold marks before sitting on a panel."
    )
