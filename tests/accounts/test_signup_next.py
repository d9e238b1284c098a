"""Signing up from an invite leads back to it (issue 17, point 9), and only ever to this site."""

import re

import pytest
from django.urls import reverse

from sessions import services

from ..conftest import login
from ..factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "newbie",
    "email": "newbie@example.com",
    "password1": "a-long-passphrase-9",
    "password2": "a-long-passphrase-9",
}


def test_signing_up_from_a_session_invite_comes_back_to_it(client, owner):
    session = services.session_create(by=owner, mode="peer", question_ids=[QuestionFactory().pk])
    invite = f"/sessions/join/{session.invite_token}/"
    login_url = client.get(invite)["Location"]
    page = client.get(login_url).content.decode()
    signup_href = re.search(r'href="([^"]*)">Create an account', page).group(1)
    assert signup_href == f"{reverse('signup')}?next={invite}"
    form = client.get(signup_href).content.decode()
    assert f'name="next" value="{invite}"' in form
    assert f'href="{reverse("login")}?next={invite}">Log in' in form  # and back again, still carrying it

    response = client.post(signup_href, {**NEW_USER, "next": invite})

    assert response.status_code == 302 and response["Location"] == invite
    assert "Join as newbie</button>" in client.get(invite).content.decode()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/steal", "//evil.example/", "http://testserver.evil.example/", "javascript:alert(1)"],
)
def test_an_off_site_next_is_ignored(client, next_url):
    form = client.get(reverse("signup"), {"next": next_url}).content.decode()
    assert "evil" not in form and "javascript" not in form
    response = client.post(reverse("signup"), {**NEW_USER, "next": next_url})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_failed_sign_up_keeps_the_way_back(client):
    response = client.post(reverse("signup"), {**NEW_USER, "password2": "different", "next": "/teams/"})
    assert response.status_code == 400
    assert 'name="next" value="/teams/"' in response.content.decode()


def test_a_logged_in_user_opening_sign_up_goes_on_to_next(client):
    login(client, UserFactory(username="already"))
    assert client.get(reverse("signup"), {"next": "/teams/"})["Location"] == "/teams/"
    assert client.get(reverse("signup"), {"next": "https://evil.example/"})["Location"] == reverse("home")


def test_without_next_sign_up_still_lands_home(client):
    response = client.post(reverse("signup"), NEW_USER)
    assert response.status_code == 302 and response["Location"] == reverse("home")
