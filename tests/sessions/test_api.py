"""The sessions API: the promises of "Who may see what" checked on the bytes of every endpoint,
scoped lookups (404 for everyone who took no part), invite links, the flow of a session, scores
and query counts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.models import Visibility
from sessions import services
from sessions.models import Answer, AnswerReview, InterviewSession, Mark, Reviewer, Status

from ..factories import MembershipFactory, QuestionSetFactory, TeamFactory, UserFactory
from .conftest import (
    SECRET_MARKERS,
    api_as,
    call,
    endpoints,
    fresh,
    keypoint_ids,
    make_question,
    start_peer,
    start_structured,
)

pytestmark = pytest.mark.django_db


def assert_clean(content: bytes, where, also=()):
    text = content.decode()
    for marker in [*SECRET_MARKERS, *also]:
        assert marker not in text, f"{where}: {marker} leaked: {text[:500]}"


def url(session, tail=""):
    return f"/api/sessions/{session.pk}/{tail}"


def fill_peer_secrets(session):
    """The interviewer's notes on every question and a mark, as in a real interview."""
    for position in (1, 2, 3):
        services.notes_save(
            session=session, position=position, by=session.interviewer, notes=f"NOTE-SECRET-{position}", version=0
        )
    kp = keypoint_ids(session, 1)[0]
    services.mark_set(session=session, position=1, keypoint_id=kp, by=session.interviewer, value="covered")


def fill_structured_secrets(session, panelist):
    """Notes, marks and ratings from the lead and a panelist; the panelist's scorecard is in."""
    kp = keypoint_ids(session, 1)[0]
    for user, name in ((session.interviewer, "LEAD"), (panelist, "PANEL")):
        services.notes_save(session=session, position=1, by=user, notes=f"NOTE-SECRET-{name}", version=0)
        services.mark_set(session=session, position=1, keypoint_id=kp, by=user, value="partial")
        services.rating_set(session=session, position=1, by=user, rating=4)
    services.scorecard_submit(session=session, by=panelist, recommendation="strong_yes", summary="SUMMARY-SECRET-PANEL")


@pytest.fixture(params=["peer", "structured"])
def live(request):
    """A live session of each interviewed mode, with secrets filled in, the candidate on question 1."""
    session = request.getfixturevalue(request.param)
    if request.param == "peer":
        fill_peer_secrets(session)
    else:
        fill_structured_secrets(session, request.getfixturevalue("panelist"))
    return fresh(session)


# --- 1. The promises ------------------------------------------------------------------------------

CANDIDATE_ON_CURRENT = {
    "list": 200,
    "retrieve": 200,
    "join": 200,  # joining again is harmless: it answers the session as the candidate sees it
    "answer": 200,
    "submit": 409,  # only self-assessments submit: the session's mode does not allow it
    "mark": 403,
    "notes": 403,
    "rating": 403,
    "advance": 403,
    "finish": 403,
    "scorecard": 403,
    "swap": 409,
}
CANDIDATE_ON_LATER = {**CANDIDATE_ON_CURRENT, "answer": 409}


