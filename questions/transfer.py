"""Import and export of question sets as JSON, YAML and CSV.

``export_set`` writes a set, with the questions the user may see and their keypoints.
``parse_upload`` reads an uploaded file, checks all of it and returns the normalised
structure, or raises ``TransferError`` listing every problem with its item (the 1-based
question number), its CSV row (the file's line) and its field. ``import_set`` writes a
parsed file in one transaction through the same services the pages use. The format is
described in ``docs/import-export.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import PurePosixPath

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify

from .models import Difficulty, Question, QuestionSet, RubricKeypoint, Visibility
from .services import MAX_KEYPOINTS, MAX_WEIGHT, MIN_KEYPOINTS, clean_keypoints, question_create, set_create

FORMAT_NAME = "interviewprep.question-set"
FORMAT_VERSION = 1
MAX_BYTES = 1_000_000
MAX_QUESTIONS = 500
MAX_PROMPT, MAX_KEYPOINT_TEXT, MAX_TITLE, MAX_TAGS, MAX_KEY = 300, 300, 200, 5, 80
MAX_MINUTES = 180
CSV_KEYPOINT_GROUPS = MAX_KEYPOINTS
CSV_COLUMNS = ["position", "key", "prompt", "difficulty", "tags", "context", "reference_answer"]
CSV_SEPARATOR = ";"

_CONTENT_TYPES = {
    "json": "application/json",
    "yaml": "application/yaml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
_EXTENSIONS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}
_TOP_FIELDS = ("format", "version", "set", "questions")
_SET_FIELDS = ("title", "description", "minutes_per_question")
_QUESTION_FIELDS = ("key", "prompt", "context", "difficulty", "tags", "reference_answer", "keypoints")
_KEYPOINT_FIELDS = ("text", "weight", "evidence")
_KEYPOINT_FIELDS_CSV = ("keypoint", "weight", "evidence")
_CSV_KEYPOINT_COLUMN = re.compile(r"^(keypoint|weight|evidence)_([1-9][0-9]?)$")
# Spreadsheets run a cell that starts with one of these as a formula; such cells are written
# with a leading apostrophe, which the import takes off again.
_FORMULA_START = "=+-@\t\r"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TransferError(Exception):
    """A file that cannot be imported; ``errors`` lists every problem as {item, row, field, message}."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]))


def _error(field, message, *, item=None, row=None) -> dict:
    return {"item": item, "row": row, "field": field, "message": message}


class _Problems:
    """Records problems into a shared list, for one item (and CSV row) or for the whole file."""

    def __init__(self, errors: list[dict], *, item=None, row=None):
        self.errors, self.item, self.row = errors, item, row

    def __call__(self, field, message):
        self.errors.append(_error(field, message, item=self.item, row=self.row))

    def count(self) -> int:
        return len(self.errors)


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
        content = _csv_bytes(data["questions"])
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
        "keypoints": [
            {
                "text": kp.text,
                "weight": kp.weight,
                "evidence": [str(t) for t in kp.evidence] if isinstance(kp.evidence, list) else [],
            }
            for kp in q.keypoints.all()
        ],
    }


class _Dumper(yaml.SafeDumper):
    """Safe YAML that writes multi-line text (Markdown answers) as readable ``|`` blocks."""


def _represent_str(dumper, value):
    if "\n" in value and "\r" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


