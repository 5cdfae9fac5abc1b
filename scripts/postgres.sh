#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on loopback and a free port, in a temporary directory.
#   eval "$(scripts/postgres.sh start)"   # exports DEDUP_TEST_POSTGRES_URL and DEDUP_TEST_POSTGRES_DIR
#   scripts/postgres.sh stop              # stops it and removes the directory
#   scripts/postgres.sh pause | resume    # stops / restarts the server, keeping its data (outage tests)
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
run_as() {
    # initdb and postgres refuse to run as root.
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/dedup-pg.XXXXXX)
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    run_as "'$bin/initdb' -D '$dir/data' -U dedup --auth=trust -E UTF8 >'$dir/initdb.log' 2>&1"
    echo "$port" > "$dir/port"
    run_as "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
    run_as "'$bin/createdb' -h 127.0.0.1 -p $port -U dedup dedup"
    echo "export DEDUP_TEST_POSTGRES_URL=postgres://dedup@127.0.0.1:$port/dedup"
    echo "export DEDUP_TEST_POSTGRES_DIR=$dir"
    ;;
stop)
    dir="${DEDUP_TEST_POSTGRES_DIR:?set by start}"
    run_as "'$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1" || true
    rm -rf "$dir"
    ;;
pause)
    dir="${DEDUP_TEST_POSTGRES_DIR:?set by start}"
    run_as "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null"
    ;;
resume)
    dir="${DEDUP_TEST_POSTGRES_DIR:?set by start}"
    port=$(cat "$dir/port")
    run_as "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
    ;;
*)
    echo "usage: scripts/postgres.sh start|stop|pause|resume" >&2
    exit 2
    ;;
esac
