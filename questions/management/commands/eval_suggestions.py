"""Measure the keypoint suggestions on the evaluation set in questions/eval/*.jsonl.

Each line is a written answer to a bank question with a person's verdict for every keypoint
(covered / partial / missed) and the kind of answer (strong, partial, paraphrase,
misconception, neighbour, offtopic). Questions whose bank number is a multiple of five are the
held-out fifth: never looked at while tuning (``--fit``, ``--cv`` and the ``--ablate`` table use the rest only).

Prints, for the development part and the held-out part: precision, recall and F1 per verdict,
the confusion table, the false-"covered" rate per kind of answer, and the latency per answer.
``--cv K`` judges a change without the held-out part: K folds of the development questions, the
weights fitted on the other folds each time.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from questions.bank import read_bank
from questions.suggest import Keypoint, suggest
from questions.suggest import matcher as M
from questions.suggest.matcher import DEFAULT

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval"
VERDICTS = ("covered", "partial", "missed")
KINDS = ("strong", "partial", "paraphrase", "misconception", "neighbour", "offtopic")
ABLATIONS = (
    "use_negation",
    "use_subject",
    "use_contradicts",
    "use_loose_phrases",
    "use_numbers",
    "use_opposites",
    "use_synonyms",
    "use_distrust",
)


def load_items(directory: Path = EVAL_DIR) -> list[dict]:
    questions = {q["key"]: q for q in read_bank().questions}
    items = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            question = questions.get(row["question"])
            if question is None:
                raise CommandError(f"{path.name} line {n}: no bank question {row['question']!r}")
            if set(row["labels"]) != {str(i) for i in range(1, len(question["keypoints"]) + 1)}:
                raise CommandError(f"{path.name} line {n}: labels do not match the keypoints of {row['question']}")
            items.append({**row, "q": question, "part": "holdout" if question["number"] % 5 == 0 else "dev"})
    return items


def keypoints_of(question) -> list[Keypoint]:
    return [
        Keypoint(i, kp["text"], kp.get("evidence", []), kp.get("contradicts", []), weight=kp["weight"])
        for i, kp in enumerate(question["keypoints"], 1)
    ]


def evaluate(items, params=DEFAULT) -> dict:
    return summarise(*tally(items, params), questions=len({i["question"] for i in items}), answers=len(items))


def tally(items, params=DEFAULT):
    """(confusion, by_kind, latencies) of the suggestions on the items: what ``summarise`` reads."""
    confusion = Counter()  # (gold, predicted)
    by_kind = defaultdict(Counter)
    latencies = []
    for item in items:
        started = time.perf_counter()
        q = item["q"]
        found = suggest(
            item["answer"], keypoints_of(q), prompt=q["prompt"], reference=q["reference_answer"], params=params
        )
        latencies.append((time.perf_counter() - started) * 1000)
        for s in found:
            gold = item["labels"][str(s.keypoint.position)]
            confusion[gold, s.verdict] += 1
            by_kind[item["kind"]]["keypoints"] += 1
            by_kind[item["kind"]]["false_covered"] += s.verdict == "covered" and gold != "covered"
    return confusion, by_kind, latencies


def summarise(confusion, by_kind, latencies, questions=0, answers=0) -> dict:
    scores = {}
    for v in VERDICTS:
        tp = confusion[v, v]
        predicted = sum(confusion[g, v] for g in VERDICTS)
        actual = sum(confusion[v, p] for p in VERDICTS)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[v] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
    latencies = sorted(latencies)
    return {
        "answers": answers or len(latencies),
        "labels": sum(confusion.values()),
        "questions": questions,
        "scores": scores,
        "confusion": {f"{g}->{p}": confusion[g, p] for g in VERDICTS for p in VERDICTS},
        "false_covered_rate": {
            k: by_kind[k]["false_covered"] / by_kind[k]["keypoints"] for k in KINDS if by_kind[k]["keypoints"]
        },
        "latency_ms": {
            "median": statistics.median(latencies) if latencies else 0.0,
            "p95": latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
        },
    }


def feature_rows(items) -> tuple[np.ndarray, np.ndarray]:
    """The linear model's input for every keypoint of the items, and 1 where the person said covered."""
    xs, ys = [], []
    for item in items:
        kps = keypoints_of(item["q"])
        key = tuple((k.position, k.text, tuple(k.evidence), tuple(k.contradicts)) for k in kps)
        rubric = M._rubric(key, item["q"]["prompt"], item["q"]["reference_answer"])
        sentences = M._sentences(item["answer"])
        found = [M.features(sentences, rubric, i) for i in range(len(kps))]
        xs += M.vectors(found, sentences, rubric)
        ys += [1.0 if item["labels"][str(kp.position)] == "covered" else 0.0 for kp in kps]
    return np.array(xs), np.array(ys)


def fit_weights(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> list[float]:
    """Logistic regression of "covered" on the features (a little L2), by Newton's method until
    it converges. (600 steps of gradient descent, used before, stopped far from the optimum: the
    features are not scaled alike, and the fitted weights were much smaller than the best ones.)"""
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) / len(y) + l2 * w
        hessian = (x.T * (p * (1 - p))) @ x / len(y) + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w = w - step
        if np.abs(step).max() < 1e-8:
            break
    return [float(v) for v in w]


