"""Invite links: unguessable, single use, expiring, revocable, and never a 500."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from teams import services
from teams.models import Membership, TeamInvite

from ..conftest import login
from ..factories import UserFactory
from .conftest import roles

pytestmark = pytest.mark.django_db


def join_url(invite_or_token):
    token = getattr(invite_or_token, "token", invite_or_token)
    return reverse("teams:join", args=[token])


def test_tokens_are_long_random_and_unique(team, owner):
    tokens = {services.invite_create(team=team, by=owner).token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 43 for token in tokens)


def test_new_invites_expire_in_seven_days(invite):
    delta = invite.expires_at - invite.created_at
    assert timedelta(days=7) - timedelta(seconds=5) < delta <= timedelta(days=7)


def test_logged_out_visitor_is_sent_to_log_in_and_back(client, invite):
    response = client.get(join_url(invite))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={join_url(invite)}"
    response = client.post(join_url(invite))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    invite.refresh_from_db()
    assert invite.used_by is None


def test_the_page_names_the_team_and_offers_a_join_button(client, invite, newbie):
    login(client, newbie)
    response = client.get(join_url(invite))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Platform hiring" in body
    assert f'action="{join_url(invite)}"' in body and "Join team</button>" in body
    invite.refresh_from_db()
    assert invite.used_by is None, "opening the link does not use it"


def test_joining_admits_the_user_in_the_invite_role(client, team, owner, newbie):
    invite = services.invite_create(team=team, by=owner, role=Membership.Role.MANAGER)
    login(client, newbie)
    response = client.post(join_url(invite))
    assert response.status_code == 302 and response.url == reverse("teams:detail", args=[team.pk])
    assert roles(team)["newbie"] == "manager"
    invite.refresh_from_db()
    assert invite.used_by == newbie and invite.used_at is not None
    assert client.get(response.url).status_code == 200


def test_a_link_admits_exactly_one_user(client, team, invite, newbie):
    login(client, newbie)
    assert client.post(join_url(invite)).status_code == 302
    second = UserFactory(username="second")
    login(client, second)
    for method in (client.get, client.post):
        response = method(join_url(invite))
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    assert "second" not in roles(team)
    invite.refresh_from_db()
    assert invite.used_by == newbie


def test_expired_link_says_so(client, team, invite, newbie):
    TeamInvite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    login(client, newbie)
    for method in (client.get, client.post):
        response = method(join_url(invite))
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert "newbie" not in roles(team)


def test_revoked_link_says_so(client, team, owner, invite, newbie):
    services.invite_revoke(invite=invite, by=owner)
    login(client, newbie)
    response = client.post(join_url(invite))
    assert response.status_code == 410
    assert "revoked" in response.content.decode()
    assert "newbie" not in roles(team)


@pytest.mark.parametrize(
    "token",
    ["nope", "x" * 43, "A" * 500, "%27%20OR%201%3D1--", "%00", "..%2F..%2Fetc", "☃"],
)
def test_mangled_tokens_answer_404_saying_why(client, team, invite, newbie, token):
    login(client, newbie)
    for method in (client.get, client.post):
        response = method(f"/teams/join/{token}/")
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    assert "newbie" not in roles(team)


def test_a_truncated_token_is_not_accepted(client, team, invite, newbie):
    login(client, newbie)
    assert client.post(join_url(invite.token[:-1])).status_code == 404
    assert "newbie" not in roles(team)


def test_an_existing_member_is_told_so_and_the_link_stays_unused(client, team, invite, teammate):
    login(client, teammate)
    response = client.get(join_url(invite))
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert "Join team</button>" not in response.content.decode()
    response = client.post(join_url(invite), follow=True)
    assert "You are already a member of Platform hiring." in response.content.decode()
    invite.refresh_from_db()
    assert invite.used_by is None and invite.used_at is None
    assert team.memberships.filter(user=teammate).count() == 1


def test_join_refuses_other_methods(client, invite, newbie):
    login(client, newbie)
    assert client.put(join_url(invite)).status_code == 405
    assert client.delete(join_url(invite)).status_code == 405


def test_a_used_link_stays_used_when_its_user_is_deleted(client, team, invite, newbie):
    login(client, newbie)
    client.post(join_url(invite))
    newbie.delete()
    other = UserFactory(username="latecomer")
    login(client, other)
    assert client.post(join_url(invite)).status_code == 410
    assert "latecomer" not in roles(team)


def test_invite_accept_service_refuses_a_second_user(team, invite, newbie):
    services.invite_accept(token=invite.token, user=newbie)
    with pytest.raises(services.InviteUnavailable) as refused:
        services.invite_accept(token=invite.token, user=UserFactory(username="second"))
    assert refused.value.reason == TeamInvite.Status.USED


def test_usable_excludes_used_revoked_and_expired(team, owner, newbie):
    fresh, used, revoked, expired = (TeamInvite.objects.create(team=team, created_by=owner) for _ in range(4))
    TeamInvite.objects.filter(pk=used.pk).update(used_by=newbie, used_at=timezone.now())
    TeamInvite.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    TeamInvite.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert list(TeamInvite.objects.usable()) == [fresh]
    statuses = {i.pk: i.status() for i in TeamInvite.objects.all()}
    assert statuses == {fresh.pk: "usable", used.pk: "used", revoked.pk: "revoked", expired.pk: "expired"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_admit_exactly_one(team, invite):
    """Several users press "Join team" at once: the conditional update lets exactly one in."""
    users = [UserFactory(username=f"racer{n}") for n in range(4)]
    barrier = threading.Barrier(len(users))
    outcomes = []

    def accept(user):
        try:
            barrier.wait(timeout=10)
            for _ in range(200):
                try:
                    services.invite_accept(token=invite.token, user=user)
                    outcomes.append("joined")
                    return
                except services.InviteUnavailable as exc:
                    outcomes.append(exc.reason)
                    return
                except OperationalError as exc:
                    # SQLite's shared in-memory test database fails at once where PostgreSQL waits for the
                    # row lock: press the button again, as the user would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            outcomes.append("gave up")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["joined", "used", "used", "used"]
    racers = team.memberships.filter(user__username__startswith="racer")
    assert racers.count() == 1
    invite.refresh_from_db()
    assert invite.used_by_id == racers.get().user_id


# --- issue 17: an unusable link says so at once, and the way back survives signing up ------------


@pytest.mark.parametrize("state", ["used", "expired", "revoked"])
def test_an_unusable_link_says_so_before_any_click_with_a_way_home(client, team, owner, invite, newbie, state):
    if state == "used":
        services.invite_accept(token=invite.token, user=UserFactory(username="first"))
    elif state == "expired":
        TeamInvite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        services.invite_revoke(invite=invite, by=owner)
    login(client, newbie)
    response = client.get(join_url(invite))
    assert response.status_code == 410
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert "Join team" not in main and "<form" not in main
    assert 'href="/">Back to the start</a>' in main
    assert "newbie" not in roles(team)


def test_signing_up_from_a_team_invite_comes_back_to_it(client, invite):
    """Logged out: the invite sends to log in, whose sign-up link carries the way back (issue 17, point 9)."""
    login_url = client.get(join_url(invite))["Location"]
    page = client.get(login_url).content.decode()
    signup_href = re.search(r'href="(/accounts/signup/[^"]*)">Create an account', page).group(1)
    assert signup_href == f"{reverse('signup')}?next={join_url(invite)}"
    form = client.get(signup_href).content.decode()
    assert f'name="next" value="{join_url(invite)}"' in form
    response = client.post(
        signup_href,
        {
            "username": "fresh",
            "email": "fresh@example.com",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
            "next": join_url(invite),
        },
    )
    assert response.status_code == 302 and response["Location"] == join_url(invite)
    assert "Join team</button>" in client.get(join_url(invite)).content.decode()
