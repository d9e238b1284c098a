"""Writes to interview sessions, shared by the pages and the API, one module per stage.

Refusals raise ``PermissionDenied`` (403) or ``Http404`` where the caller may not know the
object exists; bad input raises ``ValidationError`` naming the field; a request that does not
fit the session's state (finishing twice, advancing past the end) raises ``Conflict`` (409).
"""

from common.refusals import Conflict

from ._common import LOCKED_MESSAGE, MAX_QUESTIONS
from .answering import answer_save_text, answer_submit, mark_set, notes_save, rating_set, suggestions_accept
from .feedback import FEEDBACK_DUE, feedback_give, feedback_owed, feedback_owed_in, feedback_reminders_send
from .moving import (
    advance,
    finish,
    mirror_candidates,
    mirror_first_half,
    mirror_has_begun,
    mirror_questions_set,
    register_finish_hook,
    scorecard_submit,
    summary,
    swap_roles,
)
from .partners import partner_request_accept, partner_request_create, partner_request_withdraw
from .scorecards import (
    REMINDER_GAP,
    SCORECARD_DUE,
    scorecard_amend,
    scorecard_history,
    scorecard_reminders_send,
    scorecards_overdue,
)
from .starting import join_refusal, pick_questions, send_structured_invite, session_create, session_join

__all__ = [
    "Conflict",
    "FEEDBACK_DUE",
    "LOCKED_MESSAGE",
    "MAX_QUESTIONS",
    "REMINDER_GAP",
    "SCORECARD_DUE",
    "advance",
    "answer_save_text",
    "answer_submit",
    "feedback_give",
    "feedback_owed",
    "feedback_owed_in",
    "feedback_reminders_send",
    "finish",
    "join_refusal",
    "mark_set",
    "mirror_candidates",
    "mirror_first_half",
    "mirror_has_begun",
    "mirror_questions_set",
    "notes_save",
    "partner_request_accept",
    "partner_request_create",
    "partner_request_withdraw",
    "pick_questions",
    "rating_set",
    "register_finish_hook",
    "scorecard_amend",
    "scorecard_history",
    "scorecard_reminders_send",
    "scorecard_submit",
    "scorecards_overdue",
    "send_structured_invite",
    "session_create",
    "session_join",
    "suggestions_accept",
    "summary",
    "swap_roles",
]
