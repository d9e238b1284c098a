"""The hiring report's PDF: the same sections as its page (templates/reports/_question_set_body.html)."""

from reportlab.platypus import KeepTogether, Spacer

from reports.charts import bar_chart, dot_plot, grouped_bar_chart
from reports.formatting import (
    alpha_text,
    alpha_words,
    correlation,
    marks_compared,
    number,
    percent,
    recommendations_text,
    score,
    signed,
)
from reports.insights import question_insights

from .flowables import WIDTH, band, bar_drawings, date_text, drawings, empty, paragraph, styles, table, widths

QUESTIONS_PER_TABLE = 8


def question_set_story(data):
    st = styles()
    qset = data.get("question_set") or {}
    questions = data.get("questions") or []
    candidates = data.get("candidates") or []
    interviewers = data.get("interviewers") or []
    story = [paragraph(f"Hiring report: {qset.get('title') or 'question set'}", st["title"])]
    meta = qset.get("team") or ""
    if data.get("generated_at"):
        meta += f"{'. ' if meta else ''}Generated {date_text(data.get('generated_at'), with_time=True)}"
    story.append(paragraph(meta + ".", st["meta"]))

    story.append(paragraph("Summary", st["h2"]))
    counts = [len(candidates), len(questions), len(interviewers)]
    story.append(table(["Candidates", "Questions", "Interviewers"], [counts], [WIDTH / 3] * 3))

    story.append(paragraph("Candidates", st["h2"]))
    if candidates:
        story += _candidates(questions, candidates)
    else:
        story.append(empty("No data yet: no structured interviews on this set."))
    if questions:
        story.append(paragraph("Questions", st["h3"]))
        story += [paragraph(q.get("prompt", ""), st["item"], bulletText=f"Q{q.get('position')}.") for q in questions]
    story += _questions(question_insights(data)) + _interviewers(interviewers) + _agreement(data)
    return story + _reliability(data.get("reliability"))


def _candidates(questions, candidates):
    st = styles()
    note = (
        "Each cell is the mean of the panel's scores for that answer (0 to 100); a dash means nobody has scored it yet."
    )
    story = [paragraph(note, st["muted"])]
    starts = range(0, len(questions), QUESTIONS_PER_TABLE)
    chunks = [range(i, min(i + QUESTIONS_PER_TABLE, len(questions))) for i in starts] or [range(0)]
    for chunk_no, chunk in enumerate(chunks):
        last = chunk_no == len(chunks) - 1
        header = ["Candidate"] + [f"Q{questions[i].get('position')}" for i in chunk] + (["Mean"] if last else [])
        rows, backgrounds = [], []
        for r, c in enumerate(candidates, 1):
            cells = list(c.get("scores") or [])
            values = [cells[i] if i < len(cells) else None for i in chunk] + ([c.get("mean")] if last else [])
            rows.append([f"{c.get('candidate', '')} ({c.get('status', '')})"] + [score(v) for v in values])
            backgrounds += [((col, r), band(v)) for col, v in enumerate(values, 1) if band(v) is not None]
        first = min(WIDTH * 0.3, WIDTH - 40 * (len(header) - 1))
        column_widths = [first] + [(WIDTH - first) / max(1, len(header) - 1)] * (len(header) - 1)
        numeric = tuple(range(1, len(header)))
        story += [table(header, rows, column_widths, numeric, backgrounds), Spacer(1, 6)]
    story.append(paragraph("Recommendations", st["h3"]))
    rows = [
        [
            c.get("candidate"),
            c.get("status"),
            score(c.get("mean")),
            recommendations_text(c.get("recommendations")) or "—",
        ]
        for c in candidates
    ]
    header = ["Candidate", "Status", "Mean", "Recommendations"]
    return story + [table(header, rows, widths(0.25, 0.15, 0.1, 0.5), numeric=(2,))]


def _questions(insights):
    st = styles()
    story = [paragraph("Which questions tell candidates apart", st["h2"])]
    if not insights:
        return story + [empty()]
    note = "Sorted by spread: the gap between the lowest and the highest candidate score."
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
    header = ["Question", "Scored", "Lowest", "Highest", "Spread"]
    story += [paragraph(note, st["muted"]), table(header, rows, widths(0.56, 0.11, 0.11, 0.11, 0.11), (1, 2, 3, 4))]
    for q in insights:
        heading = paragraph(f"Q{q['position']}. {q['prompt']}", st["h3"])
        if not q["keypoints"]:
            story.append(KeepTogether([heading, empty("No data yet: no answer to this question has been reviewed.")]))
            continue
        shares = [(kp.get("text", ""), kp["missed_share"] * 100) for kp in q["keypoints"]]
        bars = bar_drawings(bar_chart, shares, unit="%", decimals=0)
        rows = [
            [
                kp.get("text", "") + (" (splits the field)" if kp["splits"] else ""),
                kp.get("marked"),
                kp.get("missed"),
                percent(kp["missed_share"]),
            ]
            for kp in q["keypoints"]
        ]
        header = ["Keypoint", "Marks", "Missed", "Missed share"]
        story.append(KeepTogether([heading, *bars, table(header, rows, widths(0.58, 0.12, 0.12, 0.18), (1, 2, 3))]))
    return story


