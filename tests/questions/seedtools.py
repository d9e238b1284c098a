"""Tools that compare the question bank with the seed page it was written from.

The seed (``../shared/seeds/000_5e1517a100709882.txt``) is a web page whose 100
answer paragraphs sit between the introduction and "Frequently Asked Questions".
Its text is not ours, so the repository keeps only a fingerprint of it
(``seed_fingerprint.json``): per paragraph, the number tokens it contains, and a
hash of every run of ten words.  The tests read the fingerprint; when the seed
itself is at hand they also check that the fingerprint matches it.

Run as a script to check the bank files (or one of them) against the seed:

    python tests/questions/seedtools.py [questions/bank/aws_001_025.yaml ...]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED_NAME = "000_5e1517a100709882.txt"


def _find_seed() -> Path:
    """The seed beside this checkout (../shared), or where INTERVIEWPREP_SEED or /work/shared puts it."""
    candidates = [
        os.environ.get("INTERVIEWPREP_SEED", ""),
        REPO.parent / "shared" / "seeds" / SEED_NAME,
        Path("/work/shared/seeds") / SEED_NAME,
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), Path(candidates[1]))


SEED = _find_seed()
FINGERPRINT = Path(__file__).with_name("seed_fingerprint.json")
RUN = 10  # words in a run that must not be copied

_NUMBER = re.compile(r"(?<![A-Za-z0-9_\-])\d+(?:[.,]\d+)*(?![A-Za-z_])")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def seed_paragraphs(text: str) -> list[str]:
    """The 100 answer paragraphs of the seed page, in order.

    A paragraph is a long line; the short lines after it (a code block and the
    sentence that follows it) belong to the paragraph before them.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Preparing for")) + 1
    end = lines.index("Frequently Asked Questions")
    paragraphs: list[str] = []
    for line in lines[start:end]:
        if len(line) >= 200 or not paragraphs:
            paragraphs.append(line)
        else:
            paragraphs[-1] += "\n" + line
    return paragraphs


def numbers(text: str) -> set[str]:
    """Number tokens standing on their own ("5 TB", "$0.005", "16,000"), not in names (S3, t4g, us-east-1)."""
    return {m.group(0).rstrip(".,").replace(",", "") for m in _NUMBER.finditer(text)}


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def runs(text: str, size: int = RUN) -> set[str]:
    w = words(text)
    return {" ".join(w[i : i + size]) for i in range(len(w) - size + 1)}


def run_hash(run: str) -> str:
    return hashlib.blake2b(run.encode(), digest_size=6).hexdigest()


def make_fingerprint(text: str) -> dict:
    paragraphs = seed_paragraphs(text)
    all_runs = set()
    for p in paragraphs:
        all_runs |= runs(p)
    return {
        "paragraphs": len(paragraphs),
        "numbers": [sorted(numbers(p)) for p in paragraphs],
        "run_hashes": sorted({run_hash(r) for r in all_runs}),
    }


def load_fingerprint() -> dict:
    return json.loads(FINGERPRINT.read_text())


def copied_runs(text: str, fingerprint: dict) -> list[str]:
    """The runs of ten words in ``text`` that also stand in the seed."""
    hashes = set(fingerprint["run_hashes"])
    return sorted(r for r in runs(text) if run_hash(r) in hashes)


def problems(question: dict, fingerprint: dict) -> list[str]:
    """What is wrong with one bank entry compared with its seed paragraph."""
    found = []
    n = question["number"]
    seed_numbers = set(fingerprint["numbers"][n - 1])
    fields = [("prompt", question["prompt"]), ("reference_answer", question["reference_answer"])]
    if question.get("context"):
        fields.append(("context", question["context"]))
    for i, kp in enumerate(question["keypoints"], 1):
        fields.append((f"keypoint {i}", kp["text"]))
        extra = numbers(kp["text"]) - seed_numbers
        if extra:
            found.append(f"keypoint {i}: numbers not in seed paragraph {n}: {sorted(extra)}")
    for name, text in fields:
        for r in copied_runs(text, fingerprint):
            found.append(f"{name}: copies ten seed words: {r!r}")
    return found


def main(argv: list[str]) -> int:
    import yaml

    if not FINGERPRINT.exists() or "--refresh" in argv:
        FINGERPRINT.write_text(json.dumps(make_fingerprint(SEED.read_text()), indent=0) + "\n")
        argv = [a for a in argv if a != "--refresh"]
    fingerprint = load_fingerprint()
    sys.path.insert(0, str(Path(__file__).parent))
    from bankrules import all_problems

    files = [Path(a) for a in argv] or sorted((REPO / "questions" / "bank").glob("aws_*.yaml"))
    bad = 0
    for path in files:
        for q in yaml.safe_load(path.read_text()) or []:
            for p in problems(q, fingerprint) + all_problems(q):
                bad += 1
                print(f"{path.name} #{q['number']} {q['key']}: {p}")
    print(f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
