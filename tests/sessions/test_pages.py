"""The session pages: three modes end to end, and the promises of "Who may see what", by bytes."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.models import Visibility
from sessions import services
from sessions.models import InterviewSession, Mode, Status
from teams.models import Membership

from ..conftest import login
from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRETS = ["KP-SECRET-1-A", "KP-SECRET-1-B", "KP-SECRET-1-C", "KP-SECRET-2-A", "KP-SECRET-2-B", "KP-SECRET-2-C"]


@pytest.fixture
def qset():
    q1 = QuestionFactory(
        prompt="First prompt about subnets?",
        reference_answer="REFERENCE-SECRET-1",
        keypoints=["KP-SECRET-1-A", "KP-SECRET-1-B", "KP-SECRET-1-C"],
    )
    q2 = QuestionFactory(
        prompt="Second prompt about roles?",
        reference_answer="REFERENCE-SECRET-2",
        keypoints=["KP-SECRET-2-A", "KP-SECRET-2-B", "KP-SECRET-2-C"],
    )
    return QuestionSetFactory(title="Two questions", questions=[q1, q2])


def _assert_no_secrets(body: bytes, also=()):
    text = body.decode()
    for secret in [*SECRETS, "REFERENCE-SECRET-1", "REFERENCE-SECRET-2", *also]:
        assert secret not in text, secret


def _candidate_urls(session):
    base = f"/sessions/{session.pk}"
    return [f"{base}/", f"{base}/poll/?v=0", f"{base}/poll/?v={session.version}&a=0", "/sessions/", "/"]


# --- self-assessment ------------------------------------------------------------------------------


def test_self_assessment_from_a_set_to_its_summary(client, owner, qset):
    login(client, owner)
    response = client.post("/sessions/new/", {"mode": "self", "question_set": qset.pk, "count": 5})
    session = InterviewSession.objects.get(interviewer=owner)
    assert response["Location"] == f"/sessions/{session.pk}/"
    room = client.get(f"/sessions/{session.pk}/")
    assert b"First prompt about subnets?" in room.content and b"Submit answer" in room.content
    _assert_no_secrets(room.content)  # the rubric is closed until the answer is submitted
    assert b"Second prompt" not in room.content

    client.post(f"/sessions/{session.pk}/answers/1/text/", {"text": "Route to an IGW"}, headers={"HX-Request": "true"})
    assert b"Route to an IGW" in client.get(f"/sessions/{session.pk}/").content  # survives a reload
    marked_early = client.post(f"/sessions/{session.pk}/answers/1/marks/{_kp(session, 1, 1)}/", {"mark": "covered"})
    assert marked_early.status_code == 302 and not _marks(session)

    client.post(f"/sessions/{session.pk}/answers/1/submit/")
    room = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "KP-SECRET-1-A" in room and "REFERENCE-SECRET-1" in room and "KP-SECRET-2-A" not in room
    client.post(f"/sessions/{session.pk}/answers/1/marks/{_kp(session, 1, 1)}/", {"mark": "covered"})
    score = client.post(
        f"/sessions/{session.pk}/answers/1/marks/{_kp(session, 1, 2)}/",
        {"mark": "partial"},
        headers={"HX-Request": "true"},
    )
    assert b"<strong>62.5</strong>" in score.content  # weights 2,1,1: (2 + 0.5) / 4

    client.post(f"/sessions/{session.pk}/advance/")
    client.post(f"/sessions/{session.pk}/answers/2/submit/", {"text": "Trust policy"})
    client.post(f"/sessions/{session.pk}/answers/2/marks/{_kp(session, 2, 1)}/", {"mark": "covered"})
    response = client.post(f"/sessions/{session.pk}/advance/", follow=True)
    assert "last question" in response.content.decode()  # refused cleanly
    warned = client.post(f"/sessions/{session.pk}/finish/").content.decode()  # two keypoints are unmarked
    assert "3 keypoints are not marked" in warned
    client.post(f"/sessions/{session.pk}/finish/", {"confirm": "1"})
    summary = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Score: 56.2 / 100" in summary or "Score: 56.3 / 100" in summary
    assert "By topic" in summary and "By difficulty" in summary
    assert 'id="session-difficulty"' in summary and 'role="img"' in summary  # a chart, with a text alternative
    again = client.post(f"/sessions/{session.pk}/finish/", follow=True).content.decode()
    assert "already finished" in again


def test_self_assessment_by_filter_and_worst_scored(client, owner, qset):
    login(client, owner)
    client.post("/sessions/new/", {"mode": "self", "count": 1, "difficulty": "basic"})
    assert InterviewSession.objects.get(interviewer=owner).question_count == 1
    response = client.post("/sessions/new/", {"mode": "self", "count": 3, "worst": "on"})
    assert "No question matches" in response.content.decode()


def test_a_half_done_session_is_offered_for_resuming(client, owner, qset):
    login(client, owner)
    client.post("/sessions/new/", {"mode": "self", "question_set": qset.pk, "count": 5})
    home = client.get("/").content.decode()
    assert "In progress" in home and "Resume" in home and "Two questions" in home


# --- peer -----------------------------------------------------------------------------------------


@pytest.fixture
def peer(owner, qset):
    session = services.session_create(
        by=owner, mode=Mode.PEER, question_set=qset, meeting_url="https://meet.example/abc"
    )
    candidate = UserFactory(username="cand")
    services.session_join(token=session.invite_token, user=candidate)
    session.refresh_from_db()
    services.notes_save(session=session, position=1, by=owner, notes="NOTE-SECRET-1", version=0)
    services.mark_set(session=session, position=1, keypoint_id=_kp(session, 1, 1), by=owner, value="covered")
    return session, candidate


def test_peer_invite_link_admits_one_candidate(client, owner, qset, outsider):
    session = services.session_create(by=owner, mode=Mode.PEER, question_set=qset)
    url = f"/sessions/join/{session.invite_token}/"
    assert client.get(url)["Location"].startswith("/accounts/login/?next=")
    first = UserFactory(username="first")
    login(client, first)
    assert "Join as first" in client.get(url).content.decode()
    assert client.post(url)["Location"] == f"/sessions/{session.pk}/"
    login(client, outsider)
    refused = client.post(url)
    assert refused.status_code == 410 and "already been used" in refused.content.decode()
    assert client.get(f"/sessions/{session.pk}/").status_code == 404
    mangled = client.get(url.replace(session.invite_token, session.invite_token[:-3] + "xyz"))
    assert mangled.status_code == 404 and "not valid" in mangled.content.decode()


def test_expired_invite_is_refused(client, owner, qset):
    session = services.session_create(by=owner, mode=Mode.PEER, question_set=qset)
    InterviewSession.objects.filter(pk=session.pk).update(invite_expires_at=timezone.now())
    login(client, UserFactory(username="late"))
    response = client.post(f"/sessions/join/{session.invite_token}/")
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_candidate_never_sees_the_rubric_or_notes_while_live(client, peer):
    session, candidate = peer
    login(client, candidate)
    for url in _candidate_urls(session):
        response = client.get(url)
        assert response.status_code in (200, 204), url
        _assert_no_secrets(response.content, also=["NOTE-SECRET-1"])
    room = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "First prompt about subnets?" in room and "Second prompt" not in room
    assert "https://meet.example/abc" in room
    # Nor through the bank pages: the question's rubric is locked while the interview runs.
    question = session.answers.get(position=1).question
    for url in (
        f"/questions/{question.pk}/?rubric=1",
        f"/api/questions/{question.pk}/",
        f"/sets/{session.question_set_id}/export/?format=json",
    ):
        response = client.get(url)
        _assert_no_secrets(response.content)
    # And the candidate cannot mark, advance or finish.
    assert client.post(f"/sessions/{session.pk}/advance/").status_code == 403
    assert (
        client.post(f"/sessions/{session.pk}/answers/1/marks/{_kp(session, 1, 2)}/", {"mark": "covered"}).status_code
        == 403
    )
    assert client.get(f"/sessions/{session.pk}/finish/").status_code == 403


def test_interviewer_sees_the_rubric_and_the_typed_answer(client, peer, owner):
    session, candidate = peer
    login(client, candidate)
    client.post(f"/sessions/{session.pk}/answers/1/text/", {"text": "Public subnets route to an IGW"})
    session.refresh_from_db()
    login(client, owner)
    room = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "KP-SECRET-1-A" in room and "NOTE-SECRET-1" in room and "Public subnets route to an IGW" in room
    live = client.get(f"/sessions/{session.pk}/poll/", {"v": session.version, "a": session.answer_version - 1})
    assert live.status_code == 200 and b"Public subnets route to an IGW" in live.content


def test_candidate_room_follows_the_interviewer(client, peer, owner):
    session, candidate = peer
    login(client, candidate)
    assert client.get(f"/sessions/{session.pk}/poll/", {"v": session.version}).status_code == 204
    login(client, owner)
    client.post(f"/sessions/{session.pk}/advance/")
    login(client, candidate)
    moved = client.get(f"/sessions/{session.pk}/poll/", {"v": session.version})
    assert moved.status_code == 200 and moved["HX-Refresh"] == "true"
    room = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Second prompt about roles?" in room
    _assert_no_secrets(room.encode(), also=["NOTE-SECRET-1"])
    stale = client.post(f"/sessions/{session.pk}/answers/1/text/", {"text": "late"}, headers={"HX-Request": "true"})
    assert stale.status_code == 409 and b"moved on" in stale.content


def test_a_poll_that_finds_nothing_new_costs_no_query(client, peer):
    session, candidate = peer
    login(client, candidate)
    client.get(f"/sessions/{session.pk}/poll/", {"v": session.version})  # warm the caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/sessions/{session.pk}/poll/", {"v": session.version})
    assert response.status_code == 204 and response.content == b""
    assert len(ctx) == 0, [q["sql"] for q in ctx.captured_queries]


def test_after_a_peer_session_the_candidate_sees_marks_and_shared_notes_only(client, peer, owner):
    session, candidate = peer
    services.advance(session=session, by=owner)
    services.notes_save(session=session, position=2, by=owner, notes="NOTE-SECRET-2", version=0)
    login(client, owner)
    form = client.get(f"/sessions/{session.pk}/finish/").content.decode()
    assert "Share my notes on these questions" in form
    client.post(f"/sessions/{session.pk}/finish/", {"feedback": "Good structure.", "shared_positions": ["1"]})
    login(client, candidate)
    results = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "KP-SECRET-1-A" in results and "covered" in results and "Good structure." in results
    assert "NOTE-SECRET-1" in results and "NOTE-SECRET-2" not in results
    assert "REFERENCE-SECRET-1" in results


def test_swap_roles_starts_the_mirror_session(client, peer, owner):
    session, candidate = peer
    others = [QuestionFactory(prompt=f"Other prompt {n}?") for n in (1, 2, 3)]
    services.finish(session=session, by=owner)
    login(client, candidate)
    response = client.post(f"/sessions/{session.pk}/swap/")
    mirror = InterviewSession.objects.get(interviewer=candidate)
    assert response["Location"] == f"/sessions/{mirror.pk}/questions/"  # the new interviewer may re-pick
    assert (mirror.candidate, mirror.status, mirror.question_count) == (owner, Status.LIVE, 2)
    assert {a.question for a in mirror.answers.all()} <= set(others)
    login(client, owner)
    follow = client.get(f"/sessions/{session.pk}/poll/", {"v": session.version})
    assert follow["HX-Redirect"] == f"/sessions/{mirror.pk}/"
    assert f"/sessions/{mirror.pk}/" in client.get(f"/sessions/{session.pk}/").content.decode()
    _assert_no_secrets(client.get(f"/sessions/{mirror.pk}/").content)


def test_notes_edited_in_two_tabs_do_not_silently_lose_text(client, peer, owner):
    session, _ = peer
    login(client, owner)
    first = client.post(
        f"/sessions/{session.pk}/answers/1/notes/",
        {"notes": "Tab A text", "version": 1},
        headers={"HX-Request": "true"},
    )
    assert first.status_code == 200
    stale = client.post(
        f"/sessions/{session.pk}/answers/1/notes/",
        {"notes": "Tab B text", "version": 1},
        headers={"HX-Request": "true"},
    )
    assert stale.status_code == 409 and b"another tab" in stale.content
    assert session.answers.get(position=1).reviews.get().notes == "Tab A text"


@pytest.mark.parametrize("path", ["", "poll/?v=1", "finish/", "answers/1/text/", "advance/", "swap/"])
def test_outsiders_get_404(client, peer, outsider, path):
    session, _ = peer
    login(client, outsider)
    method = client.get if path in ("", "poll/?v=1", "finish/") else client.post
    assert method(f"/sessions/{session.pk}/{path}").status_code == 404


def test_anonymous_is_sent_to_log_in(client, peer):
    session, _ = peer
    assert client.get(f"/sessions/{session.pk}/")["Location"].startswith("/accounts/login/")


def test_room_runs_a_fixed_number_of_queries(client, owner):
    def count(n):
        qs = QuestionSetFactory(questions=[QuestionFactory() for _ in range(n)])
        s = services.session_create(by=owner, mode=Mode.PEER, question_set=qs)
        services.session_join(token=s.invite_token, user=UserFactory())
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/sessions/{s.pk}/").status_code == 200
        return len(ctx)

    login(client, owner)
    assert count(2) == count(12)


# --- structured -----------------------------------------------------------------------------------


@pytest.fixture
def structured(owner, team, qset):
    qset.visibility, qset.team, qset.owner = Visibility.TEAM, team, owner
    qset.save()
    panelist = MembershipFactory(
        team=team, user=UserFactory(username="panelist"), role=Membership.Role.INTERVIEWER
    ).user
    return qset, panelist


def test_schedule_a_structured_interview_sends_an_invite_with_a_calendar_entry(
    client, owner, structured, django_capture_on_commit_callbacks
):
    qset, panelist = structured
    login(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/sessions/new/",
            {
                "mode": "structured",
                "question_set": qset.pk,
                "candidate_email": "Cand@Example.com",
                "scheduled_at": "2030-05-04T14:30",
                "panel": [panelist.pk],
            },
        )
    session = InterviewSession.objects.get(mode=Mode.STRUCTURED)
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert session.candidate_email == "cand@example.com" and session.status == Status.SCHEDULED
    assert list(session.reviewers.values_list("user__username", flat=True).order_by("-is_lead")) == [
        "owner",
        "panelist",
    ]
    assert [m.to for m in mail.outbox] == [["cand@example.com"], ["panelist@example.com"]]  # the panel too
    message = mail.outbox[0]
    assert message.to == ["cand@example.com"] and session.invite_url() in message.body
    name, ics, mimetype = message.attachments[0]
    assert name == "interview.ics" and mimetype.startswith("text/calendar")
    assert "DTSTART:20300504T143000Z" in ics and "BEGIN:VEVENT" in ics and ics.endswith("\r\n")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_structured_scorecard_never_reaches_the_candidate(client, owner, structured, team):
    qset, panelist = structured
    session = services.session_create(
        by=owner, mode=Mode.STRUCTURED, question_set=qset, team=team, candidate_email="c@example.com", panel=[panelist]
    )
    candidate = UserFactory(username="cand", email="c@example.com")
    login(client, candidate)
    assert "Invitations waiting" in client.get("/").content.decode()
    client.post(f"/sessions/join/{session.invite_token}/")
    session.refresh_from_db()
    services.mark_set(session=session, position=1, keypoint_id=_kp(session, 1, 1), by=owner, value="covered")
    services.mark_set(session=session, position=1, keypoint_id=_kp(session, 1, 1), by=panelist, value="missed")
    services.rating_set(session=session, position=1, by=owner, rating=3)
    services.notes_save(session=session, position=1, by=panelist, notes="NOTE-SECRET-P", version=0)
    for url in _candidate_urls(session):
        _assert_no_secrets(client.get(url).content, also=["NOTE-SECRET-P"])
    login(client, owner)
    finish_page = client.post(f"/sessions/{session.pk}/finish/", {"summary": "Solid"})
    assert "This field is required" in finish_page.content.decode()
    client.post(f"/sessions/{session.pk}/finish/", {"recommendation": "yes", "summary": "SUMMARY-SECRET"})
    login(client, panelist)
    client.post(f"/sessions/{session.pk}/scorecard/", {"recommendation": "strong_no", "summary": "Too shallow"})
    login(client, candidate)
    after = client.get(f"/sessions/{session.pk}/")
    assert "the team will be in touch" in after.content.decode()
    _assert_no_secrets(after.content, also=["NOTE-SECRET-P", "SUMMARY-SECRET", "Strong no", "Too shallow"])
    # The manager compares candidates on the same rubric.
    login(client, owner)
    table = client.get(f"/sessions/compare/{qset.pk}/").content.decode()
    assert "cand" in table and "owner: Yes" in table and "panelist: Strong no" in table
    assert "25.0" in table  # Q1: the lead 50 (2 of 4 weight covered), the panelist 0


def test_compare_is_for_managers_only(client, structured, teammate, outsider):
    qset, panelist = structured
    for user in (panelist, teammate, outsider):
        login(client, user)
        assert client.get(f"/sessions/compare/{qset.pk}/").status_code == 404


def _kp(session, position, n):
    return session.answers.get(position=position).keypoints.get(position=n).pk


def _marks(session):
    from sessions.models import Mark

    return list(Mark.objects.filter(keypoint__answer__session=session))


def test_no_stray_secret_markers_in_templates():
    """The marker strings used above are only data, never part of a template."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    for path in templates.rglob("*.html"):
        assert not re.search(r"SECRET", path.read_text()), path


