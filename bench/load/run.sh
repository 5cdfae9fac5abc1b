#!/usr/bin/env bash
# Load benchmark of `dedup serve` over loopback with wrk: checks/s, claims/s and latency percentiles at
# 1, 16 and 64 connections against a scope seeded with 10k recent calls. Results: bench/results/load.md.
# Usage: bench/load/run.sh [seconds-per-run [binary]]   (default 10 s, and this checkout's release build)
# To compare two builds on one machine, run each by turns with DEDUP_LOAD_RESULTS naming a file per build:
#   DEDUP_LOAD_RESULTS=/tmp/old.md bench/load/run.sh 10 /path/to/old/dedup
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
dedup="${2:-}"
scripts/bootstrap.sh wrk
if [ -z "$dedup" ]; then
    swift build -c release --product dedup >&2
    dedup=.build/release/dedup
fi
[ -x "$dedup" ] || { echo "error: $dedup is not an executable dedup binary" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
export DEDUP_BENCH_KEY="bench-key-$RANDOM$RANDOM"
port=$((20000 + RANDOM % 20000))
results="${DEDUP_LOAD_RESULTS:-bench/results/load.md}"
mkdir -p "$(dirname "$results")"
{
    echo "# HTTP load (\`bench/load/run.sh $duration\`), $(date -u +%Y-%m-%d)"
    echo
    echo "\`dedup serve\` (release, SQLite WAL, one BLAS thread) and wrk (2 threads) on the same $(nproc)-core machine,"
    echo "loopback. Each run starts from a fresh ledger seeded with 10,000 recent calls in the scope; $duration s per run."
    echo
    echo "| operation | connections | requests/s | p50 | p90 | p99 | errors |"
    echo "|---|---:|---:|---:|---:|---:|---|"
} > "$results"
for operation in check claim; do
    for connections in 1 16 64; do
        rm -f "$work"/ledger.sqlite*
        "$dedup" _seed --db "$work/ledger.sqlite" --count 10000 --tenant bench --scope bench >/dev/null
        DEDUP_API_KEYS="bench:$DEDUP_BENCH_KEY" "$dedup" serve --port "$port" \
            --database "$work/ledger.sqlite" > "$work/server.log" 2>&1 &
        server=$!
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
        threads=$(( connections < 2 ? 1 : 2 ))
        output=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
            -s "bench/load/$operation.lua" "http://127.0.0.1:$port")
        kill "$server"; wait "$server" 2>/dev/null || true
        rps=$(echo "$output" | awk '/Requests\/sec/ {print $2}')
        p50=$(echo "$output" | awk '$1 == "50%" {print $2}')
        p90=$(echo "$output" | awk '$1 == "90%" {print $2}')
        p99=$(echo "$output" | awk '$1 == "99%" {print $2}')
        errors=$(echo "$output" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
        echo "| $operation | $connections | $rps | $p50 | $p90 | $p99 | ${errors:-none} |" >> "$results"
        echo "$operation c=$connections: $rps req/s, p50 $p50, p99 $p99 ${errors}" >&2
    done
done
echo >> "$results"
echo "Claims are all new actions (each writes a pending record and an audit event); checks are half reworded" >> "$results"
echo "retries of seeded calls, half unseen calls. Non-2xx for claims would be 409s; none are expected." >> "$results"
cat "$results"
