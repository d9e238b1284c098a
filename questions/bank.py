"""The built-in question bank: YAML files in ``questions/bank/``, loaded idempotently.

Every question and set has a stable key. Loading validates the whole bank first and
writes nothing if any entry is wrong; then, in one transaction, it creates or updates the
bank's tags, questions, keypoints and sets in place. It never touches users' own
questions or sets, nor sessions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from . import rules
from .models import Difficulty, Question, QuestionSet, QuestionSetItem, Tag, Visibility
from .rows import forget_rows
from .services import sync_keypoints_many

BANK_DIR = Path(__file__).resolve().parent / "bank"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same data, seven times faster
_checked_files: dict[tuple, tuple[list[dict], list[str]]] = {}  # recently read files: entries, problems
_CHECKED_FILES_KEPT = 20


class BankError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Bank:
    tags: dict[str, str]
    questions: list[dict]
    sets: list[dict]


def read_bank(directory: Path = BANK_DIR) -> Bank:
    """Read and validate the bank files; raise BankError naming every problem found.

    Each question file's checked entries are remembered per process, keyed by its name and
    exact contents and those of tags.yaml, so reading unchanged files again skips parsing and
    checking them; each caller gets its own copy.
    """
    texts = {path.name: path.read_text() for path in sorted(directory.glob("*.yaml"))}
    problems: list[str] = []
    tags = _load_yaml(texts, directory, "tags.yaml") or {}
    questions: list[dict] = []
    for name in sorted(n for n in texts if n.startswith("aws_")):
        key = (texts["tags.yaml"], name, texts[name])
        file_questions, file_problems = _checked_files.pop(key, None) or _check_file(name, texts[name], tags)
        _checked_files[key] = (file_questions, file_problems)  # the most recently used last
        questions += copy.deepcopy(file_questions)
        problems += file_problems
    while len(_checked_files) > _CHECKED_FILES_KEPT:
        del _checked_files[next(iter(_checked_files))]
    sets = _load_yaml(texts, directory, "sets.yaml") or []
    seen_keys, seen_prompts = set(), set()
    for q in questions:
        if q.get("key") in seen_keys:
            problems.append(f"duplicate key {q.get('key')!r}")
        if q.get("prompt") in seen_prompts:
            problems.append(f"duplicate prompt {q.get('prompt')!r}")
        seen_keys.add(q.get("key"))
        seen_prompts.add(q.get("prompt"))
    for s in sets:
        for slug in s.get("tags", []):
            if slug not in tags:
                problems.append(f"sets.yaml {s.get('key')}: unknown tag {slug!r}")
        if s.get("difficulty") and s["difficulty"] not in Difficulty.values:
            problems.append(f"sets.yaml {s.get('key')}: unknown difficulty {s['difficulty']!r}")
    if problems:
        raise BankError(problems)
    questions.sort(key=lambda q: q["number"])
    return Bank(tags=tags, questions=questions, sets=sets)


def _check_file(name: str, text: str, tags: dict[str, str]) -> tuple[list[dict], list[str]]:
    """A question file's entries as ``check_entry`` cleans them, and their problems."""
    questions, problems = [], []
    for i, entry in enumerate(yaml.load(text, Loader=_YAML_LOADER) or [], 1):
        checked, entry_problems = check_entry(entry, tags)
        problems += [f"{name} entry {i}: {p}" for p in entry_problems]
        if checked is not None:
            questions.append(checked)
    return questions, problems


def _load_yaml(texts: dict[str, str], directory: Path, name: str):
    """A required file: missing, it fails as reading it always did (FileNotFoundError)."""
    if name not in texts:
        (directory / name).read_text()
    return yaml.load(texts[name], Loader=_YAML_LOADER)


class _BankQuestion(rules.QuestionInputSerializer):
    keypoint_count_message = "has {count} keypoints; {min} to {max} are allowed"


def check_entry(entry, tags: dict[str, str]) -> tuple[dict | None, list[str]]:
    """The entry as ``rules`` clean it, and its problems: the question rules, then the bank's own.

    The bank's own: a key, a number, a reference answer and at least one tag from ``tags.yaml``,
    and sources as a list of addresses.
    """
    if not isinstance(entry, dict):
        return None, [f"must be a mapping with key, number, prompt, ..., not {rules.kind(entry)}"]
    data = _BankQuestion(data=entry, context={"strict": True})
    valid = data.is_valid()
    problems = [rules.describe(path, message) for path, message in rules.error_list(data.errors)]
    missing = [field for field in ("key", "number", "reference_answer", "tags") if not entry.get(field)]
    problems += [f"{field} is missing" for field in missing]
    if "number" not in missing and type(entry["number"]) is not int:
        problems.append("number must be a whole number")
    slugs = entry.get("tags") if isinstance(entry.get("tags"), list) else []
    problems += [f"tag {slug!r} is not in tags.yaml" for slug in slugs if not isinstance(slug, str) or slug not in tags]
    sources = entry.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(u, str) for u in sources):
        problems.append("sources must be a list of addresses")
    return {**entry, **data.validated_data} if valid else entry, problems


