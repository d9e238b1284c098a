"""The report aggregations, against hand-computed figures on a small data set, on a real database.

Every expected number below is worked out by hand in the comments next to the data, so a change
in what is counted (a mode, a period bound, whose mark counts, null scores) shows up as a diff.
"""

import json
import math
from datetime import UTC, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Difficulty, QuestionSet, Tag, Visibility
from reports import queries
from reports.models import Kind, Period, Report, ReportStatus
from sessions.models import InterviewSession, Mode, Status
from teams.models import Membership, Team

from ..factories import MembershipFactory, QuestionFactory, QuestionSetFactory, TagFactory, TeamFactory, UserFactory
from .factories import Asked, Taken, build

NOW = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
C, P, M = "covered", "partial", "missed"

PROGRESS_QUERIES = 13  # totals, over_time, by_tag, by_difficulty, missed_keypoints, self_against_peers,
# weakest_questions, never_tried; the review queue's 5 (practice.summary: zone, profile, days, retention, topics)
QUESTION_SET_QUERIES = 13  # team, questions, candidates (3), keypoint_misses, interviewers, agreement (2), panel (4)


def days_ago(days, hours=0):
    return NOW - timedelta(days=days) + timedelta(hours=hours)


# --- the candidate's side -------------------------------------------------------------------------


@pytest.fixture
def practice(db):
    """Alice's practice. Her answers in the last 30 days (S1, S2, S3):

    S1 self  2026-11-25 17:30  Q1=80 [C, M]        Q2=40 [P, M, -]
    S2 peer  2026-11-25 18:30  Q2=20 [M, C, -]     Q3=null [-]       Q5=5 [M]   (bob leads; carol's marks don't count)
    S3 self  2026-11-17 17:30  Q1=60 [C, P]        Q6=20 [M]
    S4 self  2026-09-28 (90d)  Q3=90 [C]
    S5 self  2026-05-11 (all)  Q1=50 [M, M]
    Not counted: a structured interview she took (S6), a live session (S7), bob's own session (S8).
    """
    alice, bob, carol = (UserFactory(username=n) for n in ("alice", "bob", "carol"))
    her_team, other_team = TeamFactory(name="Alice's team"), TeamFactory(name="Not hers")
    MembershipFactory(team=her_team, user=alice)
    MembershipFactory(team=her_team, user=bob)
    MembershipFactory(team=other_team, user=bob)
    s3, iam, linux = (TagFactory(slug=s, name=n) for s, n in (("s3", "S3"), ("iam", "IAM"), ("linux", "Linux")))

    def bank(number, difficulty, tags=(), keypoints=1, **extra):
        texts = [f"Q{number} kp {'ABC'[i]}" for i in range(keypoints)]
        return QuestionFactory(
            number=number, prompt=f"Q{number}?", difficulty=difficulty, tags=list(tags), keypoints=texts, **extra
        )

    q1 = bank(1, Difficulty.BASIC, [s3, linux], keypoints=2)
    q2 = bank(2, Difficulty.INTERMEDIATE, [s3, iam], keypoints=3)
    q3 = bank(3, Difficulty.ADVANCED)
    q4 = bank(4, Difficulty.BASIC)
    q6 = bank(6, Difficulty.BASIC, [iam], is_archived=True)
    q7 = bank(7, Difficulty.INTERMEDIATE)
    q10 = bank(10, Difficulty.BASIC)
    q5 = QuestionFactory(
        prompt="Q5?", difficulty=Difficulty.ADVANCED, owner=bob, visibility=Visibility.PRIVATE, keypoints=["Q5 kp A"]
    )
    q8 = QuestionFactory(prompt="Q8?", difficulty=Difficulty.ADVANCED, owner=alice, visibility=Visibility.PRIVATE)
    QuestionFactory(prompt="Q9?", owner=bob, visibility=Visibility.PRIVATE)
    q12 = QuestionFactory(prompt="Q12?", owner=bob, visibility=Visibility.TEAM, team=her_team)
    QuestionFactory(prompt="Q13?", owner=bob, visibility=Visibility.TEAM, team=other_team)

    build(
        Taken(alice, [Asked(q1, 80, {alice: [C, M]}), Asked(q2, 40, {alice: [P, M, None]})], days_ago(2)),
        Taken(
            alice,
            [
                Asked(q2, 20, {bob: [M, C, None], carol: [C, None, C]}),
                Asked(q3, None, {carol: [C]}),
                Asked(q5, 5, {bob: [M]}),
            ],
            days_ago(2, hours=1),
            mode=Mode.PEER,
            interviewer=bob,
        ),
        Taken(alice, [Asked(q1, 60, {alice: [C, P]}), Asked(q6, 20, {alice: [M]})], days_ago(10)),
        Taken(alice, [Asked(q3, 90, {alice: [C]})], days_ago(60)),
        Taken(alice, [Asked(q1, 50, {alice: [M, M]})], days_ago(200)),
        Taken(
            alice,
            [Asked(q4, 0), Asked(q2, 0)],
            days_ago(1),
            mode=Mode.STRUCTURED,
            interviewer=bob,
            team=her_team,
        ),
        Taken(alice, [Asked(q10, 0)], None, status=Status.LIVE),
        Taken(bob, [Asked(q7, 10)], days_ago(1)),
    )
    return SimpleNamespace(alice=alice, bob=bob, q=dict(q1=q1, q2=q2, q3=q3, q4=q4, q7=q7, q8=q8, q10=q10, q12=q12))


