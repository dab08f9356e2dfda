#!/usr/bin/env bash
# Command 1: set up this machine (as root) and run the grader on http://127.0.0.1:8080 with a demo
# assignment. Idempotent: a second run finds everything in place and leaves the grader running.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[run] %s\n' "$*" >&2; }

# The demo needs the test directory and registry too (production hosts use `stack.sh up --production`).
"$repo/infra/stack.sh" up
eval "$("$repo/infra/stack.sh" env)"
"$repo/infra/images/build.sh"

# The demo assignment's template database.
psql_admin() { PGOPTIONS='-c client_min_messages=warning' PGPASSWORD=$Database__Password psql -X -q -h 127.0.0.1 -p "$Database__Port" -U postgres -v ON_ERROR_STOP=1 "$@"; }
psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='demo_items_template'" | grep -q 1 \
  || psql_admin -d postgres -c "CREATE DATABASE demo_items_template" -c "REVOKE CONNECT ON DATABASE demo_items_template FROM PUBLIC"
psql_admin -d demo_items_template -f "$repo/infra/demo/template.sql" >/dev/null

pidfile="$GRADER_HOME/run/web.pid"
app="$repo/artifacts/publish/web"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  log "the grader is already running (pid $(cat "$pidfile"))"
else
  "$repo/infra/publish.sh"
  log "starting the published grader in Production (log: $GRADER_HOME/log/web.log, metrics: http://127.0.0.1:9464/metrics)"
  export Cluster__SiloName=${Cluster__SiloName:-$(hostname)}
  export Docker__Registries__0__Server=$GRADER_REGISTRY
  export Docker__Registries__0__Username=$GRADER_REGISTRY_USER
  export Docker__Registries__0__Password=$GRADER_REGISTRY_PASSWORD
  export Images__AllowedRegistries__0=$GRADER_REGISTRY Images__AllowedRegistries__1=docker.io Images__AllowedRegistries__2=ghcr.io
  export ASPNETCORE_ENVIRONMENT=Production Telemetry__PrometheusEndpoint=${Telemetry__PrometheusEndpoint:-http://127.0.0.1:9464/metrics}
  (cd "$app" && exec setsid dotnet Grader.Web.dll </dev/null >>"$GRADER_HOME/log/web.log" 2>&1) &
  echo $! > "$pidfile"
fi

# The first admin: a local account whose password is kept in $GRADER_HOME/secrets (made once).
admin_password_file="$GRADER_HOME/secrets/web-admin-password"
[ -s "$admin_password_file" ] || (umask 077; openssl rand -hex 16 > "$admin_password_file")
(cd "$app" \
  && GRADER_ADMIN_PASSWORD=$(cat "$admin_password_file") dotnet Grader.Web.dll create-admin admin --if-missing >/dev/null)

for _ in $(seq 1 120); do
  curl -fsS -o /dev/null http://127.0.0.1:8080/readyz 2>/dev/null && break
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -20 "$GRADER_HOME/log/web.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null http://127.0.0.1:8080/readyz || { log "the grader did not become ready"; curl -sS http://127.0.0.1:8080/readyz >&2; exit 1; }
# Staff calls need a signed-in session: sign in as the admin, then send the antiforgery token it returns.
jar=$(mktemp); trap 'rm -f "$jar"' EXIT
csrf=$(curl -fsS -c "$jar" -H 'Content-Type: application/json' \
  --data "{\"username\":\"admin\",\"password\":\"$(cat "$admin_password_file")\"}" \
  http://127.0.0.1:8080/api/auth/sign-in | python3 -c 'import json,sys; print(json.load(sys.stdin)["antiforgeryToken"])')
curl -fsS -o /dev/null -b "$jar" -X PUT -H 'Content-Type: application/json' -H "X-CSRF-TOKEN: $csrf" \
  --data @"$repo/infra/demo/assignment.json" http://127.0.0.1:8080/api/assignments/demo-items
# A demo student, so the student's side can be tried in the browser too (made once; 409 when it exists).
student_password_file="$GRADER_HOME/secrets/web-student-password"
[ -s "$student_password_file" ] || (umask 077; openssl rand -hex 8 > "$student_password_file")
curl -sS -o /dev/null -b "$jar" -X POST -H 'Content-Type: application/json' -H "X-CSRF-TOKEN: $csrf" \
  --data "{\"username\":\"student\",\"password\":\"$(cat "$student_password_file")\",\"role\":\"student\"}" \
  http://127.0.0.1:8080/api/admin/users || true

cat <<MSG

  Grader is running: http://127.0.0.1:8080  (ready: /readyz, status: /api/v1/status)
  Demo assignment:   demo-items
  Demo image:        $GRADER_REGISTRY/students/app:correct   (also :wrong, :crash, :never-listen)
  Demo sign-in:      http://127.0.0.1:8080/sign-in
                     staff (admin): admin / $(cat "$admin_password_file")
                     student:       student / $(cat "$student_password_file")
                     (passwords are kept in $GRADER_HOME/secrets)
  More admins:       cd artifacts/publish/web && dotnet Grader.Web.dll create-admin NAME
                     (password from \$GRADER_ADMIN_PASSWORD or standard input)
  Try it (every API call but /healthz, /readyz and /api/v1/status needs a signed-in session or a token):
    curl -s -c jar -H 'Content-Type: application/json' -d '{"username":"admin","password":"…"}' \\
      http://127.0.0.1:8080/api/auth/sign-in          # note the antiforgeryToken it returns
    curl -s -b jar -H 'X-CSRF-TOKEN: …' -H 'Content-Type: application/json' -X POST http://127.0.0.1:8080/api/tasks \\
      -d '{"assignmentId":"demo-items","image":"$GRADER_REGISTRY/students/app:correct"}'
    Scripts: create a token (POST /api/auth/tokens {"name":"…"} from a session) and send Authorization: Bearer …
  Stop:              infra/stop.sh

MSG
