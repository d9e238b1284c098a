"""Downloads: the progress CSV streams as its rows are read; the PDF is rendered by the build and served
from the report."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import queries, tasks
from reports.csv_export import ANSWER_COLUMNS, csv_bytes, csv_chunks
from reports.models import Kind, Report, ReportStatus
from sessions import services as session_services
from sessions.models import InterviewSession, Mode

from ..conftest import login
from ..factories import QuestionFactory
from .test_render import PROGRESS, needs_poppler, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def wide(owner, practised):
    """A second session whose one question has five keypoints: the CSV is five keypoints wide."""
    question = QuestionFactory(keypoints=["One", "=Two", "Three", "Four", "Five"])
    session = session_services.session_create(by=owner, mode=Mode.SELF, question_ids=[question.pk])
    session_services.answer_submit(session=session, position=1, by=owner)
    session_services.finish(session=session, by=owner)
    return session


def _built(owner, period="all"):
    report = Report.objects.create(kind=Kind.PROGRESS, user=owner, period=period)
    assert tasks.build_report.apply(args=[report.pk]).get() == "ready"
    return Report.objects.get(pk=report.pk)


def test_the_progress_csv_streams_the_file_it_wrote_in_one_piece(client, owner, wide):
    report = _built(owner)
    login(client, owner)
    response = client.get(f"/reports/{report.pk}/download/?format=csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="progress-report-{report.pk}.csv"'
    pieces = iter(response.streaming_content)
    header = next(pieces)
    with CaptureQueriesContext(connection) as while_streaming:
        body = b"".join(pieces)
    # The rows were read while the body went out, not before the response was returned.
    assert any("ORDER BY" in query["sql"] for query in while_streaming)
    assert header + body == csv_bytes(queries.progress_answer_rows(owner, "all"))
    rows = list(csv.reader(io.StringIO((header + body).decode())))
    assert rows[0][-3:] == ["keypoint_5", "weight_5", "mark_5"] and len(rows) == 4
    assert rows[3][8:11] == ["One", "2", "unmarked"] and rows[3][11] == "'=Two"


def test_the_progress_csv_header_is_as_wide_as_its_widest_row(owner, practised, wide):
    earlier = timezone.now() - timedelta(hours=1)
    InterviewSession.objects.filter(pk=practised.pk).update(finished_at=earlier)
    assert queries.progress_keypoint_width(owner, "all") == 5
    assert queries.progress_keypoint_width(owner, "all", now=earlier) == 3  # the wide one not yet
    assert queries.progress_keypoint_width(owner, "30d", now=earlier.replace(year=2000)) == 0


def test_the_csv_is_written_a_piece_at_a_time_as_its_rows_are_read():
    read = []

    def rows():
        for n in range(1250):
            read.append(n)
            yield {"session_id": n, "keypoints": [{"text": "k", "weight": 1, "mark": "covered"}]}

    pieces = csv_chunks(rows(), 1, chunk_rows=500)
    assert next(pieces).decode() == ",".join([*ANSWER_COLUMNS, "keypoint_1", "weight_1", "mark_1"]) + "\r\n"
    assert read == []
    assert next(pieces).count(b"\r\n") == 500 and len(read) == 500
    assert next(pieces).count(b"\r\n") == 500 and len(read) == 1000
    assert next(pieces).count(b"\r\n") == 250 and len(read) == 1250
    assert next(pieces, None) is None
    assert b"".join(csv_chunks([], 0)) == csv_bytes([])


@needs_poppler
def test_the_build_stores_the_pdf_and_the_download_serves_it(client, owner, practised, tmp_path):
    report = _built(owner)
    assert report.status == ReportStatus.READY
    stored = bytes(report.pdf)
    assert "Progress report: owner" in pdf_text(stored, tmp_path)
    login(client, owner)
    response = client.get(f"/reports/{report.pk}/download/?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == stored
    # What is served is the stored file, whatever it holds.
    Report.objects.filter(pk=report.pk).update(pdf=b"%PDF-1.4 stored by the build")
    assert client.get(f"/reports/{report.pk}/download/?format=pdf").content == b"%PDF-1.4 stored by the build"


@needs_poppler
def test_a_report_built_before_pdfs_were_stored_still_downloads(client, owner, tmp_path):
    report = Report.objects.create(kind=Kind.PROGRESS, user=owner, status=ReportStatus.READY, data=PROGRESS)
    login(client, owner)
    response = client.get(f"/reports/{report.pk}/download/?format=pdf")
    assert response.status_code == 200
    assert "Progress report: alice" in pdf_text(response.content, tmp_path)
    report.refresh_from_db()
    assert report.pdf is None  # rendered for this download, as before


def test_someone_else_gets_404_and_a_report_not_ready_409(client, owner, outsider, practised):
    report = _built(owner)
    login(client, outsider)
    for fmt in ("pdf", "csv"):
        assert client.get(f"/reports/{report.pk}/download/?format={fmt}").status_code == 404
    queued = Report.objects.create(kind=Kind.PROGRESS, user=owner, period="30d")
    login(client, owner)
    for fmt in ("pdf", "csv"):
        response = client.get(f"/reports/{queued.pk}/download/?format={fmt}")
        assert response.status_code == 409 and response.content == b"The report is not ready yet."


def test_pages_and_lists_do_not_read_the_stored_pdf(owner, practised):
    _built(owner)
    with CaptureQueriesContext(connection) as captured:
        list(Report.objects.for_user(owner))
    assert '"pdf"' not in captured[0]["sql"]
