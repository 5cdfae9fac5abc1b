"""Tests of the pair-model trainer's pure parts: the split, the bound and the δ → threshold rule."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pair_model import curve, is_test_group, threshold_for, wilson_upper  # noqa: E402

import numpy as np  # noqa: E402


def test_wilson_upper_bounds_the_rate_from_above() -> None:
    assert wilson_upper(0, 0) == 1.0
    assert 0 < wilson_upper(0, 1000) < 0.004
    assert wilson_upper(5, 100) > 0.05
    assert wilson_upper(1, 1000) < wilson_upper(2, 1000)


def test_test_split_is_a_stable_fifth_of_groups() -> None:
    groups = [f"group-{index}" for index in range(5000)]
    chosen = [group for group in groups if is_test_group(group)]
    assert chosen == [group for group in groups if is_test_group(group)]
    assert 0.17 < len(chosen) / len(groups) < 0.23


def test_threshold_is_the_lowest_whose_upper_bound_meets_delta() -> None:
    probabilities = np.array([0.1, 0.5, 0.97, 0.99, 0.2, 0.6])
    labels = np.array([False, False, True, True, True, True])
    points = curve(probabilities, labels, negatives=1000)
    chosen = threshold_for(points, 0.005)
    assert chosen == 0.51
    assert all(point["upper"] > 0.005 for point in points if point["threshold"] < chosen)
    assert threshold_for(points, 0.0) > 1


def test_c_is_chosen_on_training_folds_by_duplicates_found() -> None:
    from pair_model import C_GRID, select_c

    rng = np.random.default_rng(0)
    y = np.array([True] * 60 + [False] * 60)
    x = np.where(y[:, None], rng.normal(1.0, 1.0, (120, 2)), rng.normal(-1.0, 1.0, (120, 2)))
    groups = [f"g{index}" for index in range(120)]
    c, predictions = select_c(x, y, groups, negatives=60)
    assert c in C_GRID
    assert predictions.shape == (120,)
    assert ((predictions > 0.5) == y).mean() > 0.8