def cross_validate(dev, folds: int = 5, params=DEFAULT) -> dict:
    """Grouped by question: the weights are fitted on the other folds' questions and judged on this
    fold's, and the tallies of every fold are summed."""
    numbers = sorted({i["q"]["number"] for i in dev})
    fold_of = {n: k % folds for k, n in enumerate(numbers)}
    confusion, by_kind, latencies = Counter(), defaultdict(Counter), []
    for k in range(folds):
        train = [i for i in dev if fold_of[i["q"]["number"]] != k]
        test = [i for i in dev if fold_of[i["q"]["number"]] == k]
        weights = fit_weights(*feature_rows(train))
        c, b, lat = tally(test, replace(params, weights=tuple(weights)))
        confusion.update(c)
        for kind, counts in b.items():
            by_kind[kind].update(counts)
        latencies += lat
    return summarise(confusion, by_kind, latencies, questions=len(numbers), answers=len(dev))


class Command(BaseCommand):
    help = "Measure keypoint suggestions on questions/eval (development part and held-out fifth)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--ablate", action="store_true", help="F1 for 'covered' without each check (dev part).")
        parser.add_argument("--fit", action="store_true", help="Fit the linear model's weights on the dev part only.")
        parser.add_argument(
            "--cv",
            type=int,
            metavar="K",
            help="K-fold cross-validation on the dev part, grouped by question: weights fitted on the other folds.",
        )
        parser.add_argument(
            "--questions",
            type=int,
            metavar="N",
            help="Only the first N questions of each part: a quick look (the README's figures use them all).",
        )

    def handle(self, *args, json=False, ablate=False, fit=False, cv=None, questions=None, **options):
        items = load_items()
        if not items:
            raise CommandError(f"No evaluation answers in {EVAL_DIR}.")
        if questions is not None:
            if questions < 1:
                raise CommandError("--questions takes a number from 1.")
            items = _first_questions(items, questions)
        dev = [i for i in items if i["part"] == "dev"]
        if fit:
            return self._fit(dev)
        if cv is not None:
            if cv < 2:
                raise CommandError("--cv takes a number of folds from 2.")
            r = cross_validate(dev, cv)
            return self.stdout.write(_json_dumps(r)) if json else self._print(f"development, {cv}-fold CV", r)
        results = {"development": evaluate(dev), "held-out": evaluate([i for i in items if i["part"] == "holdout"])}
        if ablate:
            runs = {"all checks": results["development"]} | {
                f"without {name[4:]}": evaluate(dev, replace(DEFAULT, **{name: False})) for name in ABLATIONS
            }
            results["ablation_dev"] = {
                name: {
                    "covered_f1": r["scores"]["covered"]["f1"],
                    "false_covered_misconception": r["false_covered_rate"].get("misconception", 0.0),
                    "false_covered_neighbour": r["false_covered_rate"].get("neighbour", 0.0),
                }
                for name, r in runs.items()
            }
        if json:
            self.stdout.write(_json_dumps(results))
            return
        for part, r in results.items():
            if part.startswith("ablation"):
                self.stdout.write("\nWhat each check earns (development part): F1 covered, false covered on")
                self.stdout.write("misconception and neighbour answers")
                for name, a in r.items():
                    self.stdout.write(
                        f"  {name:<26} {a['covered_f1']:.3f}  {a['false_covered_misconception']:6.1%}"
                        f"  {a['false_covered_neighbour']:6.1%}"
                    )
                continue
            self._print(part, r)

    def _print(self, part, r):
        w = self.stdout.write
        w(f"\n== {part}: {r['answers']} answers, {r['labels']} labels, {r['questions']} questions")
        w(f"{'verdict':<10}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
        for v, s in r["scores"].items():
            w(f"{v:<10}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>7.3f}{s['support']:>9}")
        w("confusion (rows: the person's label, columns: the suggestion)")
        w(f"{'':<10}" + "".join(f"{p:>9}" for p in VERDICTS))
        for g in VERDICTS:
            w(f"{g:<10}" + "".join(f"{r['confusion'][f'{g}->{p}']:>9}" for p in VERDICTS))
        w(
            "false 'covered' per kind of answer: "
            + ", ".join(f"{k} {v:.1%}" for k, v in r["false_covered_rate"].items())
        )
        w(f"latency per answer: median {r['latency_ms']['median']:.1f} ms, p95 {r['latency_ms']['p95']:.1f} ms")

    def _fit(self, dev):
        """Logistic regression of "covered" on the matcher's features (``fit_weights``)."""
        weights = fit_weights(*feature_rows(dev))
        self.stdout.write(f"WEIGHTS = {[round(w, 2) for w in weights]}")
        for partial in (0.2, 0.25, 0.3):
            for covered in (0.3, 0.35, 0.4, 0.45, 0.5):
                r = evaluate(dev, replace(DEFAULT, weights=tuple(weights), covered=covered, partial=partial))
                wrong = r["false_covered_rate"]
                self.stdout.write(
                    f"covered >= {covered}, partial >= {partial}: F1 covered {r['scores']['covered']['f1']:.3f}, "
                    f"partial {r['scores']['partial']['f1']:.3f}, false covered misconception "
                    f"{wrong.get('misconception', 0):.1%} neighbour {wrong.get('neighbour', 0):.1%}"
                )


def _first_questions(items, n):
    """The items of the first ``n`` questions (by number) of each part."""
    keep = set()
    for part in {i["part"] for i in items}:
        keep |= {(part, q) for q in sorted({i["q"]["number"] for i in items if i["part"] == part})[:n]}
    return [i for i in items if (i["part"], i["q"]["number"]) in keep]


def _json_dumps(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True)
