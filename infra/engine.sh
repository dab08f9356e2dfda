#!/usr/bin/env bash
# Extra Docker engines on this machine, each standing in for one more Docker host (tests, bench):
#   infra/engine.sh up N     start engine N (1..254): its own dockerd, socket, data-root, exec-root and
#                            pidfile under $GRADER_ENGINES_HOME/N, and the student network on bridge
#                            grader-brN (172.29.N.0/24), covered by the stack's student firewall
#   infra/engine.sh down N   stop it and remove its network; its data-root stays, so pulled images stay cached
#   infra/engine.sh env N    the settings a silo on engine N needs
# It reuses infra/stack.sh's functions; the stack must be up (infra/stack.sh up).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
GRADER_STACK_LIB=1 source "$here/stack.sh"
ENGINES_HOME=${GRADER_ENGINES_HOME:-/var/lib/grader-engines}
# The stack's own student gateway, where PostgreSQL listens for student apps.
STACK_GATEWAY=$STUDENT_GATEWAY

engine() { # engine N: point stack.sh's variables at engine N
  local n=$1
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 254 ] || die "engine number must be 1..254, not '$n'"
  GRADER_HOME="$ENGINES_HOME/$n"
  DOCKER_SOCK="$GRADER_HOME/run/docker.sock"
  STUDENT_BRIDGE="grader-br$n"
  STUDENT_SUBNET="172.29.$n.0/24"
  STUDENT_GATEWAY="172.29.$n.1"
  # One machine, several engines: only the stack's engine manages iptables and a default bridge
  # (Docker's advice for running several daemons); student networks are internal, with no route out.
  DOCKERD_FLAGS="--bridge=none --iptables=false --ip-masq=false --config-file $GRADER_HOME/daemon.json"
}

# PostgreSQL listens on the addresses it had when it started, and restarting the shared instance is not
# ours to do. So a student app's connection to its own gateway is translated to the stack's gateway,
# where PostgreSQL listens and the firewall chain accepts it; the source becomes that gateway too, which
# the stack's pg_hba.conf admits. Nothing else on the engine's gateway is translated or reachable.
nat_rules() { # nat_rules -A|-D
  local op=$1
  local dnat=(PREROUTING -i "$STUDENT_BRIDGE" -p tcp -d "$STUDENT_GATEWAY" --dport "$PG_PORT"
              -j DNAT --to-destination "$STACK_GATEWAY:$PG_PORT")
  local snat=(INPUT -s "$STUDENT_SUBNET" -p tcp -d "$STACK_GATEWAY" --dport "$PG_PORT"
              -j SNAT --to-source "$STACK_GATEWAY")
  for rule in dnat snat; do
    local -n r=$rule
    if [ "$op" = -A ]; then
      iptables -t nat -C "${r[@]}" 2>/dev/null || iptables -t nat -A "${r[@]}"
    else
      while iptables -t nat -D "${r[@]}" 2>/dev/null; do :; done
    fi
  done
}

up() {
  [ "$(id -u)" = 0 ] || die "run as root: it starts dockerd"
  # The stack's firewall chain covers every grader-br+ bridge; make sure it is in place.
  firewall_up
  engine "$1"
  mkdir -p "$GRADER_HOME"/{run,log}
  [ -f "$GRADER_HOME/daemon.json" ] || echo '{}' > "$GRADER_HOME/daemon.json"
  start_dockerd
  nat_rules -A
  log "engine $1 is up: $DOCKER_SOCK, bridge $STUDENT_BRIDGE, PostgreSQL for students on $STUDENT_GATEWAY:$PG_PORT"
}

down() {
  engine "$1"
  nat_rules -D
  if alive "$GRADER_HOME/run/dockerd.pid"; then
    local d=(docker -H "unix://$DOCKER_SOCK")
    "${d[@]}" ps -aq --filter label=grader.host | xargs -r "${d[@]}" rm -f >/dev/null
    "${d[@]}" network rm "$STUDENT_NET" >/dev/null 2>&1 || true
  fi
  stop_pid "dockerd $1" "$GRADER_HOME/run/dockerd.pid"
}

env_of() {
  engine "$1"
  cat <<ENV
export Docker__Endpoint=unix://$DOCKER_SOCK
export Docker__StudentNetwork=$STUDENT_NET
export Database__StudentHost=$STUDENT_GATEWAY
ENV
}

case "${1:-}" in
  up) up "${2:?engine number}" ;;
  down) down "${2:?engine number}" ;;
  env) env_of "${2:?engine number}" ;;
  *) die "usage: $0 up|down|env N" ;;
esac
