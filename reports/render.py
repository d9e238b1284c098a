"""Report downloads: a CSV of a candidate's answers, a CSV of a hiring report's grid, and a PDF of either.

The input is the report's plain data (reports.queries); nothing here touches the database. Cells that a
spreadsheet would read as a formula get a leading apostrophe. The PDF is drawn with ReportLab on A4, in
DejaVu Sans when the system has it (most of Unicode), else in Helvetica with the characters it cannot draw
replaced by "?".
"""

import csv
import io
import os
from datetime import date, datetime
from functools import cache
from xml.sax.saxutils import escape as xml_escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.templatetags.charts import (
    delta_words,
    isodate,
    marks_compared,
    number,
    percent,
    period_label,
    question_insights,
    recommendation_label,
    rounded,
    score,
    signed,
)

# CSV -------------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ANSWER_COLUMNS = ["session_id", "finished_at", "mode", "position", "prompt", "difficulty", "tags", "score"]


def safe_cell(value):
    """A value as a CSV cell; text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START):
        return "'" + text
    return text


def _joined(value, sep=";"):
    if isinstance(value, list | tuple):
        return sep.join(str(v) for v in value)
    return value


def csv_bytes(rows) -> bytes:
    """The progress CSV: one row per answer, keypoint_N / weight_N / mark_N up to the longest rubric.

    `rows` is any iterable of progress_answer_rows() dicts; it is read once.
    """
    body = io.StringIO()
    writer = csv.writer(body)
    widest = 0
    for row in rows:
        keypoints = row.get("keypoints") or []
        widest = max(widest, len(keypoints))
        cells = [row.get(c) for c in ANSWER_COLUMNS]
        cells[ANSWER_COLUMNS.index("tags")] = _joined(row.get("tags"))
        for kp in keypoints:
            cells += [kp.get("text"), kp.get("weight"), kp.get("mark") or "unmarked"]
        writer.writerow([safe_cell(c) for c in cells])
    head = io.StringIO()
    keypoint_columns = [f"{name}_{n}" for n in range(1, widest + 1) for name in ("keypoint", "weight", "mark")]
    csv.writer(head).writerow(ANSWER_COLUMNS + keypoint_columns)
    return (head.getvalue() + body.getvalue()).encode("utf-8")


def _recommendations_text(recommendations):
    return "; ".join(
        f"{r.get('interviewer', '')}{' (lead)' if r.get('lead') else ''}: "
        f"{recommendation_label(r.get('recommendation'))}"
        for r in recommendations or []
    )


def question_set_csv_bytes(data) -> bytes:
    """The hiring CSV: one row per candidate, one column per question (the panel's mean score)."""
    data = data or {}
    questions = data.get("questions") or []
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["session_id", "candidate", "status"]
    header += [f"Q{q.get('position')}: {q.get('prompt', '')}" for q in questions]
    header += ["mean", "recommendations"]
    writer.writerow([safe_cell(h) for h in header])
    for c in data.get("candidates") or []:
        scores = list(c.get("scores") or [])
        scores += [None] * (len(questions) - len(scores))
        cells = [c.get("session_id"), c.get("candidate"), c.get("status"), *scores[: len(questions)]]
        cells += [c.get("mean"), _recommendations_text(c.get("recommendations"))]
        writer.writerow([safe_cell(v) for v in cells])
    return out.getvalue().encode("utf-8")


# PDF: fonts, text and styles ------------------------------------------------------------------------------

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]
ACCENT = colors.HexColor("#1f5fbf")
SECOND = colors.HexColor("#c26a00")
TEXT = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#5a6472")
LINE = colors.HexColor("#d9dee5")
SOFT = colors.HexColor("#f3f5f8")
BANDS = {"low": colors.HexColor("#fde7e7"), "mid": colors.HexColor("#fff4d6"), "high": colors.HexColor("#e6f4ea")}
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN - 12  # what a frame leaves: it pads its content by 6 points each side


@cache
def _fonts():
    """(regular, bold, characters the font can draw or None for "cp1252 only")."""
    for folder in FONT_DIRS:
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont("ReportSans", regular))
            pdfmetrics.registerFont(TTFont("ReportSans-Bold", bold))
            pdfmetrics.registerFontFamily("ReportSans", normal="ReportSans", bold="ReportSans-Bold")
            face = pdfmetrics.getFont("ReportSans").face
            return "ReportSans", "ReportSans-Bold", frozenset(face.charToGlyph)
    return "Helvetica", "Helvetica-Bold", None


