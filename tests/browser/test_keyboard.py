"""The rooms by keyboard alone (issue 15, section 3): keypoint shortcuts, the "?" list, keys that
stay quiet while typing, and what the polite live region announces (a new question, each saved
mark, the timer's warnings). Marks go one at a time: each key waits for the mark's announcement,
which comes once the server has saved it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from questions.models import RubricKeypoint, Visibility
from sessions import services
from sessions.models import Answer, InterviewSession, Mark, Mode
from teams.models import Membership

from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = ["Security groups are stateful", "NACLs are stateless", "NACL rules are numbered"]
SECOND = ["Roles hand out temporary credentials", "Trust policy says who assumes", "No long-term keys"]


@pytest.fixture
def two_questions():
    q1 = QuestionFactory(
        prompt="How do security groups and NACLs differ?", keypoints=FIRST, reference_answer="Stateful."
    )
    q2 = QuestionFactory(
        prompt="Why use an IAM role instead of access keys?", keypoints=SECOND, reference_answer="STS."
    )
    RubricKeypoint.objects.filter(question=q2, position=1).update(evidence=["temporary credentials"])
    RubricKeypoint.objects.filter(question=q2, position=2).update(evidence=["trust policy"])
    return q1, q2


def _open(browser, base, user, **options):
    """A window signed in as the user (the log-in form is not what these tests are about)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, **options)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return context, page


