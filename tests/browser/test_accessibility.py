"""axe-core on every main page, as each role, at desktop and phone width: no serious or critical
violation. axe-core is the npm package pinned in package.json (`make test` runs `npm ci`); the
browser context runs it in each page as the page opens (an init script: sending it to every page
afterwards cost a fifth of a second a page), and the page is checked as the browser shows it after
htmx has loaded.

One test per role, in one browser context logged in once: each page is loaded at 1280 px and
checked, then resized to 390 px and checked again. A failure lists every violation as page,
width, rule, impact and the elements found."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from questions.models import Visibility
from reports import tasks as report_tasks
from reports.models import Kind, Period, Report
from sessions import services as session_services
from sessions.models import Mode
from teams.models import Membership

from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, TagFactory, UserFactory
from ..practice.conftest import finish_at, self_assessment

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def axe():
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE}: run `npm ci` (or `make test`, which runs it)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def _questions(owner=None, team=None, n=2):
    tag = TagFactory(slug="networking", name="Networking")
    extra = {"owner": owner, "visibility": Visibility.TEAM, "team": team} if team else {"owner": owner}
    return [
        QuestionFactory(prompt=f"How does a load balancer health check work? ({i})", tags=[tag], **extra)
        for i in range(1, n + 1)
    ]


def _peer(interviewer, candidate, questions):
    """A live peer session between the two, on the first question, the candidate's answer typed."""
    session = session_services.session_create(by=interviewer, mode=Mode.PEER, question_ids=[q.pk for q in questions])
    session_services.session_join(token=session.invite_token, user=candidate)
    session.refresh_from_db()
    session_services.answer_save_text(session=session, position=1, by=candidate, text="It polls a path.")
    return session


def _built(report):
    report_tasks.build_report.apply(args=[report.pk])
    return report


def anonymous_pages():
    qset = QuestionSetFactory(title="Networking basics", questions=_questions())
    question = qset.items.first().question
    return [
        ("home", "/"),
        ("question list", "/questions/"),
        ("question detail", f"/questions/{question.pk}/"),
        ("sets", "/sets/"),
        ("set detail", f"/sets/{qset.pk}/"),
        ("log in", "/accounts/login/"),
        ("sign up", "/accounts/signup/"),
        ("password reset", "/accounts/password_reset/"),
        ("not found", "/questions/999999/"),
    ], None


def candidate_pages():
    """Practises alone (a missed keypoint due, a self-assessment live), and is the candidate of a peer session."""
    user = UserFactory(username="cara")
    questions = _questions(n=3)
    finished = self_assessment(user, questions[:2], {1: ["missed", "partial"], 2: ["covered"]})
    finish_at(finished, timezone.now() - timedelta(days=2))
    live = session_services.session_create(by=user, mode=Mode.SELF, question_ids=[questions[2].pk])
    peer = _peer(UserFactory(username="ivan"), user, questions[:2])
    waiting = session_services.session_create(
        by=UserFactory(username="olga"), mode=Mode.PEER, question_ids=[questions[0].pk]
    )
    progress = _built(Report.objects.create(kind=Kind.PROGRESS, user=user, period=Period.DAYS_30))
    return [
        ("home", "/"),
        ("question list", "/questions/"),
        ("question detail", f"/questions/{questions[0].pk}/"),
        ("authoring form", "/questions/new/"),
        ("sets", "/sets/"),
        ("new set", "/sets/new/"),
        ("set import", "/sets/import/"),
        ("session start", "/sessions/new/"),
        ("self-assessment room", f"/sessions/{live.pk}/"),
        ("self-assessment results", f"/sessions/{finished.pk}/"),
        ("peer room, candidate", f"/sessions/{peer.pk}/"),
        ("join a peer session", f"/sessions/join/{waiting.invite_token}/"),
        ("session list", "/sessions/"),
        ("find a partner", "/sessions/partners/"),
        ("my progress", "/reports/"),
        ("progress report", f"/reports/{progress.pk}/"),
        ("practice queue", "/practice/"),
        ("account settings", "/accounts/settings/"),
        ("password change", "/accounts/password_change/"),
        ("delete account", "/practice/account/delete/"),
    ], user


def interviewer_pages():
    user = UserFactory(username="ines")
    questions = _questions()
    peer = _peer(user, UserFactory(username="carl"), questions)
    done = _peer(user, UserFactory(username="cleo"), questions[:1])
    session_services.finish(session=done, by=user, feedback="Clear answers.", shared_positions=[1])
    return [
        ("home", "/"),
        ("session start, peer", "/sessions/new/?mode=peer"),
        ("peer room, interviewer", f"/sessions/{peer.pk}/"),
        ("finish form", f"/sessions/{peer.pk}/finish/"),
        ("peer results", f"/sessions/{done.pk}/"),
        ("session list", "/sessions/"),
    ], user


