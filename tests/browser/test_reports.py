"""A candidate and a hiring manager each get a finished report in the browser, built by a
real Celery worker; the PDF download opens."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from questions.models import Visibility
from sessions import services as session_services
from sessions.models import Mode
from teams.models import Membership

from ..factories import PASSWORD, MembershipFactory, QuestionFactory, QuestionSetFactory, UserFactory
from ..reports.test_worker import _stop, _worker

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Logged in as {username}")).to_be_visible()


def _finish_self_session(user, qset):
    session = session_services.session_create(by=user, mode=Mode.SELF, question_set=qset)
    for position in range(1, session.question_count + 1):
        session.refresh_from_db()
        session_services.answer_submit(session=session, position=position, by=user)
        kp = session.answers.get(position=position).keypoints.first()
        session_services.mark_set(session=session, position=position, keypoint_id=kp.pk, by=user, value="covered")
        if position < session.question_count:
            session_services.advance(session=session, by=user)
    session_services.finish(session=session, by=user)


@pytest.fixture
def worker(needs_services):
    from interviewprep.celery import app

    app.control.purge()
    process = _worker(settings.REDIS_URL)
    yield process
    _stop(process)


def test_candidate_and_manager_get_their_reports(live_server, browser, worker, artifacts):
    base = live_server.url
    candidate = UserFactory(username="cara")
    qset = QuestionSetFactory(title="Warm-up", questions=[QuestionFactory(), QuestionFactory(difficulty="advanced")])
    _finish_self_session(candidate, qset)

    context = browser.new_context()
    page = context.new_page()
    _log_in(page, base, "cara")
    page.get_by_role("link", name="My progress").click()
    page.get_by_label("Period").select_option("90d")
    page.get_by_role("button", name="Build my report").click()
    expect(page.get_by_role("heading", name=re.compile("Score over time"))).to_be_visible(timeout=45000)
    expect(page.locator("svg[role=img]").first).to_be_visible()
    page.screenshot(path=str(artifacts / "progress-report.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    context.close()

    manager = UserFactory(username="mona")
    panel = UserFactory(username="pete")
    team_set = QuestionSetFactory(
        title="Platform loop",
        owner=manager,
        visibility=Visibility.TEAM,
        team=MembershipFactory(user=manager, role=Membership.Role.MANAGER).team,
        questions=[QuestionFactory(), QuestionFactory()],
    )
    MembershipFactory(team=team_set.team, user=panel)
    for n in range(2):
        session = session_services.session_create(
            by=manager,
            mode=Mode.STRUCTURED,
            question_set=team_set,
            team=team_set.team,
            candidate_email=f"c{n}@example.com",
            panel=[panel],
        )
        session_services.session_join(token=session.invite_token, user=UserFactory(username=f"cand{n}"))
        session.refresh_from_db()
        kp = session.answers.get(position=1).keypoints.first()
        session_services.mark_set(session=session, position=1, keypoint_id=kp.pk, by=manager, value="covered")
        session_services.mark_set(session=session, position=1, keypoint_id=kp.pk, by=panel, value="partial")
        session_services.finish(session=session, by=manager, recommendation="yes", summary="ok")

    context = browser.new_context()
    page = context.new_page()
    _log_in(page, base, "mona")
    page.goto(f"{base}/sets/{team_set.pk}/")
    page.get_by_role("button", name="Hiring report").click()
    expect(page.get_by_role("heading", name=re.compile("Candidates"))).to_be_visible(timeout=45000)
    expect(page.get_by_text("cand1").first).to_be_visible()
    page.screenshot(path=str(artifacts / "hiring-report.png"), full_page=True)
    context.close()
