"""The hiring report's reliability section (reports.queries.panel) over a small panel, computed by hand."""

from datetime import UTC, datetime, timedelta

import krippendorff
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Visibility
from reports import queries
from reports.queries.panel import panel_reliability
from sessions.models import InterviewSession, Mode, Reviewer

from ..factories import QuestionFactory, QuestionSetFactory, TeamFactory, UserFactory
from .factories import Asked, Taken, build

NOW = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)
C, P, M = "covered", "partial", "missed"


@pytest.fixture
def panel(db):
    """Five candidates (i = 0..4), each scored by ann (lead) and ben on three questions.

    Q1 (one keypoint): ann 20i + 10, ben 20i + 20; ann marks it covered from i = 2, ben from i = 1.
    Q2 (keypoints A, B): both 10i + 40; both mark A covered, B missed (nobody covers B).
    Q3 (one keypoint): both 100, covered (everyone at the ceiling).
    Interview 0 finished 30 minutes before NOW (not overdue yet), the others a day before;
    ben submitted his scorecard of interview 1.
    """
    ann, ben = UserFactory(username="ann"), UserFactory(username="ben")
    team = TeamFactory(name="Panel team")
    q1 = QuestionFactory(prompt="Q1?", keypoints=["Q1 A"])
    q2 = QuestionFactory(prompt="Q2?", keypoints=["Q2 A", "Q2 B"])
    q3 = QuestionFactory(prompt="Q3?", keypoints=["Q3 A"])
    shared = dict(owner=ann, team=team, visibility=Visibility.TEAM)
    qset = QuestionSetFactory(title="Panel loop", questions=[q1, q2, q3], **shared)
    sessions = build(
        *[
            Taken(
                UserFactory(username=f"cand{i}"),
                [
                    Asked(
                        q1,
                        20 * i + 10,
                        {ann: [C if i >= 2 else M], ben: [C if i >= 1 else M]},
                        {ann: (20 * i + 10, 2), ben: (20 * i + 20, 2)},
                    ),
                    Asked(q2, 10 * i + 40, {ann: [C, M], ben: [C, M]}, {ann: (10 * i + 40, 2), ben: (10 * i + 40, 2)}),
                    Asked(q3, 100, {ann: [C], ben: [C]}, {ann: (100, 4), ben: (100, 4)}),
                ],
                NOW - (timedelta(minutes=30) if i == 0 else timedelta(days=1)),
                mode=Mode.STRUCTURED,
                interviewer=ann,
                team=team,
                question_set=qset,
                recommendation="yes",
                panel={ben: "yes" if i % 2 else "no"},
            )
            for i in range(5)
        ]
    )
    Reviewer.objects.filter(session=sessions[1], user=ben).update(submitted_at=NOW)
    return qset


def test_score_and_mark_reliability_match_the_package_on_the_same_matrix(panel):
    data = queries.question_set_report(panel, now=NOW)["reliability"]

    # 15 answers, each scored by both: 15 pairs of scores; 20 keypoints, each marked by both: 20 pairs.
    assert (data["scores"]["pairs"], data["scores"]["units"]) == (15, 15)
    assert (data["marks"]["pairs"], data["marks"]["units"]) == (20, 20)
    ann_scores = [20 * i + 10 for i in range(5)] + [10 * i + 40 for i in range(5)] + [100] * 5
    ben_scores = [20 * i + 20 for i in range(5)] + [10 * i + 40 for i in range(5)] + [100] * 5
    expected = krippendorff.alpha(reliability_data=[ann_scores, ben_scores], level_of_measurement="interval")
    assert data["scores"]["alpha"] == round(expected, 3)
    assert data["scores"]["low"] <= data["scores"]["alpha"] <= data["scores"]["high"]
    # Marks as ranks (missed 0, partial 1, covered 2), keypoints in the order Q1, Q2 A, Q2 B, Q3 per interview.
    ann_marks = [x for i in range(5) for x in (2 if i >= 2 else 0, 2, 0, 2)]
    ben_marks = [x for i in range(5) for x in (2 if i >= 1 else 0, 2, 0, 2)]
    expected = krippendorff.alpha(
        reliability_data=[ann_marks, ben_marks], value_domain=[0, 1, 2], level_of_measurement="ordinal"
    )
    assert data["marks"]["alpha"] == round(expected, 3)


def test_recommendations_with_five_pairs_are_not_enough_data(panel):
    data = queries.question_set_report(panel, now=NOW)["reliability"]

    assert data["recommendations"] == {
        "level": "ordinal",
        "alpha": None,
        "low": None,
        "high": None,
        "pairs": 5,
        "units": 5,
        "enough": False,
    }
    assert data["min_pairs"] == 10


def test_interviewers_leniency_agreement_and_overdue(panel):
    data = queries.question_set_report(panel, now=NOW)["reliability"]

    assert data["interviewers"] == [
        # ann is 10 below ben on the five Q1 answers, level on the other ten: -50 / 15.
        # Marks: 20 pairs, different only on interview 1's Q1 keypoint: 19 / 20.
        # Overdue: interviews 1..4 finished a day ago, nothing submitted (0 is only 30 minutes old).
        {"interviewer": "ann", "shared_answers": 15, "leniency": -3.3, "mark_pairs": 20, "agreement": 0.95}
        | {"overdue": 4},
        # ben submitted interview 1's scorecard.
        {"interviewer": "ben", "shared_answers": 15, "leniency": 3.3, "mark_pairs": 20, "agreement": 0.95}
        | {"overdue": 3},
    ]