def drawable(value) -> str:
    """Text the PDF font can draw: anything else becomes "?"."""
    text = "" if value is None else str(value)
    glyphs = _fonts()[2]
    if glyphs is None:
        return text.encode("cp1252", errors="replace").decode("cp1252")
    return "".join(ch if ord(ch) in glyphs or ch in "\n\t" else "?" for ch in text)


def _p(value, style):
    """A Paragraph from plain text: escaped, since Paragraph reads its text as markup."""
    return Paragraph(xml_escape(drawable(value)), style)


def _short(value, limit):
    text = " ".join(drawable(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@cache
def _styles():
    regular, bold, _ = _fonts()
    s = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, textColor=TEXT, spaceAfter=4),
        "meta": ParagraphStyle("meta", fontName=regular, fontSize=9, leading=12, textColor=MUTED, spaceAfter=8),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=13.5, leading=17, textColor=TEXT, spaceBefore=12, spaceAfter=5
        ),
        "h3": ParagraphStyle("h3", fontName=bold, fontSize=11, leading=14, textColor=TEXT, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, textColor=TEXT, spaceAfter=4),
        "muted": ParagraphStyle("muted", fontName=regular, fontSize=9, leading=12, textColor=MUTED, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5, textColor=TEXT),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=10.5, textColor=TEXT),
    }
    s["num"] = ParagraphStyle("num", parent=s["cell"], alignment=TA_RIGHT)
    s["headnum"] = ParagraphStyle("headnum", parent=s["head"], alignment=TA_RIGHT)
    s["item"] = ParagraphStyle("item", parent=s["body"], leftIndent=12, bulletIndent=2, spaceAfter=2)
    return s


def _table(header, rows, widths, numeric=(), backgrounds=()):
    """A table of plain values: header row repeated on each page, numeric columns right-aligned."""
    st = _styles()
    data = [[_p(h, st["headnum"] if i in numeric else st["head"]) for i, h in enumerate(header)]]
    data += [[_p(v, st["num"] if i in numeric else st["cell"]) for i, v in enumerate(row)] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), SOFT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", cell, cell, colour) for cell, colour in backgrounds]
    table.setStyle(TableStyle(style))
    return table


def _band(value):
    v = number(value)
    if v is None:
        return None
    return BANDS["low" if v < 50 else "mid" if v < 70 else "high"]


def _empty(text="No data yet."):
    return _p(text, _styles()["muted"])


def _date_text(value, *, with_time=False):
    """An ISO date as "27 November 2026" (", 17:30" with the time)."""
    parsed = isodate(value)
    if parsed is None:
        return str(value or "")
    text = f"{parsed.day} {parsed:%B %Y}"
    return text + f", {parsed:%H:%M}" if with_time and isinstance(parsed, datetime) else text


# PDF: charts ---------------------------------------------------------------------------------------------


