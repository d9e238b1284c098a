"""Answers one app gives another that may not import it.

The import layers (docs/ARCHITECTURE.md, .importlinter) keep reports and practice side by side
above sessions, independent of each other. When one needs a figure only the other can compute
(the progress report shows the review queue), the app that knows registers a function here
under a name at start-up (``AppConfig.ready``), and the other asks by that name. With nothing
registered the answer is ``None``, and the asker leaves that part out.
"""

from collections.abc import Callable

REVIEW_SUMMARY = "review_summary"  # practice: (user=, at=, start=) -> the progress report's "reviews"

_answers: dict[str, Callable] = {}


def register(name: str, function: Callable) -> Callable:
    _answers[name] = function
    return function


def ask(name: str, /, **kwargs):
    """The registered function's answer, or None when no app registered one."""
    function = _answers.get(name)
    return None if function is None else function(**kwargs)
