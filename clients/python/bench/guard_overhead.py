"""Measures what `Guard` adds to a tool call: p50/p95 of a guarded no-op tool minus the bare no-op.

Usage: python bench/guard_overhead.py [--calls N] [--binary PATH]
Starts its own `dedup serve` (DEDUP_BINARY or --binary, else .build/release, else .build/debug) on loopback.
Two paths, each with `DedupClient` (`guard.run`) and with `AsyncDedupClient` (`guard.arun`): a new action
(claim + complete, two round trips) and a repeat (one claim that replays). For scale it also times one bare
`httpx.Client` POST to the same server (`/v1/check`, which records nothing).

Figures: 2-core VM, release server (`swift build -c release --product dedup`), three runs each. "Before"
(httpx.Client for both clients) was measured at load average 11-13; "after" (DedupClient on standard-library
connections, AsyncDedupClient on httpx.AsyncClient) at load average ~6:

    cd clients/python && ../../.build/venv-python/bin/python bench/guard_overhead.py --calls 2000 \
        --binary ../../.build/release/dedup

    added p50 / p95, ms           before                                   after
    new (claim+complete)          9.23/18.6  7.22/22.8  7.84/17.4          1.53/2.22  1.67/2.63  1.62/3.38
    repeat (claim, replay)        3.34/11.2  3.54/12.7  3.22/11.8          0.77/1.05  0.84/1.23  0.81/1.07
    async new (claim+complete)    9.10/28.8  9.70/29.4  16.8/28.1          4.26/7.80  3.98/8.14  4.13/8.06
    async repeat (claim, replay)  4.51/15.5  4.85/15.8  8.00/15.9          2.12/3.95  1.99/3.89  2.06/3.72
    bare httpx POST /v1/check     6.77/11.8  3.35/9.83  7.32/12.2          1.21/1.71  1.15/4.62  1.26/1.81

Where the time goes (same binary and load, 2000 calls each, thread CPU vs the server process's CPU):
a new call costs 0.73 ms of client CPU (before: 2.63 ms) and 1.69 ms of server CPU, of which the server's
own decide() (verdict `timings_us.total`) is 0.18-0.37 ms per claim; a repeat 0.34 ms client CPU (before
1.25 ms) and 0.79 ms server CPU. Against a canned-answer loopback server (no dedup work) one request costs
~0.15 ms with the stdlib connection against 0.6-0.9 ms with httpx.Client and ~1.8 ms with httpx.AsyncClient.
The rest of the wall time is the server's HTTP and concurrency work and waiting for a core on a box this loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent_dedup import AsyncDedupClient, DedupClient, Guard
from tests import server as dedup_server


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def tool() -> dict[str, str]:
    return {"ok": "yes"}


async def async_tool() -> dict[str, str]:
    return {"ok": "yes"}


def measure_sync(running: dedup_server.Server, calls: int) -> tuple[list[float], list[float], list[float]]:
    with DedupClient(running.url, api_key=running.api_key) as client:
        guard = Guard(client, "bench")
        for i in range(100):  # warm the connection and the server
            guard.run("warm", {"i": i}, tool)
        bare, new, repeat = [], [], []
        for i in range(calls):
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
    return bare, new, repeat


async def measure_async(running: dedup_server.Server, calls: int) -> tuple[list[float], list[float], list[float]]:
    async with AsyncDedupClient(running.url, api_key=running.api_key) as client:
        guard = Guard(client, "bench-async")
        for i in range(100):
            await guard.arun("warm", {"i": i}, async_tool)
        bare, new, repeat = [], [], []
        for i in range(calls):
            began = time.perf_counter()
            await async_tool()
            bare.append(time.perf_counter() - began)
            arguments = {"order": f"o-{i}", "amount": i}
            began = time.perf_counter()
            await guard.arun("refund", arguments, async_tool)
            new.append(time.perf_counter() - began)
            began = time.perf_counter()
            await guard.arun("refund", arguments, async_tool)
            repeat.append(time.perf_counter() - began)
    return bare, new, repeat


def measure_bare_httpx(running: dedup_server.Server, calls: int) -> list[float]:
    body = {"scope": "bench-httpx", "tool": "refund", "arguments": {"order": "o-1", "amount": 1}}
    with httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {running.api_key}"}) as http:
        for _ in range(100):
            http.post("/v1/check", json=body).raise_for_status()
        samples = []
        for _ in range(calls):
            began = time.perf_counter()
            http.post("/v1/check", json=body).raise_for_status()
            samples.append(time.perf_counter() - began)
    return samples


def report(name: str, samples: list[float], base: float) -> None:
    print(
        f"{name:32s} added p50 {1000 * (percentile(samples, 0.5) - base):.3f} ms"
        f"  p95 {1000 * (percentile(samples, 0.95) - base):.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--binary")
    options = parser.parse_args()
    if options.binary:
        os.environ["DEDUP_BINARY"] = options.binary
    running = dedup_server.start()
    try:
        bare, new, repeat = measure_sync(running, options.calls)
        async_bare, async_new, async_repeat = asyncio.run(measure_async(running, options.calls))
        httpx_post = measure_bare_httpx(running, options.calls)
    finally:
        running.stop()
    print(f"binary: {dedup_server.binary()}  calls: {options.calls}")
    report("new (claim+complete)", new, statistics.median(bare))
    report("repeat (claim, replay)", repeat, statistics.median(bare))
    report("async new (claim+complete)", async_new, statistics.median(async_bare))
    report("async repeat (claim, replay)", async_repeat, statistics.median(async_bare))
    report("reference: bare httpx POST", httpx_post, 0.0)


if __name__ == "__main__":
    main()