def _line_chart(points, x="date", y="mean_score"):
    regular = _fonts()[0]
    rows = [(p.get(x), number(p.get(y))) for p in points or []]
    if not any(v is not None for _, v in rows):
        return None
    dates = [isodate(label) for label, _ in rows]
    if all(isinstance(d, date) for d in dates):
        days = [d.date() if isinstance(d, datetime) else d for d in dates]
        start = min(days)
        xs = [(d - start).days for d in days]

        def label(offset):
            d = date.fromordinal(start.toordinal() + int(round(offset)))
            return f"{d.day} {d:%b}"
    else:
        xs = list(range(len(rows)))

        def label(offset):
            i = int(round(offset))
            return _short(rows[i][0], 10) if 0 <= i < len(rows) else ""

    segments, current = [], []
    for xv, (_, v) in zip(xs, rows, strict=True):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((xv, v))
    if current:
        segments.append(current)
    drawing = Drawing(WIDTH, 190)
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 34, 26, WIDTH - 50, 150
    lp.data = segments
    for i in range(len(segments)):
        lp.lines[i].strokeColor = ACCENT
        lp.lines[i].strokeWidth = 2
        lp.lines[i].symbol = makeMarker("FilledCircle", size=6, fillColor=ACCENT, strokeColor=ACCENT)
    span = max(xs) - min(xs)
    lp.xValueAxis.valueMin = min(xs) - (1 if not span else 0)
    lp.xValueAxis.valueMax = max(xs) + (1 if not span else 0)
    step = max(1, -(-max(span, 1) // 6))
    lp.xValueAxis.valueSteps = [min(xs)] if not span else list(range(min(xs), max(xs) + 1, step))
    lp.xValueAxis.labelTextFormat = label
    lp.yValueAxis.valueMin, lp.yValueAxis.valueMax, lp.yValueAxis.valueStep = 0, 100, 25
    lp.yValueAxis.visibleGrid = True
    lp.yValueAxis.gridStrokeColor = LINE
    for axis in (lp.xValueAxis, lp.yValueAxis):
        axis.labels.fontName = regular
        axis.labels.fontSize = 8
        axis.labels.fillColor = MUTED
        axis.strokeColor = MUTED
    drawing.add(lp)
    return drawing


def _bar_chart(labels, series, names=(), max_value=100, unit="", decimals=1):
    """Horizontal bars, first label on top; `series` is a list of value lists (one per colour).

    A list of drawings: long lists are cut into charts that each fit on a page.
    """
    if not labels:
        return []
    per_chart = max(1, 520 // (12 * len(series) + 8))
    return [
        _bar_drawing(
            labels[i : i + per_chart], [s[i : i + per_chart] for s in series], names, max_value, unit, decimals
        )
        for i in range(0, len(labels), per_chart)
    ]


def _bar_drawing(labels, series, names, max_value, unit, decimals):
    regular = _fonts()[0]
    per_row = 12 * len(series) + 8
    legend = 18 if names else 0
    plot_h = per_row * len(labels)
    drawing = Drawing(WIDTH, plot_h + 30 + legend)
    bc = HorizontalBarChart()
    bc.x, bc.y, bc.width, bc.height = 150, 20, WIDTH - 190, plot_h
    bc.data = series[::-1]  # bars of a group are drawn bottom-up: reversed, the first series is on top
    bc.categoryAxis.categoryNames = [_short(label, 34) for label in labels]
    bc.categoryAxis.reverseDirection = 1
    bc.categoryAxis.labels.fontName = regular
    bc.categoryAxis.labels.fontSize = 8
    bc.categoryAxis.labels.boxAnchor = "e"
    bc.categoryAxis.labels.dx = -4
    bc.categoryAxis.strokeColor = MUTED
    bc.valueAxis.valueMin, bc.valueAxis.valueMax = 0, max_value
    bc.valueAxis.valueStep = max_value / 4
    bc.valueAxis.labels.fontName = regular
    bc.valueAxis.labels.fontSize = 8
    bc.valueAxis.labels.fillColor = MUTED
    bc.valueAxis.visibleGrid = True
    bc.valueAxis.gridStrokeColor = LINE
    bc.valueAxis.strokeColor = MUTED
    bc.barSpacing = 1
    bc.groupSpacing = 6
    for i, colour in enumerate([ACCENT, SECOND, MUTED][: len(series)][::-1]):
        bc.bars[i].fillColor = colour
        bc.bars[i].strokeColor = None
    bc.barLabelFormat = lambda v: "" if v is None else f"{rounded(v, decimals)}{unit}"
    bc.barLabels.fontName = regular
    bc.barLabels.fontSize = 7.5
    bc.barLabels.boxAnchor = "w"
    bc.barLabels.dx = 3
    drawing.add(bc)
    if names:
        lg = Legend()
        lg.x, lg.y = 150, plot_h + 30 + legend - 6
        lg.alignment = "right"
        lg.columnMaximum = 1
        lg.deltax = 130
        lg.fontName = regular
        lg.fontSize = 8
        lg.colorNamePairs = list(zip([ACCENT, SECOND, MUTED], [drawable(n) for n in names], strict=False))
        drawing.add(lg)
    return drawing


def _chart_or_empty(charts):
    """Flowables: the chart(s), or "No data yet."."""
    if isinstance(charts, Drawing):
        return [charts]
    return list(charts) or [_empty()]


# PDF: the two kinds ------------------------------------------------------------------------------------


def _progress_story(data):
    st = _styles()
    totals = data.get("totals") or {}
    change = data.get("change") or {}
    rng = data.get("range") or {}
    story = [_p(f"Progress report: {data.get('user') or 'you'}", st["title"])]
    span = (
        f"{_date_text(rng.get('start'))} to {_date_text(rng.get('end'))}"
        if rng.get("start")
        else f"everything up to {_date_text(rng.get('end'))}"
        if rng.get("end")
        else ""
    )
    meta = period_label(data.get("period")) + (f": {span}" if span else "")
    meta += f". Generated {_date_text(data.get('generated_at'), with_time=True)}." if data.get("generated_at") else "."
    story.append(_p(meta, st["meta"]))

    story.append(_p("Summary", st["h2"]))
    story.append(
        _table(
            ["Sessions", "Questions answered", "Mean score (0 to 100)"],
            [[totals.get("sessions") or 0, totals.get("questions") or 0, score(totals.get("mean_score"))]],
            [WIDTH / 3] * 3,
        )
    )

    story.append(_p("Since your previous report", st["h2"]))
    if change.get("previous_report_id"):
        when = _date_text(change.get("previous_generated_at"))
        story.append(
            _p(
                f"Compared with your previous report for this period{', generated ' + when if when else ''}:",
                st["body"],
            )
        )
        mean_delta, sessions_delta = change.get("mean_score_delta"), change.get("sessions_delta")
        story.append(_p(f"Mean score: {delta_words(mean_delta, 'points')} ({signed(mean_delta)})", st["item"]))
        story.append(_p(f"Sessions: {delta_words(sessions_delta, '')} ({signed(sessions_delta)})", st["item"]))
    else:
        story.append(
            _p("This is your first report for this period, so there is nothing to compare with yet.", st["body"])
        )

    over_time = data.get("over_time") or []
    story.append(KeepTogether([_p("Score over time", st["h2"]), *_chart_or_empty(_line_chart(over_time) or [])]))
    if over_time:
        rows = [
            [_date_text(r.get("date")), r.get("sessions"), r.get("questions"), score(r.get("mean_score"))]
            for r in over_time
        ]
        story.append(
            _table(
                ["Date", "Sessions", "Questions", "Mean score"],
                rows,
                [WIDTH * 0.4, WIDTH * 0.2, WIDTH * 0.2, WIDTH * 0.2],
                numeric=(1, 2, 3),
            )
        )

    story.append(_p("Mastery", st["h2"]))
    for heading, key, col in (("By topic", "by_tag", "Topic"), ("By difficulty", "by_difficulty", "Difficulty")):
        items = data.get(key) or []
        labels = [str(r.get(key[3:], "")).capitalize() if key == "by_difficulty" else r.get("tag", "") for r in items]
        chart = _bar_chart(labels, [[number(r.get("mean_score")) for r in items]])
        story.append(KeepTogether([_p(heading, st["h3"]), *_chart_or_empty(chart)]))
        if items:
            rows = [
                [label, r.get("answers"), score(r.get("mean_score"))] for label, r in zip(labels, items, strict=True)
            ]
            story.append(
                _table([col, "Answers", "Mean score"], rows, [WIDTH * 0.6, WIDTH * 0.2, WIDTH * 0.2], numeric=(1, 2))
            )

    story.append(_p("Keypoints you miss most often", st["h2"]))
    missed = data.get("missed_keypoints") or []
    if missed:
        rows = [[m.get("keypoint"), m.get("question"), m.get("missed"), m.get("asked")] for m in missed]
        story.append(
            _table(
                ["Keypoint", "Question", "Missed", "Asked"],
                rows,
                [WIDTH * 0.4, WIDTH * 0.4, WIDTH * 0.1, WIDTH * 0.1],
                numeric=(2, 3),
            )
        )
    else:
        story.append(_empty())

    practise = data.get("practise_next") or {}
    story.append(_p("What to practise next", st["h2"]))
    story.append(_p("Your weakest questions", st["h3"]))
    weakest = practise.get("weakest_questions") or []
    for n, q in enumerate(weakest, 1):
        attempts = q.get("attempts") or 0
        plural = "s" if attempts != 1 else ""
        text = f"{q.get('prompt', '')} (mean {score(q.get('mean_score'))} over {attempts} attempt{plural})"
        story.append(Paragraph(xml_escape(drawable(text)), st["item"], bulletText=f"{n}."))
    if not weakest:
        story.append(_empty())
    story.append(_p("Topics to work on", st["h3"]))
    tags = practise.get("weakest_tags") or []
    story.append(_p(", ".join(str(t) for t in tags), st["body"]) if tags else _empty("No topic has a mean below 70."))
    story.append(_p("Questions you have never tried", st["h3"]))
    never = practise.get("never_tried") or []
    for q in never:
        difficulty = f" ({q.get('difficulty')})" if q.get("difficulty") else ""
        story.append(Paragraph(xml_escape(drawable(f"{q.get('prompt', '')}{difficulty}")), st["item"], bulletText="•"))
    if not never:
        story.append(_empty("You have tried every question you can see."))
    return story


def _question_set_story(data):
    st = _styles()
    qset = data.get("question_set") or {}
    questions = data.get("questions") or []
    candidates = data.get("candidates") or []
    interviewers = data.get("interviewers") or []
    agreement = data.get("agreement") or {}
    story = [_p(f"Hiring report: {qset.get('title') or 'question set'}", st["title"])]
    meta = qset.get("team") or ""
    if data.get("generated_at"):
        meta += f"{'. ' if meta else ''}Generated {_date_text(data.get('generated_at'), with_time=True)}"
    story.append(_p(meta + ".", st["meta"]))

    story.append(_p("Summary", st["h2"]))
    story.append(
        _table(
            ["Candidates", "Questions", "Interviewers"],
            [[len(candidates), len(questions), len(interviewers)]],
            [WIDTH / 3] * 3,
        )
    )

    story.append(_p("Candidates", st["h2"]))
    if candidates:
        story.append(
            _p(
                "Each cell is the mean of the panel's scores for that answer (0 to 100); "
                "a dash means nobody has scored it yet.",
                st["muted"],
            )
        )
        per_table = 8
        chunks = [list(range(i, min(i + per_table, len(questions)))) for i in range(0, len(questions), per_table)] or [
            []
        ]
        for chunk_no, chunk in enumerate(chunks):
            last = chunk_no == len(chunks) - 1
            header = ["Candidate"] + [f"Q{questions[i].get('position')}" for i in chunk] + (["Mean"] if last else [])
            rows, backgrounds = [], []
            for r, c in enumerate(candidates, 1):
                cells = list(c.get("scores") or [])
                values = [cells[i] if i < len(cells) else None for i in chunk] + ([c.get("mean")] if last else [])
                rows.append([f"{c.get('candidate', '')} ({c.get('status', '')})"] + [score(v) for v in values])
                backgrounds += [((col, r), _band(v)) for col, v in enumerate(values, 1) if _band(v) is not None]
            first = min(WIDTH * 0.3, WIDTH - 40 * (len(header) - 1))
            widths = [first] + [(WIDTH - first) / max(1, len(header) - 1)] * (len(header) - 1)
            story.append(_table(header, rows, widths, numeric=tuple(range(1, len(header))), backgrounds=backgrounds))
            story.append(Spacer(1, 6))
        story.append(_p("Recommendations", st["h3"]))
        rows = [
            [
                c.get("candidate"),
                c.get("status"),
                score(c.get("mean")),
                _recommendations_text(c.get("recommendations")) or "—",
            ]
            for c in candidates
        ]
        story.append(
            _table(
                ["Candidate", "Status", "Mean", "Recommendations"],
                rows,
                [WIDTH * 0.25, WIDTH * 0.15, WIDTH * 0.1, WIDTH * 0.5],
                numeric=(2,),
            )
        )
    else:
        story.append(_empty("No data yet: no structured interviews on this set."))
    if questions:
        story.append(_p("Questions", st["h3"]))
        for q in questions:
            story.append(
                Paragraph(xml_escape(drawable(q.get("prompt", ""))), st["item"], bulletText=f"Q{q.get('position')}.")
            )

    story.append(_p("Which questions tell candidates apart", st["h2"]))
    insights = question_insights(data)
    if insights:
        story.append(_p("Sorted by spread: the gap between the lowest and the highest candidate score.", st["muted"]))
        rows = [
            [
                f"Q{q['position']}. {q['prompt']}" + (" (tells candidates apart)" if q["tells_apart"] else ""),
                q["scored"],
                score(q["low"]),
                score(q["high"]),
                score(q["spread"]),
            ]
            for q in insights
        ]
        story.append(
            _table(
                ["Question", "Scored", "Lowest", "Highest", "Spread"],
                rows,
                [WIDTH * 0.56] + [WIDTH * 0.11] * 4,
                numeric=(1, 2, 3, 4),
            )
        )
        for q in insights:
            heading = _p(f"Q{q['position']}. {q['prompt']}", st["h3"])
            if not q["keypoints"]:
                story.append(
                    KeepTogether([heading, _empty("No data yet: no answer to this question has been reviewed.")])
                )
                continue
            labels = [kp.get("text", "") for kp in q["keypoints"]]
            chart = _bar_chart(labels, [[kp["missed_share"] * 100 for kp in q["keypoints"]]], unit="%", decimals=0)
            rows = [
                [
                    kp.get("text", "") + (" (splits the field)" if kp["splits"] else ""),
                    kp.get("marked"),
                    kp.get("missed"),
                    percent(kp["missed_share"]),
                ]
                for kp in q["keypoints"]
            ]
            table = _table(
                ["Keypoint", "Marks", "Missed", "Missed share"],
                rows,
                [WIDTH * 0.58, WIDTH * 0.12, WIDTH * 0.12, WIDTH * 0.18],
                numeric=(1, 2, 3),
            )
            story.append(KeepTogether([heading, *chart, table]))
    else:
        story.append(_empty())

    story.append(_p("Interviewers compared with the panel", st["h2"]))
    if interviewers:
        story.append(
            _p(
                "Each interviewer's mean score beside the panel's mean on the same answers. "
                "Below the panel means the interviewer marks harder; above, softer.",
                st["muted"],
            )
        )
        chart = _bar_chart(
            [i.get("interviewer", "") for i in interviewers],
            [
                [number(i.get("mean_score")) for i in interviewers],
                [number(i.get("panel_mean_score")) for i in interviewers],
            ],
            names=("Interviewer", "Panel on the same answers"),
        )
        story.extend(chart)
        rows = [
            [
                i.get("interviewer"),
                i.get("answers"),
                score(i.get("mean_score")),
                score(i.get("panel_mean_score")),
                signed(i.get("score_difference")),
                f"{score(i.get('mean_rating'))} / {score(i.get('panel_mean_rating'))}",
                marks_compared(i.get("score_difference")).capitalize(),
            ]
            for i in interviewers
        ]
        widths = [WIDTH * w for w in (0.16, 0.11, 0.08, 0.1, 0.13, 0.14, 0.28)]
        story.append(
            _table(
                ["Interviewer", "Answers", "Mean", "Panel mean", "Difference", "Rating (panel)", "In words"],
                rows,
                widths,
                numeric=(1, 2, 3, 4, 5),
            )
        )
    else:
        story.append(_empty("No data yet: no interviewer has scored an answer."))

    story.append(_p("How much the panel agrees", st["h2"]))
    if agreement.get("pairs"):
        rows = [
            [
                agreement.get("pairs"),
                score(agreement.get("mean_abs_score_difference")),
                percent(agreement.get("same_recommendation_share")),
            ]
        ]
        story.append(
            _table(
                [
                    "Pairs of scores on the same answer",
                    "Mean gap between two scores (points)",
                    "Pairs with the same recommendation",
                ],
                rows,
                [WIDTH / 3] * 3,
            )
        )
    else:
        story.append(_empty("No data yet: no answer has been scored by two interviewers."))
    return story


def report_title(data) -> str:
    data = data or {}
    if data.get("kind") == "question_set":
        return f"Hiring report: {(data.get('question_set') or {}).get('title') or 'question set'}"
    return f"Progress report: {data.get('user') or 'you'}"


def pdf_bytes(data) -> bytes:
    """An A4 PDF of a report of either kind: the same sections as the page, with charts and tables."""
    data = data or {}
    regular = _fonts()[0]
    title = drawable(report_title(data))
    story = _question_set_story(data) if data.get("kind") == "question_set" else _progress_story(data)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, f"InterviewPrep · {_short(title, 90)}")
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="InterviewPrep",
        subject=title,
        creator="InterviewPrep",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
