"""The statistics behind the hiring report's "can we trust the panel" sections.

Plain functions over plain Python values: nothing here touches the database (reports.queries.panel
gathers the rows). Each returns None, not a number, when there is too little data to mean anything:

- Krippendorff's alpha (the maintained ``krippendorff`` package) needs at least MIN_PAIRS pairs of
  judgements of the same unit by two different interviewers;
- its 95% interval is a bootstrap over units (answers, keypoints or interviews drawn with
  replacement), RESAMPLES times with a fixed seed, so a report is the same every time it is built;
- leniency needs MIN_SHARED answers scored by the interviewer and someone else, agreement MIN_PAIRS
  pairs of marks;
- discrimination (corrected item-total correlation) needs MIN_CANDIDATES candidates with a score on
  every question.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import krippendorff
import numpy as np

MIN_PAIRS = 10
MIN_SHARED = 5
MIN_CANDIDATES = 5
RESAMPLES = 500
DENSE_LIMIT = 2_000_000  # units x values x values cells the krippendorff package may hold at once
SEED = 16
WEAK_DISCRIMINATION = 0.2  # below this a question's score hardly follows the rest of the interview
MOSTLY = 0.8  # share of candidates at the floor (or ceiling) that makes a question carry no signal


# Krippendorff's alpha ----------------------------------------------------------------------------------


def value_counts(judgements: Iterable[tuple], domain: list) -> np.ndarray:
    """Units x values: how many interviewers gave each value of `domain` to each unit.

    `judgements` are (unit, rater, value) triples; a value outside `domain` is ignored.
    """
    index = {value: i for i, value in enumerate(domain)}
    units: dict = {}  # unit: its row, in order of first appearance
    cells = []  # row * len(domain) + value, one per judgement
    for unit, _rater, value in judgements:
        column = index.get(value)
        if column is not None:
            cells.append(units.setdefault(unit, len(units)) * len(domain) + column)
    size = len(units) * len(domain)
    return np.bincount(np.array(cells, dtype=np.intp), minlength=size).astype(float).reshape(len(units), len(domain))


def pairable(counts: np.ndarray) -> np.ndarray:
    """The units judged by two interviewers or more (only they carry information about agreement)."""
    return counts[counts.sum(axis=1) >= 2]


def pair_count(counts: np.ndarray) -> int:
    """Pairs of interviewers judging the same unit: m(m - 1) / 2 summed over units judged m times."""
    m = counts.sum(axis=1)
    return int((m * (m - 1) / 2).sum())


def alpha(counts: np.ndarray, domain: list, level: str) -> float | None:
    """Krippendorff's alpha of a units x values count table, by the ``krippendorff`` package.

    None when it is undefined: no unit judged twice, or every judgement the same value. The
    package holds a values x values table per unit; past DENSE_LIMIT cells the same figure comes
    from coincidence_alpha(), which holds one table in all (tests check the two agree).
    """
    counts = pairable(counts)
    if not len(counts) or np.count_nonzero(counts.sum(axis=0)) < 2:
        return None
    if counts.shape[0] * counts.shape[1] ** 2 > DENSE_LIMIT:
        return coincidence_alpha(coincidences(counts), domain, level)
    values = np.arange(len(domain)) if level == "ordinal" else np.array(domain, dtype=float)
    result = krippendorff.alpha(value_counts=counts, value_domain=values, level_of_measurement=level)
    return None if math.isnan(result) else float(result)


def coincidence_entries(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pairable unit's share of the coincidence matrix, as (unit, cell of o, amount) arrays.

    A unit judged m times adds n_c * n_k / (m - 1) to o[c, k] (n_c * (n_c - 1) / (m - 1) on the
    diagonal). Only values a unit was given appear, so the arrays hold a few entries per unit.
    """
    units = pairable(counts)
    size = counts.shape[1]
    unit_index, value_index = np.nonzero(units)  # grouped by unit
    widest = int(np.count_nonzero(units, axis=1).max(initial=0))
    left, right = [], []
    for step in range(-widest + 1, widest):  # pair each entry with the entries of its own unit
        i = np.arange(max(0, -step), min(len(unit_index), len(unit_index) - step))
        i = i[unit_index[i] == unit_index[i + step]]
        left.append(i)
        right.append(i + step)
    left, right = np.concatenate(left or [np.array([], int)]), np.concatenate(right or [np.array([], int)])
    u, c, k = unit_index[left], value_index[left], value_index[right]
    amount = units[u, c] * (units[u, k] - (c == k)) / (units.sum(axis=1)[u] - 1)
    return u, c * size + k, amount


