"""The session list shows the newest 100 and goes on to older ones from the last row shown (keyset
paging: page 2 of a long history costs what page 1 does, and a cursor is only ever the user's own)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import InterviewSession, Mode, Reviewer, Status

from ..conftest import login

pytestmark = pytest.mark.django_db

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _sessions(user, count, *, same_time=False, prefix="Drill"):
    """``count`` finished self-assessments of ``user``, the first oldest (all at once with ``same_time``)."""
    made = InterviewSession.objects.bulk_create(
        InterviewSession(
            mode=Mode.SELF, status=Status.FINISHED, title=f"{prefix} {n:03d}", interviewer=user, candidate=user
        )
        for n in range(count)
    )
    Reviewer.objects.bulk_create(Reviewer(session=s, user=user, is_lead=True) for s in made)
    for n, session in enumerate(made):
        created = START if same_time else START + timedelta(minutes=n)
        InterviewSession.objects.filter(pk=session.pk).update(created_at=created)
    return made


def _page(client, query=""):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/sessions/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return html, [title for title in _titles(html)], len(ctx)


def _titles(html):
    return [part.split("<")[0] for part in html.split('">')[1:] if part.startswith(("Drill ", "Theirs "))]


def _older(html):
    marker = "?before="
    return html.split(marker)[1].split('"')[0] if marker in html else None


@pytest.mark.parametrize("same_time", [False, True], ids=["distinct times", "one time"])
def test_older_sessions_follow_from_the_last_row_shown(client, owner, same_time):
    made = _sessions(owner, 103, same_time=same_time)
    login(client, owner)
    first, first_titles, _ = _page(client)
    assert len(first_titles) == 100 and "Older sessions" in first and "Newest sessions" not in first
    second, second_titles, _ = _page(client, f"?before={_older(first)}")
    assert len(second_titles) == 3 and "Older sessions" not in second and "Newest sessions" in second
    # Every session once, newest first (the later id first among equal times).
    assert first_titles + second_titles == [s.title for s in reversed(made)]


def test_a_short_history_has_no_paging(client, owner):
    _sessions(owner, 3)
    login(client, owner)
    html, titles, _ = _page(client)
    assert len(titles) == 3 and "Older sessions" not in html and 'aria-label="Pages of sessions"' not in html


@pytest.mark.parametrize("cursor", ["abc", "-1", "99999999", "", "9" * 40])
def test_a_cursor_that_is_not_one_of_the_users_sessions_starts_from_the_top(client, owner, outsider, cursor):
    mine = _sessions(owner, 3)
    theirs = _sessions(outsider, 2, prefix="Theirs")
    login(client, owner)
    for query in (f"?before={cursor}", f"?before={theirs[0].pk}"):
        html, titles, _ = _page(client, query)
        assert titles == [s.title for s in reversed(mine)] and "Theirs" not in html


def test_a_later_page_costs_the_first_pages_queries_and_one_more(client, owner):
    _sessions(owner, 250)
    login(client, owner)
    first, _, first_queries = _page(client)
    second, _, second_queries = _page(client, f"?before={_older(first)}")
    third, titles, third_queries = _page(client, f"?before={_older(second)}")
    assert len(titles) == 50 and second_queries == third_queries == first_queries + 1
