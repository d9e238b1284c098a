"""Session pages, one module per stage: start, room, end, lists (urls.py names them here)."""

from .end import feedback, finish, scorecard, scorecard_amend
from .lists import compare, session_list
from .partners import partners
from .room import accept_suggestions, advance, answer_submit, answer_text, mark, notes, poll, rating, room
from .start import join, mirror_questions, session_new, swap

__all__ = [
    "accept_suggestions",
    "advance",
    "answer_submit",
    "answer_text",
    "compare",
    "feedback",
    "finish",
    "join",
    "mark",
    "mirror_questions",
    "notes",
    "partners",
    "poll",
    "rating",
    "room",
    "scorecard",
    "scorecard_amend",
    "session_list",
    "session_new",
    "swap",
]
