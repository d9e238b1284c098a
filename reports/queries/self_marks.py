"""The progress report's "your judgement" section: your self-marks against your peers' marks.

For someone who practises both alone and with peers, on the same questions: how far the score they
gave themselves in self-assessments is from the score their peer interviewers gave them, overall, per
topic and per month. One query, grouped by question, mode, month and topic in the database; Python
reshapes the groups, whose number is bounded by questions x topics x months.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count, Value
from django.db.models.functions import Coalesce, TruncMonth

from sessions.models import Mode

from .figures import round_or_none

MIN_QUESTIONS = 3  # questions answered both ways before a gap is shown


def self_against_peers(answers) -> dict:
    """Gap = your self-assessed score minus your peer interviewer's, averaged over questions done both ways.

    `answers` are the report's answers (the user's, finished within the period). Positive: you rate
    yourself above your interviewers. A question's self score is the mean of its self-assessments in
    the period; per month, the peer scores are those of that month's peer interviews. Gaps are None
    (not enough data) below MIN_QUESTIONS questions.
    """
    rows = (
        answers.filter(question__isnull=False, session__mode__in=[Mode.SELF, Mode.PEER])
        .values("question_id", "session__mode", "question__tags__name", month=TruncMonth("session__finished_at"))
        .annotate(score=Avg(Coalesce("score", Value(0.0))), answers=Count("pk"))
        .order_by()
    )
    own, peers, tags = _by_question(rows)
    both = sorted(set(own) & {q for q, _ in peers})
    peer_mean = _peer_means(peers)
    gaps = {q: own[q] - peer_mean[q] for q in both}
    by_tag = defaultdict(list)
    for q in both:
        for tag in tags[q]:
            by_tag[tag].append(gaps[q])
    by_month = defaultdict(list)
    for (q, month), (score, _) in peers.items():
        if q in own:
            by_month[month].append(own[q] - score)
    return {
        "questions": len(both),
        "gap": _gap(gaps.values()),
        "by_tag": sorted(
            ({"tag": tag, "questions": len(values), "gap": _gap(values)} for tag, values in by_tag.items()),
            key=lambda row: (row["gap"] is None, -abs(row["gap"] or 0), row["tag"]),
        ),
        "by_month": [
            {"month": month.date().isoformat()[:7], "questions": len(values), "gap": _gap(values)}
            for month, values in sorted(by_month.items())
        ],
    }


def _by_question(rows):
    """Self means per question, peer (mean, answers) per (question, month), and each question's topics."""
    own_total, own_count = defaultdict(float), defaultdict(int)
    peers, tags, seen = {}, defaultdict(set), set()
    for row in rows:
        q, month = row["question_id"], row["month"]
        if row["question__tags__name"]:
            tags[q].add(row["question__tags__name"])
        key = (q, row["session__mode"], month)
        if key in seen:  # the same group again, for another topic of the question
            continue
        seen.add(key)
        if row["session__mode"] == Mode.SELF:
            own_total[q] += row["score"] * row["answers"]
            own_count[q] += row["answers"]
        else:
            peers[(q, month)] = (row["score"], row["answers"])
    return {q: own_total[q] / own_count[q] for q in own_count}, peers, tags


def _peer_means(peers) -> dict:
    total, count = defaultdict(float), defaultdict(int)
    for (q, _), (score, answers) in peers.items():
        total[q] += score * answers
        count[q] += answers
    return {q: total[q] / count[q] for q in count}


def _gap(values):
    values = list(values)
    return round_or_none(sum(values) / len(values)) if len(values) >= MIN_QUESTIONS else None
