"""The progress report's "Topics to work on" (issue 17, point 7): links filter by the topic's slug,
"Practise these" and "Practise what I missed" start a self-assessment, and an unknown topic in the
question list says "no such topic" instead of listing every question."""

from datetime import UTC, datetime, timedelta

import pytest

from questions.models import Visibility
from reports.models import Kind, Report, ReportStatus
from reports.queries.progress import progress_report
from sessions.models import InterviewSession, Mode

from ..conftest import login
from ..factories import QuestionFactory, QuestionSetFactory, TagFactory
from .factories import Asked, Taken, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def route53():
    """A topic whose slug is not its slugified name: "route-53-and-cloudfront" matches nothing."""
    return TagFactory(slug="route53-cloudfront", name="Route 53 and CloudFront")


@pytest.fixture
def report(owner, route53):
    """A ready progress report of the owner, weak on Route 53 (20 of 100)."""
    weak = QuestionFactory(prompt="How does Route 53 failover work?", tags=[route53])
    QuestionFactory(prompt="Unrelated question about EC2?")
    asked = Asked(question=weak, score=20.0, tags=[[route53.slug, route53.name]])
    build(Taken(candidate=owner, answers=[asked], finished_at=datetime.now(UTC) - timedelta(days=1)))
    data = progress_report(owner, "30d")
    return Report.objects.create(kind=Kind.PROGRESS, user=owner, status=ReportStatus.READY, period="30d", data=data)


def test_topics_to_work_on_link_by_slug(client, owner, report):
    assert report.data["practise_next"]["weakest_topics"] == [
        {"slug": "route53-cloudfront", "tag": "Route 53 and CloudFront"}
    ]
    login(client, owner)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'href="/questions/?tag=route53-cloudfront"' in page  # was ?tag=route-53-and-cloudfront
    listing = client.get("/questions/", {"tag": "route53-cloudfront"}).content.decode()
    assert "How does Route 53 failover work?" in listing and "Unrelated question" not in listing


def test_an_unknown_topic_says_so_instead_of_listing_everything(client, route53):
    QuestionFactory(prompt="Unrelated question about EC2?")
    response = client.get("/questions/", {"tag": "route-53-and-cloudfront"})
    page = response.content.decode()
    assert response.status_code == 200  # as for any bad filter value: the page says what is wrong
    assert "No such topic: route-53-and-cloudfront" in page and "Unrelated question" not in page


def test_practise_these_starts_a_self_assessment_on_the_weak_topics(client, owner, report):
    login(client, owner)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Practise these" in page and "Practise what I missed" in page
    assert '<input type="hidden" name="tags" value="route53-cloudfront">' in page
    response = client.post("/sessions/new/", {"mode": "self", "count": "5", "tags": ["route53-cloudfront"]})
    session = InterviewSession.objects.get(candidate=owner, mode=Mode.SELF, status="live")
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    assert [a.prompt for a in session.answers.all()] == ["How does Route 53 failover work?"]


def test_practise_what_i_missed_starts_a_self_assessment_of_the_worst_scored(client, owner, report):
    login(client, owner)
    response = client.post("/sessions/new/", {"mode": "self", "count": "5", "worst": "on"})
    session = InterviewSession.objects.get(candidate=owner, mode=Mode.SELF, status="live")
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert [a.prompt for a in session.answers.all()] == ["How does Route 53 failover work?"]


def test_the_buttons_are_only_on_ones_own_report_and_outsiders_get_404(client, owner, outsider, team, report):
    login(client, outsider)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    qset = QuestionSetFactory(owner=owner, team=team, visibility=Visibility.TEAM)
    hiring = Report.objects.create(
        kind=Kind.QUESTION_SET, user=owner, question_set=qset, status=ReportStatus.READY, data={}
    )
    login(client, owner)
    assert "Practise these" not in client.get(f"/reports/{hiring.pk}/").content.decode()
