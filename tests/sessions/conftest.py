"""Sessions to test on: a bank of questions with secrets that must never reach a candidate, and
one session of each mode built through the services, as the pages and the API build them."""

import pytest
from rest_framework.test import APIClient

from questions.models import Visibility
from sessions import services
from sessions.models import AnswerKeypoint, InterviewSession

from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, UserFactory

# Every rubric text, reference answer, note and scorecard summary in these tests carries one of
# these markers, so a response can be checked byte by byte for anything a candidate must not see.
SECRET_MARKERS = ["KEYPOINT-SECRET", "REFERENCE-SECRET", "NOTE-SECRET", "SUMMARY-SECRET"]


def make_question(n):
    return QuestionFactory(
        prompt=f"PROMPT-{n}: how would you design part {n}?",
        reference_answer=f"REFERENCE-SECRET-{n}",
        keypoints=[f"KEYPOINT-SECRET-{n}-a", f"KEYPOINT-SECRET-{n}-b", f"KEYPOINT-SECRET-{n}-c"],  # weights 2, 1, 1
    )


@pytest.fixture
def bank(db):
    """Three public questions: PROMPT-n, REFERENCE-SECRET-n, KEYPOINT-SECRET-n-a/b/c."""
    return [make_question(n) for n in (1, 2, 3)]


@pytest.fixture
def candidate(db):
    return UserFactory(username="candidate")


@pytest.fixture
def panelist(team):
    return MembershipFactory(team=team, user=UserFactory(username="panelist")).user


@pytest.fixture
def bystander(team):
    """An interviewer of the team who is not on the panel."""
    return MembershipFactory(team=team, user=UserFactory(username="bystander")).user


@pytest.fixture
def team_set(owner, team, bank):
    return QuestionSetFactory(title="Platform loop", owner=owner, team=team, visibility=Visibility.TEAM, questions=bank)


def fresh(session):
    return InterviewSession.objects.get(pk=session.pk)


def start_peer(interviewer, candidate, questions):
    session = services.session_create(by=interviewer, mode="peer", question_ids=[q.pk for q in questions])
    if candidate is not None:
        services.session_join(token=session.invite_token, user=candidate)
    return fresh(session)


def start_structured(lead, candidate, team, question_set, panel=()):
    session = services.session_create(
        by=lead,
        mode="structured",
        question_set=question_set,
        team=team,
        candidate_email="candidate@example.com",
        panel=panel,
    )
    if candidate is not None:
        services.session_join(token=session.invite_token, user=candidate)
    return fresh(session)


@pytest.fixture
def peer(owner, candidate, bank):
    """A live peer interview: owner interviews, candidate has joined, question 1 of 3 is shown."""
    return start_peer(owner, candidate, bank)


@pytest.fixture
def structured(teammate, panelist, candidate, team, team_set):
    """A live structured interview of the team: teammate leads, panelist sits in, owner manages the team."""
    return start_structured(teammate, candidate, team, team_set, panel=[panelist])


@pytest.fixture
def self_session(owner, bank):
    return fresh(services.session_create(by=owner, mode="self", question_ids=[q.pk for q in bank]))


def keypoint_ids(session, position):
    return list(
        AnswerKeypoint.objects.filter(answer__session=session, answer__position=position)
        .order_by("position")
        .values_list("pk", flat=True)
    )


def api_as(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def call(client, spec):
    method, url, body = spec
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body, format="json")


def endpoints(session, position=1, keypoint_id=None):
    """Every endpoint of one session, each with a body that a permitted caller could send."""
    base = f"/api/sessions/{session.pk}/"
    answer = f"{base}answers/{position}/"
    keypoint_id = keypoint_id or keypoint_ids(session, position)[0]
    return {
        "list": ("get", "/api/sessions/", None),
        "retrieve": ("get", base, None),
        "join": ("post", "/api/sessions/join/", {"token": session.invite_token}),
        "answer": ("put", answer, {"text": "My answer"}),
        "submit": ("post", f"{answer}submit/", {}),
        "mark": ("put", f"{answer}marks/{keypoint_id}/", {"mark": "covered"}),
        "notes": ("put", f"{answer}notes/", {"notes": "Overwritten", "version": 1}),
        "rating": ("put", f"{answer}rating/", {"rating": 3}),
        "advance": ("post", f"{base}advance/", {}),
        "finish": ("post", f"{base}finish/", {"recommendation": "yes", "summary": "Fine", "feedback": "Fine"}),
        "scorecard": ("post", f"{base}scorecard/", {"recommendation": "yes", "summary": "Fine"}),
        "swap": ("post", f"{base}swap/", {}),
    }
