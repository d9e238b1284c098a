"""A user's data to take away: an Anki deck of the questions they practised, and a JSON archive
of everything they own. Read-only; both hold only what the user may read now (a rubric that an
interview they are taking keeps closed stays out)."""

from __future__ import annotations

import io
import json
from datetime import UTC

import genanki
from django.db.models import F, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from questions.models import Question, QuestionSet, RubricKeypoint, rubric_locked_filter
from questions.transfer import _question_document, export_set
from questions.transfer import checks as transfer_checks
from sessions.models import Answer, AnswerKeypoint, InterviewSession, Mark, Mode, Status
from sessions.presenters import load, present_session

from .models import ReviewItem
from .services import profile_of

ARCHIVE_FORMAT, ARCHIVE_VERSION = "interviewprep.archive", 1
QUESTIONS_PER_DOCUMENT = 500  # what one question-set import takes

# Fixed ids: importing a newer export updates the same Anki note type and deck.
ANKI_MODEL_ID, ANKI_DECK_ID = 1_607_392_319, 2_059_400_110
ANKI_MODEL = genanki.Model(
    ANKI_MODEL_ID,
    "InterviewPrep question",
    fields=[{"name": "Prompt"}, {"name": "Rubric"}],
    templates=[{"name": "Answer it", "qfmt": "{{Prompt}}", "afmt": "{{FrontSide}}<hr id=answer>{{Rubric}}"}],
)


# --- what was practised ------------------------------------------------------------------------


def practised_answers(user) -> list[Answer]:
    """The latest answer per question the user practised, with the marks they may read.

    Practised: answered in a finished self-assessment, or as the candidate of a finished peer
    interview (the lead's marks are theirs to read then). Structured scorecards never are.
    Each answer carries ``keypoint_marks``: [(keypoint, mark or "")].
    """
    answers = (
        Answer.objects.filter(
            session__candidate=user, session__status=Status.FINISHED, session__mode__in=[Mode.SELF, Mode.PEER]
        )
        .exclude(rubric_locked_filter(user, "question_id"))
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "keypoints",
                queryset=AnswerKeypoint.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "marks",
                        queryset=Mark.objects.filter(user_id=F("keypoint__answer__session__interviewer_id")),
                        to_attr="lead_marks",
                    )
                ),
            )
        )
        .order_by("-session__finished_at", "-pk")
    )
    latest = {}
    for answer in answers:
        key = answer.question_id or f"asked-{answer.pk}"
        if key in latest:
            continue
        answer.keypoint_marks = [(kp, kp.lead_marks[0].value if kp.lead_marks else "") for kp in answer.keypoints.all()]
        latest[key] = answer
    return list(latest.values())


def anki_deck(user) -> bytes:
    """An Anki package (.apkg): one note per question practised, prompt in front, the rubric with
    the user's last marks and the reference answer behind, the question's topics as tags."""
    deck = genanki.Deck(ANKI_DECK_ID, f"InterviewPrep::{user.username}")
    for answer in practised_answers(user):
        front = render_to_string("practice/anki_front.html", {"answer": answer})
        back = render_to_string("practice/anki_back.html", {"answer": answer})
        tags = sorted({slug.replace(" ", "_") for slug, _ in answer.tags})
        key = answer.question_id or f"asked-{answer.pk}"
        deck.add_note(
            genanki.Note(model=ANKI_MODEL, fields=[front, back], tags=tags, guid=genanki.guid_for("interviewprep", key))
        )
    buffer = io.BytesIO()
    genanki.Package(deck).write_to_file(buffer, timestamp=timezone.now().timestamp())
    return buffer.getvalue()


# --- the archive ---------------------------------------------------------------------------------


def archive(user) -> dict:
    """Everything the user owns, as one JSON-ready structure.

    ``own_questions`` and ``question_sets`` are question-set documents (docs/import-export.md):
    the set import reads each back. Sessions are as the user's role may see them (the same
    presentation the API gives); review items with their schedule.
    """
    profile = profile_of(user)
    own = list(
        Question.objects.filter(owner=user)
        .prefetch_related("tags", Prefetch("keypoints", queryset=RubricKeypoint.objects.order_by("position")))
        .order_by("pk")
    )
    chunks = [own[i : i + QUESTIONS_PER_DOCUMENT] for i in range(0, len(own), QUESTIONS_PER_DOCUMENT)]
    sets = QuestionSet.objects.filter(owner=user).order_by("pk")
    taken = InterviewSession.objects.filter(pk__in=_sessions_of(user)).order_by("created_at", "pk")
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": timezone.now().astimezone(UTC).isoformat(),
        "profile": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "practice": {
                "desired_retention": profile.desired_retention,
                "daily_max": profile.daily_max,
                "suspended_tags": sorted(t.slug for t in profile.suspended_tags.all()) if profile.pk else [],
            },
        },
        "own_questions": [
            {
                "format": transfer_checks.FORMAT_NAME,
                "version": transfer_checks.FORMAT_VERSION,
                "set": {
                    "title": f"My questions ({n} of {len(chunks)})" if len(chunks) > 1 else "My questions",
                    "description": f"Questions {user.username} wrote, exported {timezone.now():%Y-%m-%d}.",
                    "minutes_per_question": None,
                },
                "questions": [_question_document(q) for q in chunk],
            }
            for n, chunk in enumerate(chunks, 1)
        ],
        "question_sets": [_set_document(qset, user) for qset in sets],
        "sessions": [present_session(load(s.pk), user) for s in taken],
        "review_items": [
            {
                "keypoint": item.keypoint_id,
                "question": item.question_id,
                "keypoint_text": item.keypoint.text,
                "due": item.due.isoformat(),
                "state": item.get_state_display(),
                "stability": item.stability,
                "difficulty": item.difficulty,
                "last_review": item.last_review.isoformat() if item.last_review else None,
                "last_mark": item.last_mark,
                "reviews": item.reviews,
                "lapses": item.lapses,
                "suspended": item.suspended,
            }
            for item in ReviewItem.objects.for_user(user).select_related("keypoint").order_by("pk")
        ],
    }


def _sessions_of(user):
    """Sessions the user took part in (not those they only see as a team's manager)."""
    return InterviewSession.objects.filter(Q(candidate=user) | Q(reviewers__user=user)).values("pk")


def _set_document(qset, user) -> dict:
    """The set as its JSON export holds it (the questions the user may read, in order)."""
    content, _, _ = export_set(qset, user=user, fmt="json")
    return json.loads(content)
