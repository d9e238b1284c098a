"""The linear model the matcher's features feed: the features as numbers, their weights, the probability.

``vector`` turns what the matcher saw of one keypoint (``matcher.Features``) into the model's input;
``probability`` is the logistic model's "covered". The weights are fitted on the development part of
the evaluation set only (``manage.py eval_suggestions --fit``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .matcher import Features


def vector(f: Features, answer_words: int, evidence_terms: int, relative: float = 0.0) -> list[float]:
    """The features as the linear model reads them (the first is the constant)."""
    return [
        1.0,
        min(f.evidence, 3) / 3,
        min(f.best_evidence, 2) / 2,
        f.sentence_overlap,
        f.window_overlap,
        f.answer_overlap,
        1.0 if f.off_subject else 0.0,
        # The answer's length, within the lengths of the development answers (about 30 to 150 words)
        # and no less than 60: in the evaluation set the long answers are the strong and paraphrased
        # ones, and a model fitted on that should not hold a short right answer (a note typed live)
        # against its length, nor give a long rambling one more credit than any answer it saw.
        math.log1p(min(max(answer_words, 60), 150)) / 5,
        min(evidence_terms, 6) / 6,
        f.related,
        min(f.denied, 2) / 2,
        f.evidence_words,
        relative,
    ]


# Fitted by `manage.py eval_suggestions --fit` on the development part only (logistic regression,
# covered against the rest); the held-out fifth never saw them.
WEIGHTS = [-4.79, 0.92, 1.25, 1.46, 0.79, 2.3, -0.47, 4.23, -1.78, 3.06, -0.26, 1.13, -1.25]


def probability(x: list[float], weights=None) -> float:
    z = sum(w * v for w, v in zip(weights or WEIGHTS, x, strict=True))
    return 1 / (1 + math.exp(-z))
