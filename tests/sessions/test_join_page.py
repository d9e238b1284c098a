"""The invite landing page says at once when the link cannot be used (issue 17, point 3).

No "Join" button that refuses only after the click: the reason, and a way back home.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions import services
from sessions.models import InterviewSession

from ..conftest import login
from ..factories import UserFactory
from .conftest import fresh, start_peer

pytestmark = pytest.mark.django_db


def join_url(session):
    return f"/sessions/join/{session.invite_token}/"


def assert_refused_at_once(response, reason):
    body = response.content.decode()
    assert response.status_code == 410, body
    assert reason in body
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Join as" not in main and "<button" not in main and "<form" not in main
    assert 'href="/">Back to the start</a>' in body


def test_a_used_invite_says_so_before_any_click(client, owner, candidate, bank):
    session = start_peer(owner, candidate, bank)
    login(client, UserFactory(username="latecomer"))
    assert_refused_at_once(client.get(join_url(session)), "already been used by another candidate")
    assert fresh(session).candidate == candidate


def test_an_expired_invite_says_so_before_any_click(client, owner, bank):
    session = start_peer(owner, None, bank)
    InterviewSession.objects.filter(pk=session.pk).update(invite_expires_at=timezone.now() - timedelta(seconds=1))
    login(client, UserFactory(username="late"))
    assert_refused_at_once(client.get(join_url(session)), "expired")
    assert fresh(session).candidate is None


def test_a_finished_interview_says_so_before_any_click(client, owner, candidate, bank):
    session = start_peer(owner, candidate, bank)
    services.finish(session=session, by=owner)
    login(client, UserFactory(username="late"))
    assert_refused_at_once(client.get(join_url(session)), "already finished")


def test_the_interviewer_opening_their_own_link_is_told_at_once(client, owner, bank):
    session = start_peer(owner, None, bank)
    login(client, owner)
    assert_refused_at_once(client.get(join_url(session)), "You are an interviewer in this session")
    assert fresh(session).candidate is None


def test_a_usable_invite_still_offers_the_button_and_its_candidate_goes_to_the_room(client, owner, bank):
    session = start_peer(owner, None, bank)
    first = UserFactory(username="first")
    login(client, first)
    page = client.get(join_url(session))
    assert page.status_code == 200 and "Join as first</button>" in page.content.decode()
    assert client.post(join_url(session))["Location"] == f"/sessions/{session.pk}/"
    assert client.get(join_url(session))["Location"] == f"/sessions/{session.pk}/"  # their own link, again
