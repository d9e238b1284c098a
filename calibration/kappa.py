"""Cohen's weighted kappa with linear weights: how far two raters agree beyond chance.

Marks are ordinal (missed < partial < covered), so a "partial" against a "covered" is half a
disagreement and a "missed" against a "covered" a whole one. With disagreement weights
``w[i][j] = |i - j| / (k - 1)``, observed table ``O`` (proportions) and the table chance would
give ``E[i][j] = rows[i] * cols[j]``::

    kappa = 1 - sum(w * O) / sum(w * E)

1 is perfect agreement, 0 what chance gives, below 0 worse than chance. With two categories it
is Cohen's unweighted kappa. Pure Python: three categories and a few dozen marks need no numpy.
"""

from collections.abc import Iterable, Sequence

ORDER = ("missed", "partial", "covered")


def table(pairs: Iterable[tuple[str, str]], categories: Sequence[str] = ORDER) -> list[list[int]]:
    """Count pairs (gold, rater) into a k x k table: rows are the gold marks, columns the rater's."""
    index = {c: i for i, c in enumerate(categories)}
    counts = [[0] * len(categories) for _ in categories]
    for gold, rater in pairs:
        counts[index[gold]][index[rater]] += 1
    return counts


def add(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> list[list[int]]:
    """Two tables of the same size, cell by cell: pooling drills pools their marks."""
    return [[x + y for x, y in zip(row_a, row_b, strict=True)] for row_a, row_b in zip(a, b, strict=True)]


def weighted_kappa(counts: Sequence[Sequence[float]]) -> float | None:
    """Linear-weighted kappa of a square table of counts; None when it is not defined.

    It is not defined without marks, or when chance alone would agree fully (both raters used
    one and the same category throughout: there is nothing to tell apart).
    """
    k = len(counts)
    if k < 2 or any(len(row) != k for row in counts):
        raise ValueError("A square table of two categories or more.")
    n = sum(sum(row) for row in counts)
    if n <= 0:
        return None
    rows = [sum(row) / n for row in counts]
    cols = [sum(counts[i][j] for i in range(k)) / n for j in range(k)]
    observed = expected = 0.0
    for i in range(k):
        for j in range(k):
            w = abs(i - j) / (k - 1)
            observed += w * counts[i][j] / n
            expected += w * rows[i] * cols[j]
    if expected == 0:
        return None
    return 1 - observed / expected


def exact_share(counts: Sequence[Sequence[float]]) -> float | None:
    """The share of marks on which both raters agree exactly (the table's diagonal)."""
    n = sum(sum(row) for row in counts)
    return sum(counts[i][i] for i in range(len(counts))) / n if n else None
