"""The three journeys on a 390 px phone and with the keyboard (issue 17, points 12 and 13).

Each test opens the page as a person would, at phone width, and measures what they tripped over:
the header's rows, sideways scrolling, Tab presses to "Start", names that a screen reader reads.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from questions.models import QuestionSet, QuestionSetItem, Visibility
from sessions import services
from sessions.models import Mode
from teams.models import Membership

from ..factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
ONE_ROW = 72  # px: the header's padding and border around one 44 px row (69 px); two rows measure 81 or more.


@pytest.fixture
def phone(browser):
    contexts = []

    def open_page(user=None, javascript=True, base=None):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.console_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def hiring(question_bank):
    """A manager, a team set of eight bank questions and a finished structured interview with a panel."""
    maya = UserFactory(username="maya")
    team = TeamFactory(name="Platform hiring")
    MembershipFactory(team=team, user=maya, role=Membership.Role.MANAGER)
    panelist = MembershipFactory(team=team, user=UserFactory(username="panelist")).user
    MembershipFactory(team=team, user=UserFactory(username="ivan"))
    basics = QuestionSet.objects.get(bank_key="aws-basics")
    team_set = QuestionSet.objects.create(title="Platform loop", owner=maya, visibility=Visibility.TEAM, team=team)
    for position, item in enumerate(basics.items.order_by("position")[:8], 1):
        QuestionSetItem.objects.create(question_set=team_set, question=item.question, position=position)
    session = services.session_create(
        by=maya,
        mode=Mode.STRUCTURED,
        question_set=team_set,
        team=team,
        candidate_email="c@example.com",
        panel=[panelist],
    )
    candidate = UserFactory(username="candidate-with-a-long-name", email="c@example.com")
    services.session_join(token=session.invite_token, user=candidate)
    session.refresh_from_db()
    services.answer_save_text(
        session=session,
        position=1,
        by=candidate,
        text="See https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html for it",
    )
    services.scorecard_submit(
        session=session, by=panelist, recommendation="yes", summary="Clear on regions; thin on cost trade-offs."
    )
    services.finish(
        session=session,
        by=maya,
        recommendation="strong_yes",
        summary="Solid throughout, a little shallow on networking.",
    )
    return {"manager": maya, "team": team, "set": team_set, "basics": basics, "session": session}


def _scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def _header_height(page):
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


# --- 12: phone layout ------------------------------------------------------------------------------


def test_navigation_is_one_row_with_a_menu_that_needs_no_javascript(live_server, phone, hiring):
    base = live_server.url
    for user in (None, hiring["manager"]):
        page = phone(user=user, javascript=False, base=base)
        for path in ("/", "/questions/", "/sets/", "/sessions/new/", f"/teams/{hiring['team'].pk}/"):
            if user is None and path.startswith(("/sessions", "/teams")):
                continue
            page.goto(f"{base}{path}")
            assert _header_height(page) <= ONE_ROW, f"{path}: the header takes more than one row"
            assert _scroll_width(page) <= PHONE["width"], path
        page.goto(f"{base}/questions/")
        menu = page.get_by_role("group").filter(has=page.locator("summary", has_text="Menu"))
        link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Question sets")
        expect(link).to_be_hidden()
        page.locator(".nav-menu > summary").click()  # a <details>: the browser opens it, no script runs
        expect(menu).to_have_count(1)
        expect(link).to_be_visible()
        expect(page.get_by_role("link", name="Log in" if user is None else "Password")).to_be_visible()
        link.click()
        expect(page).to_have_url(re.compile(r"/sets/$"))


def test_the_menu_opens_with_the_keyboard_and_wide_screens_show_the_links(live_server, phone, browser, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    page.goto(f"{base}/")
    summary = page.locator(".nav-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My progress")).to_be_visible()
    expect(page.get_by_text("Logged in as maya")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My progress")).to_be_hidden()

    context = browser.new_context(viewport={"width": 1200, "height": 800}, java_script_enabled=False)
    try:
        wide = context.new_page()
        wide.goto(f"{base}/")
        expect(wide.locator(".nav-menu > summary")).to_be_hidden()
        expect(wide.get_by_role("link", name="Question sets")).to_be_visible()
        expect(wide.get_by_role("link", name="Log in")).to_be_visible()
    finally:
        context.close()


def test_question_filters_fold_behind_a_disclosure_so_results_come_first(live_server, phone, hiring, artifacts):
    base = live_server.url
    page = phone(base=base)
    page.goto(f"{base}/questions/")
    expect(page.locator("#results .count")).to_have_text("100 questions")
    s3 = page.get_by_label("S3", exact=True)
    expect(s3).to_be_hidden()
    first = page.locator(".question-row").first
    assert first.bounding_box()["y"] < PHONE["height"], "the first result is below the fold"
    assert _scroll_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts / "screenshot-phone.png"), full_page=False)

    page.get_by_text("Filters", exact=True).click()
    expect(s3).to_be_visible()
    s3.check()
    expect(page).to_have_url(re.compile(r"tag=s3"))
    expect(page.locator("#results .count")).not_to_have_text("100 questions")
    assert page.console_errors == []


def test_the_compare_table_scrolls_inside_a_framed_box(live_server, phone, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    page.goto(f"{base}/sessions/compare/{hiring['set'].pk}/")
    assert _scroll_width(page) <= PHONE["width"]
    box = page.get_by_role("region", name="Scores by candidate and question")
    expect(box).to_be_visible()
    expect(box.get_by_role("link", name="candidate-with-a-long-name")).to_be_visible()
    sizes = box.evaluate("el => [el.scrollWidth, el.clientWidth, parseFloat(getComputedStyle(el).borderRightWidth)]")
    scroll_width, client_width, border = sizes
    assert scroll_width > client_width, "eight questions do not fit 390 px: the box must scroll"
    assert border >= 1, "the box has a visible edge"
    expect(page.get_by_text("The table scrolls sideways")).to_be_visible()
    # Keyboard: the box takes focus and the arrow keys scroll it.
    box.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(50):  # a smooth scroll may take a few frames; nothing here is timed
        if box.evaluate("el => el.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert box.evaluate("el => el.scrollLeft") > 0


def test_the_structured_result_page_does_not_scroll_sideways(live_server, phone, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    page.goto(f"{base}/sessions/{hiring['session'].pk}/")
    expect(page.get_by_role("heading", name="Scorecards")).to_be_visible()
    expect(page.get_by_role("cell", name="Solid throughout, a little shallow on networking.")).to_be_visible()
    expect(page.get_by_role("cell", name="Strong yes")).to_be_visible()
    page.get_by_text("The answer", exact=True).first.click()
    expect(page.get_by_text("using-regions-availability-zones", exact=False)).to_be_visible()
    assert _scroll_width(page) <= PHONE["width"]


def test_checkbox_groups_have_their_label_above_the_boxes(live_server, phone, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    for path, name, first in (
        ("/sessions/new/?mode=structured", "Other interviewers on the panel (optional)", "ivan"),
        ("/sessions/new/", "Topics", "API Gateway"),
    ):
        page.goto(f"{base}{path}")
        group = page.get_by_role("group", name=name, exact=True)
        expect(group).to_be_visible()
        legend = group.locator("legend").bounding_box()
        box = group.get_by_label(first, exact=True).bounding_box()
        assert legend["y"] + legend["height"] <= box["y"], f"{path}: “{name}” sits below its boxes"


# --- 13: keyboard and screen readers --------------------------------------------------------------


def test_start_is_a_few_tab_presses_from_the_top_of_the_practice_page(live_server, phone, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    page.goto(f"{base}/sessions/new/")
    presses = 0
    while presses < 40:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.matches('button[type=submit]')"):
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Start"
    assert presses <= 8, f"{presses} Tab presses to reach Start"
    # The set is picked on the way, and Enter starts it.
    page.get_by_label("From a question set").select_option(label="AWS basics")
    page.get_by_role("button", name="Start", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("timer", name="Time on this question")).to_be_visible()
    assert _scroll_width(page) <= PHONE["width"]


def test_the_filters_still_start_a_session_with_their_own_button(live_server, phone, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    page.goto(f"{base}/sessions/new/")
    page.get_by_role("group", name="Topics").get_by_label("S3", exact=True).check()
    page.get_by_label("How many questions").fill("2")
    page.get_by_role("button", name="Practise with these filters").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()


def test_a_flash_message_is_a_named_status_and_move_buttons_say_what_they_show(live_server, phone, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    page.goto(f"{base}/sets/{hiring['basics'].pk}/")
    page.get_by_role("button", name="Copy to my sets").click()
    status = page.get_by_role("status", name="Messages")
    expect(status).to_contain_text("copied into your sets")
    expect(status.get_by_role("listitem")).to_have_count(1)

    buttons = page.locator(".set-item button")
    assert buttons.count() >= 6
    names = buttons.evaluate_all(
        """els => els.map(el => {
            const copy = el.cloneNode(true);
            copy.querySelectorAll('[aria-hidden=true]').forEach(n => n.remove());
            return [copy.textContent.trim(), el.getAttribute('aria-label') || ''];
        })"""
    )
    for shown, spoken in names:
        assert spoken.startswith(f"{shown}: "), (shown, spoken)
    first_prompt = page.locator(".set-item-prompt a").first.inner_text()
    move_down = page.get_by_role("button", name=f"Move down: {first_prompt[:30]}")
    expect(move_down).to_have_text(re.compile("Move down"))
    move_down.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".set-item-prompt a").nth(1)).to_have_text(first_prompt)
    # The keyboard stays on the moved question's button, whose spoken name still starts with what it shows.
    expect(move_down).to_be_focused()
    assert _scroll_width(page) <= PHONE["width"]


def test_the_team_page_has_one_control_per_id(live_server, phone, hiring):
    base = live_server.url
    page = phone(user=hiring["manager"], base=base)
    page.goto(f"{base}/teams/{hiring['team'].pk}/")
    page.get_by_role("button", name="Create invite link").click()
    expect(page.get_by_text("Invite link created")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke this link")).to_be_visible()
    duplicates = page.evaluate(
        """() => {
            const seen = {};
            document.querySelectorAll('[id]').forEach(el => { seen[el.id] = (seen[el.id] || 0) + 1; });
            return Object.keys(seen).filter(id => seen[id] > 1);
        }"""
    )
    assert duplicates == []
    # Each label still names its own control.
    expect(page.get_by_label("Role", exact=True)).to_have_count(1)
    expect(page.get_by_label("Role for whoever joins")).to_have_count(1)
    assert _scroll_width(page) <= PHONE["width"]
