"""Swapping roles after a peer mock (issue 17, points 1 and 2).

The mirror session asks other questions than the first half (the new candidate has just read
those rubrics), from the same set or of the same topics and difficulty; its new interviewer may
re-pick them before the interview begins; and both people's pages move to it by themselves.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Difficulty, QuestionSetItem, Visibility
from sessions import services
from sessions.models import InterviewSession, Status

from ..conftest import login
from ..factories import QuestionFactory, QuestionSetFactory, TagFactory
from .conftest import SECRET_MARKERS, api_as, fresh, make_question, start_peer

pytestmark = pytest.mark.django_db


def assert_clean(content: bytes, where):
    text = content.decode()
    for marker in SECRET_MARKERS:
        assert marker not in text, f"{where}: {marker} leaked"


@pytest.fixture
def vpc():
    return TagFactory(slug="vpc", name="VPC")


@pytest.fixture
def s3():
    return TagFactory(slug="s3", name="S3")


def finished_peer(interviewer, candidate, questions):
    session = start_peer(interviewer, candidate, questions)
    services.finish(session=session, by=interviewer)
    return fresh(session)


def asked(session):
    return [a.question for a in session.answers.order_by("position")]


def swapped(owner, candidate, first):
    mirror = services.swap_roles(session=first, by=candidate)
    return fresh(mirror)


# --- point 1: the mirror's own questions ---------------------------------------------------------


def test_the_mirror_asks_questions_of_the_same_topics_and_difficulty_never_the_first_halfs(owner, candidate, vpc, s3):
    first_half = [
        QuestionFactory(prompt="VPC basic one?", tags=[vpc]),
        QuestionFactory(prompt="VPC basic two?", tags=[vpc]),
    ]
    match_a = QuestionFactory(prompt="VPC basic three?", tags=[vpc])
    match_b = QuestionFactory(prompt="VPC and S3 basic?", tags=[vpc, s3])
    QuestionFactory(prompt="VPC advanced?", tags=[vpc], difficulty=Difficulty.ADVANCED)
    QuestionFactory(prompt="S3 basic?", tags=[s3])
    QuestionFactory(prompt="Owner's private VPC?", tags=[vpc], owner=owner, visibility=Visibility.PRIVATE)
    first = finished_peer(owner, candidate, first_half)

    mirror = swapped(owner, candidate, first)

    assert (mirror.interviewer, mirror.candidate, mirror.question_count) == (candidate, owner, 2)
    assert set(asked(mirror)) == {match_a, match_b}
    # The snapshot is a real one: keypoints copied, the first question shown.
    assert mirror.answers.get(position=1).keypoints.count() == 3
    assert mirror.answers.get(position=1).shown_at is not None


def test_the_rest_of_the_same_set_comes_first(owner, candidate, vpc):
    q1, q2 = (QuestionFactory(prompt=f"Set question {n}?", tags=[vpc]) for n in (1, 2))
    qset = QuestionSetFactory(title="VPC loop", owner=owner, questions=[q1, q2])
    first = services.session_create(by=owner, mode="peer", question_set=qset)
    services.session_join(token=first.invite_token, user=candidate)
    services.finish(session=fresh(first), by=owner)
    later = QuestionFactory(prompt="Added to the set later?", difficulty=Difficulty.ADVANCED)
    QuestionSetItem.objects.create(question_set=qset, question=later, position=3)
    similar = QuestionFactory(prompt="Another VPC question?", tags=[vpc])

    mirror = swapped(owner, candidate, fresh(first))

    assert asked(mirror) == [later, similar]


def test_with_nothing_left_to_ask_the_swap_says_why(owner, candidate, bank):
    first = finished_peer(owner, candidate, bank)
    response = api_as(candidate).post(f"/api/sessions/{first.pk}/swap/")
    assert response.status_code == 409 and "no other question" in response.json()["detail"]
    assert fresh(first).mirror_id is None and not InterviewSession.objects.filter(interviewer=candidate).exists()


@pytest.fixture
def mirror(owner, candidate, bank):
    """The bank's three questions were asked by owner; three others wait; candidate now interviews."""
    others = [make_question(n) for n in (4, 5, 6, 7)]
    first = finished_peer(owner, candidate, bank)
    session = swapped(owner, candidate, first)
    assert set(asked(session)) <= set(others)
    return session