def test_progress_totals_and_range_over_the_last_30_days(practice):
    data = queries.progress_report(practice.alice, "30d", now=NOW)

    assert data["kind"] == "progress"
    assert data["period"] == "30d"
    assert data["user"] == "alice"
    assert data["generated_at"] == "2026-11-27T17:30:00+00:00"
    assert data["range"] == {"start": "2026-10-28T17:30:00+00:00", "end": "2026-11-27T17:30:00+00:00"}
    # S1, S2, S3: 7 answers, (80 + 40 + 20 + 0 + 5 + 60 + 20) / 7 = 32.14 (a null score counts 0);
    # the structured interview (S6) and the live session (S7) are left out.
    assert data["totals"] == {"sessions": 3, "questions": 7, "mean_score": 32.1}


def test_progress_over_time_is_daily_within_120_days(practice):
    data = queries.progress_report(practice.alice, "30d", now=NOW)

    assert data["over_time"] == [
        {"date": "2026-11-17", "sessions": 1, "questions": 2, "mean_score": 40.0},  # (60 + 20) / 2
        {"date": "2026-11-25", "sessions": 2, "questions": 5, "mean_score": 29.0},  # (80 + 40 + 20 + 0 + 5) / 5
    ]


@pytest.mark.parametrize(
    "period, totals, over_time",
    [
        (
            "90d",  # S4 joins: (225 + 90) / 8 = 39.375
            {"sessions": 4, "questions": 8, "mean_score": 39.4},
            [
                {"date": "2026-09-28", "sessions": 1, "questions": 1, "mean_score": 90.0},
                {"date": "2026-11-17", "sessions": 1, "questions": 2, "mean_score": 40.0},
                {"date": "2026-11-25", "sessions": 2, "questions": 5, "mean_score": 29.0},
            ],
        ),
        (
            "all",  # S5 joins: (315 + 50) / 9 = 40.56; 200 days of activity: one row per ISO week (Mondays)
            {"sessions": 5, "questions": 9, "mean_score": 40.6},
            [
                {"date": "2026-05-11", "sessions": 1, "questions": 1, "mean_score": 50.0},
                {"date": "2026-09-28", "sessions": 1, "questions": 1, "mean_score": 90.0},
                {"date": "2026-11-16", "sessions": 1, "questions": 2, "mean_score": 40.0},
                {"date": "2026-11-23", "sessions": 2, "questions": 5, "mean_score": 29.0},
            ],
        ),
    ],
)
def test_progress_period_filter(practice, period, totals, over_time):
    data = queries.progress_report(practice.alice, period, now=NOW)

    assert data["totals"] == totals
    assert data["over_time"] == over_time
    assert data["range"]["start"] == (None if period == "all" else "2026-08-29T17:30:00+00:00")


