"""The question list's rows are rendered once and then come from the cache (questions/rows.py):
a warm page skips the topics' queries, the reading of its questions whole and the rows' rendering,
and no change is ever served late."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from questions import services
from questions.bank import load_bank
from questions.models import Question, Tag
from questions.rows import rendered_rows

from ..conftest import login
from ..factories import QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db
KEYPOINTS = [{"text": f"Keypoint {n}", "weight": 1, "evidence": [], "contradicts": []} for n in (1, 2, 3)]


def _rows(body):
    return body.split('<ol class="question-list">', 1)[1].split("</ol>", 1)[0]


def _page(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("questions:list"), params)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def listed():
    vpc = TagFactory(slug="vpc", name="VPC")
    return [QuestionFactory(prompt=f"Subnet question {n}", tags=[vpc]) for n in range(3)]


def test_a_warm_page_skips_the_topics_query_and_shows_the_same_rows(client, listed):
    cold, cold_queries = _page(client)
    warm, warm_queries = _page(client)
    assert _rows(warm) == _rows(cold)
    # Cold: every topic, the page (ids and times), its questions whole, their topics. Warm: the page.
    assert (cold_queries, warm_queries) == (4, 1)
    assert warm.count('<span class="tag">VPC</span>') == 3


def test_rows_are_markup_not_escaped_text_after_the_cache(client, listed):
    _page(client)
    body, _ = _page(client)
    assert '<li class="question-row">' in body
    assert "&lt;li" not in body


def test_an_edited_prompt_shows_at_once(client, listed):
    _page(client)
    question = listed[0]
    question.prompt = "What makes a subnet private?"
    question.save()
    body, _ = _page(client)
    assert "What makes a subnet private?" in body and "Subnet question 0" not in body


def test_topics_changed_renamed_or_deleted_show_at_once(client, listed):
    _page(client)
    listed[0].tags.add(TagFactory(slug="nat", name="NAT"))  # m2m_changed
    assert '<span class="tag">NAT</span>' in _page(client)[0]
    vpc = Tag.objects.get(slug="vpc")  # the topic renamed
    vpc.name = "Virtual networks"
    vpc.save()
    body = _page(client)[0]
    assert body.count("Virtual networks</span>") == 3 and ">VPC</span>" not in body
    vpc.delete()  # the links go by cascade, which sends no m2m signal
    assert "Virtual networks</span>" not in _page(client)[0]


def test_the_bank_loaders_bulk_topic_links_show_at_once(client, question_bank):
    question = Question.objects.get(number=1)
    before = {t.name for t in question.tags.all()}
    Question.tags.through.objects.filter(question=question).delete()  # bulk: no signal
    assert escape(question.prompt) in _page(client)[0]  # its row, without topics, is cached
    load_bank()  # puts the topics back in bulk, and forgets the rows itself
    body = _page(client)[0]
    row = body.split(escape(question.prompt), 1)[1].split("</li>", 1)[0]
    assert {name for name in before if f'<span class="tag">{name}</span>' in row} == before


def test_a_question_written_through_the_service_shows_its_topics(client):
    owner = UserFactory()
    login(client, owner)
    question = services.question_create(
        owner=owner, prompt="How do you rotate keys?", difficulty="basic", keypoints=KEYPOINTS, tags=["KMS"]
    )
    _page(client)
    services.question_update(
        question=question,
        by=owner,
        prompt=question.prompt,
        difficulty="basic",
        keypoints=KEYPOINTS,
        tags=["KMS", "Security"],
        visibility="private",
    )
    body = _page(client)[0]
    assert '<span class="tag">Security</span>' in body


def test_who_sees_which_row_is_still_decided_per_request(client):
    owner = UserFactory()
    private = QuestionFactory(prompt="A private question of mine", owner=owner, visibility="private")
    login(client, owner)
    assert private.prompt in _page(client)[0]  # rendered and cached for the owner
    client.logout()
    login(client, UserFactory())
    assert private.prompt not in _page(client)[0]


def test_rendered_rows_keeps_the_order_it_is_given(listed):
    rows = rendered_rows(reversed(listed))
    assert [q.prompt in row for q, row in zip(reversed(listed), rows, strict=True)] == [True] * 3


def test_the_topic_checkboxes_show_a_new_topic_at_once_and_tick_what_the_request_asks(client, listed):
    assert 'value="vpc" id="id_tag_' in _page(client)[0]
    TagFactory(slug="iam", name="IAM")
    body = _page(client)[0]
    assert 'value="iam"' in body and "checked" not in body.split('class="tag-filter"', 1)[1].split("</fieldset>")[0]
    ticked = _page(client, tag="iam")[0].split('class="tag-filter"', 1)[1].split("</fieldset>")[0]
    assert 'value="iam" id="id_tag_0" checked' in ticked and 'value="vpc" id="id_tag_1">' in ticked
    assert "checked" not in _page(client)[0].split('class="tag-filter"', 1)[1].split("</fieldset>")[0]


def test_the_api_list_is_served_warm_with_two_queries_less_and_shows_a_change_at_once(client, listed):
    url = reverse("question-list")
    with CaptureQueriesContext(connection) as cold_queries:
        cold = client.get(url).json()
    with CaptureQueriesContext(connection) as warm_queries:
        warm = client.get(url).json()
    # Warm, neither the questions whole nor their topics are read: only the page (ids, times, total).
    assert warm == cold and len(warm_queries) == len(cold_queries) - 2
    assert [q["tags"] for q in warm["results"]] == [["vpc"]] * 3
    listed[1].tags.add(TagFactory(slug="nat", name="NAT"))
    assert [sorted(q["tags"]) for q in client.get(url).json()["results"]] == [["vpc"], ["nat", "vpc"], ["vpc"]]


def test_the_home_pages_bank_sets_come_from_the_cache_and_show_a_change_at_once(client):
    from questions.models import QuestionSet

    qset = QuestionSet.objects.create(title="Networking basics", description="Subnets and routes", visibility="public")
    assert "Networking basics" in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    assert "questions_questionset" not in " ".join(q["sql"] for q in warm.captured_queries)
    qset.title = "Networking, the basics"
    qset.save()
    assert "Networking, the basics" in client.get("/").content.decode()
    qset.delete()
    assert "Networking, the basics" not in client.get("/").content.decode()


def _question_page(client, question):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    return body.split('<p class="meta">', 1)[1].split("</p>", 1)[0], len(queries)


def test_the_question_pages_topics_come_from_the_cache_and_follow_every_change(client):
    vpc, iam = TagFactory(slug="vpc", name="VPC"), TagFactory(slug="iam", name="IAM")
    question = QuestionFactory(prompt="How do subnets route?", tags=[vpc])
    cold, cold_queries = _question_page(client, question)
    warm, warm_queries = _question_page(client, question)
    assert warm == cold and ">VPC</a>" in warm and warm_queries == cold_queries - 1  # no topics query
    question.tags.add(iam)
    assert ">IAM</a>" in _question_page(client, question)[0]
    iam.name = "Identity"
    iam.save()
    assert ">Identity</a>" in _question_page(client, question)[0]
    question.tags.remove(vpc)
    assert ">VPC</a>" not in _question_page(client, question)[0]
