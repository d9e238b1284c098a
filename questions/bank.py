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

from .models import Difficulty, Question, QuestionSet, QuestionSetItem, Tag, Visibility
from .services import MAX_WEIGHT, sync_keypoints

BANK_DIR = Path(__file__).resolve().parent / "bank"
MIN_KEYPOINTS, MAX_KEYPOINTS = 3, 6
MAX_TAGS = 3


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
            where = f"{path.name} entry {i}"
            problems += [f"{where}: {p}" for p in validate_question(entry, tags)]
            questions.append(entry)
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


def validate_question(entry: dict, tags: dict[str, str]) -> list[str]:
    problems = []
    for field in ("key", "number", "difficulty", "prompt", "reference_answer", "keypoints", "tags"):
        if not entry.get(field):
            problems.append(f"{field} is missing")
    if problems:
        return problems
    if entry["difficulty"] not in Difficulty.values:
        problems.append(f"difficulty {entry['difficulty']!r} is not one of {', '.join(Difficulty.values)}")
    if len(entry["prompt"]) > 300 or "\n" in entry["prompt"].strip():
        problems.append("prompt must be one line of at most 300 characters")
    if not 1 <= len(entry["tags"]) <= MAX_TAGS:
        problems.append(f"has {len(entry['tags'])} tags; 1 to {MAX_TAGS} are allowed")
    for slug in entry["tags"]:
        if slug not in tags:
            problems.append(f"tag {slug!r} is not in tags.yaml")
    keypoints = entry["keypoints"]
    if not MIN_KEYPOINTS <= len(keypoints) <= MAX_KEYPOINTS:
        problems.append(f"has {len(keypoints)} keypoints; {MIN_KEYPOINTS} to {MAX_KEYPOINTS} are allowed")
    for n, kp in enumerate(keypoints, 1):
        if not str(kp.get("text", "")).strip():
            problems.append(f"keypoint {n}: text is missing")
        elif len(kp["text"]) > 300:
            problems.append(f"keypoint {n}: text is longer than 300 characters")
        if not isinstance(kp.get("weight"), int) or not 1 <= kp["weight"] <= MAX_WEIGHT:
            problems.append(f"keypoint {n}: weight must be a whole number from 1 to {MAX_WEIGHT}")
        for field in ("evidence", "contradicts"):
            terms = kp.get(field, [])
            if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
                problems.append(f"keypoint {n}: {field} must be a list of terms")
    sources = entry.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(u, str) for u in sources):
        problems.append("sources must be a list of addresses")
    return problems


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
