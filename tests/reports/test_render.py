"""Report rendering: the page bodies (SVG charts and tables), the CSV downloads and the PDF."""

import copy
import csv
import io
import re
import shutil
import subprocess

import pytest
from django.template.loader import render_to_string
from PIL import Image

from reports.csv_export import csv_bytes, question_set_csv_bytes, safe_cell
from reports.pdf import pdf_bytes
from reports.templatetags.charts import bar_chart_svg, grouped_bar_chart_svg, line_chart_svg, question_insights

XSS = "<script>alert(1)</script>"

PROGRESS = {
    "kind": "progress",
    "period": "30d",
    "generated_at": "2026-11-27T17:30:00+00:00",
    "user": "alice",
    "range": {"start": "2026-10-28T17:30:00+00:00", "end": "2026-11-27T17:30:00+00:00"},
    "totals": {"sessions": 12, "questions": 40, "mean_score": 61.3},
    "over_time": [
        {"date": "2026-11-01", "sessions": 2, "questions": 6, "mean_score": 55.0},
        {"date": "2026-11-04", "sessions": 1, "questions": 3, "mean_score": 47.5},
        {"date": "2026-11-10", "sessions": 4, "questions": 12, "mean_score": 63.2},
        {"date": "2026-11-18", "sessions": 3, "questions": 10, "mean_score": 68.9},
        {"date": "2026-11-26", "sessions": 2, "questions": 9, "mean_score": 72.4},
    ],
    "by_tag": [
        {"tag": "S3", "answers": 9, "mean_score": 48.2},
        {"tag": XSS, "answers": 4, "mean_score": 52.0},
        {"tag": "IAM", "answers": 11, "mean_score": 66.6},
        {"tag": "VPC", "answers": 16, "mean_score": 81.0},
    ],
    "by_difficulty": [
        {"difficulty": "basic", "answers": 20, "mean_score": 70.1},
        {"difficulty": "intermediate", "answers": 14, "mean_score": 58.4},
        {"difficulty": "advanced", "answers": 6, "mean_score": 39.7},
    ],
    "missed_keypoints": [
        {
            "keypoint": "Mentions bucket policies",
            "question": "How do you keep an S3 bucket private?",
            "question_id": 12,
            "missed": 5,
            "asked": 6,
        },
        {
            "keypoint": "Names the NAT gateway",
            "question": "A removed question",
            "question_id": None,
            "missed": 3,
            "asked": 4,
        },
    ],
    "practise_next": {
        "weakest_questions": [
            {"question_id": 12, "prompt": "How do you keep an S3 bucket private?", "mean_score": 20.0, "attempts": 3},
            {"question_id": 31, "prompt": "Explain IAM roles versus users", "mean_score": 41.5, "attempts": 1},
        ],
        "weakest_tags": ["S3", "IAM"],
        "never_tried": [{"question_id": 3, "prompt": "What is a security group?", "difficulty": "basic"}],
    },
    "change": {
        "previous_report_id": 7,
        "previous_generated_at": "2026-11-20T09:00:00+00:00",
        "mean_score_delta": 4.2,
        "sessions_delta": 3,
    },
}

EMPTY_PROGRESS = {
    "kind": "progress",
    "period": "all",
    "generated_at": "2026-11-27T17:30:00+00:00",
    "user": "newbie",
    "range": {"start": None, "end": "2026-11-27T17:30:00+00:00"},
    "totals": {"sessions": 0, "questions": 0, "mean_score": None},
    "over_time": [],
    "by_tag": [],
    "by_difficulty": [],
    "missed_keypoints": [],
    "practise_next": {"weakest_questions": [], "weakest_tags": [], "never_tried": []},
    "change": {
        "previous_report_id": None,
        "previous_generated_at": None,
        "mean_score_delta": None,
        "sessions_delta": None,
    },
}