def _csv_bytes(questions: list[dict]) -> bytes:
    groups = max([CSV_KEYPOINT_GROUPS, *(len(q["keypoints"]) for q in questions)])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS + [f"{name}_{n}" for n in range(1, groups + 1) for name in _KEYPOINT_FIELDS_CSV])
    for position, q in enumerate(questions, 1):
        row = [
            position,
            _cell(q["key"] or ""),
            _cell(q["prompt"]),
            q["difficulty"],
            _cell(f"{CSV_SEPARATOR} ".join(q["tags"])),
            _cell(q["context"]),
            _cell(q["reference_answer"]),
        ]
        for n in range(groups):
            if n < len(q["keypoints"]):
                kp = q["keypoints"][n]
                row += [_cell(kp["text"]), kp["weight"], _cell(f"{CSV_SEPARATOR} ".join(kp["evidence"]))]
            else:
                row += ["", "", ""]
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _cell(value: str) -> str:
    """Escape a cell a spreadsheet would run as a formula; ``_uncell`` undoes it exactly."""
    if (value and value[0] in _FORMULA_START) or _uncell(value) != value:
        return "'" + value
    return value


def _uncell(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START + "'":
        return value[1:]
    return value


# --- parsing and validation -----------------------------------------------------------------


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
        errors.append(_error("file", "Upload a .json, .yaml, .yml or .csv file; the extension chooses the format."))
    if len(content) > MAX_BYTES:
        errors.append(_error("file", "The file is larger than 1 MB."))
    if errors:
        raise TransferError(errors)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise TransferError(
            [_error("file", f"The file is not UTF-8 text (line {line}); save it as UTF-8 and try again.", row=line)]
        ) from None
    title = (title or "").strip() or None
    if kind == "csv":
        return _parse_csv(text, title=title if title is not None else PurePosixPath(name).stem)
    document = _load_json(text) if kind == "json" else _load_yaml(text)
    _refuse_lone_surrogates(document)
    return _clean_document(document, title=title)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_lone_surrogates(document) -> None:
    """A JSON escape such as \\ud800 gives a string no database can store: name where it stands."""
    errors = []

    def walk(value, path, item):
        if isinstance(value, str):
            if _SURROGATE.search(value):
                message = "This text holds a lone surrogate escape (\\ud800 to \\udfff), which is not a character."
                errors.append(_error(path or "file", message, item=item))
        elif isinstance(value, dict):
            for key, child in value.items():
                walk(str(key), path, item)
                walk(child, f"{path}.{key}" if path else str(key), item)
        elif isinstance(value, list):
            for n, child in enumerate(value, 1):
                walk(child, f"{path}[{n}]", n if path == "questions" else item)

    walk(document, "", None)
    if errors:
        raise TransferError(errors[:50])


def _load_json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"The JSON is broken at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        raise TransferError([_error("file", message, row=exc.lineno)]) from None
    except (ValueError, RecursionError) as exc:
        raise TransferError([_error("file", f"The JSON cannot be read: {str(exc)[:200]}")]) from None


def _load_yaml(text: str):
    try:
        # Anchors and aliases are refused: they would let a small file expand into a huge set.
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                message = f"Line {line}: YAML anchors and aliases (*name) are not supported; write the value out."
                raise TransferError([_error("file", message, row=line)])
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "unreadable YAML"
        where = f" at line {line}" if line else ""
        raise TransferError([_error("file", f"The YAML is broken{where}: {problem}.", row=line)]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise TransferError([_error("file", f"The YAML cannot be read: {str(exc)[:200]}")]) from None


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a " + type(value).__name__


def _short(value) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown_fields(mapping: dict, known, field, add) -> None:
    for name in mapping:
        if name not in known:
            add(field(name), f"Unknown field {_short(name)}; expected {', '.join(known)}.")


def _text(value, field, add, *, required=False, what="This") -> str | None:
    """A stripped string, or None after reporting why not."""
    if value is None:
        if required:
            add(field, f"{what} is missing.")
            return None
        return ""
    if not isinstance(value, str):
        add(field, f"{what} must be text, not {_kind(value)}.")
        return None
    if "\x00" in value:
        add(field, f"{what} contains a NUL character.")
        return None
    value = value.strip()
    if required and not value:
        add(field, f"{what} is empty.")
        return None
    return value


def _clean_title(value, field, add) -> str | None:
    title = _text(value, field, add, required=True, what="The set's title")
    if title is not None and len(title) > MAX_TITLE:
        add(field, f"The title has {len(title)} characters; at most {MAX_TITLE} are allowed.")
        return None
    return title


def _clean_document(document, *, title: str | None) -> dict:
    errors: list[dict] = []
    add = _Problems(errors)
    if not isinstance(document, dict):
        message = f"The file must hold one object with {', '.join(_TOP_FIELDS)}; it holds {_kind(document)}."
        raise TransferError([_error("file", message)])
    _unknown_fields(document, _TOP_FIELDS, str, add)
    if document.get("format") != FORMAT_NAME:
        add("format", f"This is not an InterviewPrep question set: format must be {FORMAT_NAME!r}.")
    version = document.get("version")
    if not (_is_int(version) and version == FORMAT_VERSION):
        found = "missing" if version is None else _short(version)
        add("version", f"This site reads version {FORMAT_VERSION} of the format; the file's version is {found}.")

    spec = document.get("set")
    from_argument = title is not None
    if from_argument:
        title = _clean_title(title, "title", add)
    if not isinstance(spec, dict):
        add("set", f"set must be an object with {', '.join(_SET_FIELDS)}, not {_kind(spec)}.")
        spec = {}
    else:
        _unknown_fields(spec, _SET_FIELDS, lambda name: f"set.{name}", add)
        if not from_argument:
            title = _clean_title(spec.get("title"), "set.title", add)
    description = _text(spec.get("description"), "set.description", add, what="The description")
    minutes = spec.get("minutes_per_question")
    if minutes is not None and not (_is_int(minutes) and 1 <= minutes <= MAX_MINUTES):
        add(
            "set.minutes_per_question",
            f"Minutes per question must be a whole number from 1 to {MAX_MINUTES}, or null; not {_short(minutes)}.",
        )

    raw_questions = document.get("questions")
    if not isinstance(raw_questions, list):
        add("questions", f"questions must be a list, not {_kind(raw_questions)}.")
        raw_questions = []
    if len(raw_questions) > MAX_QUESTIONS:
        add("questions", _too_many(len(raw_questions)))
        raise TransferError(errors)

    questions = []
    for item, raw in enumerate(raw_questions, 1):
        prefix = f"questions[{item}]"
        add_q = _Problems(errors, item=item)
        if not isinstance(raw, dict):
            add_q(prefix, f"Each question must be an object, not {_kind(raw)}.")
            continue
        question = _clean_question(raw, lambda path, prefix=prefix: f"{prefix}.{path}", add_q)
        questions.append((item, None, question))
    _check_duplicate_keys(questions, lambda item: f"questions[{item}].key", errors)
    if errors:
        raise TransferError(errors)
    return _document(title, description, minutes, [q for _, _, q in questions])


def _too_many(count: int) -> str:
    return f"The file has {count} questions; at most {MAX_QUESTIONS} can be imported at once."


def _document(title, description, minutes, questions) -> dict:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "set": {"title": title, "description": description, "minutes_per_question": minutes},
        "questions": questions,
    }


def _check_duplicate_keys(questions, field, errors) -> None:
    """``questions`` holds (item, row, question); the second use of a bank key is an error."""
    first: dict[str, int] = {}
    for item, row, q in questions:
        key = q["key"]
        if not key:
            continue
        if key in first:
            errors.append(
                _error(
                    field(item),
                    f"The key {_short(key)} is also used by question {first[key]}; a set holds a question once.",
                    item=item,
                    row=row,
                )
            )
        else:
            first[key] = item


def _clean_question(raw: dict, field, add) -> dict:
    """Check one question; report problems through ``add(field(path), message)``.

    ``path`` is written like ``keypoints[2].weight`` (1-based); ``field`` turns it into the
    name the user sees.
    """
    _unknown_fields(raw, _QUESTION_FIELDS, field, add)

    key = raw.get("key")
    if key is not None:
        key = _text(key, field("key"), add, what="The key")
        if key and len(key) > MAX_KEY:
            add(field("key"), f"The key has {len(key)} characters; at most {MAX_KEY} are allowed.")

    prompt = _text(raw.get("prompt"), field("prompt"), add, required=True, what="The prompt")
    if prompt is not None:
        if "\n" in prompt or "\r" in prompt:
            add(field("prompt"), "The prompt must be one line; put details in the context.")
        elif len(prompt) > MAX_PROMPT:
            add(field("prompt"), f"The prompt has {len(prompt)} characters; at most {MAX_PROMPT} are allowed.")

    difficulty = raw.get("difficulty")
    if isinstance(difficulty, str):
        difficulty = difficulty.strip().lower()
    if difficulty not in Difficulty.values:
        found = "missing" if difficulty in (None, "") else _short(difficulty)
        add(field("difficulty"), f"Choose one of: {', '.join(Difficulty.values)}; the file says {found}.")

    context = _text(raw.get("context"), field("context"), add, what="The context")
    reference_answer = _text(raw.get("reference_answer"), field("reference_answer"), add, what="The reference answer")
    tags = _clean_tags(raw.get("tags"), field, add)
    keypoints = _clean_question_keypoints(raw.get("keypoints"), field, add)

    return {
        "key": key or None,
        "prompt": prompt,
        "context": context,
        "difficulty": difficulty,
        "tags": tags,
        "reference_answer": reference_answer,
        "keypoints": keypoints,
    }


def _clean_tags(raw, field, add) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        add(field("tags"), f"tags must be a list of tag names, not {_kind(raw)}.")
        return []
    slugs = []
    for n, name in enumerate(raw, 1):
        name = _text(name, field(f"tags[{n}]"), add, what=f"Tag {n}")
        if not name:
            continue
        # The same rule as services.tags_from_names, which creates or finds the tags on import.
        slug = slugify(name)[:50]
        if not slug:
            add(field(f"tags[{n}]"), f"{_short(name)} is not a usable tag name.")
        elif slug not in slugs:
            slugs.append(slug)
    if len(slugs) > MAX_TAGS:
        add(field("tags"), f"A question has at most {MAX_TAGS} tags; this one has {len(slugs)}.")
    return slugs


def _clean_question_keypoints(raw, field, add) -> list[dict]:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        add(field("keypoints"), f"keypoints must be a list, not {_kind(raw)}.")
        return []
    problems_before = add.count()
    keypoints = []
    for n, kp in enumerate(raw, 1):
        path = f"keypoints[{n}]"
        if not isinstance(kp, dict):
            add(field(path), f"Keypoint {n} must be an object with text, weight and evidence, not {_kind(kp)}.")
            continue
        _unknown_fields(kp, _KEYPOINT_FIELDS, lambda name, path=path: field(f"{path}.{name}"), add)
        text = _text(kp.get("text"), field(f"{path}.text"), add, required=True, what=f"Keypoint {n}'s text")
        if text and len(text) > MAX_KEYPOINT_TEXT:
            add(
                field(f"{path}.text"),
                f"Keypoint {n}'s text has {len(text)} characters; at most {MAX_KEYPOINT_TEXT} are allowed.",
            )
        weight = kp.get("weight", 1)
        if weight is None:
            weight = 1
        if not (_is_int(weight) and 1 <= weight <= MAX_WEIGHT):
            add(
                field(f"{path}.weight"),
                f"Keypoint {n}'s weight must be a whole number from 1 to {MAX_WEIGHT}, not {_short(weight)}.",
            )
        evidence = kp.get("evidence")
        terms = []
        if evidence is None:
            pass
        elif not isinstance(evidence, list):
            add(field(f"{path}.evidence"), f"Keypoint {n}'s evidence must be a list of terms, not {_kind(evidence)}.")
        else:
            for m, term in enumerate(evidence, 1):
                term = _text(term, field(f"{path}.evidence[{m}]"), add, what=f"Evidence term {m}")
                if term:
                    terms.append(term)
        keypoints.append({"text": text, "weight": weight, "evidence": terms})
    if not MIN_KEYPOINTS <= len(raw) <= MAX_KEYPOINTS:
        add(
            field("keypoints"),
            f"A question needs {MIN_KEYPOINTS} to {MAX_KEYPOINTS} keypoints; this one has {len(raw)}.",
        )
    if add.count() == problems_before:
        # The service's own rules, so the import cannot accept what the question form refuses.
        try:
            keypoints = clean_keypoints(keypoints)
        except ValidationError as exc:
            for message in exc.message_dict.get("keypoints", []):
                add(field("keypoints"), message)
    return keypoints


# --- CSV -----------------------------------------------------------------------------------


def _parse_csv(text: str, *, title: str) -> dict:
    errors: list[dict] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise TransferError([_error("file", "The file is empty; the first row must be the header.", row=1)])
        header = [name.strip().lower() for name in header]
        _check_csv_header(header, errors)
        if errors:
            raise TransferError(errors)
        records, line = [], reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            records.append((start, cells))
    except csv.Error as exc:
        line = reader.line_num
        raise TransferError([_error("file", f"The CSV is broken at line {line}: {exc}.", row=line)]) from None

    title = _clean_title(title, "title", _Problems(errors))
    if len(records) > MAX_QUESTIONS:
        errors.append(_error("questions", _too_many(len(records))))
        raise TransferError(errors)

    groups = sorted({int(m[2]) for name in header if (m := _CSV_KEYPOINT_COLUMN.match(name))})
    questions, positions = [], []
    for item, (row, cells) in enumerate(records, 1):
        add = _Problems(errors, item=item, row=row)
        if len(cells) > len(header):
            add("file", f"This row has {len(cells)} cells but the header has {len(header)}; check the quoting.")
        values = dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=False))
        raw, columns = _csv_question(values, groups, add)
        positions.append(_csv_position(values.get("position", ""), add))
        questions.append((item, row, _clean_question(raw, _csv_field(columns), add)))
    _check_duplicate_keys(questions, lambda item: "key", errors)
    order = _csv_order(positions, records, errors)
    if errors:
        raise TransferError(errors)
    return _document(title, "", None, [questions[i][2] for i in order])


