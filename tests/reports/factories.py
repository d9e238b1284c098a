"""Sessions for report tests, written with bulk_create: a handful of queries however many sessions.

Describe each session with ``Taken`` and its answers with ``Asked``, then ``build(...)`` them all
at once. An answer is a snapshot of its question (prompt, difficulty, tags, keypoints), as
``sessions.services`` takes it, unless the snapshot is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from questions.models import Question
from sessions.models import (
    Answer,
    AnswerKeypoint,
    AnswerReview,
    InterviewSession,
    Mark,
    Mode,
    Reviewer,
    Status,
)


@dataclass
class Asked:
    """One question asked. ``marks``: {user: [mark or None per keypoint]}; ``reviews``: {user: (score, rating)}."""

    question: Question | None = None
    score: float | None = None
    marks: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)
    prompt: str | None = None
    difficulty: str | None = None
    tags: list | None = None  # [[slug, name], ...]
    keypoints: list | None = None  # [(text, weight), ...]


@dataclass
class Taken:
    """One session. ``interviewer`` leads (defaults to the candidate: a self-assessment)."""

    candidate: object
    answers: list[Asked]
    finished_at: datetime | None = None
    mode: str = Mode.SELF
    status: str = Status.FINISHED
    interviewer: object = None
    team: object = None
    question_set: object = None
    candidate_email: str = ""
    recommendation: str = ""  # the lead's
    panel: dict = field(default_factory=dict)  # {user: recommendation} for the other reviewers


def build(*takes: Taken) -> list[InterviewSession]:
    """Create the sessions, their reviewers, answers, keypoints, reviews and marks in bulk."""
    questions = {a.question.pk for t in takes for a in t.answers if a.question is not None}
    snapshot = {q.pk: q for q in Question.objects.filter(pk__in=questions).prefetch_related("tags", "keypoints")}
    sessions = InterviewSession.objects.bulk_create(
        InterviewSession(
            mode=t.mode,
            status=t.status,
            title="Report test",
            question_set=t.question_set,
            team=t.team,
            interviewer=t.interviewer or t.candidate,
            candidate=t.candidate,
            candidate_email=t.candidate_email,
            question_count=len(t.answers),
            current_position=len(t.answers) or 1,
            started_at=t.finished_at,
            finished_at=t.finished_at if t.status == Status.FINISHED else None,
        )
        for t in takes
    )
    Reviewer.objects.bulk_create(
        [
            Reviewer(session=s, user=t.interviewer or t.candidate, is_lead=True, recommendation=t.recommendation)
            for s, t in zip(sessions, takes, strict=True)
        ]
        + [
            Reviewer(session=s, user=user, recommendation=recommendation)
            for s, t in zip(sessions, takes, strict=True)
            for user, recommendation in t.panel.items()
        ]
    )
    asked = [(s, position, a) for s, t in zip(sessions, takes, strict=True) for position, a in enumerate(t.answers, 1)]
    answers = Answer.objects.bulk_create(_answer(s, position, a, snapshot) for s, position, a in asked)
    keypoints, reviews, marks = [], [], []
    for answer, (_, _, a) in zip(answers, asked, strict=True):
        texts = a.keypoints
        if texts is None:
            texts = [(k.text, k.weight) for k in snapshot[a.question.pk].keypoints.all()] if a.question else []
        made = [AnswerKeypoint(answer=answer, position=i, text=t, weight=w) for i, (t, w) in enumerate(texts, 1)]
        keypoints.append((made, a))
        for user, (score, rating) in a.reviews.items():
            reviews.append(AnswerReview(answer=answer, user=user, score=score, rating=rating))
    AnswerKeypoint.objects.bulk_create(k for made, _ in keypoints for k in made)
    for made, a in keypoints:
        for user, values in a.marks.items():
            assert len(values) == len(made), "one mark (or None) per keypoint"
            marks += [Mark(keypoint=k, user=user, value=v) for k, v in zip(made, values, strict=True) if v]
    AnswerReview.objects.bulk_create(reviews)
    Mark.objects.bulk_create(marks)
    return sessions


def _answer(session, position, a: Asked, snapshot) -> Answer:
    q = snapshot.get(a.question.pk) if a.question else None
    return Answer(
        session=session,
        position=position,
        question=q,
        prompt=a.prompt if a.prompt is not None else q.prompt,
        difficulty=a.difficulty if a.difficulty is not None else q.difficulty,
        tags=a.tags if a.tags is not None else ([[t.slug, t.name] for t in q.tags.all()] if q else []),
        score=a.score,
    )
