"""The bank's content rules (questions/bank/FORMAT.md, review checklist), one function each.

Each function takes one bank entry and returns its problems as strings naming the question.
The tests apply them to the whole bank; ``python tests/questions/seedtools.py FILE`` applies
them, with the seed checks, to one file while it is being written.
"""

from __future__ import annotations

import re

MAX_KEYPOINT_WORDS = 25

# Words any answer on any topic uses: as evidence they would match wrong answers as well as right ones.
STOP_WORDS = {
    "a", "an", "and", "or", "not", "no", "the", "of", "to", "in", "on", "for", "with", "by", "is", "are", "it",
    "aws", "amazon", "cloud", "data", "service", "services", "resource", "resources", "feature", "features",
    "application", "applications", "app", "system", "server", "servers", "user", "users", "use", "using",
    "option", "options", "setting", "settings", "configuration", "config", "thing", "things", "way",
    "best practice", "performance", "security", "secure", "fast", "faster", "cheap", "cheaper", "better",
    "scalable", "scale", "managed", "fully managed", "easy", "simple", "high", "low",
}  # fmt: skip
_WORDS = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORDS.findall(str(text).lower())


def evidence_problems(q: dict) -> list[str]:
    """At least two evidence terms a keypoint, none generic, none that only repeats the prompt."""
    found = []
    prompt_words = set(words(q["prompt"]))
    for n, kp in enumerate(q["keypoints"], 1):
        terms = kp.get("evidence") or []
        if len(terms) < 2:
            found.append(f"{q['key']} keypoint {n}: fewer than two evidence terms")
        if len({t.strip().lower() for t in terms}) != len(terms):
            found.append(f"{q['key']} keypoint {n}: an evidence term is repeated")
        for term in terms:
            term_words = words(term)
            if term.strip().lower() in STOP_WORDS or all(w in STOP_WORDS for w in term_words):
                found.append(f"{q['key']} keypoint {n}: generic evidence term {term!r}")
            elif all(w in prompt_words for w in term_words):
                found.append(f"{q['key']} keypoint {n}: evidence term {term!r} only repeats the prompt")
    return found


def length_problems(q: dict) -> list[str]:
    return [
        f"{q['key']} keypoint {n}: {len(kp['text'].split())} words (at most {MAX_KEYPOINT_WORDS})"
        for n, kp in enumerate(q["keypoints"], 1)
        if len(kp["text"].split()) > MAX_KEYPOINT_WORDS
    ]


def contradicts_problems(q: dict) -> list[str]:
    """A contradicting phrase never stands in the question's own reference answer."""
    found = []
    answer = " ".join(words(q["reference_answer"]))
    for n, kp in enumerate(q["keypoints"], 1):
        for phrase in kp.get("contradicts") or []:
            phrase_words = " ".join(words(phrase))
            if not phrase_words:
                found.append(f"{q['key']} keypoint {n}: empty contradicts phrase")
            elif re.search(rf"\b{re.escape(phrase_words)}\b", answer):
                found.append(f"{q['key']} keypoint {n}: the reference answer says {phrase!r}")
    return found


def source_problems(q: dict) -> list[str]:
    sources = q.get("sources") or []
    if not sources:
        return [f"{q['key']}: no sources"]
    return [f"{q['key']}: source {u!r} is not an https address" for u in sources if not str(u).startswith("https://")]


def all_problems(q: dict) -> list[str]:
    return evidence_problems(q) + length_problems(q) + contradicts_problems(q) + source_problems(q)
