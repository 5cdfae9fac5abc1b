#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on loopback and a free port, in a temporary directory.
#   eval "$(scripts/postgres.sh start)"   # exports DEDUP_TEST_POSTGRES_URL and DEDUP_TEST_POSTGRES_DIR
#   scripts/postgres.sh stop              # stops it and removes the directory
#   scripts/postgres.sh pause | resume    # stops / restarts the server, keeping its data (outage tests)
# It accepts TLS with a certificate for "localhost" from a CA of its own (DEDUP_TEST_POSTGRES_CA; a second,
# unrelated CA is DEDUP_TEST_POSTGRES_OTHER_CA) for the sslmode tests; plain connections work as well.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
run_as() {
    # initdb and postgres refuse to run as root.
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
server() {
    # The options of every start: loopback, the socket in the directory, TLS, no fsync (throwaway data).
    local dir=$1 port
    port=$(cat "$dir/port")
    run_as "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 \
        -c fsync=off -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key\" start >/dev/null"
}
certificates() {
    local dir=$1
    for ca in ca other-ca; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj "/CN=dedup test $ca" \
            -keyout "$dir/$ca.key" -out "$dir/$ca.crt" 2>/dev/null
    done
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    # For "localhost" only, not 127.0.0.1: verify-full to the IP address must fail, verify-ca must not.
    printf 'subjectAltName=DNS:localhost\n' > "$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 7 \
        -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
    chmod 600 "$dir/server.key"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir/server.key" "$dir/server.crt"
}
case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/dedup-pg.XXXXXX)
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    run_as "'$bin/initdb' -D '$dir/data' -U dedup --auth=trust -E UTF8 >'$dir/initdb.log' 2>&1"
    echo "$port" > "$dir/port"
    certificates "$dir"
    server "$dir"
    run_as "'$bin/createdb' -h 127.0.0.1 -p $port -U dedup dedup"
    echo "export DEDUP_TEST_POSTGRES_URL=postgres://dedup@127.0.0.1:$port/dedup"
    echo "export DEDUP_TEST_POSTGRES_DIR=$dir"
    echo "export DEDUP_TEST_POSTGRES_CA=$dir/ca.crt DEDUP_TEST_POSTGRES_OTHER_CA=$dir/other-ca.crt"
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
    server "${DEDUP_TEST_POSTGRES_DIR:?set by start}"
    ;;
*)
    echo "usage: scripts/postgres.sh start|stop|pause|resume" >&2
    exit 2
    ;;
esac