def test_questions_discrimination_floor_ceiling_and_no_signal(panel):
    data = queries.question_set_report(panel, now=NOW)["reliability"]

    q1, q2, q3 = data["questions"]
    # Panel means per candidate: Q1 15, 35, 55, 75, 95; Q2 40..80; Q3 100. Q1 against Q2 + Q3 rises in
    # step (r = 1), so does Q2 against Q1 + Q3; Q3 does not vary, so it has no correlation.
    assert (q1["discrimination"], q2["discrimination"], q3["discrimination"]) == (1.0, 1.0, None)
    assert (q1["floor_share"], q1["ceiling_share"]) == (0.0, 0.0)
    assert (q3["floor_share"], q3["ceiling_share"]) == (0.0, 1.0)
    assert q1["uncovered_keypoints"] == [] and q2["uncovered_keypoints"] == ["Q2 B"]
    assert q1["no_signal"] == q2["no_signal"] == ""
    assert q3["no_signal"].startswith("Nearly every candidate covers every keypoint")
    assert (q1["position"], q1["prompt"], q1["scored"]) == (1, "Q1?", 5)


def test_empty_set_says_not_enough_data(db):
    qset = QuestionSetFactory(title="Unused", team=TeamFactory(), questions=[QuestionFactory(prompt="Only?")])

    data = queries.question_set_report(qset, now=NOW)["reliability"]

    for section in ("scores", "marks", "recommendations"):
        assert data[section]["alpha"] is None and data[section]["pairs"] == 0 and not data[section]["enough"]
    assert data["interviewers"] == []
    assert data["questions"][0]["discrimination"] is None and data["questions"][0]["no_signal"] == ""


def test_panel_section_runs_four_queries(panel):
    sessions = InterviewSession.objects.filter(question_set=panel)

    with CaptureQueriesContext(connection) as captured:
        panel_reliability(sessions, candidates=[], questions=[], keypoint_misses=[], now=NOW)

    assert len(captured) == 4


def test_a_chosen_period_keeps_the_interviews_created_within_it(panel):
    oldest = InterviewSession.objects.filter(question_set=panel).order_by("pk").first()
    InterviewSession.objects.filter(pk=oldest.pk).update(created_at=NOW - timedelta(days=100))

    recent = queries.question_set_report(panel, now=NOW, period="30d")
    every = queries.question_set_report(panel, now=NOW, period="all")

    assert (recent["period"], every["period"]) == ("30d", "all")
    assert (len(recent["candidates"]), len(every["candidates"])) == (4, 5)
    assert (recent["reliability"]["scores"]["pairs"], every["reliability"]["scores"]["pairs"]) == (12, 15)
    assert queries.question_set_report(panel, now=NOW)["period"] == "all"


def test_a_hiring_report_is_asked_for_a_period_through_the_api(panel, owner, outsider):
    from rest_framework.test import APIClient

    from reports.models import Report
    from teams.models import Membership

    from ..factories import MembershipFactory

    MembershipFactory(team=panel.team, user=owner, role=Membership.Role.MANAGER)
    api = APIClient()
    api.force_authenticate(owner)

    asked = api.post("/api/reports/", {"kind": "question_set", "question_set": panel.pk, "period": "90d"})
    default = api.post("/api/reports/", {"kind": "question_set", "question_set": panel.pk})
    bad = api.post("/api/reports/", {"kind": "question_set", "question_set": panel.pk, "period": "7d"})

    assert (asked.status_code, default.status_code) == (201, 201)
    assert Report.objects.get(pk=asked.json()["id"]).period == "90d"
    assert Report.objects.get(pk=default.json()["id"]).period == "all"
    assert bad.status_code == 400 and "period" in bad.json()
    api.force_authenticate(outsider)
    refused = api.post("/api/reports/", {"kind": "question_set", "question_set": panel.pk, "period": "90d"})
    assert refused.status_code == 404 and "question_set" in refused.json()


def test_the_page_asks_for_a_period_too(client, panel, owner, outsider):
    from reports.models import Report
    from teams.models import Membership

    from ..conftest import login
    from ..factories import MembershipFactory

    MembershipFactory(team=panel.team, user=owner, role=Membership.Role.MANAGER)
    login(client, owner)
    url = f"/reports/sets/{panel.pk}/"

    assert client.post(url, {"period": "30d"}).status_code == 302
    assert client.post(url).status_code == 302
    assert list(Report.objects.order_by("pk").values_list("period", flat=True)) == ["30d", "all"]
    page = client.post(url, {"period": "7d"}, follow=True).content.decode()
    assert "Choose one of: 30d, 90d, all." in page and Report.objects.count() == 2
    login(client, outsider)
    assert client.post(url, {"period": "30d"}).status_code == 404
