#!/usr/bin/env bash
# One partition hammered, another measured: two `dedup serve` replicas on one throwaway PostgreSQL cluster;
# the p99 of claims in a quiet scope (wrk, 1 connection) alone, then while 64 connections claim in one hot
# scope through both replicas. The quiet p99 should stay within 2x its idle figure. Results:
# bench/results/hotpartition.md.
# Usage: bench/load/hotpartition.sh [seconds-per-run]   (default 10; DEDUP_BENCH_CONFIGURATION=debug to skip
# the release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
configuration="${DEDUP_BENCH_CONFIGURATION:-release}"
scripts/bootstrap.sh wrk postgresql
swift build -c "$configuration" --product dedup >&2
binary=".build/$configuration/dedup"
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
start_server() { # port
    DEDUP_API_KEYS="bench:$DEDUP_BENCH_KEY" DEDUP_LOG_LEVEL=error "$binary" serve --port "$1" \
        --database "$DEDUP_TEST_POSTGRES_URL" > "$work/server-$1.log" 2>&1 &
    servers+=($!)
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.1; done
    echo "server on port $1 did not start" >&2; exit 1
}
# wrk: name, port, connections, scope, seconds.
wrk_run() {
    DEDUP_BENCH_SCOPE="$4" DEDUP_BENCH_PREFIX="$1" wrk -t1 -c"$3" -d"$5s" --latency -s bench/load/scope.lua \
        "http://127.0.0.1:$2" > "$work/$1.txt"
}
# "requests/s p50-ms p99-ms non-2xx" of a wrk output.
summary() {
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ {r=$2} $1=="50%" {p50=ms($2)} $1=="99%" {p99=ms($2)} /Non-2xx/ {e=$NF}
        END {printf "%s %.2f %.2f %d\n", r, p50, p99, e}' "$work/$1.txt"
}
start_server 21101
start_server 21102
# Warm up both replicas and both partitions (first use of a partition loads it).
DEDUP_BENCH_SCOPE=quiet DEDUP_BENCH_PREFIX=warm wrk -t1 -c1 -d2s -s bench/load/scope.lua http://127.0.0.1:21101 >/dev/null
DEDUP_BENCH_SCOPE=hot DEDUP_BENCH_PREFIX=warm wrk -t1 -c2 -d2s -s bench/load/scope.lua http://127.0.0.1:21102 >/dev/null

wrk_run idle 21101 1 quiet "$duration"
# The hot load starts a second before the measurement and ends a second after it.
wrk_run hot-a 21101 32 hot $((duration + 2)) &
hot_a=$!
wrk_run hot-b 21102 32 hot $((duration + 2)) &
hot_b=$!
sleep 1
wrk_run loaded 21101 1 quiet "$duration"
wait "$hot_a" "$hot_b"

read -r idle_rps idle_p50 idle_p99 idle_errors <<< "$(summary idle)"
read -r loaded_rps loaded_p50 loaded_p99 loaded_errors <<< "$(summary loaded)"
read -r a_rps a_p50 a_p99 a_errors <<< "$(summary hot-a)"
read -r b_rps b_p50 b_p99 b_errors <<< "$(summary hot-b)"
ratio=$(python3 -c "print(f'{$loaded_p99 / $idle_p99:.2f}')")
results=bench/results/hotpartition.md
mkdir -p bench/results
{
    echo "# A hot partition (\`bench/load/hotpartition.sh $duration\`), $(date -u "+%Y-%m-%d %H:%M") UTC"
    echo
    echo "Two \`dedup serve\` replicas ($configuration build) on one throwaway PostgreSQL cluster (fsync off); wrk,"
    echo "the replicas and PostgreSQL share the machine's $(nproc) cores. Claims of new actions, $duration s per run."
    echo "The quiet scope is measured through replica A with one connection, first alone, then while 64 connections"
    echo "(32 per replica) claim in one hot scope, whose claims are serialised by its partition lock."
    echo
    echo "| run | claims/s | p50 (ms) | p99 (ms) | non-2xx |"
    echo "|---|---:|---:|---:|---:|"
    echo "| quiet scope, idle | $idle_rps | $idle_p50 | $idle_p99 | $idle_errors |"
    echo "| quiet scope, hot scope under load | $loaded_rps | $loaded_p50 | $loaded_p99 | $loaded_errors |"
    echo "| hot scope via replica A (32 connections) | $a_rps | $a_p50 | $a_p99 | $a_errors |"
    echo "| hot scope via replica B (32 connections) | $b_rps | $b_p50 | $b_p99 | $b_errors |"
    echo
    echo "Quiet-scope p99 under load / idle: **$ratio x** (goal: at most 2)."
} > "$results"
cat "$results"