def test_progress_ends_at_now(practice):
    """Sessions finished after `now` are not in the period (the report is as of `now`)."""
    data = queries.progress_report(practice.alice, "30d", now=days_ago(2, hours=-1))  # 2026-11-25 16:30

    assert data["totals"] == {"sessions": 1, "questions": 2, "mean_score": 40.0}  # S3 only


def test_progress_by_tag_weakest_first_and_by_difficulty_in_order(practice):
    data = queries.progress_report(practice.alice, "30d", now=NOW)

    assert data["by_tag"] == [
        {"tag": "IAM", "answers": 3, "mean_score": 26.7},  # Q2 40, Q2 20, Q6 20
        {"tag": "S3", "answers": 4, "mean_score": 50.0},  # Q1 80, Q2 40, Q2 20, Q1 60
        {"tag": "Linux", "answers": 2, "mean_score": 70.0},  # Q1 80, Q1 60
    ]
    assert data["by_difficulty"] == [
        {"difficulty": "basic", "answers": 3, "mean_score": 53.3},  # Q1 80, Q1 60, Q6 20
        {"difficulty": "intermediate", "answers": 2, "mean_score": 30.0},  # Q2 40, 20
        {"difficulty": "advanced", "answers": 2, "mean_score": 2.5},  # Q3 null (0), Q5 5
    ]


def test_progress_by_tag_uses_the_tags_as_asked(practice):
    """Retagging a question later does not rewrite the report."""
    practice.q["q1"].tags.clear()

    data = queries.progress_report(practice.alice, "30d", now=NOW)

    assert [row["tag"] for row in data["by_tag"]] == ["IAM", "S3", "Linux"]


def test_progress_missed_keypoints_count_the_leads_marks_only(practice):
    data = queries.progress_report(practice.alice, "30d", now=NOW)
    q = practice.q

    assert [(r["keypoint"], r["question"], r["missed"], r["asked"]) for r in data["missed_keypoints"]] == [
        # unmarked by alice (S1) and by bob (S2; carol's "covered" is not the lead's mark)
        ("Q2 kp C", "Q2?", 2, 2),
        ("Q1 kp B", "Q1?", 1, 2),  # S1 missed, S3 partly (not a miss)
        ("Q2 kp A", "Q2?", 1, 2),  # S1 partly, S2 missed
        ("Q2 kp B", "Q2?", 1, 2),  # S1 missed, S2 covered
        ("Q3 kp A", "Q3?", 1, 1),  # S2: unmarked by bob
        ("Q5 kp A", "Q5?", 1, 1),
        ("Q6 kp A", "Q6?", 1, 1),
    ]  # Q1 kp A: covered both times
    assert [r["question_id"] for r in data["missed_keypoints"][:5]] == [
        q["q2"].pk,
        q["q1"].pk,
        q["q2"].pk,
        q["q2"].pk,
        q["q3"].pk,
    ]


def test_progress_missed_keypoints_keeps_the_top_10(db):
    user = UserFactory(username="many")
    question = QuestionFactory(prompt="Twelve keypoints?", keypoints=[f"kp {i:02}" for i in range(12)])
    build(Taken(user, [Asked(question, 0)], days_ago(1)))

    data = queries.progress_report(user, "30d", now=NOW)

    assert [r["keypoint"] for r in data["missed_keypoints"]] == [f"kp {i:02}" for i in range(10)]


def test_progress_practise_next_only_suggests_questions_still_visible(practice):
    data = queries.progress_report(practice.alice, "30d", now=NOW)
    q = practice.q

    assert data["practise_next"]["weakest_questions"] == [
        # Q5 (bob's private question, 5.0) and Q6 (archived since, 20.0) are weaker but no longer hers to see
        {"question_id": q["q3"].pk, "prompt": "Q3?", "mean_score": 0.0, "attempts": 1},
        {"question_id": q["q2"].pk, "prompt": "Q2?", "mean_score": 30.0, "attempts": 2},
        {"question_id": q["q1"].pk, "prompt": "Q1?", "mean_score": 70.0, "attempts": 2},
    ]
    assert data["practise_next"]["weakest_tags"] == ["IAM", "S3"]  # Linux is at 70, not below
    # Never answered in a finished session, visible to her, in bank order then her own and her team's:
    # Q10 was only asked in a live session; Q9 is bob's private, Q13 another team's, Q6 archived.
    assert data["practise_next"]["never_tried"] == [
        {"question_id": q["q4"].pk, "prompt": "Q4?", "difficulty": "basic"},
        {"question_id": q["q7"].pk, "prompt": "Q7?", "difficulty": "intermediate"},
        {"question_id": q["q10"].pk, "prompt": "Q10?", "difficulty": "basic"},
        {"question_id": q["q8"].pk, "prompt": "Q8?", "difficulty": "advanced"},
        {"question_id": q["q12"].pk, "prompt": "Q12?", "difficulty": "basic"},
    ]


