"""A report of either kind as an A4 PDF: the same sections as its page, with its charts and tables.

The input is the report's plain data (reports.queries); nothing here touches the database. The charts
are the page's own (reports.charts), placed as ReportLab drawings.
"""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from .flowables import MARGIN, MUTED, PAGE_W, drawable, fonts, short
from .hiring import question_set_story
from .progress import progress_story


def report_title(data) -> str:
    data = data or {}
    if data.get("kind") == "question_set":
        return f"Hiring report: {(data.get('question_set') or {}).get('title') or 'question set'}"
    return f"Progress report: {data.get('user') or 'you'}"


def pdf_bytes(data) -> bytes:
    """An A4 PDF of a report of either kind: the same sections as the page, with charts and tables."""
    data = data or {}
    regular = fonts()[0]
    title = drawable(report_title(data))
    story = question_set_story(data) if data.get("kind") == "question_set" else progress_story(data)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, f"InterviewPrep · {short(title, 90)}")
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    margins = {f"{side}Margin": MARGIN for side in ("left", "right", "top", "bottom")}
    about = {"title": title, "subject": title, "author": "InterviewPrep", "creator": "InterviewPrep"}
    doc = SimpleDocTemplate(out, pagesize=A4, **margins, **about)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
