"""Search (issue 17, point 6): every word in any order, on word boundaries, ranked, and on
PostgreSQL tolerant of a small typo. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from questions.models import Question

from ..factories import QuestionFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram search needs PostgreSQL")


@pytest.fixture
def bank():
    return {
        "versioning": QuestionFactory(
            prompt="How does S3 keep old copies of an object?",
            keypoints=["Versioning keeps every version", "Delete markers hide objects", "Costs grow"],
        ),
        "nat": QuestionFactory(
            prompt="How do private subnets reach the internet?",
            keypoints=["A NAT gateway in a public subnet", "Route 0.0.0.0/0 to it", "Charges per GB"],
        ),
        "alternative": QuestionFactory(
            prompt="What is an alternative to a signature on every request?",
            context="Think of international teams.",
            keypoints=["Presigned URLs", "Temporary credentials", "Cognito"],
        ),
        "glacier": QuestionFactory(
            prompt="When would you archive data to S3 Glacier?",
            keypoints=["Retrieval takes minutes to hours", "Cheap storage", "Minimum storage duration"],
        ),
        "versioning_prompt": QuestionFactory(
            prompt="Why turn on versioning for an S3 bucket?",
            keypoints=["Recover from deletes", "Protect against overwrites", "MFA delete"],
        ),
    }


def found(text):
    return list(Question.objects.search(text).values_list("prompt", flat=True))


def test_every_word_in_any_order_across_prompt_and_keypoints(bank):
    for query in ("S3 versioning", "versioning S3", "  versioning,  s3 "):
        assert set(found(query)) == {bank["versioning"].prompt, bank["versioning_prompt"].prompt}, query
    assert found("S3 replication") == []


def test_words_match_on_word_boundaries_not_inside_words(bank):
    assert found("NAT") == [bank["nat"].prompt]  # not "alterNATive", "sigNATure", "interNATional"
    assert found("subnet") == [bank["nat"].prompt]  # "subnets" in the prompt, "subnet" in a keypoint


def test_results_are_ranked_by_relevance(bank):
    # Both say "versioning"; the one that says it in its prompt comes first.
    assert found("versioning")[0] == bank["versioning_prompt"].prompt


def test_the_page_shows_the_search_results(client, bank):
    body = client.get(reverse("questions:list"), {"q": "S3 versioning"}).content.decode()
    assert bank["versioning"].prompt in body and bank["nat"].prompt not in body
    assert re.search(r"2 questions", body)


@on_postgresql
def test_a_small_typo_still_finds_the_question(bank):
    assert found("Glaciar") == [bank["glacier"].prompt]
    assert found("S3 Glaciar") == [bank["glacier"].prompt]


@on_postgresql
def test_stop_words_do_not_empty_the_results(bank):
    assert found("the NAT") == [bank["nat"].prompt]


def test_the_shipped_bank(question_bank):
    assert any("versioning" in prompt for prompt in found("S3 versioning"))
    nat = Question.objects.search("NAT").prefetch_related("keypoints")
    assert 0 < len(nat) < 24
    for question in nat:
        texts = [question.prompt, question.context, *(kp.text for kp in question.keypoints.all())]
        assert any(re.search(r"\bNATs?\b", t, re.IGNORECASE) for t in texts), question.prompt


def test_search_results_are_paged_in_rank_order(client):
    """The search runs once for the ranked ids; each page shows its share of them, in that order."""
    for n in range(25):
        QuestionFactory(prompt=f"Question {n:02d} about encryption at rest")
    first = client.get(reverse("questions:list"), {"q": "encryption"}).content.decode()
    second = client.get(reverse("questions:list"), {"q": "encryption", "page": 2}).content.decode()
    assert "25 questions" in first and "Page 1 of 2" in first and "Page 2 of 2" in second
    shown = [n for n in range(25) if f"Question {n:02d} about" in first]
    rest = [n for n in range(25) if f"Question {n:02d} about" in second]
    assert len(shown) == 20 and len(rest) == 5 and not set(shown) & set(rest)
