"""What an imported file may hold, and its problems as {item, row, field, message}.

A question is checked by ``rules.QuestionInputSerializer``, the one definition of a valid
question, read strictly: a file's types are exact and unknown fields are refused.
"""

from __future__ import annotations

import re

from rest_framework import serializers

from .. import rules

FORMAT_NAME = "interviewprep.question-set"
FORMAT_VERSION = 1
MAX_QUESTIONS = 500
_ITEM = re.compile(r"^questions\[(\d+)\]")


class TransferError(Exception):
    """A file that cannot be imported; ``errors`` lists every problem as {item, row, field, message}."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]))


def error(field, message, *, item=None, row=None) -> dict:
    return {"item": item, "row": row, "field": field, "message": message}


class _Exactly(serializers.Field):
    """A value that must be exactly this one, of the same type; ``message`` may name ``{found}``."""

    def __init__(self, value, message):
        self.value, self.message = value, message
        super().__init__()

    def validate_empty_values(self, data):
        return False, data

    def to_internal_value(self, data):
        if type(data) is not type(self.value) or data != self.value:
            found = "missing" if data in (serializers.empty, None) else rules.short(data)
            raise serializers.ValidationError(self.message.format(found=found))
        return data


class FileQuestion(rules.QuestionInputSerializer):
    keypoint_count_message = "A question needs {min} to {max} keypoints; this one has {count}."
    key = rules.Text(what="The key", max_length=rules.MAX_KEY, allow_blank=True, default=None)

    def validate_key(self, key):
        return key or None


class FileSet(rules.Shape):
    what = "set"
    title = rules.Text(what="The set's title", max_length=rules.MAX_TITLE)
    description = rules.Text(what="The description", allow_blank=True, default="")
    minutes_per_question = rules.WholeNumber(
        what="Minutes per question", min_value=1, max_value=rules.MAX_MINUTES, default=None
    )


class FileDocument(rules.Shape):
    format = _Exactly(FORMAT_NAME, f"This is not an InterviewPrep question set: format must be {FORMAT_NAME!r}.")
    version = _Exactly(
        FORMAT_VERSION, f"This site reads version {FORMAT_VERSION} of the format; the file's version is {{found}}."
    )
    set = FileSet()
    questions = FileQuestion(many=True)


def check(serializer_class, data, field=str) -> tuple[dict, list[tuple[int | None, str, str]]]:
    """The cleaned data and its problems as (item, field, message); ``field`` names a path for the user."""
    checked = serializer_class(data=data, context={"strict": True, "closed": True})
    if checked.is_valid():
        return checked.validated_data, []
    problems = []
    for path, message in rules.error_list(checked.errors):
        item = int(m[1]) if (m := _ITEM.match(path)) else None
        problems.append((item, field(path) or "file", rules.describe(path, message)))
    return {}, problems


def too_many(count: int) -> str:
    return f"The file has {count} questions; at most {MAX_QUESTIONS} can be imported at once."


def document(set_values: dict, questions: list[dict]) -> dict:
    """The parsed file: tags as slugs, as an export writes them."""
    questions = [{**q, "tags": [rules.tag_slug(name) for name in q["tags"]]} for q in questions]
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "set": set_values, "questions": questions}


def check_duplicate_keys(questions, field, errors) -> None:
    """``questions`` holds (item, row, question); the second use of a bank key is an error."""
    first: dict[str, int] = {}
    for item, row, q in questions:
        key = q.get("key").strip() if isinstance(q.get("key"), str) else None
        if key and key in first:
            message = f"The key {rules.short(key)} is also used by question {first[key]}; a set holds a question once."
            errors.append(error(field(item), message, item=item, row=row))
        elif key:
            first[key] = item
