"""The hiring report's reliability section on a 390 px phone: readable, charts drawn, nothing scrolls sideways."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from reports import queries
from reports.models import Kind, Report, ReportStatus
from teams.models import Membership

from ..factories import MembershipFactory, UserFactory
from ..reports.test_panel import NOW, panel  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reliability_section_fits_a_phone(live_server, browser, panel, artifacts):  # noqa: F811
    maya = UserFactory(username="maya")
    MembershipFactory(team=panel.team, user=maya, role=Membership.Role.MANAGER)
    data = queries.question_set_report(panel, now=NOW)
    report = Report.objects.create(
        kind=Kind.QUESTION_SET, user=maya, question_set=panel, status=ReportStatus.READY, data=data
    )
    client = Client()
    client.force_login(maya, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/reports/{report.pk}/")
        heading = page.get_by_role("heading", name="Can the panel's numbers be trusted?")
        expect(heading).to_be_visible()
        heading.scroll_into_view_if_needed()
        leniency = page.locator("svg#chart-leniency")
        expect(leniency).to_be_visible()
        assert leniency.bounding_box()["width"] <= 390
        assert leniency.locator("circle").count() == 2  # ann and ben
        expect(page.locator("svg#chart-discrimination")).to_be_visible()
        page.locator("section[aria-labelledby=report-reliability]").screenshot(
            path=str(artifacts / "hiring-reliability-phone.png")
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
