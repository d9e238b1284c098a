"""Linear-weighted Cohen's kappa: a small example computed by hand, and published worked examples."""

import pytest

from calibration.kappa import add, exact_share, table, weighted_kappa


def test_a_hand_computed_example_of_three_marks():
    """Gold covered, covered, partial, missed, missed, partial; the rater covered, partial, partial,
    missed, partial, covered. Rows (gold) are a third each; columns 1/6, 1/2, 1/3. Observed
    disagreement: three half-steps of six, 0.25. Expected: (0.5833 + 0.25 + 0.4167) / 3 = 0.4167.
    Kappa = 1 - 0.25 / 0.4167 = 0.4."""
    gold = ["covered", "covered", "partial", "missed", "missed", "partial"]
    rater = ["covered", "partial", "partial", "missed", "partial", "covered"]
    counts = table(zip(gold, rater, strict=True))
    assert counts == [[1, 1, 0], [0, 1, 1], [0, 1, 1]]
    assert weighted_kappa(counts) == pytest.approx(0.4)
    assert exact_share(counts) == pytest.approx(0.5)


def test_a_full_step_costs_twice_a_half_step():
    half = table([("covered", "partial"), ("missed", "missed"), ("covered", "covered"), ("partial", "partial")])
    full = table([("covered", "missed"), ("missed", "missed"), ("covered", "covered"), ("partial", "partial")])
    assert weighted_kappa(half) > weighted_kappa(full)


def test_wikipedia_two_categories_equals_unweighted_kappa():
    """Wikipedia, "Cohen's kappa", worked example: 50 proposals, 20 yes-yes, 5, 10, 15 no-no: 0.4."""
    assert weighted_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)


def test_sas_proc_freq_weighted_kappa():
    """SAS PROC FREQ's weighted kappa (Cicchetti-Allison, i.e. linear weights) of the 3 x 3 table
    that statsmodels' test_inter_rater.py checks against SAS output: 0.4701."""
    assert weighted_kappa([[0, 4, 1], [0, 8, 0], [0, 1, 5]]) == pytest.approx(0.4701, abs=5e-5)


def test_r_irr_kappa2_equal_weights_on_anxiety():
    """R irr: kappa2(anxiety[, 2:3], "equal") = 0.1459075, as statsmodels' tests record it (irr's
    ``anxiety`` data, raters 2 and 3; irr keeps the levels used, 1 2 3 4 6, equally spaced)."""
    rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    assert len(rater2) == len(rater3) == 20
    levels = sorted(set(rater2) | set(rater3))
    assert weighted_kappa(table(zip(rater2, rater3, strict=True), levels)) == pytest.approx(0.1459075, abs=1e-7)


def test_perfect_agreement_is_one_and_chance_only_is_undefined():
    assert weighted_kappa(table([("covered", "covered"), ("missed", "missed")])) == 1
    assert weighted_kappa(table([("covered", "covered"), ("covered", "covered")])) is None
    assert weighted_kappa(table([])) is None
    assert exact_share(table([])) is None


def test_worse_than_chance_is_negative():
    assert weighted_kappa(table([("covered", "missed"), ("missed", "covered")])) < 0


def test_pooled_tables_add_cell_by_cell():
    assert add([[1, 0], [0, 1]], [[0, 2], [3, 0]]) == [[1, 2], [3, 1]]


def test_a_table_that_is_not_square_is_refused():
    with pytest.raises(ValueError):
        weighted_kappa([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError):
        weighted_kappa([[1]])
