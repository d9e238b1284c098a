"""Each user's time zone (issue 17, point 10): stored on a profile, set by the browser on a first
visit, editable on the account page, activated per request; invitations and calendar files carry
it, and the panel is invited too."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from accounts.models import Profile
from questions.models import Visibility
from sessions import services
from sessions.models import InterviewSession, Mode

from ..conftest import login
from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, UserFactory

pytestmark = pytest.mark.django_db

AT = datetime(2030, 5, 4, 14, 30, tzinfo=UTC)  # summer time: Berlin +2, New York -4, Tokyo +9


def zone_of(user):
    return Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()


def in_zone(user, name):
    Profile.objects.update_or_create(user=user, defaults={"time_zone": name})
    return user


# --- the account page -------------------------------------------------------------------------------


def test_the_account_page_sets_the_time_zone(client, owner):
    login(client, owner)
    page = client.get("/accounts/settings/")
    assert page.status_code == 200 and '<option value="Europe/Berlin">' in page.content.decode()
    response = client.post("/accounts/settings/", {"time_zone": "Europe/Berlin"})
    assert response.status_code == 302 and zone_of(owner) == "Europe/Berlin"
    assert '<option value="Europe/Berlin" selected>' in client.get("/accounts/settings/").content.decode()


def test_an_unknown_time_zone_is_refused_with_a_message(client, owner):
    login(client, owner)
    response = client.post("/accounts/settings/", {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert "Pick a time zone from the list" in response.content.decode() and zone_of(owner) is None


def test_the_account_page_needs_a_login_and_the_right_method(client, owner):
    assert client.get("/accounts/settings/")["Location"].startswith("/accounts/login/")
    login(client, owner)
    assert client.put("/accounts/settings/").status_code == 405


# --- from the browser --------------------------------------------------------------------------------


def test_the_browser_sets_the_zone_on_a_first_visit_only(client, owner):
    assert client.post("/accounts/time-zone/", {"time_zone": "Europe/Berlin"}).status_code == 403  # logged out
    login(client, owner)
    assert client.get("/accounts/time-zone/").status_code == 405
    bad = client.post("/accounts/time-zone/", {"time_zone": "Nowhere"})
    assert bad.status_code == 400 and "time_zone" in bad.json()
    first = client.post("/accounts/time-zone/", {"time_zone": "Europe/Berlin"})
    assert first.json() == {"time_zone": "Europe/Berlin"} and zone_of(owner) == "Europe/Berlin"
    again = client.post("/accounts/time-zone/", {"time_zone": "Asia/Tokyo"})  # another browser later
    assert again.json() == {"time_zone": "Europe/Berlin"} and zone_of(owner) == "Europe/Berlin"


def test_the_script_sends_the_browsers_zone():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "app.js").read_text()
    assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in script and "/accounts/time-zone/" in script


# --- shown and read in the user's zone ---------------------------------------------------------------


@pytest.fixture
def team_set(owner, team):
    questions = [QuestionFactory(keypoints=["One", "Two", "Three"]) for _ in range(2)]
    return QuestionSetFactory(title="Loop", owner=owner, team=team, visibility=Visibility.TEAM, questions=questions)


def test_times_show_in_the_users_zone(client, owner, team, team_set):
    services.session_create(
        by=owner,
        mode=Mode.STRUCTURED,
        question_set=team_set,
        team=team,
        candidate_email="c@example.com",
        scheduled_at=AT,
    )
    login(client, in_zone(owner, "Europe/Berlin"))
    home = client.get("/").content.decode()
    assert "4 May 2030, 16:30 CEST" in home and "14:30" not in home  # was "14:30 UTC"
    assert "Times are shown in Europe/Berlin" in home
    # Without a zone: UTC, said so.
    Profile.objects.filter(user=owner).delete()
    assert "4 May 2030, 14:30 UTC" in client.get("/").content.decode()


def test_a_scheduled_time_is_read_in_the_users_zone(client, owner, team, team_set):
    login(client, in_zone(owner, "Europe/Berlin"))
    client.post(
        "/sessions/new/",
        {
            "mode": "structured",
            "question_set": team_set.pk,
            "candidate_email": "c@example.com",
            "scheduled_at": "2030-05-04T16:30",
        },
    )
    assert InterviewSession.objects.get(mode=Mode.STRUCTURED).scheduled_at == AT


# --- e-mails and calendar files ------------------------------------------------------------------------


def test_invitations_carry_each_recipients_zone_and_reach_the_panel(
    owner, team, team_set, django_capture_on_commit_callbacks
):
    in_zone(owner, "Europe/Berlin")
    in_zone(UserFactory(username="cand", email="cand@example.com"), "America/New_York")
    panelist = in_zone(MembershipFactory(team=team, user=UserFactory(username="pat")).user, "Asia/Tokyo")
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_create(
            by=owner,
            mode=Mode.STRUCTURED,
            question_set=team_set,
            team=team,
            candidate_email="cand@example.com",
            scheduled_at=AT,
            panel=[panelist],
        )
    assert [m.to for m in mail.outbox] == [["cand@example.com"], ["pat@example.com"]]
    candidate_mail, panel_mail = mail.outbox
    assert "Saturday 04 May 2030 at 10:30 (America/New_York; 14:30 UTC)" in candidate_mail.body
    ics = candidate_mail.attachments[0][1]
    assert "DTSTART;TZID=America/New_York:20300504T103000" in ics
    assert "TZID:America/New_York" in ics and "TZOFFSETTO:-0400" in ics
    assert "Saturday 04 May 2030 at 23:30 (Asia/Tokyo; 14:30 UTC)" in panel_mail.body
    panel_ics = panel_mail.attachments[0][1]
    assert "DTSTART;TZID=Asia/Tokyo:20300504T233000" in panel_ics
    # The panel gets the room, never the candidate's single-use invite link.
    assert f"/sessions/{session.pk}/" in panel_mail.body
    assert session.invite_token not in panel_mail.body and session.invite_token not in panel_ics
    assert all(len(line.encode()) <= 75 for line in (ics + panel_ics).split("\r\n"))


def test_a_candidate_without_an_account_gets_the_schedulers_zone(
    owner, team, team_set, django_capture_on_commit_callbacks
):
    in_zone(owner, "Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_create(
            by=owner,
            mode=Mode.STRUCTURED,
            question_set=team_set,
            team=team,
            candidate_email="new@example.com",
            scheduled_at=AT,
        )
    (message,) = mail.outbox
    assert "16:30 (Europe/Berlin; 14:30 UTC)" in message.body
    assert "DTSTART;TZID=Europe/Berlin:20300504T163000" in message.attachments[0][1]


def test_a_profile_names_its_zone_and_refuses_an_unknown_one(db):
    from django.core.exceptions import ValidationError

    from accounts.models import Profile, validate_time_zone

    from ..factories import UserFactory

    user = UserFactory(username="zoe")
    assert str(Profile(user=user, time_zone="")) == "zoe: UTC"
    assert str(Profile(user=user, time_zone="Europe/Berlin")) == "zoe: Europe/Berlin"
    validate_time_zone("Europe/Berlin")
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus_Mons")