def test_candidate_gets_no_secret_and_no_later_question_from_any_endpoint_while_live(live, candidate):
    lead_view = api_as(live.interviewer).get(url(live)).content.decode()
    # The same endpoint shows the secrets to the interviewer: the checks below can fail.
    for present in ("KEYPOINT-SECRET-1-a", "REFERENCE-SECRET-1", "NOTE-SECRET", "PROMPT-3"):
        assert present in lead_view

    client = api_as(candidate)
    for position, expected in ((1, CANDIDATE_ON_CURRENT), (2, CANDIDATE_ON_LATER), (3, CANDIDATE_ON_LATER)):
        statuses = {}
        for name, spec in endpoints(live, position=position).items():
            response = call(client, spec)
            statuses[name] = response.status_code
            assert_clean(response.content, f"{name} at {position}")
            assert b"PROMPT-2" not in response.content and b"PROMPT-3" not in response.content, name
        assert statuses == expected, position
    html = client.get(url(live), HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and b"PROMPT-1" in html.content
    assert_clean(html.content, "browsable API")

    body = client.get(url(live)).json()
    assert body["role"] == "candidate" and [a["position"] for a in body["answers"]] == [1]
    assert set(body["answers"][0]) >= {"position", "prompt", "text"}
    assert {"keypoints", "reference_answer", "notes", "score", "rating"}.isdisjoint(body["answers"][0])
    assert {"scorecard", "panel", "score", "feedback", "invite_url"}.isdisjoint(body)
    # Nothing the candidate tried changed the session.
    after = fresh(live)
    assert (after.status, after.current_position) == (Status.LIVE, 1)
    assert AnswerReview.objects.filter(notes__startswith="NOTE-SECRET").count() == (3 if live.mode == "peer" else 2)


def test_after_a_peer_session_the_candidate_sees_marks_scores_feedback_and_only_shared_notes(peer, owner, candidate):
    lead = api_as(owner)
    for kp, mark in zip(keypoint_ids(peer, 1), ["covered", "partial", "missed"], strict=True):
        assert lead.put(url(peer, f"answers/1/marks/{kp}/"), {"mark": mark}, format="json").status_code == 200
    lead.put(url(peer, "answers/1/notes/"), {"notes": "NOTE-SHARED-1", "version": 0}, format="json")
    lead.put(url(peer, "answers/2/notes/"), {"notes": "NOTE-SECRET-2", "version": 0}, format="json")
    lead.post(url(peer, "advance/"))
    lead.post(url(peer, "advance/"))
    finished = lead.post(url(peer, "finish/"), {"feedback": "FEEDBACK-1", "shared_positions": [1]}, format="json")
    assert finished.status_code == 200, finished.json()

    response = api_as(candidate).get(url(peer))
    body = response.json()
    assert body["status"] == "finished" and body["feedback"] == "FEEDBACK-1"
    first, second = body["answers"][0], body["answers"][1]
    assert [k["mark"] for k in first["keypoints"]] == ["covered", "partial", "missed"]
    assert first["score"] == 62.5 and second["score"] == 0.0
    assert body["score"] == 20.8  # (62.5 + 0 + 0) / 3
    assert first["notes"] == "NOTE-SHARED-1" and second["notes"] == ""
    assert b"NOTE-SECRET-2" not in response.content
    assert "scorecard" not in body and "panel" not in body


def test_questions_that_were_never_asked_stay_hidden_after_the_end(peer, owner, candidate):
    api_as(owner).post(url(peer, "finish/"), {}, format="json")
    body = api_as(candidate).get(url(peer)).json()
    assert [a["position"] for a in body["answers"]] == [1]
    assert b"PROMPT-2" not in api_as(candidate).get(url(peer)).content


def test_a_structured_scorecard_never_reaches_its_candidate_even_after_the_end(structured, panelist, candidate, owner):
    fill_structured_secrets(structured, panelist)
    for _ in range(2):
        api_as(structured.interviewer).post(url(structured, "advance/"))
    finished = api_as(structured.interviewer).post(
        url(structured, "finish/"), {"recommendation": "no", "summary": "SUMMARY-SECRET-LEAD"}, format="json"
    )
    assert finished.status_code == 200, finished.json()
    manager_view = api_as(owner).get(url(structured)).content.decode()
    for present in ("SUMMARY-SECRET-LEAD", "SUMMARY-SECRET-PANEL", "NOTE-SECRET-PANEL", "KEYPOINT-SECRET-1-a"):
        assert present in manager_view  # the checks below can fail

    client = api_as(candidate)
    statuses = {}
    for name, spec in endpoints(structured).items():
        response = call(client, spec)
        statuses[name] = response.status_code
        assert_clean(response.content, name, also=["strong_yes", '"no"', "recommendation", "rating"])
    assert statuses == {**CANDIDATE_ON_CURRENT, "answer": 409}
    body = client.get(url(structured)).json()
    assert body["status"] == "finished" and len(body["answers"]) == 3
    for answer in body["answers"]:
        assert {"keypoints", "reference_answer", "notes", "score", "rating"}.isdisjoint(answer)
    assert {"score", "feedback", "scorecard", "panel"}.isdisjoint(body)


def test_self_assessment_opens_each_rubric_only_after_its_answer_is_submitted(self_session, owner):
    client = api_as(owner)
    assert_clean(client.get(url(self_session)).content, "before submit")
    kp = keypoint_ids(self_session, 1)[0]
    early = client.put(url(self_session, f"answers/1/marks/{kp}/"), {"mark": "covered"}, format="json")
    assert early.status_code == 409 and "Submit your answer first" in early.json()["detail"]
    assert not Mark.objects.exists()

    assert client.put(url(self_session, "answers/1/"), {"text": "Subnets and routes"}, format="json").status_code == 200
    submitted = client.post(url(self_session, "answers/1/submit/"))
    assert submitted.status_code == 200
    content = submitted.content.decode()
    assert "KEYPOINT-SECRET-1-a" in content and "REFERENCE-SECRET-1" in content
    assert "KEYPOINT-SECRET-2" not in content and "REFERENCE-SECRET-2" not in content
    first = submitted.json()["answers"][0]
    assert first["text"] == "Subnets and routes" and [k["id"] for k in first["keypoints"]] == keypoint_ids(
        self_session, 1
    )

    marked = client.put(url(self_session, f"answers/1/marks/{kp}/"), {"mark": "covered"}, format="json")
    assert marked.json() == {"position": 1, "keypoint_id": kp, "mark": "covered", "score": 50.0}
    late = client.put(url(self_session, "answers/1/"), {"text": "Changed my mind"}, format="json")
    assert late.status_code == 409
    client.post(url(self_session, "advance/"))
    body = client.get(url(self_session)).json()
    assert body["current_position"] == 2 and "keypoints" not in body["answers"][1]
    assert "KEYPOINT-SECRET-2" not in client.get(url(self_session)).content.decode()


# --- 2. Who may reach a session --------------------------------------------------------------------

PER_SESSION = [
    "retrieve",
    "answer",
    "submit",
    "mark",
    "notes",
    "rating",
    "advance",
    "finish",
    "scorecard",
    "swap",
]


@pytest.mark.parametrize("kind", ["peer", "structured", "self_session"])
def test_an_outsider_gets_404_from_every_session_endpoint(request, kind, outsider):
    session = request.getfixturevalue(kind)
    client = api_as(outsider)
    specs = endpoints(session)
    for name in PER_SESSION:
        response = call(client, specs[name])
        assert response.status_code == 404, (name, response.content)
    assert client.get("/api/sessions/").json()["count"] == 0
    assert fresh(session).status == session.status


def test_an_interviewer_of_the_team_not_on_the_panel_gets_404(structured, bystander):
    client = api_as(bystander)
    specs = endpoints(structured)
    assert {name: call(client, specs[name]).status_code for name in PER_SESSION} == dict.fromkeys(PER_SESSION, 404)
    assert client.get("/api/sessions/").json()["count"] == 0


def test_anonymous_is_refused_everywhere(peer):
    client = api_as(None)
    specs = endpoints(peer)
    for name, spec in specs.items():
        assert call(client, spec).status_code == 403, name
    assert client.post("/api/sessions/", {"mode": "self", "question_ids": [1]}, format="json").status_code == 403
    assert fresh(peer).candidate is not None and fresh(peer).status == Status.LIVE


def test_a_manager_of_the_team_sees_every_interviewers_scorecard(structured, panelist, owner, teammate):
    fill_structured_secrets(structured, panelist)
    assert not Reviewer.objects.filter(session=structured, user=owner).exists()
    body = api_as(owner).get(url(structured)).json()
    assert body["role"] == "manager"
    assert {(p["interviewer"], p["recommendation"], p["summary"]) for p in body["panel"]} == {
        ("teammate", "", ""),
        ("panelist", "strong_yes", "SUMMARY-SECRET-PANEL"),
    }
    reviews = {r["interviewer"]: r for r in body["answers"][0]["reviews"]}
    assert reviews["teammate"]["notes"] == "NOTE-SECRET-LEAD" and reviews["panelist"]["notes"] == "NOTE-SECRET-PANEL"
    assert reviews["panelist"]["rating"] == 4 and reviews["panelist"]["score"] == 25.0
    # Seeing is not running it: the manager is not the lead.
    assert api_as(owner).post(url(structured, "advance/")).status_code == 403


def test_a_panelist_sees_their_own_scorecard_not_the_others(structured, panelist):
    fill_structured_secrets(structured, panelist)
    services.notes_save(session=structured, position=2, by=structured.interviewer, notes="NOTE-SECRET-X", version=0)
    response = api_as(panelist).get(url(structured))
    body = response.json()
    assert body["role"] == "panelist" and body["scorecard"]["summary"] == "SUMMARY-SECRET-PANEL"
    assert "panel" not in body
    assert b"NOTE-SECRET-LEAD" not in response.content and b"NOTE-SECRET-X" not in response.content


# --- 3. Invites ------------------------------------------------------------------------------------


def test_create_returns_the_invite_and_a_self_assessment_has_none(owner, bank):
    client = api_as(owner)
    response = client.post("/api/sessions/", {"mode": "peer", "question_ids": [bank[2].pk, bank[0].pk]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    session = InterviewSession.objects.get(pk=body["id"])
    assert body["invite_token"] == session.invite_token and len(session.invite_token) >= 40
    assert body["invite_url"] == f"{settings.SITE_URL.rstrip('/')}/sessions/join/{session.invite_token}/"
    assert (session.mode, session.status, session.interviewer, session.candidate) == ("peer", "scheduled", owner, None)
    assert list(session.answers.values_list("prompt", flat=True)) == [bank[2].prompt, bank[0].prompt]

    own = client.post("/api/sessions/", {"mode": "self", "question_ids": [bank[0].pk]}, format="json").json()
    assert own["invite_url"] is None and own["invite_token"] is None
    assert InterviewSession.objects.get(pk=own["id"]).candidate == owner


def test_an_invite_admits_one_candidate(owner, candidate, outsider, bank):
    session = start_peer(owner, None, bank)
    joined = api_as(candidate).post("/api/sessions/join/", {"token": session.invite_token}, format="json")
    assert joined.status_code == 200
    assert joined.json()["role"] == "candidate" and joined.json()["id"] == session.pk
    assert_clean(joined.content, "join")
    again = api_as(outsider).post("/api/sessions/join/", {"token": session.invite_token}, format="json")
    assert again.status_code == 409 and "already been used" in again.json()["detail"]
    assert fresh(session).candidate == candidate
    assert api_as(outsider).get(url(session)).status_code == 404


def test_an_expired_invite_is_refused(owner, candidate, bank):
    session = start_peer(owner, None, bank)
    InterviewSession.objects.filter(pk=session.pk).update(invite_expires_at=timezone.now() - timedelta(minutes=1))
    response = api_as(candidate).post("/api/sessions/join/", {"token": session.invite_token}, format="json")
    assert response.status_code == 409 and "expired" in response.json()["detail"]
    assert fresh(session).candidate is None


@pytest.mark.parametrize("mangle", [lambda t: t[:-3], lambda t: t + "x", lambda t: t.upper(), lambda t: "nope"])
def test_a_mangled_invite_is_refused(owner, candidate, bank, mangle):
    session = start_peer(owner, None, bank)
    response = api_as(candidate).post("/api/sessions/join/", {"token": mangle(session.invite_token)}, format="json")
    assert response.status_code == 404  # as if it did not exist; a real but used link is 409
    assert "No interview has this invite link" in response.json()["detail"]
    assert fresh(session).candidate is None


def test_the_interviewer_cannot_join_their_own_session(owner, bank):
    session = start_peer(owner, None, bank)
    response = api_as(owner).post("/api/sessions/join/", {"token": session.invite_token}, format="json")
    assert response.status_code == 409 and "interviewer" in response.json()["detail"]
    assert fresh(session).candidate is None


def test_join_without_a_token_names_it(candidate):
    response = api_as(candidate).post("/api/sessions/join/", {}, format="json")
    assert response.status_code == 400 and "token" in response.json()


# --- 4. The flow -----------------------------------------------------------------------------------


def test_advance_moves_the_candidate_on_and_stops_at_the_last_question(peer, owner, candidate):
    lead, viewer = api_as(owner), api_as(candidate)
    moved = lead.post(url(peer, "advance/"))
    assert moved.status_code == 200 and moved.json()["current_position"] == 2
    seen = viewer.get(url(peer))
    assert [a["position"] for a in seen.json()["answers"]] == [1, 2]
    assert b"PROMPT-2" in seen.content and b"PROMPT-3" not in seen.content
    assert lead.post(url(peer, "advance/")).json()["current_position"] == 3
    past = lead.post(url(peer, "advance/"))
    assert past.status_code == 409 and "last question" in past.json()["detail"]
    assert fresh(peer).current_position == 3


def test_the_candidate_cannot_advance(peer, candidate):
    response = api_as(candidate).post(url(peer, "advance/"))
    assert response.status_code == 403
    assert fresh(peer).current_position == 1


def test_finishing_twice_is_refused(peer, owner):
    lead = api_as(owner)
    assert lead.post(url(peer, "finish/"), {}, format="json").json()["status"] == "finished"
    twice = lead.post(url(peer, "finish/"), {}, format="json")
    assert twice.status_code == 409 and "already finished" in twice.json()["detail"]
    assert lead.post(url(peer, "advance/")).status_code == 409


def test_the_candidate_types_the_current_answer_only(peer, owner, candidate):
    client = api_as(candidate)
    saved = client.put(url(peer, "answers/1/"), {"text": "  NAT gateway\n"}, format="json")
    assert saved.status_code == 200 and saved.json() == {"position": 1, "text": "  NAT gateway\n"}
    assert Answer.objects.get(session=peer, position=1).text == "  NAT gateway\n"
    assert client.put(url(peer, "answers/2/"), {"text": "ahead"}, format="json").status_code == 409
    assert client.put(url(peer, "answers/1/"), {}, format="json").status_code == 400
    assert api_as(owner).put(url(peer, "answers/1/"), {"text": "forged"}, format="json").status_code == 403
    assert api_as(owner).get(url(peer)).json()["answers"][0]["text"] == "  NAT gateway\n"


def test_two_panel_interviewers_marking_one_keypoint_both_keep_their_mark(structured, panelist, teammate):
    kp = keypoint_ids(structured, 1)[0]
    path = url(structured, f"answers/1/marks/{kp}/")
    lead = api_as(teammate).put(path, {"mark": "covered"}, format="json")
    panel = api_as(panelist).put(path, {"mark": "missed"}, format="json")
    assert lead.json() == {"position": 1, "keypoint_id": kp, "mark": "covered", "score": 50.0}
    assert panel.json() == {"position": 1, "keypoint_id": kp, "mark": "missed", "score": 0.0}
    assert Mark.objects.filter(keypoint_id=kp).count() == 2
    for user, mark, score in ((teammate, "covered", 50.0), (panelist, "missed", 0.0)):
        first = api_as(user).get(url(structured)).json()["answers"][0]
        assert (first["keypoints"][0]["mark"], first["score"]) == (mark, score)


def test_a_mark_for_a_keypoint_of_another_question_or_a_bad_value_is_refused(structured, teammate):
    client = api_as(teammate)
    other = keypoint_ids(structured, 2)[0]
    wrong = client.put(url(structured, f"answers/1/marks/{other}/"), {"mark": "covered"}, format="json")
    assert wrong.status_code == 400 and "keypoint" in wrong.json()
    kp = keypoint_ids(structured, 1)[0]
    bad = client.put(url(structured, f"answers/1/marks/{kp}/"), {"mark": "mostly"}, format="json")
    assert bad.status_code == 400 and "mark" in bad.json()
    assert not Mark.objects.exists()


def test_a_stale_notes_save_is_refused_and_the_older_text_kept(peer, owner):
    client = api_as(owner)
    path = url(peer, "answers/1/notes/")
    first = client.put(path, {"notes": "From tab one", "version": 0}, format="json")
    assert first.json() == {"position": 1, "notes_version": 1}
    stale = client.put(path, {"notes": "From tab two", "version": 0}, format="json")
    assert stale.status_code == 409 and "another tab" in stale.json()["detail"]
    answer = client.get(url(peer)).json()["answers"][0]
    assert (answer["notes"], answer["notes_version"]) == ("From tab one", 1)
    assert client.put(path, {"notes": "Merged", "version": 1}, format="json").json()["notes_version"] == 2
    assert client.put(path, {"notes": "x"}, format="json").status_code == 400


def test_ratings_go_from_1_to_4_in_structured_interviews_only(structured, peer, teammate, owner):
    client = api_as(teammate)
    assert client.put(url(structured, "answers/1/rating/"), {"rating": 3}, format="json").json() == {
        "position": 1,
        "rating": 3,
    }
    too_high = client.put(url(structured, "answers/1/rating/"), {"rating": 5}, format="json")
    assert too_high.status_code == 400 and "rating" in too_high.json()
    in_peer = api_as(owner).put(url(peer, "answers/1/rating/"), {"rating": 3}, format="json")
    assert in_peer.status_code == 400 and "rating" in in_peer.json()
    assert api_as(teammate).get(url(structured)).json()["answers"][0]["rating"] == 3


def test_structured_finish_needs_a_recommendation(structured, teammate):
    client = api_as(teammate)
    missing = client.post(url(structured, "finish/"), {"summary": "Good"}, format="json")
    assert missing.status_code == 400 and "recommendation" in missing.json()
    assert fresh(structured).status == Status.LIVE
    bad = client.post(url(structured, "finish/"), {"recommendation": "maybe"}, format="json")
    assert bad.status_code == 400 and "recommendation" in bad.json()
    done = client.post(url(structured, "finish/"), {"recommendation": "yes", "summary": "Good"}, format="json")
    assert done.status_code == 200 and done.json()["scorecard"]["recommendation"] == "yes"
    assert fresh(structured).status == Status.FINISHED


def test_a_panelist_submits_one_scorecard(structured, panelist, teammate):
    client = api_as(panelist)
    path = url(structured, "scorecard/")
    assert client.post(path, {"summary": "Good"}, format="json").status_code == 400
    done = client.post(path, {"recommendation": "yes", "summary": "Good"}, format="json")
    assert done.status_code == 200 and done.json()["scorecard"] == {
        "recommendation": "yes",
        "summary": "Good",
        "feedback": "",
        "submitted": True,
    }
    assert client.post(path, {"recommendation": "no"}, format="json").status_code == 409
    assert api_as(teammate).post(path, {"recommendation": "no"}, format="json").status_code == 409
    kp = keypoint_ids(structured, 1)[0]
    assert client.put(url(structured, f"answers/1/marks/{kp}/"), {"mark": "covered"}, format="json").status_code == 409


def test_shared_positions_must_be_questions_of_the_session(peer, owner):
    response = api_as(owner).post(url(peer, "finish/"), {"shared_positions": [1, 4]}, format="json")
    assert response.status_code == 400 and "shared_positions" in response.json()
    assert fresh(peer).status == Status.LIVE


def test_swap_starts_the_mirror_session_with_roles_swapped(peer, owner, candidate):
    for n in (4, 5, 6, 7):
        make_question(n)
    assert api_as(candidate).post(url(peer, "swap/")).status_code == 409  # not finished yet
    api_as(owner).post(url(peer, "finish/"), {}, format="json")
    swapped = api_as(candidate).post(url(peer, "swap/"))
    assert swapped.status_code == 201
    mirror = InterviewSession.objects.get(pk=swapped.json()["id"])
    assert (mirror.interviewer, mirror.candidate, mirror.status) == (candidate, owner, Status.LIVE)
    # Other questions than the first half's (issue 17: the new candidate has read those rubrics).
    asked = set(peer.answers.values_list("question_id", flat=True))
    assert mirror.answers.count() == 3 and not asked & set(mirror.answers.values_list("question_id", flat=True))
    assert api_as(candidate).get(url(mirror)).json()["role"] == "lead"
    as_candidate = api_as(owner).get(url(mirror))
    assert as_candidate.json()["role"] == "candidate"
    assert_clean(as_candidate.content, "mirror")
    again = api_as(owner).post(url(peer, "swap/"))
    assert again.status_code == 200 and again.json() == {"id": mirror.pk}


# --- creating: bad input names the field -----------------------------------------------------------


def test_create_a_structured_interview_with_a_panel_sends_the_invite(
    teammate, panelist, team, team_set, django_capture_on_commit_callbacks
):
    body = {
        "mode": "structured",
        "question_set": team_set.pk,
        "team": team.pk,
        "candidate_email": "Someone@Example.com",
        "panel": ["panelist"],
        "scheduled_at": "2030-05-01T09:00:00Z",
        "meeting_url": "https://meet.example.com/abc",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(teammate).post("/api/sessions/", body, format="json")
    assert response.status_code == 201, response.json()
    session = InterviewSession.objects.get(pk=response.json()["id"])
    assert (session.team, session.candidate_email, session.question_count) == (team, "someone@example.com", 3)
    assert set(session.reviewers.values_list("user__username", "is_lead")) == {("teammate", True), ("panelist", False)}
    # The candidate's invitation, then the panel's (issue 17, point 10); only the candidate's has the link.
    assert [m.to for m in mail.outbox] == [["someone@example.com"], ["panelist@example.com"]]
    assert session.invite_token in mail.outbox[0].body and session.invite_token not in mail.outbox[1].body


@pytest.fixture
def others_private_set(outsider, bank):
    return QuestionSetFactory(owner=outsider, visibility=Visibility.PRIVATE, questions=bank)


def _create_structured(teammate, team, team_set, others_private_set, overrides):
    """The teammate asks the API for a structured interview of the team's set, with ``overrides``
    ("others_private_set" and "other_team" stand for a set and a team the teammate may not see)."""
    body = {
        "mode": "structured",
        "question_set": team_set.pk,
        "team": team.pk,
        "candidate_email": "someone@example.com",
    }
    body.update(overrides)
    if body.get("question_set") == "others_private_set":
        body["question_set"] = others_private_set.pk
    if body.get("team") == "other_team":
        body["team"] = TeamFactory(name="Not mine").pk
    return api_as(teammate).post("/api/sessions/", body, format="json")


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"mode": "group"}, "mode"),
        ({"question_set": None, "question_ids": []}, "question_set"),
        ({"question_ids": [1]}, "question_ids"),  # with question_set too
        ({"candidate_email": ""}, "candidate_email"),
        ({"candidate_email": "not-an-address"}, "candidate_email"),
        ({"panel": ["outsider"]}, "panel"),
        ({"panel": ["nobody-at-all"]}, "panel"),
        ({"mode": "peer", "panel": ["panelist"]}, "panel"),
        ({"scheduled_at": "next tuesday"}, "scheduled_at"),
        ({"minutes_per_question": 0}, "minutes_per_question"),
    ],
)
def test_create_bad_input_answers_400_naming_the_field(
    teammate, panelist, team, team_set, others_private_set, outsider, overrides, field
):
    response = _create_structured(teammate, team, team_set, others_private_set, overrides)
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert not InterviewSession.objects.exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"question_set": 999_999}, "question_set"),
        ({"question_set": "others_private_set"}, "question_set"),
        ({"team": "other_team"}, "team"),
    ],
)
def test_create_naming_what_is_not_yours_answers_404_naming_the_field(
    teammate, team, team_set, others_private_set, overrides, field
):
    """A well-formed id of something you may not see: 404, as if it did not exist (the schema cannot say whose)."""
    response = _create_structured(teammate, team, team_set, others_private_set, overrides)
    assert response.status_code == 404, response.json()
    assert field in response.json(), response.json()
    assert not InterviewSession.objects.exists()


