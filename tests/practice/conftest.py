"""Review items built the way users build them: self-assessments and peer interviews marked
through the sessions services. ``finish_at`` ends a session at a chosen moment (the frozen
clock) and records it, as ``sessions.services.finish`` does at the real moment."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from practice import services as practice
from sessions import services
from sessions.models import AnswerKeypoint, InterviewSession, Status

from ..factories import QuestionFactory, TagFactory

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def fresh(session):
    return InterviewSession.objects.get(pk=session.pk)


def keypoints(session, position):
    return list(AnswerKeypoint.objects.filter(answer__session=session, answer__position=position).order_by("position"))


def mark_all(session, marker, marks_by_position):
    """Answer and mark each question: ``{position: ["missed", "partial", None, ...]}`` by keypoint position."""
    for position in sorted(marks_by_position):
        session = fresh(session)
        if position > 1:
            services.advance(session=session, by=session.interviewer)
            session = fresh(session)
        if session.mode == "self":
            services.answer_submit(session=session, position=position, by=marker)
        for kp, value in zip(keypoints(session, position), marks_by_position[position], strict=False):
            if value:
                services.mark_set(session=session, position=position, keypoint_id=kp.pk, by=marker, value=value)
    return fresh(session)


def self_assessment(user, questions, marks_by_position):
    session = services.session_create(by=user, mode="self", question_ids=[q.pk for q in questions])
    return mark_all(session, user, marks_by_position)


def finish_at(session, moment):
    """The session ends at ``moment``: what ``finish`` writes, then the recording it triggers."""
    InterviewSession.objects.filter(pk=session.pk).update(status=Status.FINISHED, finished_at=moment)
    return practice.reviews_record(session=fresh(session))


@pytest.fixture
def tags(db):
    return [TagFactory(slug="vpc", name="VPC"), TagFactory(slug="iam", name="IAM")]


@pytest.fixture
def questions(tags):
    """Three public questions of three keypoints each; the first two about VPC, the third about IAM."""
    return [QuestionFactory(prompt=f"Practice question {n}?", tags=[tags[0] if n < 3 else tags[1]]) for n in (1, 2, 3)]


def api_as(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
