"""Sign up, log in and out, password change and reset, and the throttle on failed logins."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from ..conftest import login
from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_logs_the_new_user_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Logged in as <strong>newbie</strong>" in response.content.decode()
    assert User.objects.filter(username="newbie", email="newbie@example.com").exists()


def test_sign_up_errors_are_shown_next_to_the_fields(client):
    UserFactory(username="taken", email="taken@example.com")
    response = client.post(
        reverse("signup"), {"username": "taken", "email": "taken@example.com", "password1": "123", "password2": "1234"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "A user with that username already exists." in body
    assert "An account with this e-mail already exists" in body
    assert "The two password fields" in body
    assert User.objects.filter(username="taken").count() == 1


def test_password_validators_apply(client):
    response = client.post(
        reverse("signup"),
        {"username": "weak", "email": "weak@example.com", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()


def test_login_page_shows_who_is_logged_in_and_logout_is_post(client):
    UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True)
    assert "Logged in as <strong>alice</strong>" in response.content.decode()
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)
    assert "Log in" in response.content.decode() and "Logged in as" not in response.content.decode()


def test_wrong_password_shows_a_message(client):
    UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_failed_logins_lock_the_account_from_that_address_only(client, settings):
    UserFactory(username="alice")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "nope"}, REMOTE_ADDR="10.0.0.1")
    # The right password from that address is refused: the account is locked there.
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    # Alice herself, elsewhere, still logs in: nobody can lock her out by typing her name.
    elsewhere = client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert elsewhere.status_code == 302


def test_behind_a_proxy_the_forwarded_client_is_locked_not_the_proxy(client, settings):
    """Every request comes from the proxy's address; the client is the last X-Forwarded-For entry."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="victim")
    proxy = {"REMOTE_ADDR": "172.18.0.2"}
    for i in range(settings.AXES_FAILURE_LIMIT + 2):
        # The attacker also writes addresses of its own into the header; only the proxy's entry counts.
        forwarded = f"10.0.0.{i}, 203.0.113.66"
        client.post(
            reverse("login"), {"username": f"guess{i}", "password": "nope"}, HTTP_X_FORWARDED_FOR=forwarded, **proxy
        )
    attacker = client.post(
        reverse("login"), {"username": "victim", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy
    )
    assert attacker.status_code == 429
    victim = client.post(
        reverse("login"), {"username": "victim", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy
    )
    assert victim.status_code == 302


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(username="dave")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"guess{i}", "password": "nope"},
            REMOTE_ADDR="10.3.3.3",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    spoofed = client.post(
        reverse("login"),
        {"username": "dave", "password": PASSWORD},
        REMOTE_ADDR="10.3.3.3",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert spoofed.status_code == 429


def test_failed_logins_lock_the_address(client, settings):
    UserFactory(username="bob")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"guess{i}", "password": "nope"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    other = client.post(reverse("login"), {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")
    assert other.status_code == 302


def test_password_change_needs_login_and_works(client):
    assert client.get(reverse("password_change")).status_code == 302
    user = UserFactory(username="carol")
    login(client, user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"},
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-42")


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(username="dave")
    client.post(reverse("password_reset"), {"email": "dave@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/reset/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset-pass-9876", "new_password2": "reset-pass-9876"},
        follow=True,
    )
    assert "Password set" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("reset-pass-9876")


def test_forms_refuse_posts_without_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    UserFactory(username="erin")
    response = strict.post(reverse("login"), {"username": "erin", "password": PASSWORD})
    assert response.status_code == 403


def test_demo_users_command_is_idempotent(capsys):
    from django.core.management import call_command

    call_command("create_demo_users")
    call_command("create_demo_users")
    assert User.objects.filter(username__startswith="demo-").count() == 2
    out = capsys.readouterr().out
    assert "password:" in out and "already there" in out
    assert User.objects.get(username="demo-candidate").check_password("practise-aws-daily")
