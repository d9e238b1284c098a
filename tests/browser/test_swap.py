"""Swapping roles in two windows (issue 17, points 1 and 2): the other person's page follows on
its own, and the new interviewer re-picks the questions before the mirror interview begins."""

import pytest
from playwright.sync_api import expect

from sessions import services
from sessions.models import InterviewSession

from ..factories import QuestionFactory, UserFactory
from .test_sessions import _log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_swapping_roles_moves_the_other_window_and_offers_new_questions(live_server, browser):
    base = live_server.url
    ines, carl = UserFactory(username="ines"), UserFactory(username="carl")
    asked = [QuestionFactory(prompt=f"First-half question {n}?") for n in (1, 2)]
    QuestionFactory(prompt="Mirror question A?")
    QuestionFactory(prompt="Mirror question B?")
    QuestionFactory(prompt="Mirror question C?")
    first = services.session_create(by=ines, mode="peer", question_ids=[q.pk for q in asked])
    services.session_join(token=first.invite_token, user=carl)
    services.finish(session=InterviewSession.objects.get(pk=first.pk), by=ines)

    ines_ctx, carl_ctx = browser.new_context(), browser.new_context()
    ines_page, carl_page = _log_in(ines_ctx, base, "ines"), _log_in(carl_ctx, base, "carl")
    for page in (ines_page, carl_page):
        page.goto(f"{base}/sessions/{first.pk}/")

    carl_page.get_by_role("button", name="Swap roles and start again").click()
    expect(carl_page.get_by_role("heading", name="Your turn to interview")).to_be_visible()
    choices = carl_page.get_by_role("group", name="Questions to ask, in this order")
    for n in (1, 2):
        expect(choices.get_by_label(f"First-half question {n}?")).to_have_count(0)
    for label in ("Mirror question A?", "Mirror question B?", "Mirror question C?"):
        choices.get_by_label(label).uncheck()
    choices.get_by_label("Mirror question C?").check()

    # Ines, on the first half's results, is moved to the mirror room without reloading.
    mirror = InterviewSession.objects.get(interviewer=carl)
    expect(ines_page).to_have_url(f"{base}/sessions/{mirror.pk}/", timeout=5000)

    carl_page.get_by_role("button", name="Start with these questions").click()
    expect(carl_page.get_by_text("Questions chosen.")).to_be_visible()
    expect(ines_page.get_by_role("heading", name="Mirror question C?")).to_be_visible(timeout=5000)
    html = ines_page.content()
    assert "First-half question" not in html and "First keypoint" not in html
    ines_ctx.close()
    carl_ctx.close()