def pick_url(session):
    return f"/sessions/{session.pk}/questions/"


def test_the_new_interviewer_re_picks_before_starting(client, mirror, candidate, owner):
    login(client, candidate)
    page = client.get(pick_url(mirror))
    assert page.status_code == 200
    body = page.content.decode()
    for n in (4, 5, 6, 7):
        assert f"PROMPT-{n}:" in body
    for n in (1, 2, 3):
        assert f"PROMPT-{n}:" not in body  # the first half's questions are not offered
    chosen = {a.question_id for a in mirror.answers.all()}
    for question_id in chosen:
        assert f'value="{question_id}" checked' in body
    unchosen = [q for q in asked_pool(mirror) if q.pk not in chosen]

    response = client.post(pick_url(mirror), {"question_ids": [unchosen[0].pk, next(iter(chosen))]})

    assert response.status_code == 302 and response["Location"] == f"/sessions/{mirror.pk}/"
    after = fresh(mirror)
    assert [q.pk for q in asked(after)] == [unchosen[0].pk, next(iter(chosen))]
    assert after.question_count == 2 and after.version == mirror.version + 1
    assert after.answers.get(position=1).shown_at is not None
    # The candidate's room follows: its poll answers with a refresh.
    login(client, owner)
    assert client.get(f"/sessions/{mirror.pk}/poll/", {"v": mirror.version})["HX-Refresh"] == "true"
    room = client.get(f"/sessions/{mirror.pk}/")
    assert unchosen[0].prompt in room.content.decode()
    assert_clean(room.content, "the candidate's room after a re-pick")


def asked_pool(session):
    first = InterviewSession.objects.get(mirror=session)
    return services.mirror_candidates(first=first, interviewer=session.interviewer)


def test_the_interviewers_room_offers_the_re_pick_until_the_interview_begins(client, mirror, candidate, owner):
    login(client, candidate)
    assert pick_url(mirror).encode() in client.get(f"/sessions/{mirror.pk}/").content
    services.answer_save_text(session=mirror, position=1, by=owner, text="Started answering")
    assert pick_url(mirror).encode() not in client.get(f"/sessions/{mirror.pk}/").content


@pytest.mark.parametrize(
    "ids, message",
    [
        ([], "Choose at least one question."),
        (["abc"], "whole numbers"),
        (["999999"], "Not among the questions this session may ask: 999999."),
    ],
)
def test_a_bad_pick_is_refused_saying_what_to_fix(client, mirror, candidate, ids, message):
    login(client, candidate)
    response = client.post(pick_url(mirror), {"question_ids": ids})
    assert response.status_code == 400 and message in response.content.decode()
    assert asked(fresh(mirror)) == asked(mirror)


def test_a_question_of_the_first_half_cannot_be_picked(client, mirror, candidate, bank):
    login(client, candidate)
    response = client.post(pick_url(mirror), {"question_ids": [bank[0].pk]})
    assert response.status_code == 400 and "Not among the questions" in response.content.decode()
    assert bank[0] not in asked(fresh(mirror))


def test_once_the_interview_has_begun_the_questions_stay(client, mirror, candidate, owner):
    services.answer_save_text(session=mirror, position=1, by=owner, text="My answer")
    pool = asked_pool(mirror)
    login(client, candidate)
    page = client.get(pick_url(mirror), follow=True)
    assert page.redirect_chain[-1][0] == f"/sessions/{mirror.pk}/" and "can no longer change" in page.content.decode()
    response = client.post(pick_url(mirror), {"question_ids": [pool[-1].pk]}, follow=True)
    assert "can no longer change" in response.content.decode()
    assert asked(fresh(mirror)) == asked(mirror)