def test_create_from_invisible_questions_names_them(owner, outsider):
    private = make_question(9)
    private.owner, private.visibility = outsider, Visibility.PRIVATE
    private.save()
    response = api_as(owner).post("/api/sessions/", {"mode": "self", "question_ids": [private.pk]}, format="json")
    assert response.status_code == 400 and "question_ids" in response.json()
    assert "KEYPOINT-SECRET" not in response.content.decode()


def test_structured_needs_a_set_of_that_team(teammate, team, bank):
    mine = QuestionSetFactory(owner=teammate, visibility=Visibility.PRIVATE, questions=bank)
    body = {"mode": "structured", "question_set": mine.pk, "team": team.pk, "candidate_email": "a@example.com"}
    response = api_as(teammate).post("/api/sessions/", body, format="json")
    assert response.status_code == 400 and "question_set" in response.json()


# --- 5. Scores ---------------------------------------------------------------------------------------


def test_marks_on_weights_2_1_1_score_62_5(peer, owner):
    client = api_as(owner)
    kps = keypoint_ids(peer, 1)
    scores = [
        client.put(url(peer, f"answers/1/marks/{kp}/"), {"mark": mark}, format="json").json()["score"]
        for kp, mark in zip(kps, ["covered", "partial", "missed"], strict=True)
    ]
    assert scores == [50.0, 62.5, 62.5]  # 100 * (2*1 + 1*0.5 + 1*0) / 4
    first = client.get(url(peer)).json()["answers"][0]
    assert [(k["weight"], k["mark"]) for k in first["keypoints"]] == [(2, "covered"), (1, "partial"), (1, "missed")]
    assert first["score"] == 62.5 and Answer.objects.get(session=peer, position=1).score == 62.5
    cleared = client.put(url(peer, f"answers/1/marks/{kps[1]}/"), {"mark": None}, format="json").json()
    assert cleared["score"] == 50.0


