#!/usr/bin/env bash
# Command 1: set up this machine (as root) and run the grader on http://127.0.0.1:8080 with a demo
# assignment. Idempotent: a second run finds everything in place and leaves the grader running.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[run] %s\n' "$*" >&2; }

"$repo/infra/stack.sh" up
eval "$("$repo/infra/stack.sh" env)"
"$repo/infra/images/build.sh"

# The demo assignment's template database.
psql_admin() { PGPASSWORD=$Database__Password psql -X -q -h 127.0.0.1 -p "$Database__Port" -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='demo_items_template'" | grep -q 1 \
  || psql_admin -d postgres -c "CREATE DATABASE demo_items_template" -c "REVOKE CONNECT ON DATABASE demo_items_template FROM PUBLIC"
psql_admin -d demo_items_template -f "$repo/infra/demo/template.sql" >/dev/null

pidfile="$GRADER_HOME/run/web.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  log "the grader is already running (pid $(cat "$pidfile"))"
else
  log "building the grader"
  dotnet build "$repo/Client.Web/Client.Web.csproj" -c Release --nologo -v q >/dev/null
  log "starting the grader (log: $GRADER_HOME/log/web.log)"
  export Cluster__SiloName=${Cluster__SiloName:-$(hostname)}
  export Docker__Registries__0__Server=$GRADER_REGISTRY
  export Docker__Registries__0__Username=$GRADER_REGISTRY_USER
  export Docker__Registries__0__Password=$GRADER_REGISTRY_PASSWORD
  (cd "$repo/Client.Web/bin/Release/net10.0" && exec setsid dotnet Grader.Web.dll </dev/null >>"$GRADER_HOME/log/web.log" 2>&1) &
  echo $! > "$pidfile"
fi

for _ in $(seq 1 120); do
  curl -fsS -o /dev/null http://127.0.0.1:8080/readyz 2>/dev/null && break
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -20 "$GRADER_HOME/log/web.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null http://127.0.0.1:8080/readyz || { log "the grader did not become ready"; curl -sS http://127.0.0.1:8080/readyz >&2; exit 1; }
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' --data @"$repo/infra/demo/assignment.json" \
  http://127.0.0.1:8080/api/assignments/demo-items

cat <<MSG

  Grader is running: http://127.0.0.1:8080  (ready: /readyz, status: /api/v1/status)
  Demo assignment:   demo-items
  Demo image:        $GRADER_REGISTRY/students/app:correct   (also :wrong, :crash, :never-listen)
  Try it:
    curl -s -X POST http://127.0.0.1:8080/api/tasks -H 'Content-Type: application/json' \\
      -d '{"assignmentId":"demo-items","image":"$GRADER_REGISTRY/students/app:correct","userId":"demo-student"}'
  Stop:              infra/stop.sh

MSG
