"""The progress report's PDF: the same sections as its page (templates/reports/_progress_body.html)."""

from reportlab.platypus import KeepTogether

from reports.charts import bar_chart, column_chart, dot_plot, line_chart
from reports.formatting import delta_words, number, percent, period_label, score, self_gap_words, signed

from .flowables import WIDTH, bar_drawings, date_text, drawings, empty, paragraph, styles, table, widths


def progress_story(data):
    st = styles()
    totals = data.get("totals") or {}
    rng = data.get("range") or {}
    story = [paragraph(f"Progress report: {data.get('user') or 'you'}", st["title"])]
    span = (
        f"{date_text(rng.get('start'))} to {date_text(rng.get('end'))}"
        if rng.get("start")
        else f"everything up to {date_text(rng.get('end'))}"
        if rng.get("end")
        else ""
    )
    meta = period_label(data.get("period")) + (f": {span}" if span else "")
    meta += f". Generated {date_text(data.get('generated_at'), with_time=True)}." if data.get("generated_at") else "."
    story.append(paragraph(meta, st["meta"]))

    story.append(paragraph("Summary", st["h2"]))
    counts = [totals.get("sessions") or 0, totals.get("questions") or 0, score(totals.get("mean_score"))]
    story.append(table(["Sessions", "Questions answered", "Mean score (0 to 100)"], [counts], [WIDTH / 3] * 3))
    story += _change(data.get("change") or {})

    over_time = data.get("over_time") or []
    line = line_chart([(r.get("date"), number(r.get("mean_score"))) for r in over_time])
    story.append(KeepTogether([paragraph("Score over time", st["h2"]), *drawings([line])]))
    if over_time:
        rows = [
            [date_text(r.get("date")), r.get("sessions"), r.get("questions"), score(r.get("mean_score"))]
            for r in over_time
        ]
        header = ["Date", "Sessions", "Questions", "Mean score"]
        story.append(table(header, rows, widths(0.4, 0.2, 0.2, 0.2), numeric=(1, 2, 3)))

    story.append(paragraph("Mastery", st["h2"]))
    for heading, key, col in (("By topic", "by_tag", "Topic"), ("By difficulty", "by_difficulty", "Difficulty")):
        items = data.get(key) or []
        labels = [str(r.get(key[3:], "")).capitalize() if key == "by_difficulty" else r.get("tag", "") for r in items]
        pairs = list(zip(labels, items, strict=True))
        bars = bar_drawings(bar_chart, [(label, number(r.get("mean_score"))) for label, r in pairs])
        story.append(KeepTogether([paragraph(heading, st["h3"]), *bars]))
        if items:
            rows = [[label, r.get("answers"), score(r.get("mean_score"))] for label, r in pairs]
            story.append(table([col, "Answers", "Mean score"], rows, widths(0.6, 0.2, 0.2), numeric=(1, 2)))

    story.append(paragraph("Keypoints you miss most often", st["h2"]))
    missed = data.get("missed_keypoints") or []
    if missed:
        rows = [[m.get("keypoint"), m.get("question"), m.get("missed"), m.get("asked")] for m in missed]
        header = ["Keypoint", "Question", "Missed", "Asked"]
        story.append(table(header, rows, widths(0.4, 0.4, 0.1, 0.1), numeric=(2, 3)))
    else:
        story.append(empty())
    story += _practise_next(data.get("practise_next") or {}) + _reviews(data.get("reviews"))
    return story + _judgement(data.get("self_against_peers"))


def _change(change):
    st = styles()
    story = [paragraph("Since your previous report", st["h2"])]
    if not change.get("previous_report_id"):
        text = "This is your first report for this period, so there is nothing to compare with yet."
        return story + [paragraph(text, st["body"])]
    when = date_text(change.get("previous_generated_at"))
    generated = f", generated {when}" if when else ""
    story.append(paragraph(f"Compared with your previous report for this period{generated}:", st["body"]))
    mean_delta, sessions_delta = change.get("mean_score_delta"), change.get("sessions_delta")
    story.append(paragraph(f"Mean score: {delta_words(mean_delta, 'points')} ({signed(mean_delta)})", st["item"]))
    story.append(paragraph(f"Sessions: {delta_words(sessions_delta, '')} ({signed(sessions_delta)})", st["item"]))
    return story


