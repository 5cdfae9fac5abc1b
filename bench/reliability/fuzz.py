#!/usr/bin/env python3
"""Property-based fuzzing of the HTTP API from its OpenAPI document, with schemathesis.

Installs schemathesis (pinned) into .build/venv on first use, starts `dedup serve` on loopback with two
tenants, and runs every schemathesis check against every operation — examples, coverage, fuzzing and
stateful phases — as one tenant. `positive_data_acceptance` is left out: the API has rules across fields
that OpenAPI cannot state (the `Idempotency-Key` header must agree with `idempotency_key`; `retryable`
only goes with `failed`), and schemathesis would count their 400s as valid requests refused.

Usage: fuzz.py [--max-examples 100] [--json FILE]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import common

KEY = "dk_fuzz_key_0123456789abcdefghij"
OTHER = "dk_fuzz_other_0123456789abcdefgh"
SCHEMATHESIS = "schemathesis==4.32.5"


def schemathesis():
    venv = os.path.join(common.ROOT, ".build", "venv")
    st = os.path.join(venv, "bin", "st")
    if not os.path.exists(st):
        print(f"installing {SCHEMATHESIS} into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", SCHEMATHESIS], check=True)
    return st


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--workdir")
    parser.add_argument("--json")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    st = schemathesis()
    workdir = args.workdir or tempfile.mkdtemp(prefix="dedup-fuzz-")
    os.makedirs(workdir, exist_ok=True)
    config = os.path.join(workdir, "fuzz.json")
    common.write_config(config, database=os.path.join(workdir, "fuzz.sqlite"), log_level="warning")
    server = common.Server(workdir, config, {"fuzz": KEY, "other": OTHER})
    server.start()
    started = time.monotonic()
    command = [st, "run", os.path.join(common.ROOT, "Sources", "DedupServer", "openapi.yaml"),
               "--url", f"http://127.0.0.1:{server.port}", "--header", f"Authorization: Bearer {KEY}",
               "--checks", "all", "--exclude-checks", "positive_data_acceptance",
               "--max-examples", str(args.max_examples), "--workers", "2", "--seed", str(args.seed),
               "--request-timeout", "30", "--no-color"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=workdir)
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    alive = server.alive()
    status, _, metrics = common.request(server.port, "GET", "/metrics") if alive else (0, {}, "")
    server_errors = [l for l in str(metrics).splitlines() if 'http_errors_total{status="5' in l]
    exit_status = server.stop()
    cases = re.search(r"(\d+) generated, (\d+) (?:passed|found)", output)
    summary = {
        "max_examples": args.max_examples, "seed": args.seed, "seconds": round(elapsed, 1),
        "generated": int(cases.group(1)) if cases else None, "schemathesis_exit": result.returncode,
        "server_alive": alive, "server_5xx": server_errors, "graceful_exit": exit_status,
        "summary": "\n".join(output.strip().splitlines()[-14:]),
    }
    print(output[-6000:])
    problems = []
    if result.returncode != 0:
        problems.append("schemathesis found failures (above)")
    if not alive or exit_status != 0:
        problems.append(f"the server died or did not stop cleanly (exit {exit_status})")
    if server_errors:
        problems.append(f"5xx counted: {server_errors}")
    common.finish(summary, args.json, problems,
                  f"fuzz passed: {summary['generated']} generated requests, no failures, no 5xx")


if __name__ == "__main__":
    main()
