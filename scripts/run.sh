#!/usr/bin/env bash
# Quick start, command 1: build agent-dedup and run it on the embedded SQLite ledger (./dedup.sqlite).
# With no arguments it starts the HTTP service; any arguments are passed to `dedup` instead,
# e.g. `scripts/run.sh claim --scope s1 --tool send_email --args '{"to": "bob@example.com"}'`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product dedup >&2
if [ "$#" -eq 0 ]; then set -- serve; fi
exec .build/release/dedup "$@"
