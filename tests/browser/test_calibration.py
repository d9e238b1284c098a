"""Calibration drills in a browser: the manager's question choice brings step two in by htmx; an
interviewer scores a drill on a 390 px phone and then sees the gold beside their marks."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from calibration.models import Attempt, Drill

from ..calibration.conftest import make_drill
from ..factories import MembershipFactory, QuestionFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(browser, live_server, user, **options):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(**options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


@pytest.fixture
def team_people():
    team = TeamFactory(name="Drill team")
    manager, interviewer = UserFactory(username="mia"), UserFactory(username="ivo")
    MembershipFactory(team=team, user=manager, role="manager")
    MembershipFactory(team=team, user=interviewer)
    question = QuestionFactory(prompt="What does a NAT gateway do?", keypoints=["Outbound only", "Per AZ", "Costs"])
    return team, manager, interviewer, question


def test_choosing_the_question_brings_step_two(live_server, browser, team_people):
    team, manager, _, question = team_people
    context = signed_in(browser, live_server, manager, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server.url}/calibration/teams/{team.pk}/new/")
        page.get_by_label("Question").select_option(str(question.pk))
        expect(page.get_by_role("heading", name="Answers and gold marks")).to_be_visible()
        for n, gold in ((1, ["Covered", "Covered", "Missed"]), (2, ["Missed", "Partly covered", "Missed"])):
            answer = page.get_by_role("group", name=f"Answer {n}", exact=True)
            answer.get_by_label("Answer", exact=True).fill(f"Answer {n} about NAT.")
            for keypoint, label in zip(["Outbound only", "Per AZ", "Costs"], gold, strict=True):
                answer.get_by_role("group", name=keypoint).get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Make the drill").click()
        expect(page.get_by_text("Drill made.")).to_be_visible()
        assert [a.gold for a in Drill.objects.get().answers.all()] == [
            ["covered", "covered", "missed"],
            ["missed", "partial", "missed"],
        ]
        assert errors == []
    finally:
        context.close()


def test_an_interviewer_scores_on_a_phone(live_server, browser, team_people, artifacts):
    team, manager, interviewer, question = team_people
    drill = make_drill(
        team, manager, question, gold=[["covered", "covered", "missed"], ["missed", "partial", "missed"]]
    )
    context = signed_in(
        browser, live_server, interviewer, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/calibration/drills/{drill.pk}/")
        expect(page.get_by_role("columnheader", name="Gold")).to_have_count(0)
        for n in (1, 2):
            section = page.get_by_role("region", name=f"Answer {n}")
            for keypoint in ("Outbound only", "Per AZ", "Costs"):
                section.get_by_role("group", name=keypoint).get_by_label("Covered", exact=True).check()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifacts / "calibration-scoring-phone.png"), full_page=True)
        page.get_by_role("button", name="Submit my marks").click()
        expect(page.get_by_text("Marks submitted.")).to_be_visible()
        expect(page.get_by_role("columnheader", name="Gold").first).to_be_visible()
        assert Attempt.objects.get(user=interviewer).marks == [["covered"] * 3, ["covered"] * 3]
        page.screenshot(path=str(artifacts / "calibration-results-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
