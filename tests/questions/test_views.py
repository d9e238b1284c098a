"""Browsing pages: filters, search, the rubric control, who sees what, and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questions.models import Difficulty, Question, RubricKeypoint, Tag, Visibility
from questions.rows import forget_rows

from ..conftest import login
from ..factories import QuestionFactory, QuestionSetFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    s3, vpc = TagFactory(slug="s3", name="S3"), TagFactory(slug="vpc", name="VPC")
    return {
        "objects": QuestionFactory(
            prompt="How does object storage keep old copies?",
            tags=[s3],
            keypoints=["Versioning keeps every version", "Delete markers hide objects", "Costs grow"],
        ),
        "subnets": QuestionFactory(
            prompt="What makes a subnet public?",
            difficulty=Difficulty.INTERMEDIATE,
            tags=[vpc],
            keypoints=["Route to an internet gateway", "Public IP needed", "Private subnets use NAT"],
        ),
        "endpoints": QuestionFactory(
            prompt="How would you reach storage without the internet?",
            difficulty=Difficulty.ADVANCED,
            tags=[s3, vpc],
            keypoints=["Gateway endpoint in the route table", "No NAT charges", "Bucket policy on aws:sourceVpce"],
        ),
    }


def test_list_shows_public_questions(client, bank):
    response = client.get(reverse("questions:list"))
    assert response.status_code == 200
    for q in bank.values():
        assert q.prompt in response.content.decode()


def test_filter_by_difficulty_and_tags(client, bank):
    body = client.get(reverse("questions:list"), {"difficulty": "advanced"}).content.decode()
    assert bank["endpoints"].prompt in body and bank["subnets"].prompt not in body
    body = client.get(reverse("questions:list"), {"tag": ["s3", "vpc"]}).content.decode()
    assert bank["endpoints"].prompt in body
    assert bank["objects"].prompt not in body and bank["subnets"].prompt not in body


def test_search_covers_prompts_and_keypoints(client, bank):
    body = client.get(reverse("questions:list"), {"q": "subnet"}).content.decode()
    assert bank["subnets"].prompt in body and bank["objects"].prompt not in body
    # Only a keypoint says "gateway endpoint".
    body = client.get(reverse("questions:list"), {"q": "gateway endpoint"}).content.decode()
    assert bank["endpoints"].prompt in body and bank["objects"].prompt not in body


def test_bad_filter_values_are_reported_not_crashing(client, bank):
    response = client.get(reverse("questions:list"), {"difficulty": "impossible", "tag": "nope"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_htmx_request_gets_only_the_results_fragment(client, bank):
    response = client.get(reverse("questions:list"), {"difficulty": "basic"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body and bank["objects"].prompt in body
    assert "HX-Request" in response["Vary"]


def test_pagination_keeps_the_filters(client):
    for _ in range(25):
        QuestionFactory(difficulty=Difficulty.ADVANCED)
    body = client.get(reverse("questions:list"), {"difficulty": "advanced"}).content.decode()
    assert "Page 1 of 2" in body
    assert "?difficulty=advanced&amp;page=2" in body
    second = client.get(reverse("questions:list"), {"difficulty": "advanced", "page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_detail_hides_the_rubric_until_asked(client, bank):
    q = bank["subnets"]
    body = client.get(q.get_absolute_url()).content.decode()
    assert q.prompt in body and "Reveal rubric" in body
    assert "Route to an internet gateway" not in body
    body = client.get(q.get_absolute_url(), {"rubric": "1"}).content.decode()
    assert "Route to an internet gateway" in body and "reference" in body


def test_reveal_through_htmx_returns_the_rubric_fragment(client, bank):
    q = bank["subnets"]
    response = client.get(q.get_absolute_url(), {"rubric": "1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="rubric"') and "Route to an internet gateway" in body
    assert "<html" not in body


@pytest.mark.parametrize("name", ["private_question", "team_question"])
def test_outsiders_and_anonymous_do_not_see_private_or_team_questions(client, request, name, outsider):
    question = request.getfixturevalue(name)
    assert client.get(question.get_absolute_url()).status_code == 404
    assert question.prompt not in client.get(reverse("questions:list")).content.decode()
    login(client, outsider)
    assert client.get(question.get_absolute_url()).status_code == 404
    assert client.get(question.get_absolute_url(), {"rubric": "1"}).status_code == 404
    assert question.prompt not in client.get(reverse("questions:list")).content.decode()
    assert question.prompt not in client.get(reverse("questions:list"), {"q": "question"}).content.decode()


def test_owner_sees_private_and_team_members_see_team_questions(
    client, owner, teammate, private_question, team_question
):
    login(client, owner)
    assert client.get(private_question.get_absolute_url()).status_code == 200
    login(client, teammate)
    assert client.get(team_question.get_absolute_url(), {"rubric": "1"}).status_code == 200
    assert client.get(private_question.get_absolute_url()).status_code == 404


def test_archived_questions_are_gone_from_browsing(client, bank):
    q = bank["objects"]
    Question.objects.filter(pk=q.pk).update(is_archived=True)
    assert client.get(q.get_absolute_url()).status_code == 404


def test_sets_list_and_detail(client, bank, owner, outsider, private_question):
    public = QuestionSetFactory(title="Networking drill", questions=[bank["subnets"], bank["endpoints"]])
    hidden = QuestionSetFactory(title="Owner only", owner=owner, visibility=Visibility.PRIVATE)
    mixed = QuestionSetFactory(
        title="Owner mix", owner=owner, visibility=Visibility.PUBLIC, questions=[bank["objects"], private_question]
    )
    body = client.get(reverse("questions:set_list")).content.decode()
    assert "Networking drill" in body and "Owner only" not in body
    detail = client.get(public.get_absolute_url()).content.decode()
    assert detail.index(bank["subnets"].prompt) < detail.index(bank["endpoints"].prompt)
    login(client, outsider)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    # A public set never leaks a private question it contains.
    assert private_question.prompt not in client.get(mixed.get_absolute_url()).content.decode()
    login(client, owner)
    assert client.get(hidden.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("url_name", ["questions:list", "questions:set_list"])
def test_wrong_method_is_refused(client, url_name):
    assert client.post(reverse(url_name)).status_code == 405


def _make_questions(n):
    tag = Tag.objects.get_or_create(slug="ec2", defaults={"name": "EC2"})[0]
    start = Question.objects.count()
    questions = Question.objects.bulk_create(
        Question(
            slug=f"bulk-{start + i}",
            prompt=f"Bulk question {start + i}",
            difficulty=Difficulty.BASIC,
            visibility=Visibility.PUBLIC,
            number=start + i,
        )
        for i in range(n)
    )
    Question.tags.through.objects.bulk_create(Question.tags.through(question_id=q.pk, tag_id=tag.pk) for q in questions)
    RubricKeypoint.objects.bulk_create(
        RubricKeypoint(question=q, text=f"Point {p}", weight=1, position=p) for q in questions for p in (1, 2, 3)
    )
    return questions


def _count_queries(client, url, params=None):
    forget_rows()  # counted cold: the question list's rows come from the cache once rendered (test_rows_cache.py)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url_name,params",
    [
        ("questions:list", {}),
        ("questions:list", {"difficulty": "basic", "tag": "ec2", "q": "Bulk"}),
        ("questions:set_list", {}),
        ("home", {}),
    ],
)
def test_pages_run_a_fixed_number_of_queries(client, owner, url_name, params):
    login(client, owner)
    questions = _make_questions(100)
    for i in range(3):
        QuestionSetFactory(questions=questions[i * 10 : i * 10 + 10])
    small = _count_queries(client, reverse(url_name), params)
    more = _make_questions(900)
    for i in range(10):
        QuestionSetFactory(questions=more[i * 50 : i * 50 + 50])
    assert _count_queries(client, reverse(url_name), params) == small
    assert small <= 9  # home: 9 with the overdue scorecards


def test_detail_and_set_pages_run_a_fixed_number_of_queries(client, owner):
    login(client, owner)
    questions = _make_questions(100)
    qset = QuestionSetFactory(questions=questions[:10])
    detail = _count_queries(client, questions[0].get_absolute_url(), {"rubric": "1"})
    set_page = _count_queries(client, qset.get_absolute_url())
    more = _make_questions(900)
    qset.items.all().delete()
    QuestionSetFactory._meta.model.objects.filter(pk=qset.pk)
    for position, q in enumerate(more[:100], 1):
        qset.items.create(question=q, position=position)
    assert _count_queries(client, questions[0].get_absolute_url(), {"rubric": "1"}) == detail
    assert _count_queries(client, qset.get_absolute_url()) == set_page


def test_the_filter_form_keeps_the_choices_made_and_links_its_error(client, owner):
    login(client, owner)
    body = client.get(reverse("questions:list"), {"difficulty": "advanced", "mine": "on"}).content.decode()
    assert '<option value="advanced" selected>' in body and '<option value="" selected>' not in body
    assert 'id="id_mine" checked' in body
    body = client.get(reverse("questions:list")).content.decode()
    assert '<option value="" selected>Any difficulty</option>' in body and 'id="id_mine">' in body
    body = client.get(reverse("questions:list"), {"difficulty": "hard"}).content.decode()
    assert 'aria-invalid="true" aria-describedby="id_difficulty_error"' in body
    assert 'id="id_difficulty_error">Select a valid choice. hard is not one of the available choices.' in body
