"""Question pages, one module per job: browse, authoring, sets (urls.py names them here)."""

from .authoring import question_delete, question_edit
from .browse import question_detail, question_list, set_detail, set_list
from .sets import set_clone, set_create, set_delete, set_edit, set_export, set_import

__all__ = [
    "question_delete",
    "question_detail",
    "question_edit",
    "question_list",
    "set_clone",
    "set_create",
    "set_delete",
    "set_detail",
    "set_edit",
    "set_export",
    "set_import",
    "set_list",
]
