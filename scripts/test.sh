#!/usr/bin/env bash
# Quick start, command 2: install what the tests need (OpenBLAS, SQLite, PostgreSQL), start a throwaway
# PostgreSQL cluster, build, run the whole test suite, the linter and the short reliability suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh postgresql
# A throwaway PostgreSQL cluster on loopback for the PostgreSQL tests, stopped however the run ends.
if [ -z "${DEDUP_TEST_POSTGRES_URL:-}" ]; then
    eval "$(scripts/postgres.sh start)"
    trap 'scripts/postgres.sh stop' EXIT
fi
swift build
mkdir -p .build
log=.build/test-output.txt
# The full log is kept; the terminal shows failures, issues and the summary rather than every "started" line.
set +e
swift test 2>&1 | tee "$log" | grep -vE "^(◇|↳)| started\.$|passed after|Executed 0 tests|^Test Suite '"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "^[✔✘] Test run with [0-9]+ tests?" "$log" | tail -n 1 || true)
if [ "$status" -ne 0 ] || [[ "$summary" != ✔* ]]; then
    echo "tests failed (exit $status; full log: $log)" >&2
    exit 1
fi
# The Python client and its framework adapters (a venv under .build/ from PyPI), against the built binary.
clients/python/run-tests.sh
swift format lint --strict --recursive Package.swift Sources Tests models
echo "lint: clean"
# The short reliability suite: a few SIGKILLs, disk full, hostile input, a bounded fuzz, a 20 s soak.
bench/reliability/run.sh --short
tests=$(echo "$summary" | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/')
echo "$summary"
echo "$tests passed, 0 failed"
