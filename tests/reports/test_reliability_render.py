"""The reliability section where the hiring manager reads it: the report page, its PDF and its CSV."""

import csv
import io
import re

import pytest

from reports import queries
from reports.charts import dot_plot, svg_markup
from reports.csv_export import question_set_csv_bytes
from reports.models import Kind, Report, ReportStatus
from reports.pdf import pdf_bytes
from teams.models import Membership

from ..conftest import login
from ..factories import MembershipFactory
from .test_panel import NOW, panel  # noqa: F401 (the fixture)
from .test_render import assert_accessible_svg, needs_poppler, pdf_text, text_of


@pytest.fixture
def report(panel, owner):  # noqa: F811
    MembershipFactory(team=panel.team, user=owner, role=Membership.Role.MANAGER)
    data = queries.question_set_report(panel, now=NOW)
    return Report.objects.create(
        kind=Kind.QUESTION_SET, user=owner, question_set=panel, status=ReportStatus.READY, data=data
    )


def test_the_manager_reads_the_section_and_an_outsider_gets_404(client, report, owner, outsider):
    login(client, owner)
    response = client.get(f"/reports/{report.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "Can the panel's numbers be trusted?" in text
    assert "Recommendations (ordinal) not enough data (5 pairs; 10 needed)" in text
    assert re.search(r"Overall scores \(interval\) 0\.\d\d, 95% interval [-0-9.]+ to [0-9.]+ \(15 pairs\)", text)
    assert "No signal from Q3. Q3? Nearly every candidate covers every keypoint" in text
    assert "Q2 B" in text  # nobody covers it
    assert 'id="chart-leniency"' in html and 'id="chart-discrimination"' in html
    for svg in re.findall(r'<svg\b[^>]*id="chart-(?:leniency|discrimination)".*?</svg>', html, re.S):
        assert_accessible_svg(svg)
    assert not re.search(r"\sstyle\s*=", html, re.I)  # the CSP allows no inline style
    assert "<script>" not in html  # nor inline script

    login(client, outsider)
    assert client.get(f"/reports/{report.pk}/").status_code == 404


def test_the_api_serves_the_section_to_the_manager_only(report, owner, outsider):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(owner)
    body = api.get(f"/api/reports/{report.pk}/").json()
    assert body["data"]["reliability"]["scores"]["pairs"] == 15
    api.force_authenticate(outsider)
    assert api.get(f"/api/reports/{report.pk}/").status_code == 404


def test_csv_has_the_reliability_blocks(report):
    rows = list(csv.reader(io.StringIO(question_set_csv_bytes(report.data).decode("utf-8"))))

    header = rows.index(["reliability_of", "level", "alpha", "interval_low", "interval_high", "pairs", "enough_data"])
    assert rows[header + 3][:2] == ["recommendations", "ordinal"] and rows[header + 3][5:] == ["5", "no"]
    leniency = rows.index(
        ["interviewer", "shared_answers", "leniency", "mark_pairs", "agreement", "overdue_scorecards"]
    )
    assert rows[leniency + 1] == ["ann", "15", "-3.3", "20", "0.95", "4"]
    questions = [row for row in rows if row and row[0] == "Q2"][-1]
    assert questions[6] == "Q2 B"


@needs_poppler
def test_pdf_has_the_reliability_section(report, tmp_path):
    text = " ".join(pdf_text(pdf_bytes(report.data), tmp_path).split())

    assert "Can the panel's numbers be trusted?" in text
    assert "not enough data (5 pairs; 10 needed)" in text
    assert "Each interviewer against the rest of the panel" in text and "Which questions carry signal" in text
    assert "No signal: Nearly every candidate covers every keypoint" in text


def test_dot_plot_places_dots_around_zero():
    chart = dot_plot([("ann", -10.0), ("ben", 5.0), ("cat", None)], limit=10)

    svg = svg_markup(chart, chart_id="c", title="Leniency")
    dots = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)"', svg)]
    # The track runs from x = 8 to 472: -10 at its left end, +5 three quarters along.
    assert dots == [8, 8 + 0.75 * 464]
    assert "cat: no data" in svg and "ben: +5.0" in svg
    assert chart.desc.startswith("Dot plot around zero, -10 to +10, 3 rows")
    assert dot_plot([("ann", None)]) is None
