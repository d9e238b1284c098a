"""The hiring report's statistics (reports.reliability) against worked examples.

Krippendorff's own: the 4-observer, 12-unit reliability data matrix of "Computing Krippendorff's
Alpha-Reliability" (2011), whose alphas the paper gives as nominal .743, ordinal .815, interval .849
(the krippendorff package's documentation repeats them); and the 3-observer, 15-unit matrix of the
same paper's first example, nominal .691, interval .811. The rest are small examples computed by hand
in the comments.
"""

import krippendorff
import numpy as np
import pytest

from reports import reliability as stats

_ = None
PAPER = [  # observers x units; None: the observer did not code the unit
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
THREE_OBSERVERS = [
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]


def triples(matrix):
    return [(unit, observer, v) for observer, row in enumerate(matrix) for unit, v in enumerate(row) if v is not None]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_alpha_of_krippendorffs_worked_example(level, expected):
    result = stats.reliability(triples(PAPER), [1, 2, 3, 4, 5], level)

    assert result["alpha"] == expected
    # Unit 12 has one value and carries no pair; units 1 to 11 are coded 3, 4 (x8), 3 and 2 times:
    # 3 + 8 * 6 + 3 + 1 = 55 pairs.
    assert (result["pairs"], result["units"], result["enough"]) == (55, 11, True)
    assert result["low"] < expected < result["high"]


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.691), ("interval", 0.811)])
def test_alpha_of_the_three_observer_example(level, expected):
    assert stats.reliability(triples(THREE_OBSERVERS), [1, 2, 3, 4], level)["alpha"] == expected


def test_coincidence_matrix_of_the_worked_example_is_the_papers():
    counts = stats.value_counts(triples(PAPER), [1, 2, 3, 4, 5])

    o = stats.coincidences(counts)

    # The paper's table of coincidences: row totals n_c = 9, 13, 10, 5, 3 (n = 40).
    third = 1 / 3
    assert np.allclose(
        o,
        [
            [7, 4 * third, third, third, 0],
            [4 * third, 10, 4 * third, third, 0],
            [third, 4 * third, 8, third, 0],
            [third, third, third, 4, 0],
            [0, 0, 0, 0, 3],
        ],
    )
    assert list(o.sum(axis=0).round(6)) == [9, 13, 10, 5, 3]


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_the_bounded_memory_alpha_agrees_with_the_package(level):
    rng = np.random.default_rng(7)
    domain = [0, 10, 25, 50, 60, 90, 100]
    judgements = [(u, r, domain[rng.integers(0, 4) + (u % 4)]) for u in range(300) for r in range(rng.integers(1, 4))]
    counts = stats.value_counts(judgements, domain)
    ranks = np.arange(len(domain)) if level == "ordinal" else np.array(domain, dtype=float)

    package = krippendorff.alpha(value_counts=stats.pairable(counts), value_domain=ranks, level_of_measurement=level)

    assert stats.coincidence_alpha(stats.coincidences(counts), domain, level) == pytest.approx(package)
    assert stats.alpha(counts, domain, level) == pytest.approx(package)


def test_alpha_by_hand_two_raters_two_values():
    # Units (1, 1), (2, 2), (1, 2): o = [[2, 1], [1, 2]], n_1 = n_2 = 3, n = 6.
    # Observed disagreement o_12 + o_21 = 2; expected 2 * 3 * 3 / 5 = 3.6; alpha = 1 - 2 / 3.6 = 4/9.
    judgements = [("a", "ann", 1), ("a", "ben", 1), ("b", "ann", 2), ("b", "ben", 2), ("c", "ann", 1), ("c", "ben", 2)]
    counts = stats.value_counts(judgements, [1, 2])

    for level in ("nominal", "ordinal", "interval"):
        assert stats.alpha(counts, [1, 2], level) == pytest.approx(4 / 9)
    assert stats.pair_count(counts) == 3


def test_alpha_is_undefined_when_everyone_gives_the_same_value():
    counts = stats.value_counts([(u, r, 3) for u in range(10) for r in range(2)], [1, 2, 3])

    assert stats.alpha(counts, [1, 2, 3], "interval") is None


def test_not_enough_data_below_ten_pairs():
    # Nine units judged by two raters: nine pairs.
    nine = [(u, r, (u + r) % 3) for u in range(9) for r in range(2)]
    ten = nine + [(9, 0, 0), (9, 1, 0)]

    short = stats.reliability(nine, [0, 1, 2], "ordinal")
    enough = stats.reliability(ten, [0, 1, 2], "ordinal")

    assert short == {
        "level": "ordinal",
        "alpha": None,
        "low": None,
        "high": None,
        "pairs": 9,
        "units": 9,
        "enough": False,
    }
    assert enough["pairs"] == 10 and enough["enough"] and enough["alpha"] is not None


