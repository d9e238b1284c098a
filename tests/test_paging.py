"""common.paging.page_of: Django's paginator's answers, with the page and the total in one query."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.paging import page_of
from questions.models import Question

from .factories import QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions():
    QuestionFactory.create_batch(25)
    return Question.objects.order_by("pk")


@pytest.mark.parametrize("number", [None, "1", "2", "3", "9", "0", "-1", "x", "2.0", ""])
def test_the_same_page_as_djangos_paginator(questions, number):
    ours, django = page_of(questions, number, 10), Paginator(questions, 10).get_page(number)
    assert (ours.number, ours.paginator.count, ours.paginator.num_pages) == (
        django.number,
        django.paginator.count,
        django.paginator.num_pages,
    )
    assert [q.pk for q in ours] == [q.pk for q in django]


def test_a_page_in_range_is_one_query(questions):
    with CaptureQueriesContext(connection) as queries:
        page = page_of(questions, "2", 10)
        assert (len(page), page.has_next(), page.paginator.count) == (10, True, 25)
    assert len(queries) == 1


def test_nothing_to_list_is_the_empty_first_page():
    page = page_of(Question.objects.none(), None, 10)
    assert (page.number, list(page), page.paginator.count) == (1, [], 0)
