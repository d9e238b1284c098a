"""Report downloads as CSV: a candidate's answers (progress), and a hiring report's grid.

Cells that a spreadsheet would read as a formula get a leading apostrophe.
"""

import csv
import io
from datetime import date

from .formatting import recommendations_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_ROWS = 500  # rows per piece of a streamed download
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
    """The progress CSV in one piece: the rows are read first, to find the longest rubric."""
    rows = list(rows)
    widest = max((len(row.get("keypoints") or []) for row in rows), default=0)
    return b"".join(csv_chunks(rows, widest))


def csv_chunks(rows, widest: int, *, chunk_rows: int = CSV_CHUNK_ROWS):
    """The progress CSV as UTF-8 pieces: the header alone, then ``chunk_rows`` rows per piece.

    One row per answer, keypoint_N / weight_N / mark_N up to ``widest``, which the caller knows
    before the rows (reports.queries.progress_keypoint_width). `rows` is any iterable of
    progress_answer_rows() dicts; it is read once, and a piece goes out as soon as it is written,
    so a download holds one piece in memory, never the whole file.
    """
    keypoint_columns = [f"{name}_{n}" for n in range(1, widest + 1) for name in ("keypoint", "weight", "mark")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ANSWER_COLUMNS + keypoint_columns)
    yield _taken(out)
    for count, row in enumerate(rows, 1):
        cells = [row.get(c) for c in ANSWER_COLUMNS]
        cells[ANSWER_COLUMNS.index("tags")] = _joined(row.get("tags"))
        for kp in row.get("keypoints") or []:
            cells += [kp.get("text"), kp.get("weight"), kp.get("mark") or "unmarked"]
        writer.writerow([safe_cell(c) for c in cells])
        if count % chunk_rows == 0:
            yield _taken(out)
    if out.tell():
        yield _taken(out)


def _taken(out: io.StringIO) -> bytes:
    """What ``out`` holds, as UTF-8, leaving it empty for the next piece."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text.encode("utf-8")


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
        cells += [c.get("mean"), recommendations_text(c.get("recommendations"))]
        writer.writerow([safe_cell(v) for v in cells])
    _reliability_rows(writer, data.get("reliability"))
    return out.getvalue().encode("utf-8")


def _reliability_rows(writer, reliability):
    """After a blank row, the reliability section: one block per table of the page, each with its header."""
    if not reliability:
        return
    blocks = [
        (
            ["reliability_of", "level", "alpha", "interval_low", "interval_high", "pairs", "enough_data"],
            [
                [key, s.get("level"), s.get("alpha"), s.get("low"), s.get("high"), s.get("pairs"), s.get("enough")]
                for key in ("scores", "marks", "recommendations")
                for s in [reliability.get(key) or {}]
            ],
        ),
        (
            ["interviewer", "shared_answers", "leniency", "mark_pairs", "agreement", "overdue_scorecards"],
            [
                [i.get(k) for k in ("interviewer", "shared_answers", "leniency", "mark_pairs", "agreement", "overdue")]
                for i in reliability.get("interviewers") or []
            ],
        ),
        (
            [
                "question",
                "prompt",
                "scored",
                "discrimination",
                "floor_share",
                "ceiling_share",
                "nobody_covers",
                "no_signal",
            ],
            [
                [
                    f"Q{q.get('position')}",
                    q.get("prompt"),
                    q.get("scored"),
                    q.get("discrimination"),
                    q.get("floor_share"),
                    q.get("ceiling_share"),
                    _joined(q.get("uncovered_keypoints") or []),
                    q.get("no_signal"),
                ]
                for q in reliability.get("questions") or []
            ],
        ),
    ]
    for header, rows in blocks:
        writer.writerow([])
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
