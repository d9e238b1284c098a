"""Import and export of question sets as JSON, YAML and CSV.

``export_set`` writes a set, with the questions the user may see and their keypoints.
``parse_upload`` reads an uploaded file, checks all of it and returns the normalised
structure, or raises ``TransferError`` listing every problem with its item (the 1-based
question number), its CSV row (the file's line) and its field; every question is checked by
the question rules (``questions.rules``, see ``checks``). ``import_set`` writes a parsed file in
one transaction through the same services the pages use. The format is described in
``docs/import-export.md``; CSV is read and written in ``csvfile``.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify

from .. import rules
from ..models import Question, QuestionSet, RubricKeypoint, Visibility
from ..services import questions_create_many, set_create
from .checks import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_QUESTIONS,
    FileDocument,
    TransferError,
    check,
    check_duplicate_keys,
    document,
    error,
    too_many,
)
from .csvfile import csv_bytes, parse_csv

__all__ = ["MAX_BYTES", "TransferError", "export_set", "import_set", "parse_upload", "read_upload"]

MAX_BYTES = 1_000_000
_TOO_BIG = "The file is larger than 1 MB."
_CONTENT_TYPES = {
    "json": "application/json",
    "yaml": "application/yaml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
_EXTENSIONS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
_SET_FIELDS = ("title", "description", "minutes_per_question")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- export ------------------------------------------------------------------------------


def export_set(qset: QuestionSet, *, user, fmt: str) -> tuple[bytes, str, str]:
    """The set as a file: (content, content_type, filename).

    Holds only the questions ``user`` may see, in set order. The caller fetches ``qset``
    through ``QuestionSet.objects.for_user(user)``. The number of queries does not depend
    on the size of the set.
    """
    if fmt not in _CONTENT_TYPES:
        raise ValueError(f"Unknown export format {fmt!r}; choose one of: {', '.join(_CONTENT_TYPES)}.")
    data = _set_document(qset, user=user)
    if fmt == "json":
        content = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    elif fmt == "yaml":
        content = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
    else:
        content = csv_bytes(data["questions"])
    filename = f"{slugify(qset.title)[:80].strip('-') or 'question-set'}.{fmt}"
    return content, _CONTENT_TYPES[fmt], filename


def _set_document(qset: QuestionSet, *, user) -> dict:
    """The structure that JSON and YAML files carry, for the questions ``user`` may see."""
    items = (
        qset.items.filter(question__in=Question.objects.for_user(user).rubric_readable_by(user))
        .select_related("question")
        .prefetch_related(
            "question__tags",
            Prefetch("question__keypoints", queryset=RubricKeypoint.objects.order_by("position")),
        )
        .order_by("position")
    )
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "set": {
            "title": qset.title,
            "description": qset.description,
            "minutes_per_question": qset.minutes_per_question,
        },
        "questions": [_question_document(item.question) for item in items],
    }


def _question_document(q: Question) -> dict:
    return {
        "key": q.bank_key if q.owner_id is None and q.bank_key else None,
        "prompt": q.prompt,
        "context": q.context,
        "difficulty": q.difficulty,
        "tags": sorted(tag.slug for tag in q.tags.all()),
        "reference_answer": q.reference_answer,
        "keypoints": [_keypoint_document(kp) for kp in q.keypoints.all()],
    }


def _keypoint_document(kp: RubricKeypoint) -> dict:
    """Text, weight and evidence; contradicting phrases only where there are some (CSV has no column)."""
    values = {
        "text": kp.text,
        "weight": kp.weight,
        "evidence": [str(t) for t in kp.evidence] if isinstance(kp.evidence, list) else [],
    }
    return {**values, "contradicts": kp.contradicts} if kp.contradicts else values


class _Dumper(yaml.SafeDumper):
    """Safe YAML that writes multi-line text (Markdown answers) as readable ``|`` blocks."""


def _represent_str(dumper, value):
    if "\n" in value and "\r" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


# --- parsing --------------------------------------------------------------------------------------


def read_upload(upload, *, title: str | None = None) -> dict:
    """``parse_upload`` for an uploaded file; one over 1 MB is refused before it is read."""
    if upload.size > MAX_BYTES:
        raise TransferError([error("file", _TOO_BIG)])
    return parse_upload(upload.read(MAX_BYTES + 1), filename=upload.name, title=title)


def parse_upload(content: bytes, *, filename: str, title: str | None = None) -> dict:
    """Read and check an uploaded file; return the normalised set or raise ``TransferError``.

    The extension chooses the format (.json, .yaml/.yml, .csv). ``title``, when given,
    replaces the title in the file; a CSV file has none, so its title is ``title`` or else
    the file name without its extension. Nothing is written to the database.
    """
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    kind = _EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    errors = []
    if kind is None:
        errors.append(error("file", "Upload a .json, .yaml, .yml or .csv file; the extension chooses the format."))
    if len(content) > MAX_BYTES:
        errors.append(error("file", _TOO_BIG))
    if errors:
        raise TransferError(errors)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise TransferError(
            [error("file", f"The file is not UTF-8 text (line {line}); save it as UTF-8 and try again.", row=line)]
        ) from None
    title = (title or "").strip() or None
    if kind == "csv":
        return parse_csv(text, title=title if title is not None else PurePosixPath(name).stem)
    return _parse_document(_load_json(text) if kind == "json" else _load_yaml(text), title=title)


def _load_json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"The JSON is broken at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        raise TransferError([error("file", message, row=exc.lineno)]) from None
    except (ValueError, RecursionError) as exc:
        raise TransferError([error("file", f"The JSON cannot be read: {str(exc)[:200]}")]) from None


def _load_yaml(text: str):
    try:
        # Anchors and aliases are refused: they would let a small file expand into a huge set.
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                message = f"Line {line}: YAML anchors and aliases (*name) are not supported; write the value out."
                raise TransferError([error("file", message, row=line)])
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "unreadable YAML"
        where = f" at line {line}" if line else ""
        raise TransferError([error("file", f"The YAML is broken{where}: {problem}.", row=line)]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise TransferError([error("file", f"The YAML cannot be read: {str(exc)[:200]}")]) from None


def _parse_document(raw, *, title: str | None) -> dict:
    if not isinstance(raw, dict):
        fields = ", ".join(FileDocument().fields)
        raise TransferError(
            [error("file", f"The file must hold one object with {fields}; it holds {rules.kind(raw)}.")]
        )
    questions = raw.get("questions") if isinstance(raw.get("questions"), list) else []
    if len(questions) > MAX_QUESTIONS:
        raise TransferError([error("questions", too_many(len(questions)))])
    if title is not None and isinstance(raw.get("set"), dict):
        raw = {**raw, "set": {**raw["set"], "title": title}}
    rename = {"set.title": "title"} if title is not None else {}
    data, problems = check(FileDocument, raw, lambda path: rename.get(path, path))
    errors = [error(field, message, item=item) for item, field, message in problems]
    keyed = [(item, None, q) for item, q in enumerate(questions, 1) if isinstance(q, dict)]
    check_duplicate_keys(keyed, lambda item: f"questions[{item}].key", errors)
    if errors:
        raise TransferError(errors)
    return document(data["set"], data["questions"])


# --- import --------------------------------------------------------------------------------


def import_set(*, owner, data: dict, visibility=Visibility.PRIVATE, team=None) -> QuestionSet:
    """Write a set parsed by ``parse_upload``, all of it or nothing.

    A question whose key is a built-in bank question is linked; every other question is
    created for ``owner`` with the set's visibility (and team). Problems the services find
    (a team the owner is not in, staff-only public sets) raise ``TransferError``.
    """
    questions = data["questions"]
    with transaction.atomic():
        keys = [q["key"] for q in questions if q.get("key")]
        bank = {
            q.bank_key: q
            for q in Question.objects.filter(bank_key__in=keys, owner__isnull=True, is_archived=False).only(
                "pk", "bank_key"
            )
        }
        items = [item for item, spec in enumerate(questions, 1) if spec.get("key") not in bank]
        try:
            created = questions_create_many(
                owner=owner,
                visibility=visibility,
                team=team,
                questions=[{n: v for n, v in questions[item - 1].items() if n != "key"} for item in items],
            )
        except ValidationError as exc:
            raise TransferError(_service_errors(exc, item=items[exc.item - 1])) from exc
        new = dict(zip(items, created, strict=True))
        ids = [new[item].pk if item in new else bank[spec["key"]].pk for item, spec in enumerate(questions, 1)]
        spec = {**data["set"], "title": free_title(owner, data["set"]["title"])}
        try:
            return set_create(owner=owner, visibility=visibility, team=team, question_ids=ids, **spec)
        except ValidationError as exc:
            raise TransferError(_service_errors(exc, item=None)) from exc


def free_title(owner, title: str) -> str:
    """The title, or "title (2)", "(3)"... when the owner already has a set called that (one query)."""
    taken = set(QuestionSet.objects.filter(owner=owner, title__startswith=title[:190]).values_list("title", flat=True))
    if title not in taken:
        return title
    n = 2
    while f"{title[:190]} ({n})" in taken:
        n += 1
    return f"{title[:190]} ({n})"


def _service_errors(exc: ValidationError, *, item: int | None) -> list[dict]:
    """A service's ValidationError as transfer errors; visibility and team concern the whole import."""
    if not hasattr(exc, "error_dict"):
        return [error("file", message, item=item) for message in exc.messages]
    errors = []
    for name, messages in exc.message_dict.items():
        if name in ("visibility", "team"):
            where, field = None, name
        elif item is None:
            where, field = None, f"set.{name}" if name in _SET_FIELDS else name
        else:
            where, field = item, f"questions[{item}].{name}"
        errors.extend(error(field, message, item=where) for message in messages)
    return errors
