"""The progress report's self-marks against peers' marks, on an example computed by hand."""

from datetime import UTC, datetime

import pytest

from reports import queries
from sessions.models import Mode

from ..factories import QuestionFactory, TagFactory, UserFactory
from .factories import Asked, Taken, build

NOW = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)


@pytest.fixture
def alice(db):
    """Alice marked herself on q1..q5 (80, 70, 90, 60, 50); bob interviewed her in October (q1 60, q2 70)
    and in November (q3 50, q1 70, q5 37). q4 she only did alone. Topics: q1, q2, q5 networking; q2, q3 IAM."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    net, iam = TagFactory(slug="networking", name="networking"), TagFactory(slug="iam", name="IAM")
    q1, q2, q3, q4, q5 = (QuestionFactory(tags=tags) for tags in ([net], [net, iam], [iam], [net], [net]))
    build(
        Taken(alice, [Asked(q, s) for q, s in ((q1, 80), (q2, 70), (q3, 90), (q4, 60), (q5, 50))], NOW.replace(day=10)),
        Taken(alice, [Asked(q1, 60), Asked(q2, 70)], datetime(2026, 10, 15, tzinfo=UTC), Mode.PEER, interviewer=bob),
        Taken(alice, [Asked(q3, 50), Asked(q1, 70), Asked(q5, 37)], NOW.replace(day=20), Mode.PEER, interviewer=bob),
    )
    return alice


def test_self_marks_against_peers_by_hand(alice):
    data = queries.progress_report(alice, "all", now=NOW)["self_against_peers"]

    # Per question, own minus the peers' mean: q1 80 - (60 + 70) / 2 = 15; q2 70 - 70 = 0; q3 90 - 50 = 40;
    # q5 50 - 37 = 13; q4 has no peer score. Overall (15 + 0 + 40 + 13) / 4 = 17.
    assert data["questions"] == 4
    assert data["gap"] == 17.0
    assert data["by_tag"] == [
        {"tag": "networking", "questions": 3, "gap": 9.3},  # (15 + 0 + 13) / 3
        {"tag": "IAM", "questions": 2, "gap": None},  # q2 and q3 only: not enough data
    ]
    assert data["by_month"] == [
        {"month": "2026-10", "questions": 2, "gap": None},  # q1 80 - 60, q2 70 - 70: two questions
        {"month": "2026-11", "questions": 3, "gap": 21.0},  # q3 40, q1 80 - 70 = 10, q5 13
    ]


def test_someone_who_only_practises_alone_has_no_gap(db):
    alone = UserFactory(username="alone")
    build(Taken(alone, [Asked(QuestionFactory(), 50)], NOW.replace(day=20)))

    data = queries.progress_report(alone, "all", now=NOW)["self_against_peers"]

    assert data == {"questions": 0, "gap": None, "by_tag": [], "by_month": []}


def test_the_sentence_and_the_page(alice, client):
    from django.template.loader import render_to_string

    from reports.formatting import self_gap_words

    assert self_gap_words(12.04, "networking") == "You rate yourself 12 points above your interviewers on networking."
    assert self_gap_words(-3.5, None) == "You rate yourself 3.5 points below your interviewers."
    assert self_gap_words(0.4, "IAM") == "You rate yourself about as your interviewers do on IAM."
    assert self_gap_words(None, "IAM") == ""

    html = render_to_string("reports/_progress_body.html", {"data": queries.progress_report(alice, "all", now=NOW)})
    text = " ".join(html.split())
    assert "Your own marks against your interviewers" in text
    assert "You rate yourself 17 points above your interviewers." in text
    assert "You rate yourself 9.3 points above your interviewers on networking." in text
    assert 'id="chart-self-gap"' in html


def test_the_pdf_has_the_section(alice, tmp_path):
    from reports.pdf import pdf_bytes

    from .test_render import needs_poppler, pdf_text

    if needs_poppler.args[0]:
        pytest.skip("poppler-utils is not installed")
    text = " ".join(pdf_text(pdf_bytes(queries.progress_report(alice, "all", now=NOW)), tmp_path).split())

    assert "Your own marks against your interviewers'" in text
    assert "You rate yourself 17 points above your interviewers. (4 questions)" in text
    assert "2026-11 3 +21.0" in text
