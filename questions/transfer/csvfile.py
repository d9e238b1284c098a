"""CSV files: one row per question, keypoints in numbered columns (``keypoint_2``, ``weight_2``, ...)."""

from __future__ import annotations

import csv
import io
import re

from .. import rules
from . import checks
from .checks import TransferError, error

CSV_COLUMNS = ["position", "key", "prompt", "difficulty", "tags", "context", "reference_answer"]
CSV_SEPARATOR = ";"
_KEYPOINT_FIELDS_CSV = ("keypoint", "weight", "evidence")
_CSV_KEYPOINT_COLUMN = re.compile(r"^(keypoint|weight|evidence)_([1-9][0-9]?)$")
# Spreadsheets run a cell that starts with one of these as a formula; such cells are written
# with a leading apostrophe, which the import takes off again.
_FORMULA_START = "=+-@\t\r"


def csv_bytes(questions: list[dict]) -> bytes:
    groups = max([rules.MAX_KEYPOINTS, *(len(q["keypoints"]) for q in questions)])
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


# --- reading ----------------------------------------------------------------------------------


def parse_csv(text: str, *, title: str) -> dict:
    errors: list[dict] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise TransferError([error("file", "The file is empty; the first row must be the header.", row=1)])
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
        raise TransferError([error("file", f"The CSV is broken at line {line}: {exc}.", row=line)]) from None

    checked_set, problems = checks.check(checks.FileSet, {"title": title})
    errors += [error(field, message) for _, field, message in problems]
    if len(records) > checks.MAX_QUESTIONS:
        errors.append(error("questions", checks.too_many(len(records))))
        raise TransferError(errors)

    groups = sorted({int(m[2]) for name in header if (m := _CSV_KEYPOINT_COLUMN.match(name))})
    questions, keys, positions = [], [], []
    for item, (row, cells) in enumerate(records, 1):
        add = _RowProblems(errors, item=item, row=row)
        if len(cells) > len(header):
            add("file", f"This row has {len(cells)} cells but the header has {len(header)}; check the quoting.")
        values = dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=False))
        raw, columns = _csv_question(values, groups, add)
        positions.append(_csv_position(values.get("position", ""), add))
        question, problems = checks.check(checks.FileQuestion, raw, _csv_field(columns))
        for _, field, message in problems:
            add(field, message)
        questions.append(question)
        keys.append((item, row, raw))
    checks.check_duplicate_keys(keys, lambda item: "key", errors)
    order = _csv_order(positions, records, errors)
    if errors:
        raise TransferError(errors)
    return checks.document(checked_set, [questions[i] for i in order])


class _RowProblems:
    """Records problems of one CSV row into the file's list."""

    def __init__(self, errors: list[dict], *, item, row):
        self.errors, self.item, self.row = errors, item, row

    def __call__(self, field, message):
        self.errors.append(error(field, message, item=self.item, row=self.row))


def _check_csv_header(header: list[str], errors: list[dict]) -> None:
    if len(header) == 1 and CSV_SEPARATOR in header[0]:
        errors.append(error("file", "The columns are separated by ';'; save the file with commas.", row=1))
        return
    seen = set()
    for name in header:
        if name in seen:
            errors.append(error(name, f"The column {rules.short(name)} appears twice in the header.", row=1))
        seen.add(name)
        if not name:
            errors.append(error("file", "A column has no name in the header; name it or delete it.", row=1))
        elif name not in CSV_COLUMNS and not _CSV_KEYPOINT_COLUMN.match(name):
            errors.append(error(name, f"Unknown column {rules.short(name)}; see the header an export writes.", row=1))
    for name in ("prompt", "difficulty", "keypoint_1"):
        if name not in seen:
            errors.append(error(name, f"The header has no {name} column.", row=1))


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
    add("position", f"The position must be a whole number of at least 1, not {rules.short(value)}.")
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
                error("position", "Give every row a position, or leave the column empty.", item=item, row=row)
            )
        elif position in first:
            message = f"Position {position} is also given to question {first[position]}."
            errors.append(error("position", message, item=item, row=row))
        else:
            first[position] = item
    return sorted(range(len(positions)), key=lambda i: (positions[i] or 0, i))
