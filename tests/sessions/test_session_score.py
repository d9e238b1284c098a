"""One score per session on every page (issue 17, point 5): an unmarked answer scores 0 on home,
the session list and the session's own page alike, and finishing warns about what is unmarked."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions import services
from sessions.models import InterviewSession, Status
from sessions.scoring import session_score

from ..conftest import login
from .conftest import fresh, keypoint_ids, start_peer

pytestmark = pytest.mark.django_db


def _half_marked_self_session(user, questions):
    """Question 1 answered and fully covered (100), question 2 left unmarked (0): the session scores 50."""
    session = fresh(services.session_create(by=user, mode="self", question_ids=[q.pk for q in questions]))
    services.answer_save_text(session=session, position=1, by=user, text="All of it")
    services.answer_submit(session=session, position=1, by=user)
    for kp in keypoint_ids(session, 1):
        services.mark_set(session=session, position=1, keypoint_id=kp, by=user, value="covered")
    services.advance(session=fresh(session), by=user)
    services.finish(session=fresh(session), by=user)
    return fresh(session)


def test_session_score_counts_an_unmarked_answer_as_zero():
    assert session_score([100.0, None]) == 50.0
    assert session_score([62.5, 0.0, None]) == 20.8
    assert session_score([]) is None


def test_home_the_list_and_the_results_show_the_same_score(client, owner, bank):
    session = _half_marked_self_session(owner, bank[:2])
    login(client, owner)
    home = client.get("/").content.decode()
    recent = home.split('id="recent-heading"')[1]
    assert "<strong>50.0</strong> / 100" in recent  # was 100.0: only the marked answer counted
    results = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Score: 50.0 / 100" in results
    listing = client.get("/sessions/").content.decode()
    assert "50.0 / 100" in listing


def test_a_peer_candidate_sees_the_same_score_on_home_and_results(client, owner, candidate, bank):
    session = start_peer(owner, candidate, bank[:2])
    for kp in keypoint_ids(session, 1):
        services.mark_set(session=session, position=1, keypoint_id=kp, by=owner, value="covered")
    services.finish(session=fresh(session), by=owner)
    login(client, candidate)
    recent = client.get("/").content.decode().split('id="recent-heading"')[1]
    assert "<strong>50.0</strong> / 100" in recent
    assert "Score: 50.0 / 100" in client.get(f"/sessions/{session.pk}/").content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", ["/", "/sessions/"])
def test_recent_scores_take_a_fixed_number_of_queries(client, owner, bank, url):
    _half_marked_self_session(owner, bank[:2])
    login(client, owner)
    client.get(url)  # the first view fills the cache with what every user sees the same (the bank's sets)
    one = _queries(client, url)
    for _ in range(4):
        _half_marked_self_session(owner, bank[:2])
    assert _queries(client, url) == one


def test_finishing_a_self_assessment_warns_about_unmarked_keypoints_and_empty_answers(client, owner, bank):
    session = fresh(services.session_create(by=owner, mode="self", question_ids=[bank[0].pk]))
    services.answer_submit(session=session, position=1, by=owner)
    login(client, owner)
    warned = client.post(f"/sessions/{session.pk}/finish/")
    page = warned.content.decode()
    assert warned.status_code == 200 and fresh(session).status == Status.LIVE
    assert "3 keypoints are not marked" in page and "1 answer is empty" in page
    assert re.search(r'name="confirm" value="1"', page)
    done = client.post(f"/sessions/{session.pk}/finish/", {"confirm": "1"})
    assert done.status_code == 302 and fresh(session).status == Status.FINISHED


def test_a_fully_marked_self_assessment_finishes_without_a_warning(client, owner, bank):
    session = fresh(services.session_create(by=owner, mode="self", question_ids=[bank[0].pk]))
    services.answer_save_text(session=session, position=1, by=owner, text="Everything")
    services.answer_submit(session=session, position=1, by=owner)
    for kp in keypoint_ids(session, 1):
        services.mark_set(session=session, position=1, keypoint_id=kp, by=owner, value="missed")
    login(client, owner)
    assert client.post(f"/sessions/{session.pk}/finish/").status_code == 302
    assert InterviewSession.objects.get(pk=session.pk).status == Status.FINISHED


def test_the_interviewer_is_warned_on_the_finish_page_and_an_outsider_is_refused(client, owner, outsider, peer):
    services.mark_set(session=peer, position=1, keypoint_id=keypoint_ids(peer, 1)[0], by=owner, value="covered")
    login(client, owner)
    page = client.get(f"/sessions/{peer.pk}/finish/").content.decode()
    assert "8 keypoints are not marked" in page and "1 answer is empty" in page
    login(client, outsider)
    assert client.get(f"/sessions/{peer.pk}/finish/").status_code == 404


def test_the_compare_page_scores_a_finished_interview_as_its_results_page_does(client, owner, structured):
    """Teammate leads, owner manages: answer 1 fully covered, answers 2 and 3 never marked."""
    lead = structured.interviewer
    for kp in keypoint_ids(structured, 1):
        services.mark_set(session=structured, position=1, keypoint_id=kp, by=lead, value="covered")
    services.finish(session=fresh(structured), by=lead, recommendation="yes", summary="")
    login(client, owner)
    assert "Score: 33.3 / 100" in client.get(f"/sessions/{structured.pk}/").content.decode()
    compare = client.get(f"/sessions/compare/{structured.question_set_id}/").content.decode()
    assert "<td><strong>33.3</strong></td>" in compare  # the mean; was 100.0, over the marked answer only
