#!/usr/bin/env python3
"""Turn the labelled pairs into a replay log for `dedup replay`.

Each pair becomes two calls in its own scope: `a` at time t (succeeded), then `b` a few seconds later,
labelled `duplicate_of: a` when the pair is a duplicate. Pairs start 7 s apart, so the calls of many
pairs interleave in time. `--repeat N` copies the whole log N times into fresh scopes, for throughput runs.

    python3 bench/scripts/make_replay.py --out /tmp/replay.jsonl [--repeat 10] [--limit 200]
"""

import argparse
import datetime as dt
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", default=str(ROOT / "bench/data/pairs.jsonl"))
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N pairs")
    args = parser.parse_args()

    pairs = [json.loads(line) for line in open(args.pairs, encoding="utf-8") if line.strip()]
    if args.limit:
        pairs = pairs[: args.limit]
    start = dt.datetime(2026, 11, 1, 9, 0, 0, tzinfo=dt.timezone.utc)
    lines = []
    for copy in range(args.repeat):
        for index, pair in enumerate(pairs):
            at = start + dt.timedelta(seconds=7 * (copy * len(pairs) + index))
            scope = f"session-{copy}-{index}"
            first, second = f"{pair['id']}-{copy}-a", f"{pair['id']}-{copy}-b"
            for call_id, side, offset, label in (
                (first, pair["a"], 0, None),
                (second, pair["b"], 3, first if pair["duplicate"] else None),
            ):
                lines.append(
                    {
                        "id": call_id,
                        "ts": (at + dt.timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "scope": scope,
                        "tool": side["tool"],
                        "arguments": side.get("arguments", {}),
                        "outcome": {"status": "succeeded", "result": {"ok": True}},
                        "duplicate_of": label,
                    }
                )
    with open(args.out, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(lines)} calls to {args.out}")


if __name__ == "__main__":
    main()
