"""Measure the keypoint suggestions on the evaluation set in questions/eval/*.jsonl.

Each line is a written answer to a bank question with a person's verdict for every keypoint
(covered / partial / missed) and the kind of answer (strong, partial, paraphrase,
misconception, neighbour, offtopic). Questions whose bank number is a multiple of five are the
held-out fifth: never looked at while tuning (``--tune`` and ``--ablate`` use the rest only).

Prints, for the development part and the held-out part: precision, recall and F1 per verdict,
the confusion table, the false-"covered" rate per kind of answer, and the latency per answer.
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questions.bank import read_bank
from questions.suggest import Keypoint, suggest
from questions.suggest.matcher import DEFAULT

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval"
VERDICTS = ("covered", "partial", "missed")
KINDS = ("strong", "partial", "paraphrase", "misconception", "neighbour", "offtopic")
ABLATIONS = ("use_negation", "use_subject", "use_contradicts", "use_numbers")


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
    confusion = Counter()  # (gold, predicted)
    by_kind = defaultdict(Counter)
    latencies = []
    for item in items:
        started = time.perf_counter()
        found = suggest(item["answer"], keypoints_of(item["q"]), prompt=item["q"]["prompt"], params=params)
        latencies.append((time.perf_counter() - started) * 1000)
        for s in found:
            gold = item["labels"][str(s.keypoint.position)]
            confusion[gold, s.verdict] += 1
            by_kind[item["kind"]]["keypoints"] += 1
            by_kind[item["kind"]]["false_covered"] += s.verdict == "covered" and gold != "covered"
    scores = {}
    for v in VERDICTS:
        tp = confusion[v, v]
        predicted = sum(confusion[g, v] for g in VERDICTS)
        actual = sum(confusion[v, p] for p in VERDICTS)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[v] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
    latencies.sort()
    return {
        "answers": len(items),
        "labels": sum(confusion.values()),
        "questions": len({i["question"] for i in items}),
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


class Command(BaseCommand):
    help = "Measure keypoint suggestions on questions/eval (development part and held-out fifth)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--ablate", action="store_true", help="F1 for 'covered' without each check (dev part).")
        parser.add_argument("--tune", action="store_true", help="Grid-search the thresholds on the dev part only.")

    def handle(self, *args, json: bool = False, ablate: bool = False, tune: bool = False, **options):
        items = load_items()
        if not items:
            raise CommandError(f"No evaluation answers in {EVAL_DIR}.")
        dev = [i for i in items if i["part"] == "dev"]
        if tune:
            return self._tune(dev)
        results = {"development": evaluate(dev), "held-out": evaluate([i for i in items if i["part"] == "holdout"])}
        if ablate:
            base = results["development"]["scores"]["covered"]["f1"]
            results["ablation_dev_covered_f1"] = {"all checks": base} | {
                f"without {name[4:]}": evaluate(dev, replace(DEFAULT, **{name: False}))["scores"]["covered"]["f1"]
                for name in ABLATIONS
            }
        if json:
            self.stdout.write(_json_dumps(results))
            return
        for part, r in results.items():
            if part.startswith("ablation"):
                self.stdout.write("\nWhat each check earns (F1 for covered, development part):")
                for name, f1 in r.items():
                    self.stdout.write(f"  {name:<22} {f1:.3f}")
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

    def _tune(self, dev):
        best = None
        grid = itertools.product(
            (0.4, 0.45, 0.5, 0.55, 0.6), (0.2, 0.25, 0.3, 0.35), (0.45, 0.55, 0.65), (0.6, 0.7, 0.8)
        )
        for covered, partial, ev, ov in grid:
            if partial >= covered:
                continue
            params = replace(DEFAULT, covered=covered, partial=partial, evidence_weight=ev, overlap_weight=ov)
            r = evaluate(dev, params)
            key = (
                r["scores"]["covered"]["f1"],
                -max(r["false_covered_rate"].get(k, 0) for k in ("misconception", "neighbour")),
            )
            if best is None or key > best[0]:
                best = (key, params)
        self.stdout.write(f"best on the development part: F1 covered {best[0][0]:.3f} with {best[1]}")


def _json_dumps(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True)
