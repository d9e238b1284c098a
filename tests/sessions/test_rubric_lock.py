"""Promise 1: while a candidate takes a peer or structured interview, the rubric of its questions is
closed to them on every path, not only on the question's own page: a self-assessment started by ids,
from a set or by filter, one started before the interview, a session they lead themselves, the
report of their past practice and its downloads. Each path is tried for a peer and a structured
interview, and once the interview ends the rubric opens again."""

import pytest

from questions.models import Visibility
from reports import queries
from reports.csv_export import csv_bytes
from reports.models import Kind, Report, ReportStatus
from reports.tasks import build_report
from sessions import services
from sessions.models import Mark, Status

from ..factories import QuestionSetFactory
from ..reports.test_render import needs_poppler, pdf_text
from .conftest import SECRET_MARKERS, api_as, fresh, keypoint_ids, start_peer, start_structured

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["peer", "structured"])
def start_interview(request, owner, teammate, candidate, team, bank):
    """Starts a live interview the candidate takes, holding bank questions 1 to 3."""

    def start():
        if request.param == "peer":
            return start_peer(owner, candidate, bank)
        team_set = QuestionSetFactory(owner=owner, team=team, visibility=Visibility.TEAM, questions=bank)
        return start_structured(teammate, candidate, team, team_set)

    return start


@pytest.fixture
def interview(start_interview):
    return start_interview()


def _secrets_in(content) -> list[str]:
    text = content.decode() if isinstance(content, bytes) else content
    return [marker for marker in SECRET_MARKERS if marker in text]


def _end(interview):
    services.finish(session=interview, by=interview.interviewer, recommendation="yes", summary="s")


def test_a_self_assessment_by_ids_refuses_the_interview_questions(interview, candidate, bank):
    response = api_as(candidate).post("/api/sessions/", {"mode": "self", "question_ids": [bank[0].pk]}, format="json")
    assert response.status_code == 400
    assert "interview you are taking" in str(response.json()["question_ids"])


def test_a_self_assessment_from_a_public_set_leaves_the_interview_questions_out(interview, candidate, bank):
    public_set = QuestionSetFactory(owner=None, visibility=Visibility.PUBLIC, questions=bank)
    response = api_as(candidate).post("/api/sessions/", {"mode": "self", "question_set": public_set.pk}, format="json")
    assert response.status_code == 400  # every question of the set is in the interview
    assert "Choose at least one question" in str(response.json())


def test_practice_picks_skip_the_interview_questions(interview, candidate, bank):
    picked = services.pick_questions(user=candidate, count=500)
    assert not {q.pk for q in bank} & {q.pk for q in picked}


def test_a_self_assessment_started_before_the_interview_keeps_its_rubric_closed(start_interview, candidate, bank):
    practice = services.session_create(by=candidate, mode="self", question_ids=[bank[0].pk])
    interview = start_interview()
    client = api_as(candidate)
    client.force_login(candidate)
    client.put(f"/api/sessions/{practice.pk}/answers/1/", {"text": "anything"}, format="json")
    submitted = client.post(f"/api/sessions/{practice.pk}/answers/1/submit/")
    assert submitted.status_code == 200 and _secrets_in(submitted.content) == []
    assert submitted.json()["answers"][0]["rubric_locked"] is True
    page = client.get(f"/sessions/{practice.pk}/")
    assert page.status_code == 200 and _secrets_in(page.content) == []
    assert "stay closed here until that interview ends" in page.content.decode()
    kp = keypoint_ids(practice, 1)[0]
    marked = client.put(f"/api/sessions/{practice.pk}/answers/1/marks/{kp}/", {"mark": "covered"}, format="json")
    assert marked.status_code == 409 and not Mark.objects.filter(user=candidate).exists()

    _end(interview)  # the interview ends: the rubric opens
    opened = client.get(f"/api/sessions/{practice.pk}/")
    assert "KEYPOINT-SECRET-1-a" in opened.content.decode() and "REFERENCE-SECRET-1" in opened.content.decode()


