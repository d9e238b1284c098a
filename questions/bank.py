"""The built-in question bank: YAML files in ``questions/bank/``, loaded idempotently.

Every question and set has a stable key. Loading validates the whole bank first and
writes nothing if any entry is wrong; then, in one transaction, it creates or updates the
bank's tags, questions, keypoints and sets in place. It never touches users' own
questions or sets, nor sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from . import rules
from .models import Difficulty, Question, QuestionSet, QuestionSetItem, Tag, Visibility
from .services import sync_keypoints

BANK_DIR = Path(__file__).resolve().parent / "bank"


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
    """Read and validate the bank files; raise BankError naming every problem found."""
    problems: list[str] = []
    tags = yaml.safe_load((directory / "tags.yaml").read_text()) or {}
    questions: list[dict] = []
    for path in sorted(directory.glob("aws_*.yaml")):
        entries = yaml.safe_load(path.read_text()) or []
        for i, entry in enumerate(entries, 1):
            checked, entry_problems = check_entry(entry, tags)
            problems += [f"{path.name} entry {i}: {p}" for p in entry_problems]
            if checked is not None:
                questions.append(checked)
    sets = yaml.safe_load((directory / "sets.yaml").read_text()) or []
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
    """Create or update the bank in the database; return counts of what changed."""
    bank = bank or read_bank()
    counts = {"questions_created": 0, "questions_updated": 0, "sets_created": 0, "sets_updated": 0}

    tags = {}
    for slug, name in bank.tags.items():
        tag, _ = Tag.objects.update_or_create(slug=slug, defaults={"name": name})
        tags[slug] = tag

    by_key: dict[str, Question] = {}
    for entry in bank.questions:
        question, created = Question.objects.update_or_create(
            bank_key=entry["key"],
            defaults={
                "number": entry["number"],
                "prompt": entry["prompt"].strip(),
                "context": (entry.get("context") or "").strip(),
                "difficulty": entry["difficulty"],
                "reference_answer": entry["reference_answer"].strip(),
                "owner": None,
                "team": None,
                "visibility": Visibility.PUBLIC,
                "is_archived": False,
            },
            create_defaults={
                "slug": entry["key"],
                "number": entry["number"],
                "prompt": entry["prompt"].strip(),
                "context": (entry.get("context") or "").strip(),
                "difficulty": entry["difficulty"],
                "reference_answer": entry["reference_answer"].strip(),
                "visibility": Visibility.PUBLIC,
            },
        )
        counts["questions_created" if created else "questions_updated"] += 1
        question.tags.set([tags[slug] for slug in entry["tags"]])
        sync_keypoints(question, entry["keypoints"])
        by_key[entry["key"]] = question

    for spec in bank.sets:
        qset, created = QuestionSet.objects.update_or_create(
            bank_key=spec["key"],
            defaults={
                "title": spec["title"],
                "description": spec.get("description", ""),
                "owner": None,
                "team": None,
                "visibility": Visibility.PUBLIC,
            },
        )
        counts["sets_created" if created else "sets_updated"] += 1
        members = [
            by_key[q["key"]]
            for q in bank.questions
            if (spec.get("difficulty") and q["difficulty"] == spec["difficulty"])
            or (set(spec.get("tags", [])) & set(q["tags"]))
        ]
        current = list(qset.items.order_by("position").values_list("question_id", flat=True))
        if current != [q.pk for q in members]:
            qset.items.all().delete()
            QuestionSetItem.objects.bulk_create(
                QuestionSetItem(question_set=qset, question=q, position=i) for i, q in enumerate(members, 1)
            )

    # Questions dropped from the bank files stay in the database for the sessions that used
    # them, but are archived so nobody starts new work with them.
    Question.objects.filter(bank_key__isnull=False).exclude(bank_key__in=by_key).update(is_archived=True)
    return counts
