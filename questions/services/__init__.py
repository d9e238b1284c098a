"""Writes to questions and question sets, shared by the pages and the API.

Each function checks who may do it, validates what must hold across rows, and runs in its
own transaction. Validation problems raise ``ValidationError`` with a dict naming the
field; refusals raise ``PermissionDenied``.
"""

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 - re-exported for views and API

from ._who import can_change, check_visibility, is_team_manager  # noqa: F401
from .questions import (  # noqa: F401
    question_create,
    question_delete,
    question_update,
    questions_create_many,
    sync_keypoints,
    sync_keypoints_many,
    tags_from_names,
)
from .sets import (  # noqa: F401
    set_add_question,
    set_clone,
    set_create,
    set_delete,
    set_move_question,
    set_remove_question,
    set_reorder,
    set_update,
)
