"""Scorecards and marks show words, not stored values (issue 17, point 8): on the results page,
and in the hiring report's CSV and PDF built from a real structured interview."""

import shutil
import subprocess

import pytest

from reports.csv_export import question_set_csv_bytes
from reports.pdf import pdf_bytes
from reports.queries.hiring import question_set_report
from sessions import services

from ..conftest import login
from .conftest import fresh, keypoint_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(structured, teammate, panelist):
    """The lead marks one keypoint partly covered and recommends "strong_yes"; the panelist "strong_no"."""
    kp = keypoint_ids(structured, 1)[0]
    services.mark_set(session=structured, position=1, keypoint_id=kp, by=teammate, value="partial")
    services.scorecard_submit(session=fresh(structured), by=panelist, recommendation="strong_no", summary="Weak")
    services.finish(session=fresh(structured), by=teammate, recommendation="strong_yes", summary="Great")
    return fresh(structured)


def test_the_manager_reads_recommendation_and_mark_labels(client, owner, finished):
    login(client, owner)
    page = client.get(f"/sessions/{finished.pk}/").content.decode()
    assert "Strong yes" in page and "Strong no" in page
    assert "strong_yes" not in page and "strong_no" not in page
    assert '<span class="mark-label">Partly covered</span>' in page


def test_an_outsider_is_refused_the_results(client, outsider, finished):
    login(client, outsider)
    assert client.get(f"/sessions/{finished.pk}/").status_code == 404


def test_the_hiring_report_csv_and_pdf_show_labels(finished, team_set, tmp_path):
    data = question_set_report(team_set)
    csv_text = question_set_csv_bytes(data).decode()
    assert "Strong yes" in csv_text and "Strong no" in csv_text and "strong_" not in csv_text
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(data))
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout.split()
    )
    assert "Strong yes" in text and "Strong no" in text and "strong_" not in text