def _tab_to(page, selector, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def _ready(page):
    """The page's scripts have run (room.js shows the shortcuts button): keys pressed now are heard."""
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_be_visible()


def _mark(page, key, number, label):
    """Press c, p or m and wait until the mark is saved (announced) before the next key."""
    page.keyboard.press(key)
    expect(page.locator("#room-announcer")).to_have_text(f"Keypoint {number}: {label}. Saved.")


def _group(page, text):
    return page.get_by_role("group", name=re.compile(text))


def _marks(user):
    return dict(Mark.objects.filter(user=user).values_list("keypoint__text", "value"))


def test_a_whole_self_assessment_by_keyboard_alone(live_server, browser, two_questions, settings):
    settings.AUTOSAVE_DELAY_MS = 800  # the app's own: the keys below go in before the answer is saved
    base = live_server.url
    QuestionSetFactory(title="Keyboard pair", questions=list(two_questions))
    sol = UserFactory(username="sol")
    context, page = _open(browser, base, sol)

    # Start: Tab to the set, type its name to choose it, Tab to Start, Enter.
    page.goto(f"{base}/sessions/new/")
    _tab_to(page, "select[name=question_set]")
    page.keyboard.type("Keyboard pair")
    expect(page.get_by_label("From a question set")).to_have_value(str(two_questions[0].question_sets.get().pk))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="How do security groups and NACLs differ?")).to_be_visible()
    announcer = page.locator("#room-announcer")
    expect(announcer).to_have_text("Question 1 of 2: How do security groups and NACLs differ?")
    _ready(page)
    session = InterviewSession.objects.get(candidate=sol)

    # Type an answer, leave the box with Escape, reveal the rubric with r: at once, before the
    # autosave's delay is over (the submit carries the text).
    _tab_to(page, "#answer-text")
    page.keyboard.type("Security groups are stateful.")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.get_by_role("heading", name="Rubric: mark what the answer covered")).to_be_visible()
    _ready(page)
    expect(announcer).to_have_text("")  # the same question after a reload: not announced again

    # 1 chooses the first keypoint; c, p, m mark one after another.
    page.keyboard.press("1")
    expect(_group(page, FIRST[0])).to_have_class(re.compile(r"\bchosen\b"))
    _mark(page, "c", 1, "Covered")
    _mark(page, "p", 2, "Partly covered")
    _mark(page, "m", 3, "Missed")
    expect(_group(page, FIRST[1]).get_by_label("Partly covered")).to_be_checked()
    expect(page.locator("#score-1")).to_contain_text("62.5")  # weights 2, 1, 1
    # A number goes back to a keypoint to change its mark.
    page.keyboard.press("3")
    _mark(page, "p", 3, "Partly covered")
    expect(page.locator("#score-1")).to_contain_text("75.0")

    page.keyboard.press("n")
    expect(page.get_by_role("heading", name="Why use an IAM role instead of access keys?")).to_be_visible()
    expect(announcer).to_have_text("Question 2 of 2: Why use an IAM role instead of access keys?")
    _ready(page)
    _tab_to(page, "#answer-text")
    page.keyboard.type("Roles hand out temporary credentials.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(_group(page, SECOND[0]).locator("[data-suggested]")).to_have_attribute("data-suggested", "covered")
    _ready(page)
    page.keyboard.press("a")  # accept all suggestions
    expect(page.get_by_text("Suggestions accepted")).to_be_visible()
    expect(_group(page, SECOND[2]).get_by_label("Missed")).to_be_checked()
    _ready(page)
    page.keyboard.press("2")
    _mark(page, "c", 2, "Covered")

    page.keyboard.press("f")
    expect(page.get_by_role("heading", name=re.compile(r"Score: "))).to_be_visible()
    assert _marks(sol) == {
        FIRST[0]: "covered",
        FIRST[1]: "partial",
        FIRST[2]: "partial",
        SECOND[0]: "covered",
        SECOND[1]: "covered",
        SECOND[2]: "missed",
    }
    session.refresh_from_db()
    assert session.status == "finished"
    assert list(Answer.objects.filter(session=session).order_by("position").values_list("text", flat=True)) == [
        "Security groups are stateful.",
        "Roles hand out temporary credentials.",
    ]
    assert page.errors == []
    context.close()


def test_question_mark_lists_the_shortcuts_and_keys_do_nothing_while_typing(live_server, browser, two_questions):
    base = live_server.url
    kai = UserFactory(username="kai")
    session = services.session_create(by=kai, mode="self", question_ids=[q.pk for q in two_questions])
    context, page = _open(browser, base, kai)
    page.goto(f"{base}/sessions/{session.pk}/")
    _ready(page)

    # Typing in the answer box: every shortcut key is just text.
    box = page.get_by_label(re.compile("Your answer"))
    _tab_to(page, "#answer-text")
    page.keyboard.type("1cpm a?rnf")
    expect(box).to_have_value("1cpm a?rnf")
    expect(page.locator("#save-state")).to_have_text("Saved")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page).to_have_url(f"{base}/sessions/{session.pk}/")
    assert Answer.objects.get(session=session, position=1).submitted_at is None

    # ? opens the list: focus moves in, Escape closes it, focus comes back to where it was.
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.get_by_role("heading", name="Rubric: mark what the answer covered")).to_be_visible()
    _ready(page)
    page.keyboard.press("2")
    chosen = _group(page, FIRST[1]).get_by_label("Covered", exact=True)
    expect(chosen).to_be_focused()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.getElementById('shortcuts-dialog').contains(document.activeElement)")
    for key, does in [("a", "Accept all suggestions"), ("n", "Next question"), ("r", "Reveal the rubric")]:
        expect(dialog.get_by_role("row").filter(has_text=does)).to_contain_text(key)
    page.keyboard.press("c")  # the list is open: no mark
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(chosen).to_be_focused()
    assert _marks(kai) == {}

    # The button opens it too (for those who do not know "?"), and Close returns focus to it.
    page.get_by_role("button", name="Keyboard shortcuts").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")  # Close has the focus
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_be_focused()
    assert page.errors == []
    context.close()


@pytest.fixture(params=[Mode.PEER, Mode.STRUCTURED])
def live_interview(request, two_questions):
    ines, carl = UserFactory(username="ines"), UserFactory(username="carl", email="carl@example.com")
    if request.param == Mode.PEER:
        session = services.session_create(by=ines, mode=Mode.PEER, question_ids=[q.pk for q in two_questions])
    else:
        team = TeamFactory(name="Hiring")
        MembershipFactory(team=team, user=ines, role=Membership.Role.MANAGER)
        team_set = QuestionSetFactory(
            title="Loop", owner=ines, team=team, visibility=Visibility.TEAM, questions=list(two_questions)
        )
        session = services.session_create(
            by=ines, mode=Mode.STRUCTURED, question_set=team_set, team=team, candidate_email="carl@example.com"
        )
    services.session_join(token=session.invite_token, user=carl)
    return session, ines, carl


