#!/usr/bin/env bash
# A PostgreSQL server for the store tests (tests/Restcomm.Gateway.Tests): installs Debian's package
# when absent, keeps a throw-away cluster under $RESTCOMM_PG_DATA, listens on 127.0.0.1 only, and
# makes sure the role and database the tests use exist. Idempotent and quiet when already up.
# Locally it never fails the test run: without a server the PostgreSQL tests skip and say why.
# In CI (CI=true) the store must be tested on both databases, so a server that cannot be had fails the run.
set -uo pipefail

PORT=${RESTCOMM_PG_PORT:-5432}
DATA=${RESTCOMM_PG_DATA:-/tmp/restcomm-postgres}
ROLE=restcomm
PASSWORD=restcomm
DATABASE=restcomm_test

say() { echo "tests/setup/postgres.sh: $*" >&2; }

# No server: skip the PostgreSQL tests locally, fail in CI.
unavailable() {
  say "$*"
  if [ "${CI:-}" = "true" ]; then
    say "CI must run the store tests on PostgreSQL too; failing."
    exit 1
  fi
  exit 0
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

BIN=$(pg_bin)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    unavailable "PostgreSQL is not installed and installing needs root; the PostgreSQL store tests will skip."
  fi
  say "installing PostgreSQL from Debian's packages..."
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; then
    unavailable "apt-get could not install PostgreSQL; the PostgreSQL store tests will skip."
  fi
  BIN=$(pg_bin)
  # The package may start its own cluster on 5432; ours is the one the tests use.
  if command -v pg_ctlcluster >/dev/null; then
    for cluster in /etc/postgresql/*/main; do
      [ -d "$cluster" ] && pg_ctlcluster "$(basename "$(dirname "$cluster")")" main stop >/dev/null 2>&1 || true
    done
  fi
fi

psql_admin() { as_owner "$BIN/psql" -X -q -h "$DATA" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA "$@"; }

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  if [ ! -s "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DATA"
    chmod 700 "$DATA"
    if ! as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >"$DATA.initdb.log" 2>&1; then
      unavailable "initdb failed (see $DATA.initdb.log); the PostgreSQL store tests will skip."
    fi
  fi
  # Test data is disposable: no fsync, so the whole setup stays fast.
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
    unavailable "the server did not start (see $DATA/server.log); the PostgreSQL store tests will skip."
  fi
fi

if [ ! -S "$DATA/.s.PGSQL.$PORT" ]; then
  # Something else answers on the port; use it as it is if the test role can log in.
  say "127.0.0.1:$PORT is served by another PostgreSQL; the tests use it if role $ROLE can log in."
  exit 0
fi

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
  psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >/dev/null || say "could not create role $ROLE"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE" >/dev/null || say "could not create database $DATABASE"
fi
exit 0
