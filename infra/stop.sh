#!/usr/bin/env bash
# Stops the grader started by infra/run.sh, then the local stack.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
GRADER_HOME=${GRADER_HOME:-/var/lib/grader}
pidfile="$GRADER_HOME/run/web.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  kill "$(cat "$pidfile")"
  for _ in $(seq 1 100); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.2; done
fi
rm -f "$pidfile"
"$repo/infra/stack.sh" down