def coincidences(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Krippendorff's coincidence matrix o[c, k], each pairable unit counted `weights[u]` times (once by default)."""
    size = counts.shape[1]
    u, cell, amount = coincidence_entries(counts)
    if weights is not None:
        amount = amount * weights[u]
    return np.bincount(cell, weights=amount, minlength=size * size).reshape(size, size)


def coincidence_alpha(o: np.ndarray, domain: list, level: str) -> float | None:
    """Alpha from a coincidence matrix: 1 - observed / expected disagreement (Krippendorff 2011, eq. 1).

    Ordinal distances use the values' ranks and marginals; interval distances the squared difference.
    """
    n_v = o.sum(axis=0)
    n = n_v.sum()
    if n <= 1 or np.count_nonzero(n_v) < 2:
        return None
    expected = (np.outer(n_v, n_v) - np.diag(n_v)) / (n - 1)
    d = distances(domain, n_v, level)
    disagreement = (expected * d).sum()
    return None if disagreement == 0 else float(1 - (o * d).sum() / disagreement)


def distances(domain: list, n_v: np.ndarray, level: str) -> np.ndarray:
    """Squared distances between values: nominal 0/1, ordinal by ranks and marginals, interval (c - k)^2."""
    size = len(domain)
    if level == "nominal":
        return 1 - np.eye(size)
    if level == "interval":
        values = np.array(domain, dtype=float)
        return (values[:, None] - values[None, :]) ** 2
    cumulative = np.concatenate([[0], np.cumsum(n_v)])
    low, high = np.minimum.outer(np.arange(size), np.arange(size)), np.maximum.outer(np.arange(size), np.arange(size))
    between = cumulative[high + 1] - cumulative[low]
    return (between - (n_v[low] + n_v[high]) / 2) ** 2


def bootstrap_interval(
    counts: np.ndarray, domain: list, level: str, *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[float, float] | None:
    """A 95% percentile interval for alpha, drawing the units with replacement `resamples` times.

    A draw counts each unit as often as it was drawn (coincidences() with weights). Draws where
    alpha is undefined (every value alike) are left out; None if fewer than half remain.
    """
    units = pairable(counts)
    if not len(units):
        return None
    size = counts.shape[1]
    # Units with the same counts add the same to o: each draw is added up per kind of unit, a few
    # kinds however many units (the same draws, so the same interval).
    kinds, kind_of = _kinds(units)
    u, cell, amount = coincidence_entries(kinds)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(resamples):
        drawn = rng.integers(0, len(units), len(units))
        weights = np.bincount(kind_of[drawn], minlength=len(kinds))
        o = np.bincount(cell, weights=amount * weights[u], minlength=size * size).reshape(size, size)
        value = coincidence_alpha(o, domain, level)
        if value is not None:
            draws.append(value)
    if len(draws) < resamples / 2:
        return None
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)


def _kinds(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of `units`, and for each unit the index of its row among them.

    Rows are told apart by one integer each (the counts times fixed random weights), which sorts far
    faster than the rows themselves; should two different rows ever share it, the rows are compared.
    """
    weights = np.random.default_rng(SEED).integers(1, 2**31, units.shape[1])
    keys = units.astype(np.int64) @ weights  # wraps around on overflow: still a key
    _, first, kind_of = np.unique(keys, return_index=True, return_inverse=True)
    kinds = units[first]
    if not np.array_equal(kinds[kind_of.reshape(-1)], units):
        kinds, kind_of = np.unique(units, axis=0, return_inverse=True)
    return kinds, kind_of.reshape(-1)


def reliability(judgements: Iterable[tuple], domain: list, level: str, **bootstrap) -> dict:
    """Alpha with its interval, the number of pairs and of units judged twice; "enough" below MIN_PAIRS is False.

    `judgements` are (unit, rater, value) triples, `domain` the values in order (ordinal levels use
    their rank, interval levels the values themselves). Alpha and the interval are None without enough pairs.
    """
    counts = value_counts(judgements, domain)
    pairs = pair_count(counts)
    enough = pairs >= MIN_PAIRS
    value = alpha(counts, domain, level) if enough else None
    interval = bootstrap_interval(counts, domain, level, **bootstrap) if value is not None else None
    return {
        "level": level,
        "alpha": _round(value, 3),
        "low": _round(interval[0], 3) if interval else None,
        "high": _round(interval[1], 3) if interval else None,
        "pairs": pairs,
        "units": len(pairable(counts)),
        "enough": enough,
    }


# Each interviewer against the rest of the panel -------------------------------------------------------


def by_unit(judgements: Iterable[tuple]) -> dict:
    """{unit: {rater: value}} from (unit, rater, value) triples."""
    units: dict = defaultdict(dict)
    for unit, rater, value in judgements:
        units[unit][rater] = value
    return units


def leniency(scores: dict) -> dict:
    """Per interviewer: the mean of (their score - the mean of the others' scores) over shared answers.

    `scores` is {answer: {interviewer: score}}. Positive: softer than the rest of the panel. The
    mean is None below MIN_SHARED shared answers; "answers" says how many there were.
    """
    differences: dict = defaultdict(list)
    for raters in scores.values():
        if len(raters) < 2:
            continue
        total = sum(raters.values())
        for rater, score in raters.items():
            others = (total - score) / (len(raters) - 1)
            differences[rater].append(score - others)
    return {
        rater: {
            "answers": len(values),
            "leniency": _round(sum(values) / len(values), 1) if len(values) >= MIN_SHARED else None,
        }
        for rater, values in differences.items()
    }


def agreement(marks: dict) -> dict:
    """Per interviewer: the share of their marks equal to another panel member's mark on the same keypoint.

    `marks` is {keypoint: {interviewer: mark}}; every (interviewer, other member) pair on a keypoint
    counts once. The share is None below MIN_PAIRS pairs; "pairs" says how many there were.
    """
    same: dict = defaultdict(int)
    pairs: dict = defaultdict(int)
    for raters in marks.values():
        for rater, mark in raters.items():
            for other, theirs in raters.items():
                if other != rater:
                    pairs[rater] += 1
                    same[rater] += mark == theirs
    return {
        rater: {"pairs": n, "agreement": _round(same[rater] / n, 2) if n >= MIN_PAIRS else None}
        for rater, n in pairs.items()
    }


# Questions -----------------------------------------------------------------------------------------------


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's correlation of two equally long lists; None if either does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def discrimination(rows: list[list[float | None]]) -> list[float | None]:
    """Per question: the corrected item-total correlation over candidates scored on every question.

    `rows` is candidates x questions (None: not scored). A question's score is correlated with the
    sum of the candidate's other questions, so the question does not correlate with itself. None
    for every question with fewer than MIN_CANDIDATES complete candidates or fewer than two questions.
    """
    width = max((len(row) for row in rows), default=0)
    complete = [row for row in rows if len(row) == width and all(v is not None for v in row)]
    if width < 2 or len(complete) < MIN_CANDIDATES:
        return [None] * width
    totals = [sum(row) for row in complete]
    result = []
    for i in range(width):
        item = [row[i] for row in complete]
        rest = [total - v for total, v in zip(totals, item, strict=True)]
        result.append(_round(pearson(item, rest), 2))
    return result


def floor_ceiling(scores: list[float | None]) -> tuple[float | None, float | None]:
    """Shares of scored candidates at 0 (every keypoint missed) and at 100 (every one covered)."""
    scored = [s for s in scores if s is not None]
    if not scored:
        return None, None
    return _round(sum(s <= 0 for s in scored) / len(scored), 2), _round(sum(s >= 100 for s in scored) / len(scored), 2)


def no_signal_reason(*, floor: float | None, ceiling: float | None, discrimination: float | None) -> str:
    """One line saying why a question tells candidates nothing, or "" if it does (or we cannot tell)."""
    if ceiling is not None and ceiling >= MOSTLY:
        return "Nearly every candidate covers every keypoint, so it does not separate them."
    if floor is not None and floor >= MOSTLY:
        return "Nearly every candidate misses every keypoint: too hard, or the rubric asks for something else."
    if discrimination is not None and discrimination < WEAK_DISCRIMINATION:
        return f"Its score hardly follows the rest of the interview (r = {discrimination:.2f})."
    return ""


def _round(value, digits):
    return None if value is None else round(float(value), digits)