def test_progress_never_tried_stops_at_10_and_follows_visibility_changes(practice):
    for n in range(20, 32):
        QuestionFactory(number=n, prompt=f"Bank {n}?")
    Membership.objects.filter(user=practice.alice).delete()  # Q12 was her team's

    never_tried = queries.progress_report(practice.alice, "30d", now=NOW)["practise_next"]["never_tried"]

    assert [r["prompt"] for r in never_tried] == ["Q4?", "Q7?", "Q10?"] + [f"Bank {n}?" for n in range(20, 27)]


def test_progress_weakest_tags_are_at_most_three(db):
    user = UserFactory(username="tagged")
    tags = [TagFactory(slug=f"t{i}", name=f"T{i}") for i in range(4)]
    build(Taken(user, [Asked(QuestionFactory(tags=[t]), 10 * i) for i, t in enumerate(tags)], days_ago(1)))

    data = queries.progress_report(user, "30d", now=NOW)

    assert data["practise_next"]["weakest_tags"] == ["T0", "T1", "T2"]


def test_progress_change_against_the_previous_report(practice):
    previous = Report(
        pk=7,
        kind=Kind.PROGRESS,
        user=practice.alice,
        period=Period.DAYS_30,
        status=ReportStatus.READY,
        data={
            "generated_at": "2026-11-20T09:00:00+00:00",
            "totals": {"sessions": 1, "questions": 2, "mean_score": 30.0},
        },
    )

    data = queries.progress_report(practice.alice, "30d", now=NOW, previous=previous)

    # 32.14 - 30.0 and 3 - 1
    assert data["change"] == {
        "previous_report_id": 7,
        "previous_generated_at": "2026-11-20T09:00:00+00:00",
        "mean_score_delta": 2.1,
        "sessions_delta": 2,
    }


def test_progress_change_ignores_a_report_of_another_period(practice):
    other = Report(
        pk=8,
        kind=Kind.PROGRESS,
        user=practice.alice,
        period=Period.DAYS_90,
        status=ReportStatus.READY,
        data={"generated_at": "2026-11-20T09:00:00+00:00", "totals": {"sessions": 1, "mean_score": 30.0}},
    )
    nothing = dict.fromkeys(["previous_report_id", "previous_generated_at", "mean_score_delta", "sessions_delta"])

    assert queries.progress_report(practice.alice, "30d", now=NOW, previous=other)["change"] == nothing
    assert queries.progress_report(practice.alice, "30d", now=NOW)["change"] == nothing


def test_progress_with_nothing_practised(db):
    user = UserFactory(username="new")
    previous = Report(
        pk=3, kind=Kind.PROGRESS, user=user, period="30d", status=ReportStatus.READY, data={"totals": {"sessions": 2}}
    )

    data = queries.progress_report(user, "30d", now=NOW, previous=previous)

    assert data["totals"] == {"sessions": 0, "questions": 0, "mean_score": None}
    assert data["over_time"] == data["by_tag"] == data["by_difficulty"] == data["missed_keypoints"] == []
    assert data["practise_next"]["weakest_questions"] == []
    assert data["change"]["mean_score_delta"] is None
    assert data["change"]["sessions_delta"] == -2


def test_progress_report_is_plain_json(practice):
    data = queries.progress_report(practice.alice, "all", now=NOW)

    assert json.loads(json.dumps(data)) == data


def test_progress_rejects_an_unknown_period(practice):
    with pytest.raises(ValueError):
        queries.progress_report(practice.alice, "7d", now=NOW)


