"""The two kinds of pair model the trainer chooses between, and how each is written to model.json.

A *candidate* is a kind with its hyper-parameters; ``fit`` returns a fitted model with ``predict`` (P(duplicate)
per row) and ``document`` (the kind-specific fields of model.json, which Swift's ``PairModel`` reads):

- ``Logistic``: standardised logistic regression (``"kind": "logistic_regression"``: mean, scale, weights, bias);
- ``BoostedTrees``: scikit-learn's ``GradientBoostingClassifier`` (``"kind": "boosted_trees"``): the init score
  (the log-odds of the training prior), the learning rate and every regression tree as parallel node arrays
  (``feature``, ``threshold``, ``left``, ``right``, ``value``; a leaf has ``left == right == -1``).

Trees are evaluated as scikit-learn does: the features are cast to float32, a node sends a row left when
``float32(x) <= threshold`` (the threshold is a float64 midpoint of two float32 training values, so it is written
exactly, with Python's round-trip ``repr``, never rounded), and the raw score ``init + Σ learning_rate × leaf``
goes through the logistic. ``evaluate`` is that rule written out in numpy; the trainer checks it against
scikit-learn on every training row before writing the model, and the Swift test checks Swift against the
fixtures the trainer writes from scikit-learn's own ``predict_proba``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

# Leaf values and the init score are rounded to 12 decimals: far below the 1e-9 tolerance of the fixtures,
# and enough to keep the file byte for byte stable against last-bit differences between machines.
VALUE_DECIMALS = 12


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression with inverse regularisation strength ``c``."""

    c: float

    @property
    def name(self) -> str:
        return f"logistic C={self.c}"

    def fit(self, x: np.ndarray, y: np.ndarray) -> FittedLogistic:
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1
        model = LogisticRegression(C=self.c, max_iter=5000)
        model.fit((x - mean) / scale, y)
        return FittedLogistic(self, model, mean, scale)


@dataclass(frozen=True)
class FittedLogistic:
    """A fitted ``Logistic``."""

    candidate: Logistic
    model: LogisticRegression
    mean: np.ndarray
    scale: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict_proba((x - self.mean) / self.scale)[:, 1]

    def document(self) -> dict[str, Any]:
        return {
            "kind": "logistic_regression",
            "mean": [round(float(v), 9) for v in self.mean],
            "scale": [round(float(v), 9) for v in self.scale],
            "weights": [round(float(v), 9) for v in self.model.coef_[0]],
            "bias": round(float(self.model.intercept_[0]), 9),
        }

    def describe(self) -> str:
        return f"logistic regression, C = {self.candidate.c}"


@dataclass(frozen=True)
class BoostedTrees:
    """Gradient-boosted regression trees of depth ``depth`` (log-loss), deterministic by a fixed seed."""

    depth: int
    trees: int
    learning_rate: float = 0.1
    subsample: float = 0.8

    @property
    def name(self) -> str:
        return f"trees depth={self.depth} n={self.trees} lr={self.learning_rate} subsample={self.subsample}"

    def fit(self, x: np.ndarray, y: np.ndarray) -> FittedTrees:
        model = GradientBoostingClassifier(
            max_depth=self.depth,
            n_estimators=self.trees,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            random_state=0,
        )
        model.fit(x, y)
        return FittedTrees(self, model)


@dataclass(frozen=True)
class FittedTrees:
    """A fitted ``BoostedTrees``."""

    candidate: BoostedTrees
    model: GradientBoostingClassifier

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(x)[:, 1]

    def document(self) -> dict[str, Any]:
        # The raw score of the init estimator (the prior's log-odds) is the same for every row.
        init = float(self.model._raw_predict_init(np.zeros((1, self.model.n_features_in_)))[0, 0])
        trees = []
        for estimator in self.model.estimators_[:, 0]:
            tree = estimator.tree_
            leaf = tree.children_left == -1
            trees.append(
                {
                    "feature": [-1 if is_leaf else int(f) for f, is_leaf in zip(tree.feature, leaf)],
                    "threshold": [0.0 if is_leaf else float(t) for t, is_leaf in zip(tree.threshold, leaf)],
                    "left": [int(v) for v in tree.children_left],
                    "right": [int(v) for v in tree.children_right],
                    "value": [round(float(v), VALUE_DECIMALS) for v in tree.value[:, 0, 0]],
                }
            )
        return {
            "kind": "boosted_trees",
            "init": round(init, VALUE_DECIMALS),
            "learning_rate": self.candidate.learning_rate,
            "trees": trees,
        }

    def describe(self) -> str:
        c = self.candidate
        nodes = sum(estimator.tree_.node_count for estimator in self.model.estimators_[:, 0])
        return (
            f"gradient-boosted trees: {c.trees} trees of depth {c.depth} ({nodes} nodes), learning rate "
            f"{c.learning_rate}, subsample {c.subsample}, random_state 0"
        )


def evaluate(document: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """P(duplicate) of each row of ``x`` from a model.json document, as Swift's ``PairModel`` computes it."""
    if document.get("kind", "logistic_regression") == "logistic_regression":
        mean, scale = np.array(document["mean"]), np.array(document["scale"])
        logit = document["bias"] + ((x - mean) / scale) @ np.array(document["weights"])
        return 1 / (1 + np.exp(-logit))
    rows = x.astype(np.float32).astype(np.float64)
    raw = np.full(len(rows), float(document["init"]))
    for tree in document["trees"]:
        for index, row in enumerate(rows):
            node = 0
            while tree["left"][node] != -1:
                goes_left = row[tree["feature"][node]] <= tree["threshold"][node]
                node = tree["left"][node] if goes_left else tree["right"][node]
            raw[index] += document["learning_rate"] * tree["value"][node]
    return 1 / (1 + np.exp(-raw))
