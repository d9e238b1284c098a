"""Promise 8: on a panel nobody sees another interviewer's marks, notes, scores or recommendation
before submitting their own scorecard; pages and API alike, whoever submits first."""

from django.urls import reverse

from sessions import services

from ..conftest import login
from .conftest import api_as, fresh, keypoint_ids


def _score(session, user, mark, name):
    """Marks every keypoint of question 1 with `mark`, writes notes naming `name`."""
    for kp in keypoint_ids(session, 1):
        services.mark_set(session=session, position=1, keypoint_id=kp, by=user, value=mark)
    services.notes_save(session=session, position=1, by=user, notes=f"NOTE-SECRET-{name}", version=0)
    services.rating_set(session=session, position=1, by=user, rating=4 if mark == "covered" else 1)


def _page(client, user, session):
    login(client, user)
    response = client.get(reverse("sessions:room", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api(user, session):
    response = api_as(user).get(f"/api/sessions/{session.pk}/")
    assert response.status_code == 200
    return response.json(), response.content.decode()


def test_panelist_submits_first_the_lead_still_sees_nothing_until_they_finish(client, structured, panelist):
    lead = structured.interviewer
    _score(structured, lead, "covered", "LEAD")
    _score(structured, panelist, "missed", "PANEL")
    services.scorecard_submit(
        session=structured, by=panelist, recommendation="strong_no", summary="SUMMARY-SECRET-PANEL"
    )

    body, raw = _api(lead, structured)
    html = _page(client, lead, structured)

    assert body["role"] == "lead" and "panel" not in body
    assert [kp["mark"] for kp in body["answers"][0]["keypoints"]] == ["covered"] * len(keypoint_ids(structured, 1))
    assert body["answers"][0]["score"] == 100.0 and body["answers"][0]["notes"] == "NOTE-SECRET-LEAD"
    for secret in ("NOTE-SECRET-PANEL", "SUMMARY-SECRET-PANEL", "strong_no"):
        assert secret not in raw and secret not in html

    # Once the lead's scorecard is in (it is submitted when the session finishes), the panel opens.
    services.finish(session=fresh(structured), by=lead, recommendation="yes", summary="SUMMARY-SECRET-LEAD")
    body, _ = _api(lead, structured)
    assert {(p["interviewer"], p["recommendation"]) for p in body["panel"]} == {
        ("teammate", "yes"),
        ("panelist", "strong_no"),
    }
    assert "SUMMARY-SECRET-PANEL" in _page(client, lead, structured)


def test_lead_finishes_first_the_panelist_sees_only_their_own_until_they_submit(client, structured, panelist):
    lead = structured.interviewer
    _score(structured, lead, "covered", "LEAD")
    _score(structured, panelist, "missed", "PANEL")
    services.finish(session=structured, by=lead, recommendation="strong_yes", summary="SUMMARY-SECRET-LEAD")

    body, raw = _api(panelist, structured)
    html = _page(client, panelist, structured)

    assert body["role"] == "panelist" and "panel" not in body and not body["scorecard"]["submitted"]
    assert {kp["mark"] for kp in body["answers"][0]["keypoints"]} == {"missed"}
    assert body["answers"][0]["score"] == 0.0 and body["answers"][0]["notes"] == "NOTE-SECRET-PANEL"
    assert "strong_yes" not in raw  # (the page's own form offers "strong_yes" as a choice)
    for secret in ("NOTE-SECRET-LEAD", "SUMMARY-SECRET-LEAD"):
        assert secret not in raw and secret not in html
    assert "<h2>Scorecards</h2>" not in html
    # The results page's summary is the lead's scores: not shown before the panelist's scorecard.
    assert 'id="summary-heading"' not in html
    assert "Your scorecard" in html

    services.scorecard_submit(session=fresh(structured), by=panelist, recommendation="no", summary="")
    html = _page(client, panelist, structured)
    assert 'id="summary-heading"' in html and "Submit scorecard" not in html and "Amend your scorecard" in html
    assert "NOTE-SECRET-LEAD" not in html  # their notes stay theirs


def test_both_orders_keep_the_managers_view_whole(structured, panelist, owner):
    _score(structured, structured.interviewer, "covered", "LEAD")
    _score(structured, panelist, "missed", "PANEL")

    body, _ = _api(owner, structured)

    assert body["role"] == "manager"
    notes = {r["interviewer"]: r["notes"] for r in body["answers"][0]["reviews"]}
    assert notes == {"teammate": "NOTE-SECRET-LEAD", "panelist": "NOTE-SECRET-PANEL"}