def _practised(username, sessions):
    user = UserFactory(username=username)
    tags = [TagFactory(slug="s3", name="S3"), TagFactory(slug="iam", name="IAM")]
    questions = [QuestionFactory(tags=tags[: 1 + i % 2]) for i in range(3)]
    build(
        *[
            Taken(
                user,
                [Asked(questions[i % 3], 10 * (i % 7), {user: [C, M, None]}), Asked(questions[(i + 1) % 3], None)],
                days_ago(i % 25),
            )
            for i in range(sessions)
        ]
    )
    return user


def test_progress_query_count_does_not_grow_with_sessions(db):
    few, many = _practised("few", 3), _practised("many", 30)

    with CaptureQueriesContext(connection) as with_few:
        small = queries.progress_report(few, "30d", now=NOW)
    with CaptureQueriesContext(connection) as with_many:
        large = queries.progress_report(many, "30d", now=NOW)

    assert (small["totals"]["sessions"], large["totals"]["sessions"]) == (3, 30)
    assert len(with_few) == len(with_many) == PROGRESS_QUERIES


# --- the CSV rows ------------------------------------------------------------------------------------


def test_progress_answer_rows_one_per_answer_with_the_leads_marks(practice):
    rows = list(queries.progress_answer_rows(practice.alice, "30d", now=NOW))

    # oldest session first, then by position: S3, S1, S2
    assert [(r["finished_at"], r["position"], r["prompt"]) for r in rows] == [
        ("2026-11-17T17:30:00+00:00", 1, "Q1?"),
        ("2026-11-17T17:30:00+00:00", 2, "Q6?"),
        ("2026-11-25T17:30:00+00:00", 1, "Q1?"),
        ("2026-11-25T17:30:00+00:00", 2, "Q2?"),
        ("2026-11-25T18:30:00+00:00", 1, "Q2?"),
        ("2026-11-25T18:30:00+00:00", 2, "Q3?"),
        ("2026-11-25T18:30:00+00:00", 3, "Q5?"),
    ]
    peer_q2 = rows[4]
    assert peer_q2 == {
        "session_id": rows[5]["session_id"],
        "finished_at": "2026-11-25T18:30:00+00:00",
        "mode": "peer",
        "position": 1,
        "prompt": "Q2?",
        "difficulty": "intermediate",
        "tags": "IAM;S3",
        "score": 20.0,
        "keypoints": [  # bob's marks; carol's are not the lead's
            {"text": "Q2 kp A", "weight": 2, "mark": "missed"},
            {"text": "Q2 kp B", "weight": 1, "mark": "covered"},
            {"text": "Q2 kp C", "weight": 1, "mark": ""},
        ],
    }
    assert rows[2]["keypoints"] == [
        {"text": "Q1 kp A", "weight": 2, "mark": "covered"},
        {"text": "Q1 kp B", "weight": 1, "mark": "missed"},
    ]
    assert rows[2]["tags"] == "Linux;S3"
    assert rows[2]["mode"] == "self"
    assert rows[5]["score"] == 0.0  # null counts as 0, as in the report
    assert rows[5]["keypoints"] == [{"text": "Q3 kp A", "weight": 2, "mark": ""}]
    assert rows[4]["session_id"] != rows[2]["session_id"]


def test_progress_answer_rows_follow_the_period(practice):
    assert len(list(queries.progress_answer_rows(practice.alice, "90d", now=NOW))) == 8
    assert len(list(queries.progress_answer_rows(practice.alice, "all", now=NOW))) == 9


@pytest.mark.parametrize("sessions, chunk_size", [(3, 2), (30, 20)])
def test_progress_answer_rows_query_count_is_per_chunk(db, sessions, chunk_size):
    user = _practised("streamed", sessions)
    answers = 2 * sessions

    with CaptureQueriesContext(connection) as captured:
        rows = list(queries.progress_answer_rows(user, "30d", now=NOW, chunk_size=chunk_size))

    assert len(rows) == answers
    assert sum(len(r["keypoints"]) for r in rows) == 3 * answers
    # one query for the answers, one per chunk for their keypoints and marks: 4 either way
    assert len(captured) == 1 + math.ceil(answers / chunk_size) == 4


