"""Who may ask for, see and download reports: pages and API, owners and everyone else."""

import pytest
from rest_framework.test import APIClient

from questions.models import Visibility
from reports.models import Kind, Report, ReportStatus
from teams.models import Membership

from ..conftest import login
from ..factories import QuestionFactory, QuestionSetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_set(owner, team):
    return QuestionSetFactory(
        title="Loop", owner=owner, visibility=Visibility.TEAM, team=team, questions=[QuestionFactory()]
    )


def _api(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def test_ask_for_a_progress_report_through_the_api(owner, practised, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(owner).post("/api/reports/", {"kind": "progress", "period": "90d"}, format="json")
    assert response.status_code == 201 and set(response.json()) == {"id", "status"}
    body = _api(owner).get(f"/api/reports/{response.json()['id']}/").json()
    assert body["status"] in ("queued", "ready")
    if body["status"] == "ready":  # built in process when no broker is configured
        assert body["data"]["totals"]["sessions"] == 1


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"kind": "weekly"}, "kind"),
        ({"kind": "progress", "period": "7d"}, "period"),
        ({"kind": "question_set"}, "question_set"),
    ],
)
def test_bad_requests_answer_400_naming_the_field(owner, payload, field):
    response = _api(owner).post("/api/reports/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Report.objects.count() == 0


def test_a_question_set_that_does_not_exist_answers_404_naming_the_field(owner):
    response = _api(owner).post("/api/reports/", {"kind": "question_set", "question_set": 999999}, format="json")
    assert response.status_code == 404 and "question_set" in response.json()
    assert Report.objects.count() == 0


def test_only_team_managers_ask_for_a_hiring_report(owner, teammate, outsider, team_set):
    assert _api(owner).post("/api/reports/", {"kind": "question_set", "question_set": team_set.pk}).status_code == 201
    assert (
        _api(teammate).post("/api/reports/", {"kind": "question_set", "question_set": team_set.pk}).status_code == 403
    )
    refused = _api(outsider).post("/api/reports/", {"kind": "question_set", "question_set": team_set.pk})
    assert refused.status_code == 404 and "question_set" in refused.json()
    login_client = APIClient()
    assert login_client.post("/api/reports/", {"kind": "progress"}).status_code == 403


def test_someone_elses_report_is_404_everywhere(client, owner, outsider, teammate, team, team_set):
    mine = Report.objects.create(kind=Kind.PROGRESS, user=owner, status=ReportStatus.READY, data={"kind": "progress"})
    hiring = Report.objects.create(
        kind=Kind.QUESTION_SET, user=owner, question_set=team_set, status=ReportStatus.QUEUED
    )
    for user in (outsider, teammate):
        api = _api(user)
        for report in (mine, hiring):
            assert api.get(f"/api/reports/{report.pk}/").status_code == 404
            assert api.get(f"/api/reports/{report.pk}/download/?format=csv").status_code == 404
        assert api.get("/api/reports/").json()["count"] == 0
        login(client, user)
        for report in (mine, hiring):
            assert client.get(f"/reports/{report.pk}/").status_code == 404
            assert client.get(f"/reports/{report.pk}/download/?format=pdf").status_code == 404
            assert client.post(f"/reports/{report.pk}/retry/").status_code == 404
    # A manager who is no longer one loses the hiring report.
    Membership.objects.filter(team=team, user=owner).update(role=Membership.Role.INTERVIEWER)
    assert _api(owner).get(f"/api/reports/{hiring.pk}/").status_code == 404
    assert _api(owner).get(f"/api/reports/{mine.pk}/").status_code == 200


def test_anonymous_is_refused(client):
    assert client.get("/reports/")["Location"].startswith("/accounts/login/")
    assert APIClient().get("/api/reports/").status_code == 403


def test_downloads(owner, practised, client, django_capture_on_commit_callbacks):
    from reports import tasks

    report = Report.objects.create(kind=Kind.PROGRESS, user=owner, period="30d")
    api = _api(owner)
    assert api.get(f"/api/reports/{report.pk}/download/?format=pdf").status_code == 409
    tasks.build_report.apply(args=[report.pk])
    pdf = api.get(f"/api/reports/{report.pk}/download/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    csv = api.get(f"/api/reports/{report.pk}/download/?format=csv")
    assert csv.status_code == 200 and csv.streaming
    lines = csv.getvalue().decode().splitlines()
    assert lines[0].startswith("session_id,")
    assert len(lines) == 3  # a header and one row per answer
    assert api.get(f"/api/reports/{report.pk}/download/?format=docx").status_code == 400
    login(client, owner)
    assert client.get(f"/reports/{report.pk}/download/?format=csv").status_code == 200


def test_status_page_polls_cheaply_and_reloads_when_done(client, owner):
    report = Report.objects.create(kind=Kind.PROGRESS, user=owner, period="30d")
    login(client, owner)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Waiting for a worker" in page and "<progress" in page
    same = client.get(f"/reports/{report.pk}/", {"since": "queued"}, headers={"HX-Request": "true"})
    assert same.status_code == 204 and same.content == b""
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    changed = client.get(f"/reports/{report.pk}/", {"since": "queued"}, headers={"HX-Request": "true"})
    assert changed["HX-Refresh"] == "true"


def test_weekly_email_preference_page(client, owner):
    from reports.services import weekly_email_enabled

    login(client, owner)
    assert weekly_email_enabled(owner)
    client.post("/reports/preferences/", {})
    assert not weekly_email_enabled(owner)
    client.post("/reports/preferences/", {"weekly_email": "on"})
    assert weekly_email_enabled(owner)
