"""What makes a question valid: every limit and check on a question and its keypoints, written once.

``QuestionInputSerializer``, with ``KeypointInputSerializer(many=True)``, is the one definition.
Every way in runs it: the services (so the authoring form, the API and the import, which all write
through them), the API's write serializer (which extends it), the bank loader and the import of
files. Its messages name what they are about ("The prompt has 301 characters; ..."), and
``describe`` adds which keypoint ("Keypoint 2: the weight must be ..."), so an entry point only
says where: a form field, an API field, a file's item and row, a bank entry.

Two context flags serve files. ``strict`` reads types exactly: a number is not text and "3" is not
a weight (YAML turns ``2024-01-01`` into a date; a spreadsheet turns text into numbers). ``closed``
refuses fields the serializer does not know, so a misspelt ``refernce_answer`` is not silently lost.
Pages and the API keep DRF's usual coercion (a weight posted as "2").

Limits:

- a prompt: one line, at most 300 characters (the column); context and reference answer: Markdown
  of at most 20,000 characters each;
- at most 5 tags, each at most 50 characters and usable as a slug. The bank's editors keep to 3
  (a content rule, in ``tests/questions/test_bank.py``), but people's own questions have been
  written with up to 5 through the form, the API and imports, and must stay editable;
- 3 to 6 keypoints, each at most 300 characters, weighing a whole number from 1 to 10 (the bank
  uses 1 and 2: again a content rule); evidence terms and contradicting phrases at most 100
  characters each.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.text import slugify
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from .models import Difficulty, Question, QuestionSet, RubricKeypoint, Tag

MAX_PROMPT = Question._meta.get_field("prompt").max_length  # 300
MAX_MARKDOWN = 20_000
MAX_TAGS = 5
MAX_TAG = Tag._meta.get_field("slug").max_length  # 50
MIN_KEYPOINTS, MAX_KEYPOINTS = 3, 6
MAX_KEYPOINT_TEXT = RubricKeypoint._meta.get_field("text").max_length  # 300
MIN_WEIGHT, MAX_WEIGHT = 1, 10
MAX_TERM = 100
MAX_KEY = Question._meta.get_field("bank_key").max_length  # 80
# A question set's own fields.
MAX_TITLE = QuestionSet._meta.get_field("title").max_length  # 200
MAX_MINUTES = 180

_NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
_SURROGATE = re.compile("[\ud800-\udfff]")
_KEYPOINT_PATH = re.compile(r"(?:^|\.)keypoints\[(\d+)\]")
_ARTICLE = re.compile(r"^(The|An?|It) ")


def kind(value) -> str:
    """What a value is, in words, for messages about a value of the wrong type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    names = {int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}
    return next((name for t, name in names.items() if isinstance(value, t)), f"a {type(value).__name__}")


