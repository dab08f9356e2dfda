#!/bin/sh
# First start: a cluster whose superuser 'postgres' has POSTGRES_PASSWORD, reachable with a password
# (scram) on POSTGRES_LISTEN_ADDRESSES (default: every address the container has); then PostgreSQL
# in the foreground.
set -eu
bin=/usr/lib/postgresql/15/bin
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
mkdir -p "$PGDATA" /run/postgresql && chown postgres:postgres "$PGDATA" /run/postgresql && chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"; chown postgres "$pwfile"
  su postgres -s /bin/sh -c "$bin/initdb -D '$PGDATA' -U postgres --pwfile='$pwfile' --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8" >/dev/null
  rm -f "$pwfile"
  printf 'local all postgres scram-sha-256\nhost all all 0.0.0.0/0 scram-sha-256\n' > "$PGDATA/pg_hba.conf"
  # The grader's database; no database is open to PUBLIC (each student role gets CONNECT on one).
  su postgres -s /bin/sh -c "$bin/postgres --single -D '$PGDATA' postgres" >/dev/null <<SQL
CREATE DATABASE ${POSTGRES_DB:-grader};
REVOKE CONNECT ON DATABASE ${POSTGRES_DB:-grader} FROM PUBLIC;
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;
SQL
fi
exec su postgres -s /bin/sh -c "exec $bin/postgres -D '$PGDATA' -c listen_addresses='${POSTGRES_LISTEN_ADDRESSES:-*}' -c port=${POSTGRES_PORT:-5432} -c max_connections=${POSTGRES_MAX_CONNECTIONS:-200}"