def test_bootstrap_is_the_same_every_time_and_bounded():
    counts = stats.value_counts(triples(PAPER), [1, 2, 3, 4, 5])

    first = stats.bootstrap_interval(counts, [1, 2, 3, 4, 5], "interval")
    again = stats.bootstrap_interval(counts, [1, 2, 3, 4, 5], "interval")
    other_seed = stats.bootstrap_interval(counts, [1, 2, 3, 4, 5], "interval", seed=1)

    assert first == again
    assert first != other_seed
    assert -1 <= first[0] < 0.849 < first[1] <= 1


def test_bootstrap_adds_up_draws_per_kind_of_unit_as_if_unit_by_unit():
    # Many units with the same counts (as the marks of thousands of keypoints have): the interval
    # comes from the same draws as when each drawn unit is added on its own, so it is the same.
    domain = [1, 2, 3, 4, 5]
    counts = np.tile(stats.value_counts(triples(PAPER), domain), (40, 1))
    units = stats.pairable(counts)
    u, cell, amount = stats.coincidence_entries(units)
    rng, draws = np.random.default_rng(stats.SEED), []
    for _ in range(stats.RESAMPLES):
        weights = np.bincount(rng.integers(0, len(units), len(units)), minlength=len(units))
        o = np.bincount(cell, weights=amount * weights[u], minlength=25).reshape(5, 5)
        if (value := stats.coincidence_alpha(o, domain, "interval")) is not None:
            draws.append(value)

    low, high = stats.bootstrap_interval(counts, domain, "interval")

    assert (low, high) == pytest.approx(tuple(np.percentile(draws, [2.5, 97.5])), abs=1e-12)
    assert len(stats._kinds(units)[0]) == 9  # the paper's nine pairable units, 40 times each


def test_leniency_by_hand():
    # Five answers scored by ann and ben, the first by cat too.
    # a1: ann 50 - (60 + 40) / 2 = 0; ben 60 - 45 = 15; cat 40 - 55 = -15.
    # a2..a5: ann 60/70/80/90 against ben 60/80/80/100: ann 0, -10, 0, -10; ben 0, 10, 0, 10.
    scores = {
        "a1": {"ann": 50, "ben": 60, "cat": 40},
        "a2": {"ann": 60, "ben": 60},
        "a3": {"ann": 70, "ben": 80},
        "a4": {"ann": 80, "ben": 80},
        "a5": {"ann": 90, "ben": 100},
        "a6": {"ann": 10},  # nobody else: not shared
    }

    assert stats.leniency(scores) == {
        "ann": {"answers": 5, "leniency": -4.0},  # (0 + 0 - 10 + 0 - 10) / 5
        "ben": {"answers": 5, "leniency": 7.0},  # (15 + 0 + 10 + 0 + 10) / 5
        "cat": {"answers": 1, "leniency": None},  # one shared answer: not enough data
    }


def test_agreement_by_hand():
    # Ten keypoints marked by ann and ben, equal on seven; cat marks the first one "missed" too.
    marks = {k: {"ann": "covered", "ben": "covered" if k < 7 else "missed"} for k in range(10)}
    marks[0]["cat"] = "missed"

    assert stats.agreement(marks) == {
        "ann": {"pairs": 11, "agreement": 0.64},  # 7 of 11
        "ben": {"pairs": 11, "agreement": 0.64},  # 7 with ann, none with cat
        "cat": {"pairs": 2, "agreement": None},
    }


def test_discrimination_by_hand():
    rows = [[10, 20, 30], [20, 20, 40], [30, 50, 40], [40, 40, 60], [50, 70, 80], [90, None, 10]]

    r = stats.discrimination(rows)

    # Q1 against Q2 + Q3 over the five complete candidates: item 10..50 (mean 30), rest 50, 60, 90, 100, 150
    # (mean 90); sxy = 800 + 300 + 0 + 100 + 1200 = 2400, sxx = 1000, syy = 6200; r = 2400 / sqrt(6.2e6) = 0.96.
    assert r[0] == 0.96
    assert len(r) == 3 and all(-1 <= v <= 1 for v in r)


def test_discrimination_needs_five_complete_candidates_and_variation():
    assert stats.discrimination([[10, 20], [20, 30], [30, 40], [40, 50]]) == [None, None]
    flat = stats.discrimination([[50, 20], [50, 30], [50, 40], [50, 50], [50, 70]])
    assert flat[0] is None  # everyone scored 50: no correlation to speak of


def test_floor_and_ceiling_shares():
    assert stats.floor_ceiling([0, 0, 100, 50, None]) == (0.5, 0.25)
    assert stats.floor_ceiling([None]) == (None, None)


def test_no_signal_reasons():
    assert "covers every keypoint" in stats.no_signal_reason(floor=0.0, ceiling=0.8, discrimination=0.5)
    assert "misses every keypoint" in stats.no_signal_reason(floor=0.9, ceiling=0.0, discrimination=None)
    assert stats.no_signal_reason(floor=0.1, ceiling=0.1, discrimination=0.05).endswith("(r = 0.05).")
    assert stats.no_signal_reason(floor=0.1, ceiling=0.1, discrimination=0.45) == ""
    assert stats.no_signal_reason(floor=None, ceiling=None, discrimination=None) == ""
