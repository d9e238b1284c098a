"""The bench's ceiling view exists only when `make bench` switches it on."""

import importlib

import pytest
from django.urls import clear_url_caches

import interviewprep.urls

pytestmark = pytest.mark.django_db


def _reload_urls():
    importlib.reload(interviewprep.urls)
    clear_url_caches()


def test_ceiling_is_not_served_in_production(client):
    assert client.get("/bench/ceiling/").status_code == 404


def test_ceiling_answers_ok_when_the_bench_switches_it_on(client, settings):
    settings.BENCH_CEILING = True
    _reload_urls()
    try:
        response = client.get("/bench/ceiling/")
        assert response.status_code == 200
        assert response.content == b"ok"
    finally:
        settings.BENCH_CEILING = False
        _reload_urls()
    assert client.get("/bench/ceiling/").status_code == 404
