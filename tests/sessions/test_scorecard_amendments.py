"""A submitted scorecard changes only with a reason, kept in its history: service, API and page."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions import services
from sessions.models import Reviewer, ScorecardAmendment

from ..conftest import login
from .conftest import api_as, fresh

T1 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


@pytest.fixture
def submitted(structured, panelist):
    services.scorecard_submit(session=structured, by=panelist, recommendation="yes", summary="Solid on VPCs.")
    return fresh(structured)


def amend_url(session):
    return f"/api/sessions/{session.pk}/scorecard/amend/"


def history_url(session):
    return f"/api/sessions/{session.pk}/scorecard/history/"


def test_amending_keeps_each_change_and_its_reason(submitted, panelist):
    services.scorecard_amend(
        session=submitted, by=panelist, recommendation="no", summary="Solid on VPCs.", reason="Re-read IAM", now=T1
    )
    services.scorecard_amend(
        session=submitted, by=panelist, recommendation="no", summary="Weak on IAM.", reason="Summary too kind", now=T2
    )

    reviewer = Reviewer.objects.get(session=submitted, user=panelist)
    assert (reviewer.recommendation, reviewer.summary) == ("no", "Weak on IAM.")
    history = list(
        ScorecardAmendment.objects.filter(reviewer=reviewer).values_list(
            "old_recommendation", "new_recommendation", "old_summary", "new_summary", "reason", "created_at"
        )
    )
    assert history == [
        ("yes", "no", "Solid on VPCs.", "Solid on VPCs.", "Re-read IAM", T1),
        ("no", "no", "Solid on VPCs.", "Weak on IAM.", "Summary too kind", T2),
    ]


def test_amending_needs_a_submitted_scorecard_a_reason_and_a_change(structured, panelist):
    with pytest.raises(services.Conflict, match="not submitted"):
        services.scorecard_amend(session=structured, by=panelist, recommendation="no", summary="", reason="Because")
    services.scorecard_submit(session=structured, by=panelist, recommendation="yes", summary="")
    for reason, recommendation, summary, field in (
        ("  ", "no", "", "reason"),
        ("Because", "maybe", "", "recommendation"),
        ("Because", "yes", "", "recommendation"),  # nothing changed
    ):
        with pytest.raises(ValidationError) as error:
            services.scorecard_amend(
                session=structured, by=panelist, recommendation=recommendation, summary=summary, reason=reason
            )
        assert field in error.value.message_dict
    assert not ScorecardAmendment.objects.exists()


def test_api_amend_and_history(submitted, panelist, owner, teammate):
    response = api_as(panelist).post(
        amend_url(submitted), {"recommendation": "strong_no", "reason": "Checked the logs"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("interviewer", "old_recommendation", "new_recommendation", "reason")} == {
        "interviewer": "panelist",
        "old_recommendation": "yes",
        "new_recommendation": "strong_no",
        "reason": "Checked the logs",
    }
    # The panelist reads their own history; the manager everyone's; the lead only theirs (none).
    assert [h["reason"] for h in api_as(panelist).get(history_url(submitted)).json()] == ["Checked the logs"]
    assert [h["interviewer"] for h in api_as(owner).get(history_url(submitted)).json()] == ["panelist"]
    assert api_as(teammate).get(history_url(submitted)).json() == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"recommendation": "no"}, "reason"),
        ({"recommendation": "no", "reason": ""}, "reason"),
        ({"recommendation": "perhaps", "reason": "x"}, "recommendation"),
        ({"recommendation": "yes", "summary": "Solid on VPCs.", "reason": "x"}, "recommendation"),
    ],
)
def test_api_bad_input_is_400_naming_the_field(submitted, panelist, payload, field):
    response = api_as(panelist).post(amend_url(submitted), payload, format="json")

    assert response.status_code == 400 and field in response.json()
    assert not ScorecardAmendment.objects.exists()


def test_api_refusals(structured, panelist, outsider, bystander, candidate, owner):
    payload = {"recommendation": "no", "reason": "x"}
    assert api_as(panelist).post(amend_url(structured), payload, format="json").status_code == 409  # not submitted
    for stranger in (outsider, bystander):
        assert api_as(stranger).post(amend_url(structured), payload, format="json").status_code == 404
        assert api_as(stranger).get(history_url(structured)).status_code == 404
    assert api_as(candidate).post(amend_url(structured), payload, format="json").status_code == 403
    assert api_as(candidate).get(history_url(structured)).status_code == 403
    assert api_as(owner).post(amend_url(structured), payload, format="json").status_code == 403  # manages, no card
    assert api_as(panelist).get(amend_url(structured)).status_code == 405
    assert api_as(None).post(amend_url(structured), payload, format="json").status_code == 403


def test_the_endpoints_are_in_the_openapi_schema(panelist):
    schema = api_as(panelist).get("/api/schema/").content.decode()

    assert "/api/sessions/{id}/scorecard/amend/" in schema and "/api/sessions/{id}/scorecard/history/" in schema


@pytest.fixture
def finished(submitted):
    """The results page is where the form is: the lead finishes (and so submits) too."""
    return services.finish(session=submitted, by=submitted.interviewer, recommendation="yes")


def test_page_form_amends_and_shows_the_history(client, finished, panelist, owner):
    submitted = finished
    login(client, panelist)
    page = client.get(reverse("sessions:room", args=[submitted.pk])).content.decode()
    assert "Amend your scorecard" in page and 'name="reason"' in page

    response = client.post(
        reverse("sessions:scorecard_amend", args=[submitted.pk]),
        {"recommendation": "no", "summary": "Solid on VPCs.", "reason": "Second look at the notes"},
    )

    assert response.status_code == 302
    assert ScorecardAmendment.objects.get().new_recommendation == "no"
    page = client.get(response.url).content.decode()
    assert "Scorecard history" in page and "Reason: Second look at the notes" in page
    login(client, owner)
    assert "Reason: Second look at the notes" in client.get(response.url).content.decode()


def test_page_form_without_a_reason_says_so_and_changes_nothing(client, submitted, panelist):
    login(client, panelist)

    response = client.post(
        reverse("sessions:scorecard_amend", args=[submitted.pk]), {"recommendation": "no", "reason": ""}, follow=True
    )

    assert "Your scorecard is unchanged. Why are you changing it?: This field is required." in response.content.decode()
    assert not ScorecardAmendment.objects.exists()
    assert Reviewer.objects.get(session=submitted, user=panelist).recommendation == "yes"


def test_page_refusals(client, submitted, outsider, bystander, candidate):
    url = reverse("sessions:scorecard_amend", args=[submitted.pk])
    payload = {"recommendation": "no", "reason": "x"}
    for stranger in (outsider, bystander):
        login(client, stranger)
        assert client.post(url, payload).status_code == 404
    login(client, candidate)
    assert client.post(url, payload).status_code == 403
    assert client.get(url).status_code == 405
    assert not ScorecardAmendment.objects.exists()
