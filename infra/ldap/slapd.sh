#!/usr/bin/env bash
# An OpenLDAP server (slapd) as a plain process with its own config and database under DIR, listening
# on 127.0.0.1:PORT only. The stack's shared directory runs through this script, and so does any test
# that needs a directory it may stop or freeze without disturbing anyone else.
#   infra/ldap/slapd.sh start DIR PORT [PIDFILE]   create DIR on first use, start slapd (idempotent)
#   infra/ldap/slapd.sh stop DIR [PIDFILE]         stop it, if running
# The admin password comes from $LDAP_ADMIN_PASSWORD (not an argument: ps would show it). The admin DN
# is cn=admin,dc=grader,dc=test. PIDFILE defaults to DIR/slapd.pid and is fixed when DIR is created.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SUFFIX=dc=grader,dc=test
ADMIN_DN=cn=admin,$SUFFIX

log() { printf '[slapd] %s\n' "$*" >&2; }
die() { printf '[slapd] error: %s\n' "$*" >&2; exit 1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

fill() { # fill FILE: the template with this instance's values
  sed -e "s|@DIR@|$dir|g" -e "s|@PIDFILE@|$pidfile|g" -e "s|@SUFFIX@|$SUFFIX|g" \
      -e "s|@ADMIN_DN@|$ADMIN_DN|g" -e "s|@ADMIN_PW_HASH@|$hash|g" "$1"
}

create() {
  [ -n "${LDAP_ADMIN_PASSWORD:-}" ] || die "LDAP_ADMIN_PASSWORD is not set"
  log "creating a directory in $dir"
  local hash; hash=$(slappasswd -h '{SSHA}' -T <(printf '%s' "$LDAP_ADMIN_PASSWORD"))
  rm -rf "$dir/slapd.d" "$dir/data"
  mkdir -p "$dir/slapd.d" "$dir/data"; chmod 700 "$dir"
  local work; work=$(mktemp -d)
  fill "$here/config.ldif" > "$work/config.ldif"
  fill "$here/base.ldif" > "$work/base.ldif"
  slapadd -q -n 0 -F "$dir/slapd.d" -l "$work/config.ldif"
  slapadd -q -n 1 -F "$dir/slapd.d" -l "$work/base.ldif"
  rm -rf "$work"
  touch "$dir/.created"
}

answers() { ldapsearch -x -H "ldap://127.0.0.1:$port" -b '' -s base -o nettimeout=2 namingContexts >/dev/null 2>&1; }

start() {
  [ -f "$dir/.created" ] || create
  if alive "$pidfile"; then return; fi
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && die "port $port is taken by a process this script did not start"
  log "starting slapd on 127.0.0.1:$port ($dir)"
  slapd -F "$dir/slapd.d" -h "ldap://127.0.0.1:$port/" || die "slapd did not start (try: slapd -d 256 -F $dir/slapd.d)"
  local deadline=$((SECONDS + 30))
  until answers; do
    [ $SECONDS -lt $deadline ] || die "slapd did not answer on port $port within 30s"
    sleep 0.1
  done
}

stop() {
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  log "stopping slapd ($dir)"
  local pid; pid=$(cat "$pidfile"); kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

cmd=${1:-}; dir=${2:-}
[ -n "$dir" ] || die "usage: $0 start DIR PORT [PIDFILE] | stop DIR [PIDFILE]"
case "$cmd" in
  start)
    port=${3:-}; [ -n "$port" ] || die "usage: $0 start DIR PORT [PIDFILE]"
    pidfile=${4:-$dir/slapd.pid}; start ;;
  stop) pidfile=${3:-$dir/slapd.pid}; stop ;;
  *) die "usage: $0 start DIR PORT [PIDFILE] | stop DIR [PIDFILE]" ;;
esac