QUESTION_SET = {
    "kind": "question_set",
    "generated_at": "2026-11-27T17:30:00+00:00",
    "question_set": {"id": 4, "title": "Platform loop", "team": "Cloud platform"},
    "questions": [
        {"position": 1, "prompt": "Design a multi-region failover"},
        {"position": 2, "prompt": "Explain VPC peering limits"},
        {"position": 3, "prompt": "Rotate IAM access keys safely"},
    ],
    "candidates": [
        {
            "session_id": 9,
            "candidate": "bob",
            "status": "finished",
            "scores": [62.5, 90.0, 40.0],
            "mean": 64.2,
            "recommendations": [
                {"interviewer": "ann", "lead": True, "recommendation": "yes"},
                {"interviewer": "carl", "lead": False, "recommendation": "strong_yes"},
            ],
        },
        {
            "session_id": 10,
            "candidate": '=HYPERLINK("http://evil")',
            "status": "live",
            "scores": [20.0, 85.0, None],
            "mean": 52.5,
            "recommendations": [{"interviewer": "ann", "lead": True, "recommendation": ""}],
        },
    ],
    "keypoint_misses": [
        {
            "position": 1,
            "prompt": "Design a multi-region failover",
            "keypoints": [
                {"text": "Health checks drive DNS failover", "marked": 8, "missed": 5, "missed_share": 0.625},
                {"text": XSS, "marked": 8, "missed": 1, "missed_share": 0.125},
            ],
        },
        {
            "position": 2,
            "prompt": "Explain VPC peering limits",
            "keypoints": [{"text": "No transitive peering", "marked": 4, "missed": 4, "missed_share": 1.0}],
        },
    ],
    "interviewers": [
        {
            "interviewer": "ann",
            "answers": 30,
            "mean_score": 58.0,
            "panel_mean_score": 61.0,
            "score_difference": -3.0,
            "mean_rating": 2.6,
            "panel_mean_rating": 2.8,
        },
        {
            "interviewer": "carl",
            "answers": 12,
            "mean_score": 70.5,
            "panel_mean_score": 64.0,
            "score_difference": 6.5,
            "mean_rating": None,
            "panel_mean_rating": None,
        },
    ],
    "agreement": {"pairs": 14, "mean_abs_score_difference": 12.5, "same_recommendation_share": 0.71},
}

EMPTY_QUESTION_SET = {
    "kind": "question_set",
    "generated_at": "2026-11-27T17:30:00+00:00",
    "question_set": {"id": 5, "title": "Empty loop", "team": "Cloud platform"},
    "questions": [],
    "candidates": [],
    "keypoint_misses": [],
    "interviewers": [],
    "agreement": {"pairs": 0, "mean_abs_score_difference": None, "same_recommendation_share": None},
}


def render(template, data):
    return render_to_string(f"reports/{template}", {"data": data})