def _check_csv_header(header: list[str], errors: list[dict]) -> None:
    if len(header) == 1 and CSV_SEPARATOR in header[0]:
        errors.append(_error("file", "The columns are separated by ';'; save the file with commas.", row=1))
        return
    seen = set()
    for name in header:
        if name in seen:
            errors.append(_error(name, f"The column {_short(name)} appears twice in the header.", row=1))
        seen.add(name)
        if not name:
            errors.append(_error("file", "A column has no name in the header; name it or delete it.", row=1))
        elif name not in CSV_COLUMNS and not _CSV_KEYPOINT_COLUMN.match(name):
            errors.append(_error(name, f"Unknown column {_short(name)}; see the header an export writes.", row=1))
    for name in ("prompt", "difficulty", "keypoint_1"):
        if name not in seen:
            errors.append(_error(name, f"The header has no {name} column.", row=1))


def _csv_question(values: dict, groups: list[int], add) -> tuple[dict, list[int]]:
    """The row as the dict a JSON file would hold, and the column number of each keypoint."""
    raw = {
        "key": _uncell(values.get("key", "")).strip() or None,
        "prompt": _uncell(values.get("prompt", "")),
        "difficulty": values.get("difficulty", ""),
        "tags": _uncell(values.get("tags", "")).split(CSV_SEPARATOR),
        "context": _uncell(values.get("context", "")),
        "reference_answer": _uncell(values.get("reference_answer", "")),
        "keypoints": [],
    }
    columns = []
    for n in groups:
        text = _uncell(values.get(f"keypoint_{n}", ""))
        weight = values.get(f"weight_{n}", "").strip()
        evidence = _uncell(values.get(f"evidence_{n}", ""))
        if not text.strip():
            if weight or evidence.strip():
                add(f"keypoint_{n}", f"keypoint_{n} is empty but weight_{n} or evidence_{n} is filled.")
            continue
        raw["keypoints"].append(
            {
                "text": text,
                "weight": int(weight) if weight.isdigit() and weight.isascii() else (weight or None),
                "evidence": evidence.split(CSV_SEPARATOR),
            }
        )
        columns.append(n)
    return raw, columns


