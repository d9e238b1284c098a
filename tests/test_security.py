"""Headers and settings that protect every page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[1]


def test_csp_has_no_inline_scripts_or_styles(client):
    response = client.get(reverse("questions:list"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    body = response.content.decode()
    assert "<style" not in body and ' style="' not in body
    # Every <script> loads a file of ours; none carries code inline.
    for tag in body.split("<script")[1:]:
        assert 'src="/static/' in tag.split(">")[0]


def test_htmx_is_configured_to_need_no_eval_or_injected_styles(client):
    body = client.get(reverse("home")).content.decode()
    assert '"allowEval": false' in body and '"includeIndicatorStyles": false' in body
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


def test_static_assets_are_served_locally(client):
    body = client.get(reverse("home")).content.decode()
    assert "http://" not in body.split("<body")[0] and "https://" not in body.split("<body")[0]


def test_deploy_check_reports_nothing_with_debug_off():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interviewprep.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "interviews.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_the_default_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "interviewprep.settings", "DJANGO_DEBUG": "0"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.django_db
def test_a_bad_token_is_answered_401_with_the_scheme(client):
    response = client.get("/api/sessions/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()
    # No credentials at all: refused like any other refusal.
    assert client.get("/api/sessions/").status_code == 403


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_404_and_a_page_404_stays_a_page(client):
    response = client.get("/api/questions/not-a-number/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
