"""The home page lists overdue scorecards: a manager's teams' and the interviewer's own, nobody else's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions import services
from sessions.models import InterviewSession

from ..conftest import login
from .conftest import fresh


@pytest.fixture
def overdue(structured):
    """The lead finished two hours ago; the panelist's scorecard is not in."""
    services.finish(session=structured, by=structured.interviewer, recommendation="yes")
    InterviewSession.objects.filter(pk=structured.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    return fresh(structured)


def _overdue_section(client, user):
    login(client, user)
    html = client.get("/").content.decode()
    if 'id="overdue-heading"' not in html:
        return None
    return html.split('id="overdue-heading"', 1)[1].split("</section>", 1)[0]


def test_the_manager_and_the_interviewer_see_it_others_do_not(client, overdue, owner, panelist, outsider, bystander):
    managed = _overdue_section(client, owner)
    assert managed is not None and overdue.title in managed and "panelist" in managed
    assert f'href="/sessions/{overdue.pk}/"' in managed
    own = _overdue_section(client, panelist)
    assert own is not None and "yours" in own
    # The lead's scorecard is in; a teammate not on the panel and an outsider owe nothing and manage nothing.
    for user in (overdue.interviewer, bystander, outsider):
        assert _overdue_section(client, user) is None


def test_gone_once_submitted_and_not_listed_within_the_hour(client, structured, panelist, owner):
    services.finish(session=structured, by=structured.interviewer, recommendation="yes")
    assert _overdue_section(client, owner) is None  # finished just now: not overdue yet

    InterviewSession.objects.filter(pk=structured.pk).update(finished_at=timezone.now() - timedelta(hours=2))
    assert _overdue_section(client, owner) is not None
    services.scorecard_submit(session=fresh(structured), by=panelist, recommendation="no")
    assert _overdue_section(client, owner) is None


def test_the_rows_cost_no_query_of_their_own(client, overdue, owner, outsider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def home_queries(user):
        login(client, user)
        client.get("/")  # the first view fills the cache with what everybody sees (the bank's sets)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get("/").content.decode()
        return len(ctx), 'id="overdue-heading"' in html

    assert home_queries(owner) == (home_queries(outsider)[0], True)