# --- 6. Query counts ---------------------------------------------------------------------------------


def _busy_peer(interviewer, candidate, count):
    questions = [make_question(100 + n) for n in range(count)]
    session = start_peer(interviewer, candidate, questions)
    for position in range(1, count + 1):
        services.notes_save(session=session, position=position, by=interviewer, notes="n", version=0)
        kp = keypoint_ids(session, position)[0]
        services.mark_set(session=session, position=position, keypoint_id=kp, by=interviewer, value="covered")
    return session


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_retrieve_runs_a_fixed_number_of_queries(owner, candidate):
    small, large = _busy_peer(owner, candidate, 3), _busy_peer(owner, candidate, 12)
    for user in (owner, candidate):
        client = api_as(user)
        assert _queries(client, url(small)) == _queries(client, url(large))
    assert len(api_as(owner).get(url(large)).json()["answers"]) == 12


def test_retrieve_as_a_manager_runs_a_fixed_number_of_queries(owner, team, teammate):
    counts = []
    for size in (3, 12):
        questions = [make_question(200 + size + n) for n in range(size)]
        qset = QuestionSetFactory(owner=owner, team=team, visibility=Visibility.TEAM, questions=questions)
        session = start_structured(teammate, UserFactory(), team, qset)
        counts.append(_queries(api_as(owner), url(session)))
    assert counts[0] == counts[1]


