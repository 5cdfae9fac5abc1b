#!/usr/bin/env bash
# Claims/s and latency with one and two `dedup serve` replicas on PostgreSQL, against SQLite: wrk over
# loopback, 16 connections in all, every claim a new action. Results: bench/results/replicas.md.
# Usage: bench/load/replicas.sh [seconds-per-run]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
scripts/bootstrap.sh wrk postgresql
swift build -c release --product dedup >&2
eval "$(scripts/postgres.sh start)"
work=$(mktemp -d)
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    scripts/postgres.sh stop
    rm -rf "$work"
}
trap cleanup EXIT
export DEDUP_BENCH_KEY="bench-key-$RANDOM$RANDOM"
# Claims spread over 64 scopes (sessions), as many agents at once would; one scope serialises its claims.
export DEDUP_BENCH_SCOPES="${DEDUP_BENCH_SCOPES:-64}"
start_server() { # database port
    DEDUP_API_KEYS="bench:$DEDUP_BENCH_KEY" DEDUP_LOG_LEVEL=error .build/release/dedup serve --port "$2" \
        --database "$1" > "$work/server-$2.log" 2>&1 &
    servers+=($!)
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return; sleep 0.1; done
    echo "server on port $2 did not start" >&2; exit 1
}
stop_servers() { for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; servers=(); }
# wrk against each port with its share of the 16 connections, at the same time; prints "rps p50 p99" per port.
load() {
    local connections=$((16 / $#)) index=0 pids=()
    for port in "$@"; do
        DEDUP_BENCH_PREFIX="r$index" wrk -t1 -c"$connections" -d"${duration}s" --latency -s bench/load/claim.lua \
            "http://127.0.0.1:$port" > "$work/wrk-$port.txt" &
        pids+=($!)
        index=$((index + 1))
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    for port in "$@"; do
        awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {e=$NF} END {print r, p50, p99, (e ? e : 0)}' \
            "$work/wrk-$port.txt"
    done
}
results=bench/results/replicas.md
mkdir -p bench/results
{
    echo "# Replicas (\`bench/load/replicas.sh $duration\`), $(date -u +%Y-%m-%d)"
    echo
    echo "Claims of new actions spread over $DEDUP_BENCH_SCOPES scopes, over loopback, 16 wrk connections in all, $duration s"
    echo "per run, release build; the"
    echo "servers, PostgreSQL 15 (a throwaway cluster, fsync off) and wrk share the machine's $(nproc) cores."
    echo
    echo "| ledger | replicas | claims/s (sum) | p50 | p99 | non-2xx |"
    echo "|---|---:|---:|---:|---:|---:|"
} > "$results"
report() { # label replicas lines...
    local label=$1 replicas=$2; shift 2
    local total=0 p50s="" p99s="" errors=0
    while read -r rps p50 p99 err; do
        total=$(python3 -c "print(round($total + $rps))")
        p50s="$p50s $p50"; p99s="$p99s $p99"; errors=$((errors + err))
    done <<< "$*"
    echo "| $label | $replicas | $total | ${p50s# } | ${p99s# } | $errors |" >> "$results"
    echo "$label x$replicas: $total claims/s, p50${p50s}, p99${p99s}, non-2xx $errors" >&2
}
start_server "$work/ledger.sqlite" 21001
report SQLite 1 "$(load 21001)"
stop_servers
start_server "$DEDUP_TEST_POSTGRES_URL" 21002
report PostgreSQL 1 "$(load 21002)"
stop_servers
psql "$DEDUP_TEST_POSTGRES_URL" -qc "TRUNCATE calls, events" >/dev/null
start_server "$DEDUP_TEST_POSTGRES_URL" 21003
start_server "$DEDUP_TEST_POSTGRES_URL" 21004
report PostgreSQL 2 "$(load 21003 21004)"
stop_servers
cat "$results"