def test_editing_a_question_later_does_not_rewrite_the_session(client, owner, qset):
    session = services.session_create(by=owner, mode=Mode.SELF, question_set=qset)
    question = session.answers.get(position=1).question
    question.prompt = "Rewritten prompt?"
    question.save()
    question.keypoints.filter(position=1).update(text="Rewritten keypoint")
    answer = session.answers.get(position=1)
    assert answer.prompt == "First prompt about subnets?"
    assert answer.keypoints.get(position=1).text == "KP-SECRET-1-A"


def test_peer_session_from_picked_questions(client, owner, qset, outsider):
    hidden = QuestionFactory(owner=outsider, visibility=Visibility.PRIVATE)
    picked = list(qset.questions.order_by("pk"))
    login(client, owner)
    assert "Or pick questions" in client.get("/sessions/new/?mode=peer").content.decode()
    response = client.post("/sessions/new/", {"mode": "peer", "questions": [picked[1].pk]})
    session = InterviewSession.objects.get(interviewer=owner)
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert session.question_count == 1 and session.answers.get().question == picked[1]
    refused = client.post("/sessions/new/", {"mode": "peer", "questions": [hidden.pk]})
    assert "Select a valid choice" in refused.content.decode()
    empty = client.post("/sessions/new/", {"mode": "peer"})
    assert "Choose a question set, or pick at least one question." in empty.content.decode()


def test_a_candidate_cannot_probe_a_locked_rubric_through_search(client, peer):
    session, candidate = peer
    login(client, candidate)
    for url in ("/questions/?q=KP-SECRET-1-A", "/api/questions/?search=KP-SECRET-1-A"):
        assert b"First prompt about subnets?" not in client.get(url).content
    # Once the interview is over, the keypoints are searchable again.
    services.finish(session=session, by=session.interviewer)
    assert b"First prompt about subnets?" in client.get("/questions/?q=KP-SECRET-1-A").content
