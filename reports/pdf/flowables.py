"""What a report PDF is made of: its fonts and styles, paragraphs, tables and the charts' drawings.

Text is drawn in DejaVu Sans when the system has it (most of Unicode), else in Helvetica with the
characters it cannot draw replaced by "?".
"""

import os
from datetime import datetime
from functools import cache
from xml.sax.saxutils import escape as xml_escape

from reportlab.graphics.shapes import Group, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, Table, TableStyle

from reports import formatting

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]
TEXT = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#5a6472")
LINE = colors.HexColor("#d9dee5")
SOFT = colors.HexColor("#f3f5f8")
BANDS = {"low": colors.HexColor("#fde7e7"), "mid": colors.HexColor("#fff4d6"), "high": colors.HexColor("#e6f4ea")}
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN - 12  # what a frame leaves: it pads its content by 6 points each side
# A chart is drawn in the page's units, where it stands beside 16 px text, at most 480 px wide (a bar
# chart) or 576 px (the line and column charts); scaled so, it stands in the same proportion to the 9.5 pt text here.
CHART_SCALE = {"bar": 0.6, "line": 0.72, "column": 0.72}
BARS_PER_DRAWING = 16  # a longer bar chart is cut into several drawings, none taller than a page


@cache
def fonts():
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
    glyphs = fonts()[2]
    if glyphs is None:
        return text.encode("cp1252", errors="replace").decode("cp1252")
    return "".join(ch if ord(ch) in glyphs or ch in "\n\t" else "?" for ch in text)


def paragraph(value, style, **options):
    """A Paragraph from plain text: escaped, since Paragraph reads its text as markup."""
    return Paragraph(xml_escape(drawable(value)), style, **options)


def short(value, limit):
    return formatting.short(drawable(value), limit)


@cache
def styles():
    regular, bold, _ = fonts()
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


def widths(*shares):
    """Column widths from shares of the frame's width."""
    return [WIDTH * share for share in shares]


def table(header, rows, column_widths, numeric=(), backgrounds=()):
    """A table of plain values: header row repeated on each page, numeric columns right-aligned."""
    st = styles()
    data = [[paragraph(h, st["headnum"] if i in numeric else st["head"]) for i, h in enumerate(header)]]
    data += [[paragraph(v, st["num"] if i in numeric else st["cell"]) for i, v in enumerate(row)] for row in rows]
    flowable = Table(data, colWidths=column_widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), SOFT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", cell, cell, colour) for cell, colour in backgrounds]
    flowable.setStyle(TableStyle(style))
    return flowable


def band(value):
    """The background of a 0-100 score's cell: below 50 low, below 70 mid, else high."""
    v = formatting.number(value)
    if v is None:
        return None
    return BANDS["low" if v < 50 else "mid" if v < 70 else "high"]


def empty(text="No data yet."):
    return paragraph(text, styles()["muted"])


def date_text(value, *, with_time=False):
    """An ISO date as "27 November 2026" (", 17:30" with the time)."""
    parsed = formatting.isodate(value)
    if parsed is None:
        return str(value or "")
    text = f"{parsed.day} {parsed:%B %Y}"
    return text + f", {parsed:%H:%M}" if with_time and isinstance(parsed, datetime) else text


def drawings(charts):
    """Flowables for reports.charts charts (None for "no data"): the drawings in the PDF's font and size."""
    placed = []
    for chart in filter(None, charts):
        chart.drawing.renderScale = CHART_SCALE[chart.kind]
        for string in _strings(chart.drawing):
            string.fontName, string.text = fonts()[0], drawable(string.text)
        placed.append(chart.drawing)
    return placed or [empty()]


def bar_drawings(draw, rows, *args, **options):
    """A bar chart of `rows` by `draw` (reports.charts), cut into drawings that each fit on a page."""
    cut = range(0, len(rows), BARS_PER_DRAWING)
    return drawings([draw(rows[i : i + BARS_PER_DRAWING], *args, **options) for i in cut])


def _strings(group):
    for shape in group.contents:
        if isinstance(shape, Group):
            yield from _strings(shape)
        elif isinstance(shape, String):
            yield shape