def _practise_next(practise):
    st = styles()
    story = [paragraph("What to practise next", st["h2"]), paragraph("Your weakest questions", st["h3"])]
    weakest = practise.get("weakest_questions") or []
    for n, q in enumerate(weakest, 1):
        attempts = q.get("attempts") or 0
        plural = "s" if attempts != 1 else ""
        text = f"{q.get('prompt', '')} (mean {score(q.get('mean_score'))} over {attempts} attempt{plural})"
        story.append(paragraph(text, st["item"], bulletText=f"{n}."))
    if not weakest:
        story.append(empty())
    story.append(paragraph("Topics to work on", st["h3"]))
    tags = practise.get("weakest_tags") or []
    story.append(
        paragraph(", ".join(str(t) for t in tags), st["body"]) if tags else empty("No topic has a mean below 70.")
    )
    story.append(paragraph("Questions you have never tried", st["h3"]))
    never = practise.get("never_tried") or []
    for q in never:
        difficulty = f" ({q.get('difficulty')})" if q.get("difficulty") else ""
        story.append(paragraph(f"{q.get('prompt', '')}{difficulty}", st["item"], bulletText="•"))
    if not never:
        story.append(empty("You have tried every question you can see."))
    return story


def _reviews(section):
    """The page's "Review queue"; nothing for reports built before it existed."""
    if not section:
        return []
    st = styles()
    due, retention = section.get("due") or {}, section.get("retention") or {}
    story = [paragraph("Review queue", st["h2"])]
    when = date_text(section.get("as_of"), with_time=True)
    note = (
        "Keypoints you missed or partly covered come back for review when you are about to forget them "
        f"(scheduled with FSRS). As of {when}; days in {section.get('time_zone') or 'UTC'}."
    )
    story.append(paragraph(note, st["muted"]))
    header = ["Due now", "By the end of today", "Within 7 days", "Within 30 days", "Retention achieved"]
    keys = ("now", "today", "next_7_days", "next_30_days")
    row = [due.get(key) or 0 for key in keys] + [percent(retention.get("share"))]
    story.append(table(header, [row], [WIDTH / 5] * 5, numeric=(0, 1, 2, 3, 4)))
    reviews = retention.get("reviews") or 0
    text = (
        f"Retention achieved: {retention.get('covered') or 0} of {reviews} review{'s' if reviews != 1 else ''} of due "
        f"keypoints in this period answered covered; you aim for {percent(retention.get('desired'))}."
        if reviews
        else "No due keypoint was reviewed in this period yet, so there is no retention to show."
    )
    story.append(paragraph(text, st["body"]))
    days = section.get("by_day") or []
    chart = column_chart([(row.get("date"), number(row.get("due"))) for row in days], noun="keypoint")
    heading = paragraph("Coming up: keypoints falling due each day, today and the next 30 days", st["h3"])
    story.append(
        KeepTogether([heading, *(drawings([chart]) if chart else [empty("Nothing falls due in the next 30 days.")])])
    )
    story.append(paragraph("Topics you are most likely to forget", st["h3"]))
    tags = section.get("weakest_tags") or []
    for n, tag in enumerate(tags, 1):
        items = tag.get("items") or 0
        text = (
            f"{tag.get('tag', '')}: chance of recall {percent(tag.get('recall'))}, "
            f"{items} keypoint{'s' if items != 1 else ''}, {tag.get('due') or 0} due now"
        )
        story.append(paragraph(text, st["item"], bulletText=f"{n}."))
    if not tags:
        story.append(empty("No keypoints to review yet."))
    return story


def _judgement(section):
    """The page's "Your own marks against your interviewers'"; nothing for reports built before it existed."""
    if not section:
        return []
    st = styles()
    story = [paragraph("Your own marks against your interviewers'", st["h2"])]
    note = (
        "On questions you answered both alone and with a peer: the score you gave yourself minus the score your "
        "interviewer gave you. Above zero you rate yourself higher than they do. Shown from 3 questions."
    )
    story.append(paragraph(note, st["muted"]))
    if section.get("gap") is None:
        questions = section.get("questions") or 0
        return story + [empty(f"Not enough data yet: {questions} questions answered both ways; 3 needed.")]
    story.append(paragraph(f"{self_gap_words(section.get('gap'))} ({section.get('questions')} questions)", st["body"]))
    tags = section.get("by_tag") or []
    story += [
        paragraph(f"{self_gap_words(row.get('gap'), row.get('tag'))} ({row.get('questions')} questions)", st["body"])
        for row in tags
        if row.get("gap") is not None
    ]
    if tags:
        story += drawings([dot_plot([(row.get("tag", ""), number(row.get("gap"))) for row in tags])])
    months = section.get("by_month") or []
    if months:
        rows = [
            [r.get("month"), r.get("questions"), "not enough data" if r.get("gap") is None else signed(r.get("gap"))]
            for r in months
        ]
        story.append(table(["Month", "Questions", "Gap"], rows, widths(0.4, 0.3, 0.3), numeric=(1, 2)))
    return story