def manager_pages():
    """Manages a team with a question set, two finished structured interviews and its hiring report."""
    user = UserFactory(username="mona")
    panel = UserFactory(username="pete")
    team = MembershipFactory(user=user, role=Membership.Role.MANAGER, team__name="Platform hiring").team
    MembershipFactory(team=team, user=panel)
    questions = _questions(owner=user, team=team)
    qset = QuestionSetFactory(
        title="Platform loop", owner=user, visibility=Visibility.TEAM, team=team, questions=questions
    )
    sessions = []
    for n in range(2):
        session = session_services.session_create(
            by=user,
            mode=Mode.STRUCTURED,
            question_set=qset,
            team=team,
            candidate_email=f"c{n}@example.com",
            panel=[panel],
        )
        session_services.session_join(token=session.invite_token, user=UserFactory(username=f"cand{n}"))
        session.refresh_from_db()
        kp = session.answers.get(position=1).keypoints.first()
        session_services.mark_set(session=session, position=1, keypoint_id=kp.pk, by=user, value="covered")
        session_services.finish(session=session, by=user, recommendation="yes", summary="Solid.")
        sessions.append(session)
    hiring = _built(Report.objects.create(kind=Kind.QUESTION_SET, user=user, period=Period.ALL, question_set=qset))
    return [
        ("home", "/"),
        ("teams", "/teams/"),
        ("team page", f"/teams/{team.pk}/"),
        ("set detail, team", f"/sets/{qset.pk}/"),
        ("set edit", f"/sets/{qset.pk}/edit/"),
        ("authoring form, team question", f"/questions/{questions[0].pk}/edit/"),
        ("session start, structured", f"/sessions/new/?mode=structured&team={team.pk}"),
        ("structured results, manager", f"/sessions/{sessions[0].pk}/"),
        ("candidates compared", f"/sessions/compare/{qset.pk}/"),
        ("hiring report", f"/reports/{hiring.pk}/"),
        ("session list", "/sessions/"),
    ], user


ROLES = {
    "anonymous": anonymous_pages,
    "candidate": candidate_pages,
    "interviewer": interviewer_pages,
    "manager": manager_pages,
}


def _log_in(context, base, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])


def _checking_context(browser, axe, viewport):
    """A browser context whose every page has axe-core, run as the page opens, before its own scripts.
    The page's CSP does not apply to an init script; the context bypasses it all the same, as it did
    when axe-core went in as an inline script, so nothing axe-core does in the page is refused."""
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    context.add_init_script(path=str(axe))
    return context


def _violations(page, name, width):
    # Only the violations are gathered (resultTypes): collecting every passing node doubles the time.
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        nodes = violation["nodes"]
        targets = ", ".join(" ".join(node["target"]) for node in nodes[:5])
        more = f" and {len(nodes) - 5} more" if len(nodes) > 5 else ""
        rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
        found.append(f"{name} at {width}px: {rule}: {targets}{more}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_main_pages_have_no_serious_accessibility_violations(live_server, browser, axe, role):
    pages, user = ROLES[role]()
    context = _checking_context(browser, axe, DESKTOP)
    if user is not None:
        _log_in(context, live_server.url, user)
    page = context.new_page()
    found = []
    try:
        for name, path in pages:
            page.set_viewport_size(DESKTOP)
            response = page.goto(f"{live_server.url}{path}")
            expected = 404 if name == "not found" else 200
            assert response.status == expected, f"{name} ({path}) answered {response.status}, not {expected}"
            assert response.url == f"{live_server.url}{path}", f"{name} ({path}) went to {response.url}"
            # What htmx loads with the page (the home page's review queue) is checked too.
            page.wait_for_function("() => !document.querySelector('.htmx-request')")
            found += _violations(page, name, DESKTOP["width"])
            # The same page at phone width: only CSS decides the layout (app.js reads no sizes).
            page.set_viewport_size(PHONE)
            found += _violations(page, name, PHONE["width"])
    finally:
        context.close()
    assert not found, f"{len(found)} serious or critical axe violation(s) for {role}:\n" + "\n".join(found)


def test_the_check_finds_a_violation(live_server, browser, axe):
    """The check is live: an image without a text alternative (critical) on the log-in page is named."""
    context = _checking_context(browser, axe, PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
        found = _violations(page, "log in", PHONE["width"])
    finally:
        context.close()
    assert found == ["log in at 390px: image-alt (critical): Images must have alternative text: img"]
