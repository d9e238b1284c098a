"""Scoring properties: within 0-100, never falls when a mark goes up, follows the weights."""

from hypothesis import given
from hypothesis import strategies as st

from sessions.scoring import answer_score, breakdown

MARKS = [None, "missed", "partial", "covered"]  # in rising order
keypoints = st.lists(st.tuples(st.integers(1, 10), st.sampled_from(MARKS)), min_size=1, max_size=6)


@given(keypoints)
def test_score_stays_within_0_and_100(kps):
    assert 0 <= answer_score(kps) <= 100


@given(keypoints, st.data())
def test_raising_one_mark_never_lowers_the_score(kps, data):
    i = data.draw(st.integers(0, len(kps) - 1))
    weight, mark = kps[i]
    higher = data.draw(st.sampled_from(MARKS[MARKS.index(mark) :]))
    raised = [*kps[:i], (weight, higher), *kps[i + 1 :]]
    assert answer_score(raised) >= answer_score(kps)


@given(st.integers(1, 10), st.integers(1, 10))
def test_a_heavier_covered_keypoint_counts_more(heavy, light):
    covered_heavy = answer_score([(heavy, "covered"), (light, "missed")])
    covered_light = answer_score([(heavy, "missed"), (light, "covered")])
    assert (covered_heavy > covered_light) == (heavy > light)
    assert abs(covered_heavy - round(100 * heavy / (heavy + light), 1)) < 0.06


def test_examples():
    assert answer_score([(2, "covered"), (1, "partial"), (1, "missed")]) == 62.5
    assert answer_score([(2, None), (1, None), (1, None)]) == 0
    assert answer_score([(1, "covered")] * 3) == 100
    assert breakdown([(50.0, "basic", ["S3"]), (100.0, "advanced", ["S3", "IAM"])]) == {
        "score": 75.0,
        "by_difficulty": {"advanced": 100.0, "basic": 50.0},
        "by_tag": {"IAM": 100.0, "S3": 75.0},
    }
