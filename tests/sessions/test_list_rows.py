"""The session list's rows are rendered once for what they show (common.fragments): any shown
value that changes is a new row, each viewer sees their own, and a warm row is not rendered again."""

from datetime import UTC, datetime

import pytest

from accounts.models import Profile
from common.fragments import rendered_each
from sessions import services
from sessions.models import InterviewSession

from ..conftest import login
from .conftest import fresh, make_question, start_peer

pytestmark = pytest.mark.django_db


def _list(client):
    response = client.get("/sessions/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_other_party_shows_for_each_viewer_and_changes_when_the_candidate_joins(client, owner, candidate):
    waiting = start_peer(owner, None, [make_question(1)])
    login(client, owner)
    assert "invite not used yet" in _list(client)
    services.session_join(token=waiting.invite_token, user=candidate)
    html = _list(client)
    assert "invite not used yet" not in html and f"<td>{candidate.username}</td>" in html
    login(client, candidate)
    assert f"<td>{owner.username}</td>" in _list(client)


def test_status_title_score_and_the_date_in_the_viewers_zone_change_the_row(client, owner, candidate):
    session = start_peer(owner, candidate, [make_question(1)])
    InterviewSession.objects.filter(pk=session.pk).update(created_at=datetime(2026, 1, 1, 23, 30, tzinfo=UTC))
    login(client, owner)
    html = _list(client)
    assert "<td>1 Jan 2026</td>" in html and "Live" in html
    Profile.objects.update_or_create(user=owner, defaults={"time_zone": "Pacific/Auckland"})
    assert "<td>2 Jan 2026</td>" in _list(client)
    InterviewSession.objects.filter(pk=session.pk).update(title="Renamed mock")
    assert "Renamed mock" in _list(client)
    services.finish(session=fresh(session), by=owner)
    html = _list(client)
    assert "Finished" in html and "0.0 / 100" in html


def test_a_fragment_is_rendered_once_per_distinct_content(owner):
    rendered = []

    def context(item):
        rendered.append(item)
        return {"s": item, "mine": True}

    sessions = [start_peer(owner, None, [make_question(n)]) for n in (1, 2)]
    shows = lambda s: (s.pk, s.title)  # noqa: E731
    first = rendered_each("sessions/_list_row.html", sessions, shows, context)
    again = rendered_each("sessions/_list_row.html", sessions, shows, context)
    assert again == first and rendered == sessions
    sessions[0].title = "Changed"
    assert "Changed" in rendered_each("sessions/_list_row.html", sessions, shows, context)[0]
    assert rendered == [*sessions, sessions[0]]
