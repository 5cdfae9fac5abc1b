"""Measures what `Guard` adds to a tool call: p50/p95 of a guarded no-op tool minus the bare no-op.

Usage: python bench/guard_overhead.py [--calls N] [--binary PATH]
Starts its own `dedup serve` (DEDUP_BINARY or --binary, else .build/release, else .build/debug) on loopback.
Two paths: a new action (claim + complete, two round trips) and a repeat (one claim that replays).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_dedup import DedupClient, Guard
from tests import server as dedup_server


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--binary")
    options = parser.parse_args()
    if options.binary:
        os.environ["DEDUP_BINARY"] = options.binary
    running = dedup_server.start()
    try:
        with DedupClient(running.url, api_key=running.api_key) as client:
            guard = Guard(client, "bench")

            def tool() -> dict[str, str]:
                return {"ok": "yes"}

            for i in range(100):  # warm the connection and the server
                guard.run("warm", {"i": i}, tool)
            bare, new, repeat = [], [], []
            for i in range(options.calls):
                began = time.perf_counter()
                tool()
                bare.append(time.perf_counter() - began)
                arguments = {"order": f"o-{i}", "amount": i}
                began = time.perf_counter()
                guard.run("refund", arguments, tool)
                new.append(time.perf_counter() - began)
                began = time.perf_counter()
                guard.run("refund", arguments, tool)
                repeat.append(time.perf_counter() - began)
        base = statistics.median(bare)
        print(f"binary: {dedup_server.binary()}  calls: {options.calls}")
        for name, samples in (("new (claim+complete)", new), ("repeat (claim, replay)", repeat)):
            print(
                f"{name:24s} added p50 {1000 * (percentile(samples, 0.5) - base):.3f} ms"
                f"  p95 {1000 * (percentile(samples, 0.95) - base):.3f} ms"
            )
    finally:
        running.stop()


if __name__ == "__main__":
    main()