def test_progress_answer_rows_is_lazy(practice):
    with CaptureQueriesContext(connection) as captured:
        rows = queries.progress_answer_rows(practice.alice, "30d", now=NOW)
    assert len(captured) == 0
    assert next(rows)["prompt"] == "Q1?"


# --- the hiring manager's side ------------------------------------------------------------------------


@pytest.fixture
def loop(db):
    """Three structured interviews of "Platform loop" (P1: keypoints A w2, B w1; P2: keypoint A).

    C1 bob   finished  lead ann "yes", ben "yes"
        P1: ann 50 (rating 2) [C, M]   ben 76 (3) [C, P]          P2: ann 80 (4) [-]
    C2 dana@ (no account yet) live   lead ann "", cat "no"
        P1: ann 30 (1) [M, M]          cat 40 (2) [C, -]          P2: nobody
    C3 eve   finished  lead ann "no", ben "yes", cat "no"
        P1: ann 60 (3) [C, C]   ben 60 (-) [P, M]   cat 90 (4) [C, C]    P2: ann 100 (4) [C]   cat 70 (3) [M]
    Not counted: the same team's interview on another set, a peer session on this set, and an
    interview on this set run by another team.
    """
    ann, ben, cat, bob, eve = (UserFactory(username=n) for n in ("ann", "ben", "cat", "bob", "eve"))
    team, other_team = TeamFactory(name="Cloud platform"), TeamFactory(name="Other team")
    p1 = QuestionFactory(prompt="P1?", keypoints=["P1 kp A", "P1 kp B"])
    p2 = QuestionFactory(prompt="P2?", keypoints=["P2 kp A"])
    shared = dict(owner=ann, team=team, visibility=Visibility.TEAM)
    qset = QuestionSetFactory(title="Platform loop", questions=[p1, p2], **shared)
    other_set = QuestionSetFactory(title="Other loop", questions=[p1], **shared)

    def interview(candidate, answers, **extra):
        return Taken(candidate, answers, days_ago(1), mode=Mode.STRUCTURED, interviewer=ann, **extra)

    here = dict(team=team, question_set=qset)
    sessions = build(
        interview(
            bob,
            [
                Asked(p1, 50, {ann: [C, M], ben: [C, P]}, {ann: (50, 2), ben: (76, 3)}),
                Asked(p2, 80, {}, {ann: (80, 4)}),
            ],
            recommendation="yes",
            panel={ben: "yes"},
            **here,
        ),
        interview(
            None,
            [Asked(p1, 30, {ann: [M, M], cat: [C, None]}, {ann: (30, 1), cat: (40, 2)}), Asked(p2)],
            status=Status.LIVE,
            candidate_email="dana@example.com",
            panel={cat: "no"},
            **here,
        ),
        interview(
            eve,
            [
                Asked(
                    p1,
                    60,
                    {ann: [C, C], ben: [P, M], cat: [C, C]},
                    {ann: (60, 3), ben: (60, None), cat: (90, 4)},
                ),
                Asked(p2, 100, {ann: [C], cat: [M]}, {ann: (100, 4), cat: (70, 3)}),
            ],
            recommendation="no",
            panel={ben: "yes", cat: "no"},
            **here,
        ),
        # not counted
        interview(eve, [Asked(p1, 0, {ann: [M, M]}, {ann: (0, 1), ben: (100, 4)})], team=team, question_set=other_set),
        Taken(eve, [Asked(p1, 0, {}, {ann: (0, 1)})], days_ago(1), Mode.PEER, interviewer=ann, question_set=qset),
        interview(eve, [Asked(p1, 0, {ann: [M, M]}, {ann: (0, 1), cat: (100, 4)})], team=other_team, question_set=qset),
    )
    return SimpleNamespace(qset=qset, sessions=sessions)


def test_question_set_header_and_questions(loop):
    data = queries.question_set_report(QuestionSet.objects.get(pk=loop.qset.pk), now=NOW)

    assert data["kind"] == "question_set"
    assert data["generated_at"] == "2026-11-27T17:30:00+00:00"
    assert data["question_set"] == {"id": loop.qset.pk, "title": "Platform loop", "team": "Cloud platform"}
    assert data["questions"] == [{"position": 1, "prompt": "P1?"}, {"position": 2, "prompt": "P2?"}]