def text_of(html):
    """The visible text, tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def assert_no_inline_style(html):
    assert not re.search(r"\sstyle\s*=", html, re.I), "inline style attribute"
    assert "<style" not in html.lower(), "<style> element"
    assert "<script" not in html.lower(), "script element"


def svgs(html):
    return re.findall(r"<svg\b.*?</svg>", html, re.S)


def assert_accessible_svg(svg):
    ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert 'role="img"' in svg
    assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg
    for ident in ids:
        assert f'id="{ident}"' in svg, ident
    assert re.search(r"<title id=[^>]+>[^<]+</title>", svg)
    assert re.search(r"<desc id=[^>]+>[^<]+</desc>", svg)


# Body templates -------------------------------------------------------------------------------------------


def test_progress_body_shows_every_section_in_order():
    html = render("_progress_body.html", PROGRESS)
    text = text_of(html)
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == [
        "Summary",
        "Since your previous report",
        "Score over time",
        "Mastery",
        "Keypoints you miss most often",
        "What to practise next",
    ]
    assert "Last 30 days: 28 October 2026 to 27 November 2026" in text
    assert "Sessions 12" in text and "Questions answered 40" in text and "Mean score 61.3" in text
    assert "Mean score: up 4.2 points (+4.2)" in text and "Sessions: up 3 (+3)" in text
    assert '<a href="/reports/7/">your previous report</a>' in html
    assert "26 Nov 2026 2 9 72.4" in text  # the over-time table
    assert "Intermediate 14 58.4" in text
    assert "Mentions bucket policies" in html and "5 6" in text
    assert '<a href="/questions/12/">How do you keep an S3 bucket private?</a>' in html
    assert "A removed question" in text and "/questions/None/" not in html
    assert "mean 20.0 over 3 attempts" in text and "mean 41.5 over 1 attempt" in text
    assert 'href="/questions/?tag=s3"' in html
    assert '<a href="/questions/3/">What is a security group?</a>' in html
    assert_no_inline_style(html)


def test_progress_body_charts_have_text_alternatives_and_tables():
    html = render("_progress_body.html", PROGRESS)
    charts = svgs(html)
    assert len(charts) == 3  # over time, by tag, by difficulty
    for svg in charts:
        assert_accessible_svg(svg)
    over_time = charts[0]
    assert "Mean score over time" in over_time
    assert "Lowest 47.5 on 2026-11-04, highest 72.4 on 2026-11-26, latest 72.4" in over_time
    assert over_time.count("<circle") == 5
    assert "S3 48.2" in charts[1] and "VPC 81.0" in charts[1]
    assert "advanced 39.7" in charts[2]
    assert html.count("<caption>") == 4
    assert 'scope="col"' in html and 'scope="row"' in html


def test_labels_are_escaped_in_svg_and_tables():
    html = render("_progress_body.html", PROGRESS)
    assert XSS not in html
    by_tag = svgs(html)[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in by_tag
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in html
    html = render("_question_set_body.html", QUESTION_SET)
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svgs(html)[0]


def test_progress_body_with_no_data():
    for data in (EMPTY_PROGRESS, {}):
        html = render("_progress_body.html", data)
        text = text_of(html)
        assert "<svg" not in html
        assert text.count("No data yet") >= 4
        assert "This is your first report for this period" in text
        assert "Mean score —" in text
        assert_no_inline_style(html)
    assert "All time: everything up to 27 November 2026" in text_of(render("_progress_body.html", EMPTY_PROGRESS))


def test_question_set_body_shows_every_section():
    html = render("_question_set_body.html", QUESTION_SET)
    text = text_of(html)
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == [
        "Summary",
        "Candidates",
        "Which questions tell candidates apart",
        "Interviewers compared with the panel",
        "How much the panel agrees",
    ]
    assert "“Platform loop” · Cloud platform" in text
    assert "bob finished 62.5 90.0 40.0 64.2 ann (lead): Yes carl: Strong yes" in text
    assert "20.0 85.0 — 52.5 ann (lead): not submitted" in text
    assert '<abbr title="Design a multi-region failover">Q1</abbr>' in html
    assert "Marks harder than the panel by 3.0 points" in text
    assert "Marks softer than the panel by 6.5 points" in text
    assert "-3.0" in text and "+6.5" in text
    assert "Pairs of scores on the same answer 14" in text and "12.5 points" in text and "71%" in text
    assert "Health checks drive DNS failover splits the field 8 5 63%" in text
    assert "No transitive peering 4 4 100%" in text
    assert_no_inline_style(html)


def test_question_set_body_sorts_questions_by_spread():
    html = render("_question_set_body.html", QUESTION_SET)
    spread_table = html.split("<caption>Spread of candidate scores")[1].split("</table>")[0]
    order = re.findall(r"Q(\d)\. ", text_of(spread_table))
    assert order == ["1", "2", "3"]  # spread 42.5, 5.0, then Q3 with one score
    assert "tells candidates apart" in spread_table.split("Q2.")[0]
    assert "tells candidates apart" not in spread_table.split("Q2.")[1]
    reordered = copy.deepcopy(QUESTION_SET)
    reordered["candidates"][1]["scores"] = [60.0, 10.0, 30.0]
    assert [q["position"] for q in question_insights(reordered)] == [2, 3, 1]


def test_question_set_body_charts_and_tables():
    html = render("_question_set_body.html", QUESTION_SET)
    charts = svgs(html)
    assert len(charts) == 3  # keypoints of Q1 and Q2, interviewers vs panel
    for svg in charts:
        assert_accessible_svg(svg)
    assert len({re.search(r'id="([^"]+)"', svg).group(1) for svg in charts}) == 3
    assert "Health checks drive DNS failover 63%" in charts[0]
    interviewers = charts[2]
    assert "ann: Interviewer 58.0, Panel on the same answers 61.0" in interviewers
    assert interviewers.count("<rect") == 2 + 4  # legend swatches and four bars
    assert html.count("<caption>") == 5


def test_question_set_body_with_no_data():
    for data in (EMPTY_QUESTION_SET, {}):
        html = render("_question_set_body.html", data)
        text = text_of(html)
        assert "<svg" not in html
        assert "No data yet: no structured interviews on this set." in text
        assert "No data yet: no interviewer has scored an answer." in text
        assert "No data yet: no answer has been scored by two interviewers." in text
        assert_no_inline_style(html)


# Charts ---------------------------------------------------------------------------------------------------


def test_line_chart_places_points_by_date_and_breaks_on_gaps():
    svg = line_chart_svg(
        [
            {"date": "2026-11-01", "mean_score": 0},
            {"date": "2026-11-02", "mean_score": None},
            {"date": "2026-11-11", "mean_score": 100},
        ],
        chart_id="t",
        title="T",
    )
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(circles) == 2
    (x0, y0), (x1, y1) = [(float(x), float(y)) for x, y in circles]
    assert x0 < x1 and y0 > y1  # 0 at the bottom, 100 at the top
    assert re.search(r'<path d="M[\d.]+ [\d.]+ M', svg)  # the gap lifts the pen
    assert line_chart_svg([{"date": "2026-11-01", "mean_score": None}], chart_id="e") == (
        '<p class="chart-empty">No data yet.</p>'
    )


def test_bar_charts_scale_and_clamp():
    svg = bar_chart_svg(
        [{"t": "half", "s": 0.5}, {"t": "over", "s": 1.7}], label="t", value="s", scale=100, unit="%", decimals=0
    )
    widths = [float(w) for w in re.findall(r'<rect x="8" y="[\d.]+" width="([\d.]+)" height="16" fill="#1f5fbf"', svg)]
    assert widths == [232.0, 464.0]
    assert "half: 50%" in svg and "over: 170%" in svg
    assert bar_chart_svg([], label="t", value="s") == '<p class="chart-empty">No data yet.</p>'
    grouped = grouped_bar_chart_svg(
        [{"n": "a", "x": 10, "y": None}], label="n", values="x,y", series="X,Y", chart_id="g", title="G"
    )
    assert "a: X 10.0, Y no data" in grouped


# CSV ------------------------------------------------------------------------------------------------------


def answer_rows():
    yield {
        "session_id": 1,
        "finished_at": "2026-11-01T10:00:00+00:00",
        "mode": "self",
        "position": 1,
        "prompt": "What is S3?",
        "difficulty": "basic",
        "tags": "S3;storage",
        "score": 75.0,
        "keypoints": [
            {"text": "Object storage", "weight": 2, "mark": "covered"},
            {"text": "=1+1", "weight": 1, "mark": "partial"},
        ],
    }
    yield {
        "session_id": 2,
        "finished_at": "2026-11-02T10:00:00+00:00",
        "mode": "peer",
        "position": 3,
        "prompt": "@SUM(A1:A9) - how?",
        "difficulty": "advanced",
        "tags": ["IAM", "security"],
        "score": None,
        "keypoints": [
            {"text": "Least privilege", "weight": 1, "mark": None},
            {"text": "-cmd|' /C calc'!A0", "weight": 1, "mark": "missed"},
            {"text": "+ roles", "weight": 1, "mark": "covered"},
        ],
    }


def test_progress_csv_columns_rows_and_formula_protection():
    out = csv_bytes(answer_rows())
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"))))
    assert rows[0] == [
        "session_id", "finished_at", "mode", "position", "prompt", "difficulty", "tags", "score",
        "keypoint_1", "weight_1", "mark_1", "keypoint_2", "weight_2", "mark_2", "keypoint_3", "weight_3", "mark_3",
    ]  # fmt: skip
    assert len(rows) == 3
    assert rows[1][:8] == ["1", "2026-11-01T10:00:00+00:00", "self", "1", "What is S3?", "basic", "S3;storage", "75.0"]
    assert rows[1][8:] == ["Object storage", "2", "covered", "'=1+1", "1", "partial"]
    assert rows[2][4] == "'@SUM(A1:A9) - how?"
    assert rows[2][6] == "IAM;security" and rows[2][7] == ""
    assert rows[2][8:] == [
        "Least privilege",
        "1",
        "unmarked",
        "'-cmd|' /C calc'!A0",
        "1",
        "missed",
        "'+ roles",
        "1",
        "covered",
    ]
    assert csv_bytes([]).decode() == ",".join(rows[0][:8]) + "\r\n"


def test_safe_cell_leaves_numbers_and_plain_text_alone():
    assert safe_cell(-3.0) == -3.0
    assert safe_cell("plain - text") == "plain - text"
    assert safe_cell("  =cmd") == "'  =cmd"
    assert safe_cell("\t=cmd") == "'\t=cmd"
    assert safe_cell(None) == ""


def test_question_set_csv():
    rows = list(csv.reader(io.StringIO(question_set_csv_bytes(QUESTION_SET).decode("utf-8"))))
    assert rows[0] == [
        "session_id", "candidate", "status", "Q1: Design a multi-region failover", "Q2: Explain VPC peering limits",
        "Q3: Rotate IAM access keys safely", "mean", "recommendations",
    ]  # fmt: skip
    assert rows[1] == ["9", "bob", "finished", "62.5", "90.0", "40.0", "64.2", "ann (lead): Yes; carl: Strong yes"]
    assert rows[2] == [
        "10",
        '\'=HYPERLINK("http://evil")',
        "live",
        "20.0",
        "85.0",
        "",
        "52.5",
        "ann (lead): not submitted",
    ]
    assert len(rows) == 3
    assert len(list(csv.reader(io.StringIO(question_set_csv_bytes(EMPTY_QUESTION_SET).decode())))) == 1


# PDF ------------------------------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def pdf_text(pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(out.split())


def accent_pixels(pdf, tmp_path, page=1):
    """How many pixels of the first page are the charts' blue (#1f5fbf): a chart was really drawn."""
    path = tmp_path / "chart.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), str(path), str(tmp_path / "pg")], check=True
    )
    image = Image.open(next(tmp_path.glob("pg*.png"))).convert("RGB")
    for old in tmp_path.glob("pg*.png"):
        old.unlink()
    colours = image.getcolors(1 << 24)
    return sum(n for n, (r, g, b) in colours if abs(r - 0x1F) < 24 and abs(g - 0x5F) < 24 and abs(b - 0xBF) < 24)


