"""Whole interviews in a real browser: a peer interview in two windows, and a self-assessment."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import InterviewSession

from ..factories import PASSWORD, QuestionFactory, QuestionSetFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

KEYPOINTS = [
    ["Security groups are stateful", "NACLs are stateless", "NACL rules are numbered"],
    ["Roles hand out temporary credentials", "Trust policy says who assumes", "No long-term keys"],
]


@pytest.fixture
def interview_set():
    q1 = QuestionFactory(
        prompt="How do security groups and NACLs differ?",
        keypoints=KEYPOINTS[0],
        reference_answer="Stateful versus stateless filtering.",
    )
    q2 = QuestionFactory(
        prompt="Why use an IAM role instead of access keys?",
        keypoints=KEYPOINTS[1],
        reference_answer="Temporary credentials from STS.",
    )
    return QuestionSetFactory(title="Security pair", questions=[q1, q2])


def _log_in(context, base, username):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Logged in as {username}")).to_be_visible()
    return page


def _no_keypoints(page):
    html = page.content()
    for text in [*KEYPOINTS[0], *KEYPOINTS[1], "Stateful versus stateless", "Temporary credentials from STS"]:
        assert text not in html, text


def test_peer_interview_in_two_windows(live_server, browser, interview_set, artifacts):
    base = live_server.url
    UserFactory(username="ines")
    UserFactory(username="carl")
    interviewer_ctx, candidate_ctx = browser.new_context(), browser.new_context()
    interviewer = _log_in(interviewer_ctx, base, "ines")
    interviewer.goto(f"{base}/sessions/new/?mode=peer")
    interviewer.get_by_label("Question set").select_option(label="Security pair")
    interviewer.get_by_label("Meeting link (optional)").fill("https://meet.example/room-1")
    interviewer.get_by_role("button", name="Start").click()
    invite = interviewer.get_by_label("Invite link").input_value()
    assert re.search(r"/sessions/join/[\w-]{40,}/$", invite)

    candidate = _log_in(candidate_ctx, base, "carl")
    candidate.goto(invite.replace("http://127.0.0.1:8000", base))
    candidate.get_by_role("button", name="Join as carl").click()
    expect(candidate.get_by_role("heading", name="How do security groups and NACLs differ?")).to_be_visible()
    expect(candidate.get_by_role("link", name="Open the call")).to_have_attribute("href", "https://meet.example/room-1")
    _no_keypoints(candidate)

    # The interviewer's room updates itself when the candidate joins, then shows the typed answer.
    expect(interviewer.get_by_text("Security groups are stateful")).to_be_visible(timeout=5000)
    candidate.get_by_label(re.compile("Your answer")).fill("SGs remember connections; NACLs do not.")
    expect(candidate.locator("#save-state")).to_have_text("Saved")
    expect(interviewer.locator("#live-answer")).to_contain_text("SGs remember connections", timeout=5000)
    # The interviewer's rubric shows a suggestion per keypoint as the answer comes in; the candidate never.
    expect(interviewer.locator("[data-suggested]").first).to_be_visible(timeout=5000)
    assert "data-suggested" not in candidate.content() and "Suggested" not in candidate.content()
    interviewer.get_by_role("group", name=re.compile("Security groups are stateful")).get_by_label(
        "Covered", exact=True
    ).check()
    expect(interviewer.locator("#score-1")).to_contain_text("50.0")
    interviewer.get_by_label("Your notes on this answer").fill("Clear on statefulness.")
    expect(interviewer.locator("#notes-state")).to_have_text("Notes saved")

    # "Next question": the candidate's room follows within 2 seconds.
    interviewer.get_by_role("button", name="Next question").click()
    expect(candidate.get_by_role("heading", name="Why use an IAM role instead of access keys?")).to_be_visible(
        timeout=2500
    )
    _no_keypoints(candidate)
    candidate.screenshot(path=str(artifacts / "peer-candidate.png"))
    interviewer.screenshot(path=str(artifacts / "peer-interviewer.png"), full_page=True)

    # End: feedback and one shared note.
    interviewer.get_by_role("link", name="End interview").click()
    interviewer.get_by_label("Feedback for the candidate").fill("Strong on networking; practise IAM.")
    interviewer.get_by_label(re.compile("1. How do security groups")).check()
    interviewer.get_by_role("button", name="End interview").click()
    expect(interviewer.get_by_text("Interview finished.")).to_be_visible()

    expect(candidate.get_by_text("Strong on networking; practise IAM.")).to_be_visible(timeout=5000)
    expect(candidate.get_by_text("Clear on statefulness.")).to_be_visible()
    expect(candidate.get_by_text("Security groups are stateful")).to_be_visible()
    assert InterviewSession.objects.get().status == "finished"
    interviewer_ctx.close()
    candidate_ctx.close()


def test_self_assessment_to_its_summary(live_server, browser, interview_set):
    base = live_server.url
    UserFactory(username="sol")
    context = browser.new_context()
    page = _log_in(context, base, "sol")
    page.goto(f"{base}/")
    page.get_by_role("link", name="Practise alone").click()
    page.get_by_label("From a question set").select_option(label="Security pair")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="How do security groups and NACLs differ?")).to_be_visible()
    _no_keypoints(page)
    page.get_by_label(re.compile("Your answer")).fill("Stateful versus stateless.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.reload()
    expect(page.get_by_label(re.compile("Your answer"))).to_have_value("Stateful versus stateless.")
    # A lost connection: the page says so, keeps the text, and saves it once the network is back.
    context.set_offline(True)
    page.get_by_label(re.compile("Your answer")).fill("Stateful versus stateless, typed offline.")
    expect(page.locator("#save-state")).to_contain_text("Not saved")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-state")).to_have_text("Saved", timeout=15000)
    page.reload()
    expect(page.get_by_label(re.compile("Your answer"))).to_have_value("Stateful versus stateless, typed offline.")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_role("group", name=re.compile("Security groups are stateful")).get_by_label(
        "Covered", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("NACLs are stateless")).get_by_label("Partly covered").check()
    expect(page.locator("#score-1")).to_contain_text("62.5")
    page.get_by_role("button", name="Next question").click()
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_role("group", name=re.compile("Roles hand out")).get_by_label("Covered", exact=True).check()
    expect(page.locator("#score-2")).to_contain_text("50.0")
    page.get_by_role("button", name="Finish and see my summary").click()
    expect(page.get_by_role("alert")).to_contain_text("keypoints are not marked")  # warned before finishing
    page.get_by_role("button", name="Finish anyway").click()
    expect(page.get_by_role("heading", name=re.compile(r"Score: 56[.][0-9]"))).to_be_visible()
    expect(page.get_by_text("By topic")).to_be_visible()
    context.close()


def test_suggestions_accepted_with_the_keyboard_and_overridden_with_a_click(live_server, browser):
    from questions.models import RubricKeypoint

    question = QuestionFactory(
        prompt="How do security groups and NACLs differ?",
        keypoints=["Security groups are stateful", "NACLs are stateless", "NACL rules are numbered"],
    )
    RubricKeypoint.objects.filter(question=question, position=1).update(evidence=["stateful", "return traffic"])
    RubricKeypoint.objects.filter(question=question, position=2).update(evidence=["stateless", "ephemeral ports"])
    from sessions import services

    kai = UserFactory(username="kai")
    session = services.session_create(by=kai, mode="self", question_ids=[question.pk])
    context = browser.new_context()
    page = _log_in(context, live_server.url, "kai")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_label(re.compile("Your answer")).fill("Security groups are stateful so return traffic is fine.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.get_by_role("button", name="Submit answer").click()
    first = page.get_by_role("group", name=re.compile("Security groups are stateful"))
    expect(first.locator("[data-suggested]")).to_have_attribute("data-suggested", "covered")
    expect(first.locator(".suggestion-quote").first).to_contain_text("stateful")

    page.keyboard.press("a")  # accept all
    expect(page.get_by_text("Suggestions accepted")).to_be_visible()
    first = page.get_by_role("group", name=re.compile("Security groups are stateful"))
    expect(first.get_by_label("Covered", exact=True)).to_be_checked()
    expect(page.get_by_role("group", name=re.compile("NACL rules are numbered")).get_by_label("Missed")).to_be_checked()

    # Override one with a click: the score follows.
    page.get_by_role("group", name=re.compile("NACL rules are numbered")).get_by_label("Covered", exact=True).check()
    expect(page.locator("#score-1")).to_contain_text("75.0")
    context.close()


def test_text_typed_before_the_page_finished_loading_is_saved(live_server, browser):
    """On a slow connection a person may type before htmx has set the answer box up; that text is
    saved once it has, not only after the next key."""
    from sessions import services

    question = QuestionFactory(
        prompt="What does a NAT gateway do?", keypoints=["Outbound only", "Lives in a public subnet"]
    )
    rae = UserFactory(username="rae")
    session = services.session_create(by=rae, mode="self", question_ids=[question.pk])
    context = browser.new_context()
    page = _log_in(context, live_server.url, "rae")
    held = []
    # htmx is held back: the page is up, its scripts are not.
    page.route("**/*htmx*.js", lambda route: held.append(route))
    page.goto(f"{live_server.url}/sessions/{session.pk}/", wait_until="commit")
    box = page.locator("#answer-text")
    box.wait_for()
    box.fill("It lets private subnets reach out, and nothing reach in.")
    assert held, "the page asked for htmx"
    held[0].continue_()
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.unroute("**/*htmx*.js")
    page.reload()
    expect(page.locator("#answer-text")).to_have_value("It lets private subnets reach out, and nothing reach in.")
    context.close()