def test_question_set_candidates_by_questions(loop):
    c1, c2, c3 = loop.sessions[:3]

    data = queries.question_set_report(loop.qset, now=NOW)

    assert data["candidates"] == [
        {
            "session_id": c1.pk,
            "candidate": "bob",
            "status": "finished",
            "scores": [63.0, 80.0],  # (50 + 76) / 2; ann alone
            "mean": 71.5,
            "recommendations": [
                {"interviewer": "ann", "lead": True, "recommendation": "yes"},
                {"interviewer": "ben", "lead": False, "recommendation": "yes"},
            ],
        },
        {
            "session_id": c2.pk,
            "candidate": "dana@example.com",
            "status": "live",
            "scores": [35.0, None],  # nobody reviewed P2 yet
            "mean": 35.0,
            "recommendations": [
                {"interviewer": "ann", "lead": True, "recommendation": ""},
                {"interviewer": "cat", "lead": False, "recommendation": "no"},
            ],
        },
        {
            "session_id": c3.pk,
            "candidate": "eve",
            "status": "finished",
            "scores": [70.0, 85.0],  # (60 + 60 + 90) / 3, (100 + 70) / 2
            "mean": 77.5,
            "recommendations": [
                {"interviewer": "ann", "lead": True, "recommendation": "no"},
                {"interviewer": "ben", "lead": False, "recommendation": "yes"},
                {"interviewer": "cat", "lead": False, "recommendation": "no"},
            ],
        },
    ]


def test_question_set_keypoint_misses_over_all_reviewers(loop):
    data = queries.question_set_report(loop.qset, now=NOW)

    assert data["keypoint_misses"] == [
        {
            "position": 1,
            "prompt": "P1?",
            "keypoints": [
                # 7 reviews of P1; missed only by ann on C2
                {"text": "P1 kp A", "marked": 7, "missed": 1, "missed_share": 0.14},
                # ann C1, ann C2, cat C2 (unmarked), ben C3; partly (ben C1) is not a miss
                {"text": "P1 kp B", "marked": 7, "missed": 4, "missed_share": 0.57},
            ],
        },
        # 3 reviews of P2 (C2's P2 has none): ann C1 unmarked, cat C3 missed
        {
            "position": 2,
            "prompt": "P2?",
            "keypoints": [{"text": "P2 kp A", "marked": 3, "missed": 2, "missed_share": 0.67}],
        },
    ]


def test_question_set_interviewers_against_the_panel(loop):
    data = queries.question_set_report(loop.qset, now=NOW)

    assert data["interviewers"] == [
        # ann reviewed C1P1, C1P2, C2P1, C3P1, C3P2: own (50 + 80 + 30 + 60 + 100) / 5 = 64;
        # everyone on those answers: (50 + 76 + 80 + 30 + 40 + 60 + 60 + 90 + 100 + 70) / 10 = 65.6;
        # ratings (2 + 4 + 1 + 3 + 4) / 5 and (2 + 3 + 4 + 1 + 2 + 3 + 4 + 4 + 3) / 9 = 2.89
        {
            "interviewer": "ann",
            "answers": 5,
            "mean_score": 64.0,
            "panel_mean_score": 65.6,
            "score_difference": -1.6,
            "mean_rating": 2.8,
            "panel_mean_rating": 2.9,
        },
        # ben: C1P1 76, C3P1 60 (no rating); panel (50 + 76 + 60 + 60 + 90) / 5 = 67.2; ratings 3 and 12 / 4
        {
            "interviewer": "ben",
            "answers": 2,
            "mean_score": 68.0,
            "panel_mean_score": 67.2,
            "score_difference": 0.8,
            "mean_rating": 3.0,
            "panel_mean_rating": 3.0,
        },
        # cat: C2P1 40, C3P1 90, C3P2 70 = 66.67; panel (30 + 40 + 60 + 60 + 90 + 100 + 70) / 7 = 64.29;
        # ratings (2 + 4 + 3) / 3 and (1 + 2 + 3 + 4 + 4 + 3) / 6 = 2.83
        {
            "interviewer": "cat",
            "answers": 3,
            "mean_score": 66.7,
            "panel_mean_score": 64.3,
            "score_difference": 2.4,
            "mean_rating": 3.0,
            "panel_mean_rating": 2.8,
        },
    ]


