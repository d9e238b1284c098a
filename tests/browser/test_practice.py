"""The review queue in a real browser: "Practice due" loads on the home page (htmx, under the
CSP), its button starts the practice, and the practice page fits a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..factories import PASSWORD, QuestionFactory, UserFactory
from ..practice.conftest import finish_at, self_assessment

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Hello, {username}")).to_be_visible()


def test_practice_due_on_the_home_page_starts_the_practice(live_server, page):
    user = UserFactory(username="remy")
    question = QuestionFactory(prompt="What does a NAT gateway do?", keypoints=["Outbound only", "Per AZ", "Paid"])
    finish_at(self_assessment(user, [question], {1: ["missed", "partial"]}), timezone.now() - timedelta(days=2))
    _log_in(page, live_server.url, "remy")
    page.goto(f"{live_server.url}/")
    due = page.locator("section", has=page.get_by_role("heading", name="Practice due"))
    expect(due).to_contain_text("2 keypoints due, in 1 question")
    due.get_by_role("button", name="Practise 1 question now").click()
    expect(page.get_by_role("heading", name="What does a NAT gateway do?")).to_be_visible()
    assert page.console_errors == []


def test_practice_page_fits_a_phone(live_server, browser):
    user = UserFactory(username="pia")
    question = QuestionFactory(prompt="Why would a Lambda function time out?")
    finish_at(self_assessment(user, [question], {1: ["missed"]}), timezone.now() - timedelta(days=2))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _log_in(page, live_server.url, "pia")
    page.goto(f"{live_server.url}/practice/")
    expect(page.get_by_role("heading", name="Keypoints due, weakest first")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Suspend this keypoint").click()
    expect(page.get_by_text("Keypoint suspended.")).to_be_visible()
    context.close()