def test_the_interviewer_marks_by_keyboard_and_the_candidate_hears_the_next_question(
    live_server, browser, live_interview
):
    """The rooms poll every second or two. The test database (SQLite in memory, shared cache) refuses
    a write while another connection reads the same table, so the polls answer "nothing new" (204)
    until the lead's writes are done; then the candidate's poll runs for real and moves their room
    on. The polls have their own tests (test_sessions.py)."""
    base = live_server.url
    session, ines, carl = live_interview
    ines_ctx, lead = _open(browser, base, ines)
    carl_ctx, candidate = _open(browser, base, carl)
    for window in (lead, candidate):
        window.route("**/poll/**", lambda route: route.fulfill(status=204))
    candidate.goto(f"{base}/sessions/{session.pk}/")
    expect(candidate.locator("#room-announcer")).to_have_text(
        "Question 1 of 2: How do security groups and NACLs differ?"
    )
    lead.goto(f"{base}/sessions/{session.pk}/")
    expect(lead.get_by_role("heading", name="How do security groups and NACLs differ?")).to_be_visible()
    _ready(lead)

    lead.keyboard.press("1")
    _mark(lead, "c", 1, "Covered")
    _mark(lead, "m", 2, "Missed")
    # Typing notes: c and m are letters of the note, not marks.
    _tab_to(lead, "#notes")
    lead.keyboard.type("calm")
    expect(lead.locator("#notes-state")).to_have_text("Notes saved")
    lead.keyboard.press("Escape")
    assert _marks(ines) == {FIRST[0]: "covered", FIRST[1]: "missed"}

    lead.keyboard.press("r")
    expect(lead.locator("details.reference")).to_have_attribute("open", "")
    lead.keyboard.press("n")
    expect(lead.get_by_role("heading", name="Why use an IAM role instead of access keys?")).to_be_visible()
    _ready(lead)
    lead.keyboard.press("3")
    _mark(lead, "p", 3, "Partly covered")
    lead.keyboard.press("f")
    expect(lead).to_have_url(f"{base}/sessions/{session.pk}/finish/")
    assert _marks(ines)[SECOND[2]] == "partial"

    # The candidate's room follows the move on its next poll, and announces the new question.
    expect(candidate.locator("#room-announcer")).to_have_text(
        "Question 1 of 2: How do security groups and NACLs differ?"
    )
    candidate.unroute("**/poll/**")
    expect(candidate.get_by_role("heading", name="Why use an IAM role instead of access keys?")).to_be_visible(
        timeout=5000
    )
    expect(candidate.locator("#room-announcer")).to_have_text(
        "Question 2 of 2: Why use an IAM role instead of access keys?"
    )
    assert lead.errors == [] and candidate.errors == []
    ines_ctx.close()
    carl_ctx.close()


def test_the_timer_warns_a_minute_before_the_end_and_at_the_end(live_server, browser, two_questions):
    base = live_server.url
    tom = UserFactory(username="tom")
    session = services.session_create(by=tom, mode="self", question_ids=[two_questions[0].pk], minutes_per_question=2)
    shown_at = Answer.objects.get(session=session, position=1).shown_at
    context, page = _open(browser, base, tom)
    page.clock.install(time=shown_at + timedelta(seconds=50))
    page.goto(f"{base}/sessions/{session.pk}/")
    announcer = page.locator("#room-announcer")
    page.clock.run_for(2000)
    expect(announcer).to_have_text("Question 1 of 1: How do security groups and NACLs differ?")
    page.clock.run_for(10_000)  # 62 s in: 58 s left
    expect(announcer).to_have_text("One minute left on this question.")
    page.clock.run_for(60_000)
    expect(announcer).to_have_text("Time is up for this question.")
    expect(page.get_by_role("timer")).to_have_class(re.compile(r"\bover\b"))

    # A reload past the end does not warn again.
    page.reload()
    page.clock.run_for(5000)
    expect(announcer).to_have_text("")
    context.close()
