"""A search result is kept per user for a minute (questions.rows.searched): run once, never served
after a change to the bank, and never showing a question the user may no longer see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questions.models import Visibility
from questions.services.questions import sync_keypoints
from teams.models import Membership

from ..conftest import login
from ..factories import QuestionFactory

pytestmark = pytest.mark.django_db


def _search(client, q):
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("questions:list"), {"q": q}).content.decode()
    return body, [query["sql"] for query in ctx]


def _results(body):
    return body[body.index('id="results"') :]


def _ranked(sql):
    return [statement for statement in sql if "questions_rubrickeypoint" in statement]  # the search itself


def test_the_same_search_again_is_answered_without_running_it(client, owner):
    QuestionFactory(prompt="How does S3 keep old copies of an object?", keypoints=["Versioning keeps every version"])
    login(client, owner)
    first, first_sql = _search(client, "versioning")
    again, again_sql = _search(client, "versioning")
    assert "How does S3 keep old copies of an object?" in first and _results(again) == _results(first)
    assert _ranked(first_sql) and not _ranked(again_sql)
    other, other_sql = _search(client, "copies")  # another search is its own entry
    assert "How does S3 keep old copies" in other and _ranked(other_sql)


def test_a_keypoint_changed_since_is_searched_at_once(client, owner):
    question = QuestionFactory(prompt="How do private subnets reach the internet?", keypoints=["A NAT gateway"])
    login(client, owner)
    assert question.prompt not in _search(client, "egress")[0]
    sync_keypoints(question, [{"text": "An egress-only internet gateway for IPv6", "weight": 1}])
    assert question.prompt in _search(client, "egress")[0]
    question.prompt = "How do private subnets reach the outside world?"
    question.save()
    assert "reach the outside world" in _search(client, "egress")[0]


def test_a_kept_result_never_shows_a_question_no_longer_visible(client, owner, team, teammate):
    shared = QuestionFactory(
        prompt="What does the VPC runbook of the team say?", owner=owner, visibility=Visibility.TEAM, team=team
    )
    login(client, teammate)
    assert shared.prompt in _search(client, "runbook")[0]
    Membership.objects.filter(team=team, user=teammate).delete()  # left the team: the question is not theirs
    body, _ = _search(client, "runbook")
    assert shared.prompt not in body


def test_results_are_kept_per_user(client, owner, outsider):
    private = QuestionFactory(
        prompt="My private drill on Glacier retrieval", owner=owner, visibility=Visibility.PRIVATE
    )
    login(client, owner)
    assert private.prompt in _search(client, "glacier")[0]
    login(client, outsider)
    body, sql = _search(client, "glacier")
    assert private.prompt not in body and _ranked(sql)