def _csv_field(columns: list[int]):
    """Turn ``keypoints[2].weight`` into the column a CSV user sees (``weight_2``)."""

    def field(path: str) -> str:
        if m := re.match(r"keypoints\[(\d+)\]\.(text|weight|evidence)", path):
            column = columns[int(m[1]) - 1]
            return f"{'keypoint' if m[2] == 'text' else m[2]}_{column}"
        return re.sub(r"\[\d+\]$", "", path)

    return field


def _csv_position(value: str, add) -> int | None | bool:
    """The row's position; None when empty, False when wrong (and reported)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and value.isascii() and int(value) >= 1:
        return int(value)
    add("position", f"The position must be a whole number of at least 1, not {_short(value)}.")
    return False


def _csv_order(positions: list[int | None | bool], records, errors) -> list[int]:
    """Row order, or the order of the position column when every row has one."""
    if all(p is None for p in positions):
        return list(range(len(positions)))
    first: dict[int, int] = {}
    for i, ((row, _), position) in enumerate(zip(records, positions, strict=True)):
        item = i + 1
        if position is False:
            continue
        if position is None:
            errors.append(
                _error("position", "Give every row a position, or leave the column empty.", item=item, row=row)
            )
        elif position in first:
            errors.append(
                _error(
                    "position",
                    f"Position {position} is also given to question {first[position]}.",
                    item=item,
                    row=row,
                )
            )
        else:
            first[position] = item
    return sorted(range(len(positions)), key=lambda i: (positions[i] or 0, i))


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
        ids = []
        for item, spec in enumerate(questions, 1):
            linked = bank.get(spec.get("key"))
            if linked is not None:
                ids.append(linked.pk)
                continue
            try:
                question = question_create(
                    owner=owner,
                    prompt=spec["prompt"],
                    difficulty=spec["difficulty"],
                    keypoints=spec["keypoints"],
                    context=spec.get("context", ""),
                    reference_answer=spec.get("reference_answer", ""),
                    tags=spec.get("tags", []),
                    visibility=visibility,
                    team=team,
                )
            except ValidationError as exc:
                raise TransferError(_service_errors(exc, item=item)) from exc
            ids.append(question.pk)
        spec = data["set"]
        try:
            return set_create(
                owner=owner,
                title=spec["title"],
                description=spec.get("description", ""),
                minutes_per_question=spec.get("minutes_per_question"),
                visibility=visibility,
                team=team,
                question_ids=ids,
            )
        except ValidationError as exc:
            raise TransferError(_service_errors(exc, item=None)) from exc


def _service_errors(exc: ValidationError, *, item: int | None) -> list[dict]:
    """A service's ValidationError as transfer errors; visibility and team concern the whole import."""
    if not hasattr(exc, "error_dict"):
        return [_error("file", message, item=item) for message in exc.messages]
    errors = []
    for name, messages in exc.message_dict.items():
        if name in ("visibility", "team"):
            where, field = None, name
        elif item is None:
            where, field = None, f"set.{name}" if name in _SET_FIELDS else name
        else:
            where, field = item, f"questions[{item}].{name}"
        errors.extend(_error(field, message, item=where) for message in messages)
    return errors
