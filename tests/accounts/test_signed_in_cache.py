"""Every page's ``request.user`` and time zone come from the cache (accounts.signed_in), without a query,
and are never stale: a deactivated, deleted or re-passworded user is signed out by the next request, and
a new time zone shows on the next page."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from common import cached

from ..conftest import login
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _tables(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, " ".join(q["sql"] for q in ctx.captured_queries)


@pytest.fixture
def signed_in(client):
    user = UserFactory()
    login(client, user)
    assert client.get(reverse("sessions:list")).status_code == 200  # the first page fills the cache
    return user


def test_a_warm_page_reads_neither_the_user_nor_the_profile(client, signed_in):
    response, sql = _tables(client, reverse("sessions:list"))
    assert response.status_code == 200 and f"Logged in as <strong>{signed_in.username}</strong>" in response.text
    assert 'FROM "auth_user"' not in sql and "accounts_profile" not in sql  # (the page joins users to its rows)


def test_a_deactivated_user_is_signed_out_by_the_next_request(client, signed_in):
    signed_in.is_active = False
    signed_in.save()
    assert client.get(reverse("sessions:list")).status_code == 302


def test_a_deleted_user_is_signed_out_by_the_next_request(client, signed_in):
    signed_in.delete()
    assert client.get(reverse("sessions:list")).status_code == 302


def test_a_new_password_signs_other_sessions_out(client, signed_in):
    signed_in.set_password("another long passphrase")
    signed_in.save()
    assert client.get(reverse("sessions:list")).status_code == 302


def test_a_renamed_user_shows_at_once(client, signed_in):
    get_user_model().objects.filter(pk=signed_in.pk).update(username="renamed")  # no signal: stays cached
    assert "renamed" not in client.get(reverse("sessions:list")).text
    signed_in.username = "renamed"
    signed_in.save()  # as every form and the admin do
    assert "Logged in as <strong>renamed</strong>" in client.get(reverse("sessions:list")).text


def test_a_new_time_zone_is_used_by_the_next_page(client, signed_in):
    from accounts.signed_in import _signed_in
    from accounts.timezones import name_of

    services.time_zone_set(user=signed_in, time_zone="Asia/Tokyo")
    request = client.get(reverse("sessions:list")).wsgi_request
    user = _signed_in(request)
    assert user.cached_time_zone == "Asia/Tokyo" and name_of(user) == "Asia/Tokyo"


def test_the_password_hash_is_not_kept_in_the_cache(client, signed_in):
    from accounts.signed_in import user_key

    (value,) = cached.read({user_key(signed_in.pk): lambda: None}).values()
    assert value.pk == signed_in.pk and "password" in value.get_deferred_fields()
    assert value.check_password("password") == signed_in.check_password("password")  # read when asked for
