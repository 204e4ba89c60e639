#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, listening only on a Unix socket in a new folder.
#
#   eval "$(tools/test-postgres.sh start)"   # prints: export LIANTA_TEST_POSTGRESQL=...
#   tools/test-postgres.sh stop "$LIANTA_TEST_POSTGRESQL_DIR"
#
# It needs Debian's `postgresql` package (or any PostgreSQL 13+ with initdb and pg_ctl on PATH).
# The server refuses to run as root, so under root it runs as the system user `lianta-ci`
# (created if missing). It keeps nothing durable (fsync off): it is for tests only.
set -euo pipefail

find_bin() {
    if command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$found" ]; then
        echo "test-postgres: no PostgreSQL found (apt-get install postgresql)" >&2
        exit 1
    fi
    echo "$found"
}

as_server() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u lianta-ci -- "$@"
    else
        "$@"
    fi
}

start() {
    local bin dir
    bin=$(find_bin)
    if [ "$(id -u)" = 0 ] && ! id -u lianta-ci >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin lianta-ci
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/lianta-pg.XXXXXX")
    if [ "$(id -u)" = 0 ]; then
        chown lianta-ci "$dir"
    fi
    as_server "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
        "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=300 \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export LIANTA_TEST_POSTGRESQL='postgresql://postgres@/postgres?host=$dir'"
    echo "export LIANTA_TEST_POSTGRESQL_DIR='$dir'"
}

stop() {
    local dir=$1 bin
    bin=$(find_bin)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    case "$dir" in
        */lianta-pg.*) rm -rf -- "$dir" ;;
    esac
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:?test-postgres: stop needs the folder start printed}" ;;
    *)
        echo "usage: $0 start | stop DIR" >&2
        exit 2
        ;;
esac
