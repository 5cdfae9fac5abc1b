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


def separable(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    y = np.array([True] * 60 + [False] * 60)
    x = np.where(y[:, None], rng.normal(1.0, 1.0, (120, 2)), rng.normal(-1.0, 1.0, (120, 2)))
    return x, y, [f"g{index}" for index in range(120)]


def test_the_model_is_chosen_on_training_folds_by_duplicates_found() -> None:
    from pair_model import CANDIDATES, select_model

    x, y, groups = separable()
    candidate, predictions = select_model(x, y, groups, negatives=60)
    assert candidate in CANDIDATES
    assert predictions.shape == (120,)
    assert ((predictions > 0.5) == y).mean() > 0.8


def test_trees_win_where_a_line_cannot_separate() -> None:
    from pair_kinds import BoostedTrees, Logistic
    from pair_model import select_model

    # Duplicates inside a band of the first feature: no threshold on a logistic separates them.
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (400, 2))
    y = (x[:, 0] > 0.4) & (x[:, 0] < 0.6)
    groups = [f"g{index}" for index in range(400)]
    # Distinct pairs the verifier never sees still count in the denominator, as in training.
    candidates = (Logistic(1.0), BoostedTrees(2, 50))
    candidate, _ = select_model(x, y, groups, negatives=3000, candidates=candidates)
    assert candidate == BoostedTrees(2, 50)


def test_written_trees_evaluate_like_scikit_learn() -> None:
    from pair_kinds import BoostedTrees, evaluate

    x, y, _ = separable(2)
    fitted = BoostedTrees(2, 30).fit(x, y)
    document = fitted.document()
    assert document["kind"] == "boosted_trees" and len(document["trees"]) == 30
    for tree in document["trees"]:
        for node, left in enumerate(tree["left"]):
            assert (left == -1) == (tree["right"][node] == -1) == (tree["feature"][node] == -1)
            assert left == -1 or (left > node and tree["right"][node] > node)
    # Rows on every threshold and its float32 neighbours: where a float64 comparison would differ.
    edges = []
    for tree in document["trees"]:
        for feature, threshold in zip(tree["feature"], tree["threshold"]):
            if feature >= 0:
                for value in (threshold, np.nextafter(np.float32(threshold), np.float32(np.inf))):
                    row = x[0].copy()
                    row[feature] = value
                    edges.append(row)
    rows = np.vstack([x, np.array(edges)])
    assert np.abs(evaluate(document, rows) - fitted.predict(rows)).max() <= 1e-9


def test_written_logistic_evaluates_like_scikit_learn() -> None:
    from pair_kinds import Logistic, evaluate

    x, y, _ = separable(3)
    fitted = Logistic(0.1).fit(x, y)
    assert np.abs(evaluate(fitted.document(), x) - fitted.predict(x)).max() <= 1e-7


def test_fitting_is_deterministic() -> None:
    from pair_kinds import BoostedTrees

    x, y, _ = separable(4)
    assert BoostedTrees(2, 20).fit(x, y).document() == BoostedTrees(2, 20).fit(x, y).document()


def test_misses_lists_vetoed_and_low_duplicates_of_the_test_split_only() -> None:
    from pair_misses import misses

    document = {
        "kind": "logistic_regression",
        "features": ["f"],
        "mean": [0.0],
        "scale": [1.0],
        "weights": [10.0],
        "bias": 0.0,
        "calibration": [{"threshold": 0.5, "upper": 0.0}],
    }
    test_group = next(f"g{index}" for index in range(100) if is_test_group(f"g{index}"))
    train_group = next(f"g{index}" for index in range(100) if not is_test_group(f"g{index}"))

    def row(id: str, group: str, f: float, veto: str | None = None, eligible: bool = True) -> dict[str, object]:
        return {
            "id": id,
            "source": f"{group}#x",
            "category": "reworded_text",
            "duplicate": True,
            "eligible": eligible and veto is None,
            "veto": veto,
            "structural": "unsure",
            "features": {"f": f},
        }

    rows = [
        row("called", test_group, 1.0),
        row("low", test_group, -1.0),
        row("vetoed", test_group, 1.0, veto="a number differs"),
        row("training", train_group, -1.0),
    ]
    pairs = {str(r["id"]): {"a": {"arguments": {"t": "x"}}, "b": {"arguments": {"t": "y"}}} for r in rows}
    found, total = misses(rows, pairs, document, 0.005, "reworded_text")
    assert total == 3
    assert sorted(miss.id for miss in found) == ["low", "vetoed"]
    assert next(miss for miss in found if miss.id == "vetoed").reason == "veto: a number differs"