def test_list_shows_my_sessions_with_my_role_in_a_fixed_number_of_queries(
    peer, structured, self_session, owner, candidate, outsider
):
    body = api_as(owner).get("/api/sessions/").json()
    assert {(r["id"], r["role"]) for r in body["results"]} == {
        (peer.pk, "lead"),
        (structured.pk, "manager"),
        (self_session.pk, "lead"),
    }
    first = body["results"][0]
    assert set(first) == {"id", "mode", "status", "title", "role", "current_position", "question_count", "created_at"}
    theirs = api_as(candidate).get("/api/sessions/").json()["results"]
    assert {(r["id"], r["role"]) for r in theirs} == {(peer.pk, "candidate"), (structured.pk, "candidate")}
    assert_clean(api_as(candidate).get("/api/sessions/").content, "list")

    client = api_as(outsider)
    start_peer(outsider, candidate, [make_question(50)])
    few = _queries(client, "/api/sessions/")
    for n in range(5):
        start_peer(outsider, UserFactory(), [make_question(60 + n)])
        MembershipFactory(team=TeamFactory(), user=outsider)
    assert _queries(client, "/api/sessions/") == few
    assert client.get("/api/sessions/").json()["count"] == 6


@pytest.mark.parametrize(
    "method,tail",
    [
        ("get", "advance/"),
        ("delete", ""),
        ("patch", ""),
        ("get", "answers/1/marks/{kp}/"),
        ("post", "answers/1/notes/"),
        ("get", "swap/"),
    ],
)
def test_the_wrong_method_answers_405(peer, owner, method, tail):
    path = url(peer, tail.format(kp=keypoint_ids(peer, 1)[0]))
    assert getattr(api_as(owner), method)(path).status_code == 405
    assert api_as(owner).get("/api/sessions/join/").status_code == 405
