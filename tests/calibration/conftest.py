"""A team with a manager (owner), two interviewers (teammate, second) and an outsider; a public
question of three keypoints, and drills made through the service the pages and the API call."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from calibration import services
from questions.models import Visibility
from sessions.models import Answer, InterviewSession, Mode, Status

from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, UserFactory

# Gold marks of the drill below: answer 1 strong, answer 2 half right.
GOLD = [["covered", "covered", "partial"], ["missed", "partial", "missed"]]


@pytest.fixture
def question(db):
    return QuestionFactory(
        prompt="How do security groups differ from network ACLs?",
        keypoints=["Security groups are stateful", "NACLs are stateless", "NACLs have ordered rules"],
    )


@pytest.fixture
def second(team):
    return MembershipFactory(team=team, user=UserFactory(username="second")).user


def make_drill(team, by, question, gold=GOLD):
    answers = [{"text": f"Answer number {i} about SGs and NACLs.", "gold": g} for i, g in enumerate(gold, 1)]
    return services.drill_create(team=team, by=by, question=question, answers=answers)


@pytest.fixture
def drill(team, owner, question):
    return make_drill(team, owner, question)


@pytest.fixture
def finished_answer(team, owner, question):
    """An answer to the question in a finished structured interview of the team, naming its candidate."""
    candidate = UserFactory(username="carol", first_name="Carol", last_name="Jones")
    session = InterviewSession.objects.create(
        mode=Mode.STRUCTURED,
        status=Status.FINISHED,
        title="Loop",
        team=team,
        interviewer=owner,
        candidate=candidate,
        candidate_email="carol@example.com",
        finished_at=timezone.now(),
    )
    return Answer.objects.create(
        session=session,
        position=1,
        question=question,
        prompt=question.prompt,
        difficulty="basic",
        text="Hi, Carol Jones here (carol, carol@example.com). Security groups are stateful; Carolina is a state.",
    )


@pytest.fixture
def team_set(owner, team, question):
    return QuestionSetFactory(title="Loop", owner=owner, team=team, visibility=Visibility.TEAM, questions=[question])


def api_as(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
