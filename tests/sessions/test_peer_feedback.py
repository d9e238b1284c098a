"""Giving the feedback owed after a peer mock: the page the reminders link to, the API, the list's mark."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions import services
from sessions.models import Reviewer

from ..conftest import login
from .conftest import api_as, fresh, make_question, start_peer


@pytest.fixture
def owing(peer, owner):
    """Owner interviewed the candidate and finished without feedback."""
    return fresh(services.finish(session=peer, by=owner))


def page(session):
    return f"/sessions/{session.pk}/feedback/"


def api(session):
    return f"/api/sessions/{session.pk}/feedback/"


def given(session):
    return Reviewer.objects.get(session=session, is_lead=True).feedback


def test_the_interviewer_gives_it_on_the_page_and_the_candidate_reads_it(client, owing, owner, candidate):
    login(client, owner)
    results = client.get(f"/sessions/{owing.pk}/").content.decode()
    assert 'id="feedback-owed"' in results and f'href="{page(owing)}"' in results
    form = client.get(page(owing))
    assert form.status_code == 200 and 'name="feedback"' in form.content.decode()
    assert '<label for="id_feedback">Feedback for the candidate' in form.content.decode()

    done = client.post(page(owing), {"feedback": "  FEEDBACK-LATE: size the cache first.  "})

    assert done.status_code == 302 and done["Location"] == f"/sessions/{owing.pk}/"
    assert given(owing) == "FEEDBACK-LATE: size the cache first."
    assert 'id="feedback-owed"' not in client.get(f"/sessions/{owing.pk}/").content.decode()
    again = client.get(page(owing), follow=True)
    assert "already given" in again.content.decode()
    login(client, candidate)
    assert "FEEDBACK-LATE" in client.get(f"/sessions/{owing.pk}/").content.decode()


def test_empty_feedback_is_a_form_error(client, owing, owner):
    login(client, owner)
    response = client.post(page(owing), {"feedback": "   "})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert given(owing) == ""


def test_others_are_refused(client, owing, candidate, outsider):
    assert client.get(page(owing)).status_code == 302  # to the log-in page
    login(client, candidate)
    assert client.get(page(owing)).status_code == 403
    assert client.post(page(owing), {"feedback": "Me, me"}).status_code == 403
    assert 'id="feedback-owed"' not in client.get(f"/sessions/{owing.pk}/").content.decode()
    login(client, outsider)
    assert client.get(page(owing)).status_code == 404
    assert client.post(page(owing), {"feedback": "Me, me"}).status_code == 404
    assert given(owing) == ""


def test_not_before_the_end_nor_in_other_modes(client, peer, owner, self_session):
    login(client, owner)
    live = client.get(page(peer), follow=True)
    assert "once a peer interview ends" in live.content.decode()
    assert client.post(page(self_session), {"feedback": "x"}).status_code == 302
    assert given(peer) == "" and given(self_session) == ""


def test_the_api_gives_it_once(owing, owner, candidate, outsider):
    assert api_as(outsider).post(api(owing), {"feedback": "x"}, format="json").status_code == 404
    assert api_as(candidate).post(api(owing), {"feedback": "x"}, format="json").status_code == 403
    assert api_as(None).post(api(owing), {"feedback": "x"}, format="json").status_code == 403
    blank = api_as(owner).post(api(owing), {"feedback": " "}, format="json")
    assert blank.status_code == 400 and "feedback" in blank.json()

    ok = api_as(owner).post(api(owing), {"feedback": "Good trade-offs."}, format="json")

    assert ok.status_code == 200 and ok.json()["scorecard"]["feedback"] == "Good trade-offs."
    twice = api_as(owner).post(api(owing), {"feedback": "Changed my mind."}, format="json")
    assert twice.status_code == 409 and given(owing) == "Good trade-offs."
    assert api_as(candidate).get(f"/api/sessions/{owing.pk}/").json()["feedback"] == "Good trade-offs."


def test_the_api_refuses_a_live_peer_and_a_structured_interview(peer, owner, structured):
    assert api_as(owner).post(api(peer), {"feedback": "x"}, format="json").status_code == 409
    lead = api_as(structured.interviewer)
    services.finish(session=structured, by=structured.interviewer, recommendation="yes")
    assert lead.post(api(structured), {"feedback": "x"}, format="json").status_code == 400


def test_the_endpoint_is_in_the_openapi_schema(owner):
    assert "/api/sessions/{id}/feedback/" in api_as(owner).get("/api/schema/").content.decode()


def _list(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/sessions/")
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def test_the_list_marks_feedback_owed_for_the_interviewer_only_in_a_fixed_number_of_queries(
    client, owing, owner, candidate
):
    login(client, owner)
    html, queries = _list(client)
    assert html.count("feedback owed") == 1 and f'href="{page(owing)}"' in html
    for n in (4, 5, 6):
        services.finish(session=start_peer(owner, candidate, [make_question(n)]), by=owner)
    html, more = _list(client)
    assert html.count("feedback owed") == 4 and more == queries

    services.feedback_give(session=owing, by=owner, feedback="Thanks")
    assert _list(client)[0].count("feedback owed") == 3
    login(client, candidate)
    assert "feedback owed" not in _list(client)[0]


def test_the_service_refuses_blank_feedback_and_the_candidate(owing, owner, candidate):
    with pytest.raises(ValidationError) as error:
        services.feedback_give(session=owing, by=owner, feedback=" \n ")
    assert "feedback" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.feedback_give(session=owing, by=candidate, feedback="I was great")
    assert given(owing) == ""
