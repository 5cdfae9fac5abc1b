"""Writes bench/data/adversarial.jsonl from the hand-written pairs in distinct.py and retries.py.

Run: python3 bench/adversarial/build.py (from the repository root).
"""

import json
from pathlib import Path
from typing import Any

from distinct import DISTINCT
from retries import RETRIES


def rows() -> list[dict[str, Any]]:
    """Every pair as one benchmark line; distinct pairs first, ids stable."""
    out: list[dict[str, Any]] = []
    for number, (tool, category, shared, field, first, second, reason) in enumerate(DISTINCT, 1):
        out.append({
            "id": f"adv-d{number}", "category": category, "duplicate": False, "reason": reason,
            "a": {"tool": tool, "arguments": {**shared, field: first}},
            "b": {"tool": tool, "arguments": {**shared, field: second}},
        })
    for number, (tool, first_args, second_args, reason) in enumerate(RETRIES, 1):
        out.append({
            "id": f"adv-r{number}", "category": "adv_retry", "duplicate": True, "reason": reason,
            "a": {"tool": tool, "arguments": first_args}, "b": {"tool": tool, "arguments": second_args},
        })
    return out


def main() -> None:
    lines = rows()
    keys = {json.dumps([r["a"], r["b"]], sort_keys=True) for r in lines}
    assert len(keys) == len(lines), "duplicate pairs"
    target = Path(__file__).resolve().parents[1] / "data" / "adversarial.jsonl"
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    print(f"{target}: {len(lines)} pairs")


if __name__ == "__main__":
    main()
