"""A person browsing the bank in a real Chromium: filter, open a question, reveal its rubric."""

import re

import pytest
from playwright.sync_api import expect

from questions.models import Question

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bank(question_bank):
    """The built-in bank, committed for the live server (the rows are read once per run)."""


def test_filter_open_and_reveal_the_rubric(live_server, page, bank, artifacts):
    page.goto(f"{live_server.url}/questions/")
    expect(page.get_by_text("100 questions")).to_be_visible()

    page.get_by_label("S3", exact=True).check()
    expect(page).to_have_url(re.compile(r"tag=s3"))
    page.get_by_label("Difficulty").select_option("intermediate")
    expect(page).to_have_url(re.compile(r"difficulty=intermediate"))
    expected = Question.objects.filter(tags__slug="s3", difficulty="intermediate").count()
    assert expected > 0
    expect(page.locator("#results .count")).to_have_text(f"{expected} question{'s' if expected != 1 else ''}")
    page.screenshot(path=str(artifacts / "screenshot.png"), full_page=False)

    first = page.locator(".question-row a").first
    prompt = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prompt)
    question = Question.objects.get(prompt=prompt)
    keypoint = question.keypoints.first().text
    expect(page.get_by_text(keypoint)).to_have_count(0)

    # Keyboard only: focus the control and press Enter.
    page.locator("#reveal-rubric").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(keypoint)).to_be_visible()
    expect(page.get_by_role("heading", name="Reference answer")).to_be_visible()

    # Back to the filtered list: the filters are still applied.
    page.go_back()
    expect(page).to_have_url(re.compile(r"difficulty=intermediate"))
    expect(page.locator("#results .count")).to_have_text(re.compile(rf"^{expected} question"))
    assert page.console_errors == []


def test_search_filters_as_you_type(live_server, page, bank):
    page.goto(f"{live_server.url}/questions/")
    page.get_by_label("Search").fill("Glacier")
    expect(page).to_have_url(re.compile(r"q=Glacier"))
    count = page.locator("#results .count").inner_text()
    assert int(count.split()[0]) < 100
    assert page.console_errors == []


def test_pages_fit_a_phone_screen(live_server, browser, bank):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    question = Question.objects.get(number=1)
    for path in ("/", "/questions/", f"/questions/{question.pk}/?rubric=1", "/sets/", "/accounts/login/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    context.close()


def test_works_without_javascript(live_server, browser, bank):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/questions/")
    page.get_by_label("Difficulty").select_option("advanced")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#results .count")).to_have_text("30 questions")
    page.locator(".question-row a").first.click()
    page.get_by_role("link", name="Reveal rubric").click()
    expect(page.get_by_role("heading", name="Rubric")).to_be_visible()
    context.close()


def test_logged_in_pages_fit_a_phone_screen(live_server, browser, bank):
    from questions.models import QuestionSet
    from reports.models import Report
    from sessions import services as session_services
    from sessions.models import Mode

    from ..factories import PASSWORD, UserFactory

    user = UserFactory(username="phoebe")
    qset = QuestionSet.objects.get(bank_key="aws-basics")
    session = session_services.session_create(by=user, mode=Mode.SELF, question_set=qset)
    peer = session_services.session_create(by=user, mode=Mode.PEER, question_set=qset)
    report = Report.objects.create(kind="progress", user=user, period="30d")
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("phoebe")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    for path in (
        "/",
        f"/sessions/{session.pk}/",
        f"/sessions/{peer.pk}/",
        "/sessions/new/?mode=structured",
        "/questions/new/",
        f"/sets/{qset.pk}/",
        "/reports/",
        f"/reports/{report.pk}/",
        "/teams/",
    ):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    context.close()