def _interviewers(interviewers):
    st = styles()
    story = [paragraph("Interviewers compared with the panel", st["h2"])]
    if not interviewers:
        return story + [empty("No data yet: no interviewer has scored an answer.")]
    note = (
        "Each interviewer's mean score beside the panel's mean on the same answers. "
        "Below the panel means the interviewer marks harder; above, softer."
    )
    story.append(paragraph(note, st["muted"]))
    means = [
        (i.get("interviewer", ""), [number(i.get("mean_score")), number(i.get("panel_mean_score"))])
        for i in interviewers
    ]
    story += bar_drawings(grouped_bar_chart, means, ("Interviewer", "Panel on the same answers"))
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
    header = ["Interviewer", "Answers", "Mean", "Panel mean", "Difference", "Rating (panel)", "In words"]
    column_widths = widths(0.16, 0.11, 0.08, 0.1, 0.13, 0.14, 0.28)
    return story + [table(header, rows, column_widths, numeric=(1, 2, 3, 4, 5))]


def _agreement(data):
    st = styles()
    agreement = data.get("agreement") or {}
    story = [paragraph("How much the panel agrees", st["h2"])]
    if not agreement.get("pairs"):
        return story + [empty("No data yet: no answer has been scored by two interviewers.")]
    header = [
        "Pairs of scores on the same answer",
        "Mean gap between two scores (points)",
        "Pairs with the same recommendation",
    ]
    row = [
        agreement.get("pairs"),
        score(agreement.get("mean_abs_score_difference")),
        percent(agreement.get("same_recommendation_share")),
    ]
    return story + [table(header, [row], [WIDTH / 3] * 3)]


def _reliability(reliability):
    """The page's "Can the panel's numbers be trusted?" section; nothing for reports built before it existed."""
    if not reliability:
        return []
    st = styles()
    story = [paragraph("Can the panel's numbers be trusted?", st["h2"])]
    note = (
        "Krippendorff's alpha: 1 when interviewers scoring the same answer always agree, 0 when they agree no "
        "more than chance. Rely on it from 0.80, draw tentative conclusions from 0.67. A pair is two "
        f"interviewers judging the same thing; below {reliability.get('min_pairs', 10)} pairs: not enough data."
    )
    story.append(paragraph(note, st["muted"]))
    judged = [
        ("Overall scores (interval)", "scores"),
        ("Keypoint marks (ordinal)", "marks"),
        ("Recommendations (ordinal)", "recommendations"),
    ]
    rows = [
        [name, alpha_text(reliability.get(key)), alpha_words(reliability.get(key)).capitalize()] for name, key in judged
    ]
    story.append(table(["What was judged", "Alpha", "In words"], rows, widths(0.28, 0.36, 0.36)))
    return story + _leniency(reliability.get("interviewers") or []) + _signal(reliability.get("questions") or [])


def _leniency(interviewers):
    st = styles()
    story = [paragraph("Each interviewer against the rest of the panel", st["h3"])]
    if not interviewers:
        return story + [empty("No data yet: no interviewer has scored an answer.")]
    note = (
        "Leniency: the interviewer's score minus the mean of the others' on the same answer; above zero marks "
        "softer, below harder. Agreement: the share of their keypoint marks equal to another panel member's."
    )
    story.append(paragraph(note, st["muted"]))
    story += drawings([dot_plot([(i.get("interviewer", ""), number(i.get("leniency"))) for i in interviewers])])
    rows = [
        [
            i.get("interviewer"),
            i.get("shared_answers"),
            "not enough data" if i.get("leniency") is None else signed(i.get("leniency")),
            i.get("mark_pairs"),
            "not enough data" if i.get("agreement") is None else percent(i.get("agreement")),
            i.get("overdue"),
        ]
        for i in interviewers
    ]
    header = ["Interviewer", "Shared answers", "Leniency", "Mark pairs", "Agreement", "Overdue scorecards"]
    return story + [table(header, rows, widths(0.22, 0.14, 0.18, 0.12, 0.18, 0.16), numeric=(1, 2, 3, 4, 5))]


def _signal(questions):
    st = styles()
    story = [paragraph("Which questions carry signal", st["h3"])]
    if not questions:
        return story + [empty()]
    note = (
        "Discrimination: how closely a question's score follows the rest of the set (corrected item-total "
        "correlation); below 0.2 it says little. Floor and ceiling: candidates who missed, or covered, every keypoint."
    )
    story.append(paragraph(note, st["muted"]))
    bars = [(f"Q{q.get('position')}. {q.get('prompt', '')}", number(q.get("discrimination"))) for q in questions]
    story += bar_drawings(bar_chart, bars, max_value=1, decimals=2)
    rows = [
        [
            f"Q{q.get('position')}. {q.get('prompt', '')}"
            + (f" No signal: {q['no_signal']}" if q.get("no_signal") else ""),
            q.get("scored"),
            "not enough data" if q.get("discrimination") is None else correlation(q.get("discrimination")),
            percent(q.get("floor_share")),
            percent(q.get("ceiling_share")),
            "; ".join(q.get("uncovered_keypoints") or []) or "—",
        ]
        for q in questions
    ]
    header = ["Question", "Scored", "Discrimination", "Floor", "Ceiling", "Nobody covers"]
    return story + [table(header, rows, widths(0.34, 0.09, 0.15, 0.09, 0.1, 0.23), numeric=(1, 2, 3, 4))]