def page_count(pdf):
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@needs_poppler
def test_progress_pdf(tmp_path):
    data = copy.deepcopy(PROGRESS)
    data["user"] = "Zoë Ångström 漢"
    pdf = pdf_bytes(data)
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) >= 1
    text = pdf_text(pdf, tmp_path)
    assert "Progress report: Zoë Ångström" in text
    for heading in ("Summary", "Score over time", "Mastery", "Keypoints you miss most often", "What to practise next"):
        assert heading in text, heading
    assert "Mentions bucket policies" in text and XSS in text
    assert "up 4.2 points (+4.2)" in text
    assert "26 November 2026" in text  # the over-time table
    assert "72.4" in text
    assert accent_pixels(pdf, tmp_path) > 300  # the line chart and the bars of page 1


@needs_poppler
def test_question_set_pdf(tmp_path):
    pdf = pdf_bytes(QUESTION_SET)
    assert pdf.startswith(b"%PDF-") and page_count(pdf) >= 1
    text = pdf_text(pdf, tmp_path)
    assert "Hiring report: Platform loop" in text
    for heading in ("Candidates", "Which questions tell candidates apart", "Interviewers compared with the panel"):
        assert heading in text, heading
    assert "Marks harder than the panel by 3.0" in text
    assert "ann (lead): Yes; carl: Strong yes" in text
    assert "Panel on the same answers" in text  # the chart's legend
    assert accent_pixels(pdf, tmp_path, page=2) > 100  # the interviewer bars


@needs_poppler
def test_pdf_with_no_data_and_many_questions(tmp_path):
    for data in (EMPTY_PROGRESS, EMPTY_QUESTION_SET, {}):
        pdf = pdf_bytes(data)
        assert pdf.startswith(b"%PDF-")
        assert "No data yet" in pdf_text(pdf, tmp_path)
        assert accent_pixels(pdf, tmp_path) < 50  # no chart drawn
    wide = copy.deepcopy(QUESTION_SET)
    wide["questions"] = [{"position": n, "prompt": f"Question {n}"} for n in range(1, 13)]
    for c in wide["candidates"]:
        c["scores"] = [float(n * 7 % 100) for n in range(12)]
    text = pdf_text(pdf_bytes(wide), tmp_path)
    assert "Q12" in text and "Q8" in text
