"""The shapes these functions return are documented in docs/reports.md.

Read-only aggregations behind the progress and hiring reports: the JSON kept in Report.data.

Every section is computed by the database, one query per section (the hiring report's candidates
take three, its agreement two), so the number of queries does not depend on how many sessions or
answers there are: 8 for a progress report, 12 for a hiring report (13 when the set's team is not
loaded yet). No report loads answers into memory; Python only reshapes aggregated rows, whose
number is bounded by the output (questions, tags, candidates x questions). The CSV rows stream.

Scores: an answer's score in a progress report is ``Answer.score`` (the lead's), null counting as
0; in a hiring report it is each reviewer's ``AnswerReview.score``. Numbers are rounded to one
decimal, shares (0 to 1) to two.

The lead of a session is its ``interviewer``: ``sessions.services`` makes exactly that user the
lead ``Reviewer`` (in a peer session's mirror too), and ``Answer.score`` is their score. Matching
a mark's user to that column of the same row lets the database join instead of running a
subquery per keypoint.
"""

from .hiring import question_set_report
from .progress import period_range, progress_answer_rows, progress_keypoint_width, progress_report
from .snapshot import snapshot

__all__ = [
    "period_range",
    "progress_answer_rows",
    "progress_keypoint_width",
    "progress_report",
    "question_set_report",
    "snapshot",
]