def test_only_the_new_interviewer_re_picks(client, mirror, owner, outsider):
    login(client, outsider)
    assert client.get(pick_url(mirror)).status_code == 404
    assert client.post(pick_url(mirror), {"question_ids": [1]}).status_code == 404
    login(client, owner)  # the mirror's candidate: the question list would show what comes next
    for response in (client.get(pick_url(mirror)), client.post(pick_url(mirror), {"question_ids": [1]})):
        assert response.status_code == 403
        assert b"PROMPT-" not in response.content
    assert asked(fresh(mirror)) == asked(mirror)


def test_the_re_pick_page_is_for_mirror_sessions_only(client, owner, candidate, bank):
    session = start_peer(owner, candidate, bank)
    login(client, owner)
    assert client.get(pick_url(session)).status_code == 404


def test_the_re_pick_page_refuses_other_methods(client, mirror, candidate):
    login(client, candidate)
    assert client.put(pick_url(mirror)).status_code == 405
    assert client.delete(pick_url(mirror)).status_code == 405


def test_the_re_pick_page_runs_a_fixed_number_of_queries(client, owner, candidate, bank):
    def count(extra):
        for n in range(extra):
            QuestionFactory(prompt=f"Extra {extra}-{n}?")
        first = finished_peer(owner, candidate, bank)
        InterviewSession.objects.filter(interviewer=candidate).delete()  # a new mirror each round
        session = swapped(owner, candidate, first)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(pick_url(session)).status_code == 200
        return len(ctx)

    login(client, candidate)
    assert count(3) == count(15)


# --- point 2: the other participant follows ------------------------------------------------------


def test_both_pages_of_the_first_half_move_to_the_mirror(client, owner, candidate, bank):
    for n in (4, 5, 6):
        make_question(n)
    first = finished_peer(owner, candidate, bank)
    poll = f"/sessions/{first.pk}/poll/"
    for user in (owner, candidate):  # both wait on the results page, which follows the session
        login(client, user)
        results = client.get(f"/sessions/{first.pk}/").content.decode()
        assert f'hx-get="{poll}?v={first.version}"' in results
        assert client.get(poll, {"v": first.version}).status_code == 204

    mirror = services.swap_roles(session=first, by=owner)  # the old interviewer swaps

    login(client, candidate)  # the new interviewer is led to the questions first
    assert client.get(poll, {"v": first.version})["HX-Redirect"] == pick_url(mirror)
    login(client, owner)
    assert client.get(poll, {"v": first.version})["HX-Redirect"] == f"/sessions/{mirror.pk}/"
    # A page loaded after the swap stays on the results (a link leads on) and stops following.
    results = client.get(f"/sessions/{first.pk}/").content.decode()
    assert f"/sessions/{mirror.pk}/" in results and 'id="room-follow"' not in results
    assert client.get(poll, {"v": fresh(first).version}).status_code == 204


def test_the_swap_leads_each_person_to_their_side(client, owner, candidate, bank):
    for n in (4, 5, 6):
        make_question(n)
    first = finished_peer(owner, candidate, bank)
    login(client, owner)  # the old interviewer, now the candidate
    response = client.post(f"/sessions/{first.pk}/swap/")
    mirror = fresh(first).mirror
    assert response["Location"] == f"/sessions/{mirror.pk}/"
    assert_clean(client.get(response["Location"]).content, "the new candidate's room")
    login(client, candidate)  # pressing swap again leads the new interviewer to the re-pick page
    assert client.post(f"/sessions/{first.pk}/swap/")["Location"] == pick_url(mirror)


def test_following_a_live_room_still_refreshes_without_a_swap(client, owner, candidate, bank):
    session = start_peer(owner, candidate, bank)
    services.advance(session=session, by=owner)
    login(client, candidate)
    assert client.get(f"/sessions/{session.pk}/poll/", {"v": session.version})["HX-Refresh"] == "true"
    assert fresh(session).status == Status.LIVE