def test_a_session_the_candidate_leads_keeps_the_rubric_closed(start_interview, candidate, bank, outsider):
    led = start_peer(candidate, outsider, [bank[1]])  # made before the interview, led by the candidate
    client = api_as(candidate)
    assert "KEYPOINT-SECRET-2-a" in client.get(f"/api/sessions/{led.pk}/").content.decode()
    interview = start_interview()
    body = client.get(f"/api/sessions/{led.pk}/")
    assert body.status_code == 200 and body.json()["role"] == "lead"
    assert _secrets_in(body.content) == []
    client.force_login(candidate)
    page = client.get(f"/sessions/{led.pk}/")
    assert page.status_code == 200 and _secrets_in(page.content) == []
    _end(interview)
    assert "KEYPOINT-SECRET-2-a" in client.get(f"/api/sessions/{led.pk}/").content.decode()


def test_the_candidate_cannot_start_a_peer_interview_with_those_questions(interview, candidate, bank):
    response = api_as(candidate).post("/api/sessions/", {"mode": "peer", "question_ids": [bank[2].pk]}, format="json")
    assert response.status_code == 400


def test_the_progress_report_hides_missed_keypoints_of_the_interview_questions(start_interview, candidate, bank):
    earlier = services.session_create(by=candidate, mode="self", question_ids=[bank[0].pk])
    services.answer_submit(session=earlier, position=1, by=candidate)
    services.finish(session=fresh(earlier), by=candidate)
    data = queries.progress_report(candidate, "all")
    assert any("KEYPOINT-SECRET-1" in row["keypoint"] for row in data["missed_keypoints"])
    report = Report.objects.create(
        user=candidate, kind=Kind.PROGRESS, period="all", status=ReportStatus.READY, data=data
    )
    client = api_as(candidate)
    assert "KEYPOINT-SECRET-1" in client.get(f"/api/reports/{report.pk}/").content.decode()

    interview = start_interview()
    assert interview.status == Status.LIVE
    for url in (
        f"/api/reports/{report.pk}/",
        f"/reports/{report.pk}/",
        f"/api/reports/{report.pk}/download/?format=csv",
        f"/reports/{report.pk}/download/?format=csv",
    ):
        client.force_login(candidate)
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert _secrets_in(content) == [], url


@needs_poppler
def test_the_stored_pdf_is_not_served_while_a_keypoint_in_it_is_closed(start_interview, candidate, bank, tmp_path):
    earlier = services.session_create(by=candidate, mode="self", question_ids=[bank[0].pk])
    services.answer_submit(session=earlier, position=1, by=candidate)
    services.finish(session=fresh(earlier), by=candidate)
    report = Report.objects.create(user=candidate, kind=Kind.PROGRESS, period="all")
    assert build_report.apply(args=[report.pk]).get() == "ready"
    stored = bytes(Report.objects.get(pk=report.pk).pdf)
    assert "KEYPOINT-SECRET-1" in pdf_text(stored, tmp_path)  # the build sees every keypoint
    client = api_as(candidate)
    client.force_login(candidate)
    url = f"/reports/{report.pk}/download/?format="
    assert client.get(url + "pdf").content == stored

    interview = start_interview()
    closed = client.get(url + "pdf")
    assert closed.status_code == 200 and closed.content != stored
    assert _secrets_in(pdf_text(closed.content, tmp_path)) == []
    # The CSV's header leaves out the keypoint columns its rows no longer fill.
    rows = client.get(url + "csv").getvalue()
    assert rows == csv_bytes(queries.progress_answer_rows(candidate, "all", viewer=candidate))
    assert b"keypoint_1" not in rows

    _end(interview)
    assert client.get(url + "pdf").content == stored
    assert b"keypoint_3" in client.get(url + "csv").getvalue()


def test_the_question_page_keeps_the_rubric_closed_until_the_interview_ends(client, interview, candidate, bank):
    from ..conftest import login

    login(client, candidate)
    url = bank[0].get_absolute_url()
    page = client.get(url, {"rubric": "1"}).content.decode()
    assert "its rubric opens when the interview ends" in page and not _secrets_in(page)
    assert 'id="reveal-rubric"' not in client.get(url).content.decode()
    _end(interview)
    page = client.get(url, {"rubric": "1"}).content.decode()
    assert "<h2>Rubric</h2>" in page and "its rubric opens when the interview ends" not in page
