"""A hiring manager writes a question, builds and shares a set; an interviewer of the team sees it."""

import re

import pytest
from playwright.sync_api import expect

from questions.models import Question, QuestionSet
from teams.models import Membership

from ..factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Logged in as {username}")).to_be_visible()


def test_manager_builds_and_shares_a_set_interviewer_sees_it(live_server, browser, artifacts, question_bank):
    team = TeamFactory(name="Cloud platform")
    MembershipFactory(team=team, user=UserFactory(username="hannah"), role=Membership.Role.MANAGER)
    MembershipFactory(team=team, user=UserFactory(username="ivan"), role=Membership.Role.INTERVIEWER)
    base = live_server.url

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _log_in(page, base, "hannah")

    # Write a question with three keypoints (one added with the "Add keypoint" button).
    page.goto(f"{base}/questions/new/")
    page.get_by_label("Question", exact=True).fill("How would you make a private API reachable only from our VPC?")
    page.get_by_label("Difficulty").select_option("advanced")
    page.get_by_label("Topics").fill("VPC, networking")
    page.get_by_label("Keypoint 1", exact=True).fill("Use an interface VPC endpoint (PrivateLink)")
    page.get_by_label("Keypoint 2", exact=True).fill("A resource policy limits calls to that endpoint")
    page.get_by_label("Remove keypoint 3").click()
    expect(page.get_by_label("Keypoint 3", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Add keypoint").click()
    expect(page.get_by_label("Keypoint 3", exact=True)).to_be_focused()
    page.get_by_label("Keypoint 3", exact=True).fill("Private DNS resolves the API name inside the VPC")
    page.get_by_label("Reference answer").fill("Put an **interface endpoint** in the VPC.")
    page.get_by_role("button", name="Preview Markdown").click()
    expect(page.locator(".preview strong")).to_have_text("interface endpoint")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question created.")).to_be_visible()
    mine = Question.objects.get(owner__username="hannah")
    assert list(mine.keypoints.values_list("text", flat=True))[2] == "Private DNS resolves the API name inside the VPC"

    # Build a set from it and two bank questions.
    page.goto(f"{base}/sets/new/")
    page.get_by_label("Title").fill("Platform loop")
    page.get_by_role("button", name="Create set").click()
    expect(page.get_by_role("heading", name="Edit “Platform loop”")).to_be_visible()
    for count, term in enumerate(("private API reachable", "Elastic IP", "NAT Gateway"), 1):
        with page.expect_response(re.compile(r"[?&]q=")):
            page.get_by_label("Search the bank").fill(term)
        page.locator("#search-results button", has_text="Add").first.click()
        expect(page.locator(".set-item")).to_have_count(count)
    qset = QuestionSet.objects.get(title="Platform loop")
    before = list(qset.items.order_by("position").values_list("question_id", flat=True))
    assert before[0] == mine.pk

    # Reorder with the keyboard: focus "move down" on the first question and press Enter twice.
    page.locator(".set-item").first.get_by_role("button", name=re.compile("down")).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".set-item").nth(1)).to_contain_text("private API")
    # Focus stays on the moved question's button, so Enter again moves it further.
    expect(page.locator(".set-item").nth(1).get_by_role("button", name=re.compile("down"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".set-item").nth(2)).to_contain_text("private API")
    after = list(qset.items.order_by("position").values_list("question_id", flat=True))
    assert after == [before[1], before[2], before[0]]

    # Share it with the team.
    page.get_by_label("Who can see and use it").select_option(label="Team: Cloud platform")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("now shared with Cloud platform")).to_be_visible()
    page.screenshot(path=str(artifacts / "set-builder.png"), full_page=True)
    assert errors == []
    context.close()

    # An interviewer of the team logs in and sees the set, in the new order.
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, base, "ivan")
    page.goto(f"{base}/sets/")
    page.get_by_role("link", name="Platform loop").click()
    rows = page.locator(".question-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("private API reachable")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    context.close()
