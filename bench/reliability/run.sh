#!/usr/bin/env bash
# The reliability suite: crash safety, hostile input, fuzzing from the OpenAPI document, sustained load.
#
#   bench/reliability/run.sh --short   # what CI runs (scripts/test.sh): 5 kills, a bounded fuzz, a 20 s soak;
#                                      # figures go to .build/reliability/
#   bench/reliability/run.sh           # the long versions, on a release build: 25 kills, 500 examples per
#                                      # operation, 10 minutes at 64 connections; figures and the plot go to
#                                      # bench/results/reliability/ and bench/results/reliability.md
#   bench/reliability/run.sh --long crash   # one part only: crash, diskfull, hostile, race, fuzz or soak
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=long
if [ "${1:-}" = "--short" ] || [ "${1:-}" = "--long" ]; then mode=${1#--}; shift; fi
parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(crash diskfull hostile race fuzz soak)

extra=(wrk)
python3 -c 'import venv, ensurepip' 2>/dev/null || extra+=(python3 python3-venv)
scripts/bootstrap.sh "${extra[@]}"

if [ "$mode" = short ]; then
    swift build --product dedup >&2
    export DEDUP_BIN=${DEDUP_BIN:-.build/debug/dedup}
    out=.build/reliability
else
    swift build -c release --product dedup >&2
    export DEDUP_BIN=${DEDUP_BIN:-.build/release/dedup}
    out=bench/results/reliability
fi
mkdir -p "$out"
work=$(mktemp -d /tmp/dedup-reliability.XXXXXX)
trap 'rm -rf "$work"' EXIT

for part in "${parts[@]}"; do
    echo "== $part ($mode)"
    case "$part:$mode" in
    crash:short) python3 bench/reliability/crash.py --kills 5 --clients 4 --seed 1 --workdir "$work/crash" --json "$out/crash.json" ;;
    crash:long) python3 bench/reliability/crash.py --kills 25 --clients 8 --workdir "$work/crash" --json "$out/crash.json" ;;
    diskfull:*) python3 bench/reliability/diskfull.py --json "$out/diskfull.json" ;;
    hostile:short)
        python3 bench/reliability/hostile.py --slowloris 50 --workdir "$work/hostile" --json "$out/hostile.json"
        # The same barrage against the shared ledger, when the test command started a PostgreSQL cluster.
        if [ -n "${DEDUP_TEST_POSTGRES_URL:-}" ]; then
            python3 bench/reliability/hostile.py --postgres "$DEDUP_TEST_POSTGRES_URL" --slowloris 10 \
                --workdir "$work/hostile-pg" --json "$out/hostile-postgres.json"
        fi ;;
    hostile:long) python3 bench/reliability/hostile.py --slowloris 500 --workdir "$work/hostile" --json "$out/hostile.json" ;;
    race:*)
        # Racing completions over two replicas of one PostgreSQL ledger; needs the test command's cluster.
        if [ -n "${DEDUP_TEST_POSTGRES_URL:-}" ]; then
            python3 bench/reliability/complete_race.py --postgres "$DEDUP_TEST_POSTGRES_URL" --rounds 200 \
                --json "$out/complete-race.json"
        else
            echo "skipped: DEDUP_TEST_POSTGRES_URL is not set (scripts/test.sh starts a cluster)"
        fi ;;
    fuzz:short) python3 bench/reliability/fuzz.py --max-examples 25 --seed 1 --workdir "$work/fuzz" --json "$out/fuzz.json" ;;
    fuzz:long) python3 bench/reliability/fuzz.py --max-examples 500 --workdir "$work/fuzz" --json "$out/fuzz.json" ;;
    soak:short)
        python3 bench/reliability/soak.py --duration 20 --segment 10 --window 5 --prune 1 --connections 16 \
            --workdir "$work/soak" --json "$out/soak.json" ;;
    soak:long)
        python3 bench/reliability/soak.py --duration 600 --segment 10 --window 60 --prune 5 --connections 64 \
            --workdir "$work/soak" --json "$out/soak.json" --svg "$out/soak.svg" ;;
    *) echo "unknown part $part (crash, diskfull, hostile, race, fuzz, soak)" >&2; exit 2 ;;
    esac
done
if [ "$mode" = long ]; then python3 bench/reliability/report.py "$out" bench/results/reliability.md; fi
echo "reliability ($mode): all parts passed"