@transaction.atomic
def load_bank(bank: Bank | None = None) -> dict[str, int]:
    """Create or update the bank in the database; return counts of what changed.

    Reads what exists in a few queries, inserts new rows in bulk and saves only rows that changed.
    """
    bank = bank or read_bank()
    counts = {"questions_created": 0, "questions_updated": 0, "sets_created": 0, "sets_updated": 0}
    tags = _load_tags(bank.tags)

    existing = {q.bank_key: q for q in Question.objects.select_for_update().filter(bank_key__in=_keys(bank.questions))}
    by_key: dict[str, Question] = {}
    new = []
    for entry in bank.questions:
        values = {
            "number": entry["number"],
            "prompt": entry["prompt"].strip(),
            "context": (entry.get("context") or "").strip(),
            "difficulty": entry["difficulty"],
            "reference_answer": entry["reference_answer"].strip(),
            "owner_id": None,
            "team_id": None,
            "visibility": Visibility.PUBLIC,
            "is_archived": False,
        }
        question = existing.get(entry["key"])
        counts["questions_updated" if question else "questions_created"] += 1
        if question is None:
            question = Question(bank_key=entry["key"], slug=entry["key"], **values)
            new.append(question)
        else:
            _save_changed(question, values)
        by_key[entry["key"]] = question
    Question.objects.bulk_create(new)
    _set_question_tags([(by_key[e["key"]], [tags[slug] for slug in e["tags"]]) for e in bank.questions])
    sync_keypoints_many([(by_key[e["key"]], e["keypoints"]) for e in bank.questions])

    existing_sets = {
        s.bank_key: s for s in QuestionSet.objects.select_for_update().filter(bank_key__in=_keys(bank.sets))
    }
    qsets, new = [], []
    for spec in bank.sets:
        values = {
            "title": spec["title"],
            "description": spec.get("description", ""),
            "owner_id": None,
            "team_id": None,
            "visibility": Visibility.PUBLIC,
        }
        qset = existing_sets.get(spec["key"])
        counts["sets_updated" if qset else "sets_created"] += 1
        if qset is None:
            qset = QuestionSet(bank_key=spec["key"], **values)
            new.append(qset)
        else:
            _save_changed(qset, values)
        qsets.append(qset)
    QuestionSet.objects.bulk_create(new)
    _set_items(qsets, bank, by_key)

    # Questions dropped from the bank files stay in the database for the sessions that used
    # them, but are archived so nobody starts new work with them.
    Question.objects.filter(bank_key__isnull=False).exclude(bank_key__in=by_key).update(is_archived=True)
    forget_rows()  # the topics were set in bulk, which sends no signal
    return counts


def _keys(entries: list[dict]) -> list[str]:
    return [entry["key"] for entry in entries]


def _save_changed(obj, values: dict) -> None:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])


def _load_tags(names: dict[str, str]) -> dict[str, Tag]:
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=list(names))}
    for slug, name in names.items():
        if slug in tags and tags[slug].name != name:
            tags[slug].name = name
            tags[slug].save(update_fields=["name"])
    new = [Tag(slug=slug, name=name) for slug, name in names.items() if slug not in tags]
    Tag.objects.bulk_create(new)
    return {**tags, **{tag.slug: tag for tag in new}}


def _set_question_tags(pairs: list[tuple[Question, list[Tag]]]) -> None:
    """``question.tags.set(tags)`` for each pair, in one read, one insert and one delete."""
    through = Question.tags.through
    wanted = {(question.pk, tag.pk) for question, tags in pairs for tag in tags}
    rows = through.objects.filter(question_id__in=[question.pk for question, _ in pairs])
    have = {(row.question_id, row.tag_id): row.pk for row in rows}
    stale = [pk for pair, pk in have.items() if pair not in wanted]
    if stale:
        through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create(through(question_id=q, tag_id=t) for q, t in sorted(wanted - set(have)))


def _set_items(qsets: list[QuestionSet], bank: Bank, by_key: dict[str, Question]) -> None:
    """Each set holds the bank questions of its difficulty or tags, in bank order; unchanged sets are left alone."""
    current: dict[int, list[int]] = {qset.pk: [] for qset in qsets}
    items = QuestionSetItem.objects.filter(question_set__in=qsets).order_by("question_set", "position")
    for set_id, question_id in items.values_list("question_set_id", "question_id"):
        current[set_id].append(question_id)
    stale, new = [], []
    for qset, spec in zip(qsets, bank.sets, strict=True):
        members = [
            by_key[q["key"]]
            for q in bank.questions
            if (spec.get("difficulty") and q["difficulty"] == spec["difficulty"])
            or (set(spec.get("tags", [])) & set(q["tags"]))
        ]
        if current[qset.pk] != [q.pk for q in members]:
            stale.append(qset.pk)
            new += [QuestionSetItem(question_set=qset, question=q, position=i) for i, q in enumerate(members, 1)]
    if stale:
        QuestionSetItem.objects.filter(question_set_id__in=stale).delete()
    QuestionSetItem.objects.bulk_create(new)
