"""The browser's time zone is stored on a first visit and the pages show times in it (issue 17, point 10)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Profile

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_until_sent(page, zone):
    """Until the script has had its answer (it then remembers the zone in localStorage)."""
    for _ in range(100):
        if page.evaluate("() => window.localStorage.getItem('interviewprep.timeZoneSent')") == zone:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the browser's time zone was never sent")


def test_a_first_visit_stores_the_browsers_zone_and_the_account_page_changes_it(live_server, browser):
    user = UserFactory(username="tz-user")
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("tz-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Logged in as tz-user")).to_be_visible()
    _wait_until_sent(page, "Asia/Tokyo")
    assert Profile.objects.get(user=user).time_zone == "Asia/Tokyo"
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Times are shown in Asia/Tokyo")).to_be_visible()

    page.get_by_role("link", name="change", exact=True).click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    page.get_by_role("combobox", name="Time zone").select_option("Europe/Lisbon")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Times are now shown in Europe/Lisbon.")).to_be_visible()
    # A reload does not let the browser's zone override the user's choice.
    page.evaluate("window.localStorage.clear()")
    page.goto(f"{live_server.url}/")
    _wait_until_sent(page, "Asia/Tokyo")
    assert Profile.objects.get(user=user).time_zone == "Europe/Lisbon"
    expect(page.get_by_text("Times are shown in Europe/Lisbon")).to_be_visible()
    assert not errors
    context.close()
