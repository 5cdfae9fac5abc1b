"""List the duplicates of one category the shipped pair verifier misses on the test split, with their features.

An error-analysis aid, not a training step: it reads the model as Swift does (``pair_kinds.evaluate`` over
``model.json``), takes the threshold at δ from the model's own calibration curve (out-of-fold, training
groups only) and prints, for every duplicate of the test split in ``--category`` (default ``reworded_text``),
why the funnel does not call it: a safety veto (with its reason), not eligible for another reason, or
P(duplicate) under the threshold, with the texts and the features the model read. It guides which *general*
signal is missing; it must not be used to shape rules or word lists to these pairs.

Run (from the repository root, after ``dedup model pair-features``)::

    .build/venv-models/bin/python models/train/pair_misses.py .build/pair-features.jsonl
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pair_kinds import evaluate
from pair_model import REPO, is_test_group, threshold_for


@dataclass(frozen=True)
class Miss:
    """One missed duplicate: why it was missed, its texts and the features the model read."""

    id: str
    reason: str
    probability: float | None
    texts: tuple[str, str]
    features: dict[str, float]


def texts(pair: dict[str, object]) -> tuple[str, str]:
    """The two calls' arguments, compactly (the texts to read beside the features)."""
    a: dict[str, object] = pair["a"]  # type: ignore[assignment]
    b: dict[str, object] = pair["b"]  # type: ignore[assignment]
    return json.dumps(a.get("arguments", a), sort_keys=True), json.dumps(b.get("arguments", b), sort_keys=True)


def misses(
    rows: list[dict[str, object]],
    pairs: dict[str, dict[str, object]],
    document: dict[str, object],
    delta: float,
    category: str,
) -> tuple[list[Miss], int]:
    """The test split's duplicates of `category` that the verifier does not call, and how many there are."""
    names: list[str] = document["features"]  # type: ignore[assignment]
    threshold = threshold_for(document["calibration"], delta)  # type: ignore[arg-type]
    chosen = [
        row
        for row in rows
        if row["category"] == category
        and row["duplicate"]
        and is_test_group(str(row["source"] or row["id"]).split("#")[0])
    ]
    found: list[Miss] = []
    for row in chosen:
        features: dict[str, float] = row["features"]  # type: ignore[assignment]
        read = {name: float(features[name]) for name in names}
        probability = None
        if row.get("veto"):
            reason = f"veto: {row['veto']}"
        elif not row["eligible"]:
            reason = f"not eligible (structural: {row.get('structural')})"
        else:
            probability = float(evaluate(document, np.array([[read[name] for name in names]]))[0])
            if probability >= threshold:
                continue
            reason = f"P {probability:.3f} < {threshold}"
        found.append(Miss(str(row["id"]), reason, probability, texts(pairs[str(row["id"])]), read))
    return found, len(chosen)


def main() -> None:
    """Prints the misses, most probable first, then the count by reason."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("features", type=Path, help="dedup model pair-features output")
    parser.add_argument("--model", type=Path, default=REPO / "models" / "pair-v1" / "model.json")
    parser.add_argument("--pairs", type=Path, default=REPO / "bench" / "data" / "pairs.jsonl")
    parser.add_argument("--category", default="reworded_text")
    parser.add_argument("--delta", type=float, default=0.005)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.features.read_text(encoding="utf-8").splitlines()]
    pairs = {}
    for line in args.pairs.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        pairs[str(pair["id"])] = pair
    document = json.loads(args.model.read_text(encoding="utf-8"))
    found, total = misses(rows, pairs, document, args.delta, args.category)
    found.sort(key=lambda miss: -1.0 if miss.probability is None else -miss.probability)
    for miss in found:
        print(f"{miss.id}  {miss.reason}")
        print(f"  a: {miss.texts[0]}")
        print(f"  b: {miss.texts[1]}")
        print("  " + ", ".join(f"{name} {value:.3g}" for name, value in miss.features.items()))
    kinds: dict[str, int] = {}
    for miss in found:
        kind = miss.reason.split(":")[0] if miss.probability is None else "below threshold"
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{args.category}: {len(found)} of {total} test-split duplicates missed; {kinds}")


if __name__ == "__main__":
    main()
