"""The review queue: FSRS scheduling on a frozen clock, what counts as a review, who sees what."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from common.refusals import Conflict
from practice import services as practice
from practice.models import ItemState, PracticeProfile, ReviewItem, ReviewLog
from questions.models import Question, Visibility
from sessions import services
from sessions.models import Mode

from ..factories import QuestionSetFactory, UserFactory
from .conftest import T0, finish_at, fresh, mark_all, self_assessment

pytestmark = pytest.mark.django_db


def item(user, question, position):
    return ReviewItem.objects.get(user=user, keypoint__question=question, keypoint__position=position)


def test_missed_and_partial_keypoints_become_items_covered_ones_do_not(owner, questions):
    q1 = questions[0]
    finish_at(self_assessment(owner, [q1], {1: ["missed", "partial", "covered"]}), T0)
    items = ReviewItem.objects.filter(user=owner).order_by("keypoint__position")
    assert [(i.keypoint.position, i.last_mark) for i in items] == [(1, "missed"), (2, "partial")]
    assert all(i.question_id == q1.pk and i.state == ItemState.REVIEW for i in items)


def test_a_missed_keypoint_is_due_the_next_day(owner, questions):
    finish_at(self_assessment(owner, [questions[0]], {1: ["missed"]}), T0)
    missed = item(owner, questions[0], 1)
    assert missed.due == T0 + timedelta(days=1)
    assert practice.due_items(user=owner, at=T0 + timedelta(days=1) - timedelta(seconds=1)) == []
    assert [i.pk for i in practice.due_items(user=owner, at=T0 + timedelta(days=1))] == [missed.pk]


def test_after_a_good_review_it_comes_back_later_than_after_a_hard_one(owner, questions):
    q1 = questions[0]
    finish_at(self_assessment(owner, [q1], {1: ["missed", "missed"]}), T0)
    day1 = T0 + timedelta(days=1)
    finish_at(self_assessment(owner, [q1], {1: ["covered", "partial"]}), day1)
    good, hard = item(owner, q1, 1), item(owner, q1, 2)
    assert (good.last_mark, hard.last_mark) == ("covered", "partial")
    assert good.last_review == hard.last_review == day1
    assert hard.due > day1
    assert good.due > hard.due
    # Missed again: back the next day, counted as a lapse.
    finish_at(self_assessment(owner, [q1], {1: ["missed"]}), good.due)
    again = item(owner, q1, 1)
    assert again.due == good.due + timedelta(days=1) and again.lapses == 2 and again.reviews == 3


def test_a_later_covered_mark_is_a_due_review_and_recording_twice_changes_nothing(owner, questions):
    finish_at(self_assessment(owner, [questions[0]], {1: ["missed"]}), T0)
    later = self_assessment(owner, [questions[0]], {1: ["covered"]})
    assert finish_at(later, T0 + timedelta(days=1)) == 1
    before = item(owner, questions[0], 1)
    assert practice.reviews_record(session=fresh(later)) == 0
    assert item(owner, questions[0], 1).due == before.due
    assert list(ReviewLog.objects.filter(item=before).values_list("mark", "was_due")) == [
        ("missed", False),
        ("covered", True),
    ]


def test_finishing_a_session_records_its_marks_through_the_hook(owner, questions):
    session = self_assessment(owner, [questions[0]], {1: ["missed"]})
    services.finish(session=session, by=owner)
    missed = item(owner, questions[0], 1)
    assert missed.last_review == fresh(session).finished_at
    assert missed.due == missed.last_review + timedelta(days=1)


def test_peer_interview_moves_the_candidates_items_from_the_interviewers_marks(owner, questions):
    candidate = UserFactory(username="candidate")
    peer = services.session_create(by=owner, mode="peer", question_ids=[questions[0].pk])
    services.session_join(token=peer.invite_token, user=candidate)
    peer = mark_all(peer, owner, {1: ["missed", "partial"]})
    services.finish(session=peer, by=owner)
    assert ReviewItem.objects.filter(user=candidate).count() == 2
    assert not ReviewItem.objects.filter(user=owner).exists()


def test_structured_interviews_move_nothing_their_scorecard_is_never_shown(owner, team, teammate, questions):
    candidate = UserFactory(username="candidate")
    qset = QuestionSetFactory(owner=owner, team=team, visibility=Visibility.TEAM, questions=[questions[0]])
    session = services.session_create(
        by=owner, mode=Mode.STRUCTURED, question_set=qset, team=team, candidate_email="candidate@example.com"
    )
    services.session_join(token=session.invite_token, user=candidate)
    session = mark_all(session, owner, {1: ["missed"]})
    services.finish(session=session, by=owner, recommendation="no")
    assert not ReviewItem.objects.exists()


def test_items_of_questions_the_user_can_no_longer_see_drop_out(owner, questions):
    finish_at(self_assessment(owner, questions[:2], {1: ["missed"], 2: ["missed"]}), T0)
    day1 = T0 + timedelta(days=1)
    assert len(practice.due_items(user=owner, at=day1)) == 2
    Question.objects.filter(pk=questions[0].pk).update(is_archived=True)
    assert [i.question_id for i in practice.due_items(user=owner, at=day1)] == [questions[1].pk]
    Question.objects.filter(pk=questions[0].pk).update(is_archived=False)
    # A question in a self-assessment not yet submitted is locked: its keypoints wait.
    services.session_create(by=owner, mode="self", question_ids=[questions[1].pk])
    assert [i.question_id for i in practice.due_items(user=owner, at=day1)] == [questions[0].pk]


def test_suspending_an_item_or_a_tag_takes_it_out_of_the_queue(owner, questions, tags):
    finish_at(self_assessment(owner, questions, {1: ["missed"], 2: ["missed"], 3: ["missed"]}), T0)
    day1 = T0 + timedelta(days=1)
    practice.item_suspend(user=owner, item_id=item(owner, questions[0], 1).pk, suspended=True)
    assert {i.question_id for i in practice.due_items(user=owner, at=day1)} == {questions[1].pk, questions[2].pk}
    practice.tag_suspend(user=owner, tag=tags[0], suspended=True)  # VPC: questions 1 and 2
    assert {i.question_id for i in practice.due_items(user=owner, at=day1)} == {questions[2].pk}
    practice.tag_suspend(user=owner, tag=tags[0], suspended=False)
    practice.item_suspend(user=owner, item_id=item(owner, questions[0], 1).pk, suspended=False)
    assert len(practice.due_items(user=owner, at=day1)) == 3


def test_another_users_item_cannot_be_suspended(owner, outsider, questions):
    finish_at(self_assessment(owner, [questions[0]], {1: ["missed"]}), T0)
    with pytest.raises(ReviewItem.DoesNotExist):
        practice.item_suspend(user=outsider, item_id=item(owner, questions[0], 1).pk, suspended=True)


def test_practice_starts_weakest_first_within_the_daily_maximum(owner, questions):
    # Question 3 missed twice (weakest), question 1 partly covered, question 2 covered (no item).
    finish_at(self_assessment(owner, [questions[2]], {1: ["missed"]}), T0 - timedelta(days=3))
    finish_at(self_assessment(owner, [questions[2]], {1: ["missed"]}), T0 - timedelta(days=2))
    finish_at(self_assessment(owner, [questions[0], questions[1]], {1: ["partial"], 2: ["covered"]}), T0)
    day = T0 + timedelta(days=2)
    assert practice.due_questions(practice.due_items(user=owner, at=day)) == [questions[2].pk, questions[0].pk]
    practice.profile_update(user=owner, desired_retention=0.9, daily_max=1)
    session = practice.practice_start(user=owner, now=day)
    assert session.mode == Mode.SELF and session.candidate_id == owner.pk
    assert list(session.answers.values_list("question_id", flat=True)) == [questions[2].pk]
    with pytest.raises(Conflict, match="daily maximum of 1"):
        practice.practice_start(user=owner, now=day + timedelta(hours=1))
    services.finish(session=session, by=owner)  # unanswered: nothing recorded, the rubric opens again
    nxt = practice.practice_start(user=owner, now=day + timedelta(days=1))
    assert nxt.question_count == 1


def test_nothing_due_refuses_to_start(owner):
    with pytest.raises(Conflict, match="Nothing is due"):
        practice.practice_start(user=owner, now=T0)


def test_desired_retention_is_kept_between_070_and_097(owner, questions):
    with pytest.raises(ValidationError) as error:
        practice.profile_update(user=owner, desired_retention=0.5, daily_max=20)
    assert "desired_retention" in error.value.message_dict
    assert not PracticeProfile.objects.exists()
    practice.profile_update(user=owner, desired_retention=0.97, daily_max=20)
    # Higher retention: the same marks come back sooner.
    other = UserFactory(username="relaxed")
    practice.profile_update(user=other, desired_retention=0.70, daily_max=20)
    for user in (owner, other):
        finish_at(self_assessment(user, [questions[0]], {1: ["missed"]}), T0)
        finish_at(self_assessment(user, [questions[0]], {1: ["covered"]}), T0 + timedelta(days=1))
    assert item(owner, questions[0], 1).due < item(other, questions[0], 1).due