def short(value) -> str:
    """The value quoted and cut to 40 characters; ``repr`` escapes what a response cannot carry."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def tag_slug(name: str) -> str:
    return slugify(name)[:MAX_TAG]


# --- fields whose messages say what they are about ----------------------------------------------


class _Named:
    """Messages that say what the field is (``{what}``); an explicit null reads as "not given"."""

    what = "This"
    default_error_messages = {"required": "{what} is missing.", "null": "{what} is missing."}

    def __init__(self, *args, what=None, **kwargs):
        if what:
            self.what = what
        super().__init__(*args, **kwargs)
        # The OpenAPI schema says so (nullable): a field that may be left out may be null.
        if not self.required:
            self.allow_null = True

    @property
    def strict(self) -> bool:
        return bool(self.context.get("strict"))

    def fail(self, key, **kwargs):
        super().fail(key, what=self.what, **kwargs)

    def validate_empty_values(self, data):
        return super().validate_empty_values(empty if data is None and not self.required else data)


class Text(_Named, serializers.CharField):
    """Stripped text, without NUL characters or lone surrogates (no database stores them)."""

    default_error_messages = {
        "blank": "{what} is empty.",
        "invalid": "{what} must be text, not {kind}.",
        "nul": "{what} contains a NUL character.",
        "surrogate": "{what} holds a lone surrogate escape (\\ud800 to \\udfff), which is not a character.",
        "max_length": "{what} has {length} characters; at most {max_length} are allowed.",
        "one_line": "{what} must be one line; put details in the context.",
    }

    def __init__(self, *, one_line=False, **kwargs):
        super().__init__(**kwargs)
        self.one_line = one_line

    def to_internal_value(self, data):
        # Before DRF's validators (length, NUL, surrogates), with messages that say which field.
        if isinstance(data, bool) or not isinstance(data, str if self.strict else str | int | float):
            self.fail("invalid", kind=kind(data))
        value = str(data).strip()
        if "\x00" in value:
            self.fail("nul")
        if _SURROGATE.search(value):
            self.fail("surrogate")
        if self.one_line and ("\n" in value or "\r" in value):
            self.fail("one_line")
        if self.max_length is not None and len(value) > self.max_length:
            self.fail("max_length", length=len(value), max_length=self.max_length)
        return value


class WholeNumber(_Named, serializers.IntegerField):
    default_error_messages = {"invalid": "{what} must be a whole number from {min} to {max}, not {value}."}

    def to_internal_value(self, data):
        number = data
        if not self.strict and isinstance(data, str) and data.strip().isdecimal() and data.isascii():
            number = int(data)
        elif not self.strict and isinstance(data, float) and data.is_integer():
            number = int(data)
        if isinstance(number, bool) or not isinstance(number, int) or not self.min_value <= number <= self.max_value:
            self.fail("invalid", min=self.min_value, max=self.max_value, value=short(data))
        return number


class Choice(_Named, serializers.ChoiceField):
    """One of the choices, whatever its case and surrounding spaces."""

    default_error_messages = {
        "required": "Choose one of: {choices}; {what} is missing.",
        "null": "Choose one of: {choices}; {what} is missing.",
        "invalid_choice": "Choose one of: {choices}; not {value}.",
    }

    def fail(self, key, **kwargs):
        super().fail(key, choices=", ".join(self.choices), **kwargs)

    def to_internal_value(self, data):
        value = data.strip().lower() if isinstance(data, str) else data
        if value == "":
            self.fail("required")
        if not isinstance(value, str) or value not in self.choices:
            self.fail("invalid_choice", value=short(data))
        return value


class ListOf(_Named, serializers.ListField):
    default_error_messages = {"not_a_list": "{what} must be a list of {items}, not {kind}."}

    def __init__(self, *, items, **kwargs):
        self.items = items
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", items=self.items, kind=kind(data))
        return self.run_child_validation(data)


class Terms(ListOf):
    """Evidence terms or contradicting phrases: text, blanks dropped."""

    def __init__(self, *, what, child, **kwargs):
        super().__init__(
            what=what, items="terms", child=Text(what=child, max_length=MAX_TERM, allow_blank=True), **kwargs
        )

    def to_internal_value(self, data):
        return [term for term in super().to_internal_value(data) if term]


class Tags(ListOf):
    """Tag names, the first of each slug kept; each must make a slug, and there are at most MAX_TAGS."""

    default_error_messages = {
        "unusable": "{name} is not a usable tag name.",
        "too_many": "A question has at most {max} tags; this one has {count}.",
    }

    def __init__(self, **kwargs):
        child = Text(what="A tag", max_length=MAX_TAG, allow_blank=True)
        super().__init__(what="tags", items="tag names", child=child, default=list, **kwargs)

    def to_internal_value(self, data):
        names, slugs, errors = [], set(), {}
        for i, name in enumerate(super().to_internal_value(data)):
            slug = tag_slug(name)
            if name and not slug:
                errors[i] = [self.error_messages["unusable"].format(name=short(name))]
            elif slug and slug not in slugs:
                names.append(name)
                slugs.add(slug)
        if errors:
            raise serializers.ValidationError(errors)
        if len(names) > MAX_TAGS:
            self.fail("too_many", max=MAX_TAGS, count=len(names))
        return names


# --- objects and lists of them ------------------------------------------------------------------


class Shape(_Named, serializers.Serializer):
    """An object; with the ``closed`` context flag, fields it does not declare are refused."""

    default_error_messages = {"invalid": "{what} must be an object with {fields}, not {kind}."}

    def to_internal_value(self, data):
        fields = ", ".join(self.fields)
        if not isinstance(data, dict):
            message = self.error_messages["invalid"].format(what=self.what, fields=fields, kind=kind(data))
            raise serializers.ValidationError({_NON_FIELD: [message]})
        unknown = {}
        if self.context.get("closed"):
            unknown = {str(n): [f"Unknown field {short(n)}; expected {fields}."] for n in data if n not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**exc.detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class Items(serializers.ListSerializer):
    """A list of objects; errors are keyed by the item's index, as DRF 3.20 will do."""

    default_error_messages = {"not_a_list": "{name} must be a list, not {kind}.", "required": "{name} is missing."}

    def fail(self, key, **kwargs):
        super().fail(key, name=self.field_name, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", kind=kind(data))
        values, errors = [], {}
        for i, item in enumerate(data):
            try:
                values.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                errors[i] = exc.detail
        self.check_count(len(data), errors)
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def check_count(self, count, errors):
        pass


class KeypointList(Items):
    def get_validators(self):
        # What the OpenAPI schema says (minItems, maxItems); check_count refuses first, naming the count.
        return [MinLengthValidator(MIN_KEYPOINTS), MaxLengthValidator(MAX_KEYPOINTS)]

    def check_count(self, count, errors):
        if MIN_KEYPOINTS <= count <= MAX_KEYPOINTS:
            return
        message = self.parent.keypoint_count_message.format(min=MIN_KEYPOINTS, max=MAX_KEYPOINTS, count=count)
        if not errors:
            raise serializers.ValidationError([message])
        errors[_NON_FIELD] = [message]


class KeypointInputSerializer(Shape):
    """One rubric keypoint: what a good answer says, its weight, and the terms that show it."""

    what = "It"
    text = Text(what="The text", max_length=MAX_KEYPOINT_TEXT)
    weight = WholeNumber(what="The weight", min_value=MIN_WEIGHT, max_value=MAX_WEIGHT, default=1)
    evidence = Terms(what="The evidence", child="An evidence term", default=list)
    contradicts = Terms(what="The contradicting phrases", child="A contradicting phrase", required=False)

    class Meta:
        list_serializer_class = KeypointList


class QuestionInputSerializer(Shape):
    """A question as written: the one definition of what a question may hold."""

    what = "Each question"
    keypoint_count_message = "A question needs {min} to {max} keypoints; it has {count}."

    prompt = Text(what="The prompt", max_length=MAX_PROMPT, one_line=True)
    context = Text(what="The context", max_length=MAX_MARKDOWN, allow_blank=True, default="")
    difficulty = Choice(what="the difficulty", choices=Difficulty.choices)
    tags = Tags()
    reference_answer = Text(what="The reference answer", max_length=MAX_MARKDOWN, allow_blank=True, default="")
    keypoints = KeypointInputSerializer(many=True)

    class Meta:
        list_serializer_class = Items


# --- errors, for the entry points that are not DRF views ----------------------------------------


def error_list(detail, path="") -> list[tuple[str, str]]:
    """DRF's nested errors as (path, message) pairs; paths read ``keypoints[2].weight`` (1-based)."""
    if isinstance(detail, dict):
        pairs = []
        for key, value in detail.items():
            if key == _NON_FIELD:
                sub = path
            elif isinstance(key, int):
                sub = f"{path}[{key + 1}]"
            else:
                sub = f"{path}.{key}" if path else str(key)
            pairs += error_list(value, sub)
        return pairs
    if isinstance(detail, list):
        return [pair for item in detail for pair in error_list(item, path)]
    return [(path, str(detail))]


def describe(path: str, message: str) -> str:
    """The message, saying which keypoint when the path is inside one."""
    if m := _KEYPOINT_PATH.search(path):
        return f"Keypoint {m[1]}: {_ARTICLE.sub(lambda a: a[0].lower(), message)}"
    return message


def check_question(values: dict) -> dict:
    """The question's fields and keypoints, cleaned; or a ValidationError naming each field."""
    data = QuestionInputSerializer(data=values)
    if data.is_valid():
        return data.validated_data
    errors: dict[str, list[str]] = {}
    for path, message in error_list(data.errors):
        errors.setdefault(re.split(r"[.\[]", path)[0], []).append(describe(path, message))
    raise DjangoValidationError(errors)