def test_question_set_agreement(loop):
    data = queries.question_set_report(loop.qset, now=NOW)

    # Score pairs: C1P1 ann-ben 26, C2P1 ann-cat 10, C3P1 ann-ben 0, ann-cat 30, ben-cat 30, C3P2 ann-cat 30.
    # Recommendation pairs (both given): C1 ann-ben same; C3 ann-ben no, ann-cat same, ben-cat no; C2 ann gave none.
    assert data["agreement"] == {"pairs": 6, "mean_abs_score_difference": 21.0, "same_recommendation_share": 0.5}


def test_question_set_without_interviews_lists_the_sets_questions(db):
    team = TeamFactory(name="Quiet team")
    qset = QuestionSetFactory(
        title="Unused", team=team, visibility=Visibility.PUBLIC, questions=[QuestionFactory(prompt="Only?")]
    )

    data = queries.question_set_report(qset, now=NOW)

    assert data["questions"] == [{"position": 1, "prompt": "Only?"}]
    assert data["candidates"] == data["keypoint_misses"] == data["interviewers"] == []
    assert data["agreement"] == {"pairs": 0, "mean_abs_score_difference": None, "same_recommendation_share": None}


def _hiring_loop(title, candidates):
    ann, ben = UserFactory(username="ann"), UserFactory(username="ben")
    team = TeamFactory(name=f"Team for {title}")
    qs = [QuestionFactory(keypoints=["a", "b", "c"]) for _ in range(3)]
    qset = QuestionSetFactory(title=title, team=team, visibility=Visibility.TEAM, owner=ann, questions=qs)
    build(
        *[
            Taken(
                UserFactory(),
                [Asked(q, 50, {ann: [C, M, None], ben: [P, C, M]}, {ann: (50, 2), ben: (60 + i, 3)}) for q in qs],
                days_ago(1),
                mode=Mode.STRUCTURED,
                interviewer=ann,
                team=team,
                question_set=qset,
                recommendation="yes",
                panel={ben: "no" if i % 2 else "yes"},
            )
            for i in range(candidates)
        ]
    )
    return QuestionSet.objects.get(pk=qset.pk)


def test_question_set_query_count_does_not_grow_with_candidates(db):
    small, large = _hiring_loop("Two", 2), _hiring_loop("Ten", 10)

    with CaptureQueriesContext(connection) as with_two:
        two = queries.question_set_report(small, now=NOW)
    with CaptureQueriesContext(connection) as with_ten:
        ten = queries.question_set_report(large, now=NOW)

    assert (len(two["candidates"]), len(ten["candidates"])) == (2, 10)
    assert ten["agreement"]["pairs"] == 30
    assert len(with_two) == len(with_ten) == QUESTION_SET_QUERIES


# --- the benchmark command ----------------------------------------------------------------------------


def test_bench_reports_prints_one_line_per_report_and_keeps_nothing(db):
    out = StringIO()
    call_command("bench_reports", sessions=4, answers_per_session=3, candidates=2, questions=6, stdout=out)

    lines = out.getvalue().splitlines()
    for label in ("progress report (all)", "question_set report", "progress CSV rows (all)"):
        [line] = [line for line in lines if line.startswith(f"{label}: ")]
        assert " s, peak " in line and " queries (target < 2 s, < 200 MB)" in line
    assert "rolled back: nothing was kept" in lines
    assert not User.objects.filter(username__startswith="bench-reports-").exists()


def test_bench_reports_cleanup_removes_what_a_kept_run_left(db):
    call_command(
        "bench_reports", sessions=2, answers_per_session=2, candidates=2, questions=4, keep=True, stdout=StringIO()
    )
    assert InterviewSession.objects.count() == 4

    call_command("bench_reports", cleanup=True, stdout=StringIO())

    assert not User.objects.filter(username__startswith="bench-reports-").exists()
    assert (InterviewSession.objects.count(), Team.objects.count(), Tag.objects.count()) == (0, 0, 0)
