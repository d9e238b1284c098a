"""The progress report's review queue (issue 15): due now, today, within 7 and 30 days, the
forecast chart, retention achieved and the weakest topics.

On a frozen clock: every moment is given (T0 and days from it), the report is built at one and
the practice queue (practice.services) read at the same one, for the same user."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Profile
from common import hooks
from practice import services as practice
from practice.models import ReviewItem
from practice.summary import review_summary
from questions.models import Question
from reports import charts, queries
from reports.models import Kind, Report, ReportStatus
from reports.pdf import pdf_bytes
from reports.tasks import build

from ..conftest import login, once_per_module
from ..factories import QuestionFactory, TagFactory, UserFactory
from ..practice.conftest import T0, finish_at, self_assessment
from .test_render import accent_pixels, assert_accessible_svg, pdf_text, svgs, text_of

pytestmark = pytest.mark.django_db
MOMENTS = [T0 + timedelta(days=n, hours=h) for n, h in ((0, 0), (0, 4), (1, 0), (6, 23), (13, 0), (40, 0))]


def days(n, hours=0):
    return T0 - timedelta(days=n) + timedelta(hours=hours)


def item(user, question, position):
    return ReviewItem.objects.filter(user=user, keypoint__question=question, keypoint__position=position)


def _queue():
    """The owner's queue at T0 (2 March 2026, 10:00 UTC), 8 items:

    due before T0: Q1 kp1, Q2 kp1 (1 March), Q2 kp2 (12 Feb), Q1 kp3 moved to T0 - 1 h   -> 4 due now
    due later today, 13:00: Q3 kp1, kp2, kp3                                            -> 7 by the end of today
    due 4 March: Q1 kp2                                                                 -> 8 within 7 days
    Q1 kp3 is then moved to 12 days on and Q2 kp2 to 45 days on, for the 30-day figures.
    Reviews of due items (was_due): 11 Feb C C M C M, 18 Feb C P C C -> 6 covered of 9.
    """
    owner = UserFactory(username="owner")
    vpc, iam, s3 = (TagFactory(slug=s, name=n) for s, n in (("vpc", "VPC"), ("iam", "IAM"), ("s3", "S3")))
    q1, q2, q3 = (
        QuestionFactory(prompt="Q1?", tags=[vpc]),
        QuestionFactory(prompt="Q2?", tags=[vpc, iam]),
        QuestionFactory(prompt="Q3?", tags=[s3]),
    )
    finish_at(self_assessment(owner, [q1, q2], {1: ["missed", "partial", "missed"], 2: ["missed", "missed"]}), days(20))
    finish_at(
        self_assessment(owner, [q1, q2], {1: ["covered", "covered", "missed"], 2: ["covered", "missed"]}), days(19)
    )
    finish_at(self_assessment(owner, [q1, q2], {1: ["covered", "partial", "covered"], 2: ["covered"]}), days(12))
    finish_at(self_assessment(owner, [q3], {1: ["missed", "partial", "missed"]}), days(1, hours=3))
    item(owner, q1, 3).update(due=T0 - timedelta(hours=1))
    return {"owner": owner.pk, "questions": [q1.pk, q2.pk, q3.pk]}


# Four self-assessments through the sessions services: made once for the module, and each test starts
# from them as made (once_per_module); the objects are read afresh for each test.
_built = once_per_module(_queue)


@pytest.fixture
def questions(_built):
    by_pk = Question.objects.in_bulk(_built["questions"])
    return [by_pk[pk] for pk in _built["questions"]]


@pytest.fixture
def queue(_built):
    return User.objects.get(pk=_built["owner"])


def spread(owner, questions):
    q1, q2, _ = questions
    item(owner, q1, 3).update(due=T0 + timedelta(days=12))
    item(owner, q2, 2).update(due=T0 + timedelta(days=45))


def queue_counts(user, at):
    """What the practice page shows at ``at``: due now (the queue) and the forecast."""
    forecast = practice.forecast(user=user, at=at)
    return {
        "now": practice.queue_summary(user=user, at=at)["due_count"],
        "today": forecast["today"],
        "next_7_days": forecast["week"],
        "next_30_days": forecast["month"],
    }


def reviews_at(user, at, period="30d"):
    return queries.progress_report(user, period, now=at)["reviews"]


def test_the_reports_counts_are_the_queues_at_the_same_moment(queue, questions):
    report = reviews_at(queue, T0)
    assert report["due"] == queue_counts(queue, T0) == {"now": 4, "today": 7, "next_7_days": 8, "next_30_days": 8}
    spread(queue, questions)
    report = reviews_at(queue, T0)
    assert report["due"] == queue_counts(queue, T0) == {"now": 2, "today": 5, "next_7_days": 6, "next_30_days": 7}
    for at in MOMENTS:
        report = reviews_at(queue, at)
        assert report["due"] == queue_counts(queue, at), at
        by_day = [row["due"] for row in report["by_day"]]
        assert len(by_day) == 31 and sum(by_day) == report["due"]["next_30_days"]
        assert by_day[0] == report["due"]["today"]
    # By day at T0: today 5 (2 overdue, 3 at 13:00), 4 March Q1 kp2, 14 March Q1 kp3; Q2 kp2 is beyond.
    assert [(row["date"], row["due"]) for row in reviews_at(queue, T0)["by_day"] if row["due"]] == [
        ("2026-03-02", 5),
        ("2026-03-04", 1),
        ("2026-03-14", 1),
    ]


def test_suspended_items_and_topics_drop_out_of_both(queue, questions):
    q1, q2, q3 = questions
    item(queue, q3, 1).update(suspended=True)
    practice.tag_suspend(user=queue, tag=q2.tags.get(slug="iam"), suspended=True)  # Q2's two items
    report = reviews_at(queue, T0)
    assert report["due"] == queue_counts(queue, T0) == {"now": 2, "today": 4, "next_7_days": 5, "next_30_days": 5}
    # Q2 (VPC and IAM) is out with its IAM tag: VPC keeps Q1's three items, S3 Q3's last two.
    assert [(t["tag"], t["items"], t["due"]) for t in report["weakest_tags"]] == [("VPC", 3, 2), ("S3", 2, 0)]


def test_another_users_items_and_reviews_never_count(queue, questions, outsider):
    before = reviews_at(queue, T0)
    finish_at(self_assessment(outsider, questions, {1: ["missed"] * 3, 2: ["missed"] * 3, 3: ["missed"] * 3}), days(3))
    finish_at(self_assessment(outsider, questions, {1: ["covered"] * 3, 2: ["missed"] * 3, 3: ["missed"] * 3}), days(2))
    assert reviews_at(queue, T0) == before
    theirs = reviews_at(outsider, T0)
    assert theirs["due"] == queue_counts(outsider, T0) and theirs["due"]["now"] == 9
    assert theirs["retention"] == {"reviews": 9, "covered": 3, "share": 0.33, "desired": 0.9}


def test_retention_achieved_is_the_share_of_due_reviews_answered_covered_in_the_period(queue):
    # 11 Feb: covered, covered, missed, covered, missed; 18 Feb: covered, partial, covered, covered.
    assert reviews_at(queue, T0)["retention"] == {"reviews": 9, "covered": 6, "share": 0.67, "desired": 0.9}
    # 30 days before 17 March start on 15 February: only the 18 February reviews.
    assert reviews_at(queue, T0 + timedelta(days=15))["retention"]["share"] == 0.75
    assert reviews_at(queue, T0 + timedelta(days=15), "all")["retention"]["share"] == 0.67
    assert reviews_at(queue, T0 + timedelta(days=60))["retention"] == {
        "reviews": 0,
        "covered": 0,
        "share": None,
        "desired": 0.9,
    }


def test_weakest_topics_have_the_lowest_chance_of_recall_now(queue, questions):
    tags = reviews_at(queue, T0)["weakest_tags"]
    assert [(t["tag"], t["slug"], t["items"], t["due"]) for t in tags] == [
        ("IAM", "iam", 2, 2),  # Q2's two items, both due
        ("VPC", "vpc", 5, 4),  # Q1's three and Q2's two; Q1 kp2 is not due before 4 March
        ("S3", "s3", 3, 0),  # Q3's three, due at 13:00: reviewed yesterday, the best remembered
    ]
    recalls = [t["recall"] for t in tags]
    assert recalls == sorted(recalls) and 0 < recalls[0] < recalls[-1] <= 1
    # The queue orders its items by the same chance: the weakest item is one of the weakest topic's.
    weakest = practice.due_items(user=queue, at=T0)[0]
    assert weakest.question_id == questions[1].pk


def test_days_and_today_are_the_users_own(queue):
    Profile.objects.create(user=queue, time_zone="Pacific/Auckland")  # UTC+13: T0 is 23:00 on 2 March
    report = reviews_at(queue, T0)
    with timezone.override(ZoneInfo("Pacific/Auckland")):
        assert report["due"] == queue_counts(queue, T0)
    assert report["due"]["today"] == 4  # the 13:00 UTC ones fall due at 2:00 on 3 March there
    assert report["time_zone"] == "Pacific/Auckland"
    assert report["by_day"][0] == {"date": "2026-03-02", "due": 4}
    assert report["by_day"][1] == {"date": "2026-03-03", "due": 3}


def test_the_queue_takes_five_queries_however_many_items(queue, outsider):
    with CaptureQueriesContext(connection) as many:
        full = review_summary(user=queue, at=T0)
    with CaptureQueriesContext(connection) as none:
        empty = review_summary(user=outsider, at=T0)
    assert full["due"]["now"] == 4 and empty["due"] == {"now": 0, "today": 0, "next_7_days": 0, "next_30_days": 0}
    assert empty["weakest_tags"] == [] and empty["retention"]["share"] is None
    assert len(many) == len(none) == 5


def test_the_report_task_builds_the_section_and_without_practice_there_is_none(queue, monkeypatch):
    report = Report.objects.create(kind=Kind.PROGRESS, user=queue, period="30d")
    data = build(report)  # at the real now, long after T0: everything is overdue
    assert data["reviews"]["due"]["now"] == 8 == practice.queue_summary(user=queue)["due_count"]
    monkeypatch.setattr(hooks, "_answers", {})
    assert hooks.ask(hooks.REVIEW_SUMMARY, user=queue, at=T0) is None
    assert build(report)["reviews"] is None


# --- the page, the API and the PDF ------------------------------------------------------------------


@pytest.fixture
def ready(queue, questions):
    spread(queue, questions)
    data = queries.progress_report(queue, "30d", now=T0)
    return Report.objects.create(kind=Kind.PROGRESS, user=queue, period="30d", status=ReportStatus.READY, data=data)


def test_the_page_shows_the_figures_and_the_forecast_chart(client, ready, outsider):
    html = login(client, ready.user).get(ready.get_absolute_url()).content.decode()
    text = text_of(html)
    assert "Review queue" in re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert "Due now 2" in text and "Due by the end of today 5" in text
    assert "Within 7 days 6" in text and "Within 30 days 7" in text and "Retention achieved 67%" in text
    assert "6 of 9 reviews of due keypoints in this period answered covered; you aim for 90%" in text
    forecast = next(svg for svg in svgs(html) if 'id="chart-reviews-forecast"' in svg)
    assert_accessible_svg(forecast)
    assert "Keypoints falling due each day, today and the next 30 days" in forecast
    assert "from 2026-03-02 (today, overdue included) to 2026-04-01: 7 keypoints in all, 5 today" in forecast
    assert forecast.count("<rect") == 3  # a column for each day with something due
    assert "<title>Today: 5 keypoints</title>" in forecast and "<title>Sat 14 Mar: 1 keypoint</title>" in forecast
    assert "Today 5" in text and "Wed 4 Mar 1" in text  # the table beside the chart
    assert 'href="/questions/?tag=iam">IAM</a>' in html and "2 keypoints, 1 due now" in text
    assert 'href="/practice/"' in html
    assert login(client, outsider).get(ready.get_absolute_url()).status_code == 404


def test_the_api_gives_the_same_figures(ready, outsider):
    api = APIClient()
    api.force_authenticate(ready.user)
    reviews = api.get(f"/api/reports/{ready.pk}/").json()["data"]["reviews"]
    assert reviews["due"] == {"now": 2, "today": 5, "next_7_days": 6, "next_30_days": 7}
    assert reviews["retention"]["share"] == 0.67 and [t["tag"] for t in reviews["weakest_tags"]][0] == "IAM"
    api.force_authenticate(outsider)
    assert api.get(f"/api/reports/{ready.pk}/").status_code == 404


def test_the_pdf_has_the_section_and_draws_the_chart(client, ready, tmp_path):
    response = login(client, ready.user).get(f"{ready.get_absolute_url()}download/?format=pdf")
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "Review queue" in text and "Topics you are most likely to forget" in text
    assert "Due now By the end of today Within 7 days Within 30 days Retention achieved 2 5 6 7 67%" in text
    assert "Coming up: keypoints falling due each day, today and the next 30 days" in text
    assert "Today" in text and "9 Mar" in text and "16 Mar" in text  # the chart's day labels
    assert "IAM: chance of recall" in text
    empty = pdf_text(pdf_bytes({**ready.data, "reviews": {**ready.data["reviews"], "by_day": []}}), tmp_path)
    assert "Nothing falls due in the next 30 days." in empty
    assert accent_pixels(response.content, tmp_path, page=2) > accent_pixels(
        pdf_bytes({**ready.data, "reviews": {**ready.data["reviews"], "by_day": []}}), tmp_path, page=2
    )


def test_column_chart_draws_a_column_per_day_with_something_due():
    assert charts.column_chart([("2026-03-02", 0), ("2026-03-03", None)]) is None
    assert charts.column_chart([]) is None
    rows = [(f"2026-03-{d:02d}", v) for d, v in ((2, 2), (3, 0), (4, 9), (5, 1))]
    chart = charts.column_chart(rows, noun="keypoint")
    assert chart.kind == "column"
    assert (
        "3 keypoints" not in chart.desc
        and "12 keypoints in all, 2 today; the busiest day 2026-03-04 with 9" in chart.desc
    )
    svg = charts.svg_markup(chart, chart_id="c", title="Forecast")
    assert svg.count("<rect") == 3 and "<title>Wed 4 Mar: 9 keypoints</title>" in svg
    assert ">12<" in svg  # the scale rounds 9 up to 12, in steps of 3


def test_an_empty_queue_says_so_on_the_page_and_in_the_pdf(outsider, tmp_path):
    data = queries.progress_report(outsider, "30d", now=T0)
    html = render_to_string("reports/_progress_body.html", {"data": data, "practise_forms": True})
    text = text_of(html)
    assert "Due now 0" in text and "Within 30 days 0" in text and "Retention achieved —" in text
    assert "Nothing falls due in the next 30 days." in text and 'id="chart-reviews-forecast"' not in html
    assert "No due keypoint was reviewed in this period yet" in text and "No keypoints to review yet." in text
    pdf = pdf_text(pdf_bytes(data), tmp_path)
    assert "Nothing falls due in the next 30 days." in pdf and "No keypoints to review yet." in pdf
    assert "No due keypoint was reviewed in this period yet" in pdf
