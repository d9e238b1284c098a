"""New interviewers pass a drill before a panel: sessions asks calibration through the hook it registers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calibration import services
from sessions import services as sessions_services
from sessions.models import Reviewer
from teams.models import Membership

from ..conftest import login
from .conftest import GOLD, api_as

FAIL = [["missed", "missed", "covered"], ["covered", "covered", "covered"]]


def structured(by, team, team_set, panel=()):
    return sessions_services.session_create(
        by=by, mode="structured", question_set=team_set, team=team, candidate_email="c@example.com", panel=panel
    )


@pytest.fixture
def required(team, owner, teammate):
    """A requirement at 0.6, set a month after teammate joined; `newcomer` joins after it."""
    requirement = services.requirement_set(team=team, by=owner, threshold=0.6)
    Membership.objects.filter(user=teammate).update(joined_at=requirement.since - timedelta(days=30))
    return requirement


@pytest.fixture
def newcomer(team, required):
    from ..factories import MembershipFactory, UserFactory

    return MembershipFactory(team=team, user=UserFactory(username="newcomer")).user


def test_a_newcomer_who_has_not_passed_is_refused_a_seat(owner, team, team_set, newcomer):
    with pytest.raises(ValidationError) as refused:
        structured(owner, team, team_set, panel=[newcomer])
    assert refused.value.message_dict["panel"] == [
        "newcomer has not passed a calibration drill of Platform hiring yet: interviewers new to the team need "
        "an agreement of 0.60 or more with the gold marks before sitting on a panel."
    ]
    assert not Reviewer.objects.exists()


def test_a_failed_drill_does_not_open_the_panel_and_a_passed_one_does(owner, team, team_set, question, newcomer):
    from .conftest import make_drill

    failed = services.attempt_submit(drill=make_drill(team, owner, question), by=newcomer, marks=FAIL)
    assert failed.kappa < 0.6
    with pytest.raises(ValidationError):
        structured(owner, team, team_set, panel=[newcomer])
    services.attempt_submit(drill=make_drill(team, owner, question), by=newcomer, marks=GOLD)
    session = structured(owner, team, team_set, panel=[newcomer])
    assert set(session.reviewers.values_list("user__username", flat=True)) == {"owner", "newcomer"}


def test_those_who_joined_before_and_managers_are_not_held(owner, teammate, team, team_set, required):
    session = structured(owner, team, team_set, panel=[teammate])
    assert session.reviewers.count() == 2


def test_a_newcomer_may_not_lead_a_panel_either(team, team_set, newcomer):
    with pytest.raises(ValidationError) as refused:
        structured(newcomer, team, team_set)
    assert "newcomer has not passed a calibration drill" in refused.value.message_dict["team"][0]


def test_without_a_requirement_anyone_sits(owner, team, team_set, second):
    assert services.panel_refusal(team=team, user=second) is None
    assert structured(owner, team, team_set, panel=[second]).reviewers.count() == 2


def test_the_page_and_the_api_say_why(client, owner, team, team_set, newcomer):
    body = {
        "mode": "structured",
        "question_set": team_set.pk,
        "team": team.pk,
        "candidate_email": "c@example.com",
        "panel": ["newcomer"],
    }
    response = api_as(owner).post("/api/sessions/", body, format="json")
    assert response.status_code == 400 and "has not passed a calibration drill" in response.json()["panel"][0]
    login(client, owner)
    page = client.post(
        reverse("sessions:new"),
        {
            "mode": "structured",
            "question_set": team_set.pk,
            "team": team.pk,
            "candidate_email": "c@example.com",
            "scheduled_at": "2030-01-07T10:00",
            "panel": [newcomer.pk],
        },
    )
    assert "has not passed a calibration drill" in page.content.decode() and not Reviewer.objects.exists()


def test_changing_the_threshold_keeps_the_date_it_applies_from(owner, team, required):
    services.requirement_set(team=team, by=owner, threshold=0.8)
    required.refresh_from_db()
    assert (required.threshold, required.since) == (0.8, required.since)
    assert team.drill_requirement.since == required.since
