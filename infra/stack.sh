#!/usr/bin/env bash
# The grader's local stack: PostgreSQL, Redis, dockerd, docker-registry and slapd as plain
# processes (no systemd), with all their state under one directory, $GRADER_HOME.
#   infra/stack.sh up      install what is missing, start what is not running (idempotent)
#   infra/stack.sh down    stop only what this script started (found by its pid files)
#   infra/stack.sh status  one line per service
#   infra/stack.sh env     print the environment the grader and the tests use
#   infra/stack.sh install docker-host|production|test   only the Debian packages of that role
#   infra/stack.sh student-network   the student network and firewall chain on $DOCKER_HOST's engine,
#                                    admitting PostgreSQL on the gateway at $GRADER_PG_PORT
#                                    (infra/add-host.sh and the compose setup use it)
#   infra/stack.sh student-network-close   no longer admit the gateway at $GRADER_PG_PORT
#   infra/stack.sh restart-postgres | restart-redis   a brief restart, for the restart tests
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

GRADER_HOME=${GRADER_HOME:-/var/lib/grader}
PG_PORT=${GRADER_PG_PORT:-55432}
REDIS_PORT=${GRADER_REDIS_PORT:-56379}
REGISTRY_PORT=${GRADER_REGISTRY_PORT:-55000}
LDAP_PORT=${GRADER_LDAP_PORT:-55389}
DOCKER_SOCK="$GRADER_HOME/run/docker.sock"
# Student containers live on this internal bridge. PostgreSQL also listens on its gateway,
# the only host address the firewall chain below lets student containers reach.
STUDENT_NET=grader-students
STUDENT_BRIDGE=grader-br0
STUDENT_SUBNET=${GRADER_STUDENT_SUBNET:-172.29.0.0/24}
STUDENT_GATEWAY=${GRADER_STUDENT_GATEWAY:-172.29.0.1}
# Every engine's student bridge is grader-br<N> (infra/engine.sh adds engines); the chain covers them all.
STUDENT_BRIDGES=grader-br+
FW_CHAIN=GRADER-STUDENTS
# Connections one student container may hold open to PostgreSQL at once, counted before PostgreSQL
# authenticates them: a role's CONNECTION LIMIT is checked only after authentication, so stalled SCRAM
# handshakes could otherwise take every backend. Above the sandbox role's limit (20), for headroom.
PG_CONN_PER_SOURCE=${GRADER_PG_CONN_PER_SOURCE:-24}
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # wait_for DESCRIPTION SECONDS COMMAND...
  local what=$1 limit=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what did not come up within ${limit}s (logs: $GRADER_HOME/log)"
    sleep 0.2
  done
}

# Production hosts get only what they run; Chromium, slapd and the registry are for tests and the demo.
DOCKER_HOST_PACKAGES=(docker.io iptables iproute2 socat curl ca-certificates openssl)
PRODUCTION_PACKAGES=("${DOCKER_HOST_PACKAGES[@]}" postgresql redis-server debootstrap)
TEST_PACKAGES=("${PRODUCTION_PACKAGES[@]}" jq slapd ldap-utils docker-registry apache2-utils chromium docker-compose systemd)

install_packages() { # install_packages [docker-host|production|test]
  local wanted
  case "${1:-test}" in
    docker-host) wanted=("${DOCKER_HOST_PACKAGES[@]}") ;;
    production) wanted=("${PRODUCTION_PACKAGES[@]}") ;;
    test) wanted=("${TEST_PACKAGES[@]}") ;;
    *) die "unknown package set '$1' (docker-host, production or test)" ;;
  esac
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # slapd asks questions on install; we configure our own directory, so answer nothing.
    echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
}

secret() { # secret NAME: a random value kept in $GRADER_HOME/secrets, made once
  local f="$GRADER_HOME/secrets/$1"
  [ -s "$f" ] || (umask 077; openssl rand -hex 24 > "$f")
  cat "$f"
}

start_dockerd() {
  local pidfile="$GRADER_HOME/run/dockerd.pid"
  if ! alive "$pidfile"; then
    log "starting dockerd"
    mkdir -p "$GRADER_HOME/docker" "$GRADER_HOME/docker-exec"
    # shellcheck disable=SC2086 # DOCKERD_FLAGS holds several flags (infra/engine.sh sets them)
    nohup dockerd --data-root "$GRADER_HOME/docker" --exec-root "$GRADER_HOME/docker-exec" \
      -H "unix://$DOCKER_SOCK" --pidfile "$pidfile" ${DOCKERD_FLAGS:-} \
      >>"$GRADER_HOME/log/dockerd.log" 2>&1 &
    wait_for dockerd 60 docker -H "unix://$DOCKER_SOCK" version
  fi
  student_network "$DOCKER_SOCK" "$STUDENT_NET" "$STUDENT_BRIDGE" "$STUDENT_SUBNET" "$STUDENT_GATEWAY"
}

# student_network SOCKET NETWORK BRIDGE SUBNET GATEWAY: the internal network of one engine's student
# containers, with inter-container traffic off. The option cannot be changed on an existing network,
# so an older one is recreated, but only while no container is attached to it (the FORWARD rules of
# student_isolation isolate containers meanwhile).
student_network() {
  local d=(docker -H "unix://$1") net=$2 bridge=$3 subnet=$4 gateway=$5
  local icc
  icc=$("${d[@]}" network inspect -f '{{index .Options "com.docker.network.bridge.enable_icc"}}' "$net" 2>/dev/null) || icc=missing
  if [ "$icc" != missing ] && [ "$icc" != false ]; then
    if [ "$("${d[@]}" network inspect -f '{{len .Containers}}' "$net")" = 0 ]; then
      log "recreating $net with inter-container traffic off"
      "${d[@]}" network rm "$net" >/dev/null && icc=missing
    else
      log "warning: $net still has containers; it keeps inter-container traffic on until the next 'up'"
    fi
  fi
  if [ "$icc" = missing ]; then
    log "creating internal network $net ($subnet on $bridge)"
    "${d[@]}" network create --internal --driver bridge --subnet "$subnet" --gateway "$gateway" \
      -o "com.docker.network.bridge.name=$bridge" -o com.docker.network.bridge.enable_icc=false \
      --label grader.managed=true "$net" >/dev/null
  fi
}

# Bridged frames pass through iptables only with br_netfilter; without it the FORWARD rules below,
# and the engine's own enable_icc=false, would not see container-to-container traffic at all.
bridge_netfilter() {
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 2>/dev/null || true
  [ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" = 1 ] \
    || die "br_netfilter is not active (net.bridge.bridge-nf-call-iptables is not 1): student containers could reach each other"
}

# No student container reaches another, on its own bridge or another engine's: nothing is forwarded
# into or out of a student bridge (the runner reaches containers from the host, not through FORWARD).
# DOCKER-USER is the chain every dockerd keeps first in FORWARD and never flushes.
student_isolation() {
  local ipt rule
  for ipt in iptables ip6tables; do
    $ipt -N DOCKER-USER 2>/dev/null || true
    $ipt -C FORWARD -j DOCKER-USER 2>/dev/null || $ipt -I FORWARD 1 -j DOCKER-USER
    for rule in "-i $STUDENT_BRIDGES" "-o $STUDENT_BRIDGES"; do
      # shellcheck disable=SC2086
      $ipt -C DOCKER-USER $rule -j DROP 2>/dev/null || $ipt -I DOCKER-USER 1 $rule -j DROP
    done
  done
}

# firewall_up GATEWAY...: what student containers may reach on this host: replies to the runner, and
# PostgreSQL on their bridge's gateway (at $PG_PORT). Anything else gets a TCP reset (or an ICMP
# refusal), so an app that dials a wrong port fails at once with its driver's own error instead of
# hanging. The chain keeps the gateway:port pairs of earlier calls (other engines, a compose
# PostgreSQL on another port); firewall_close GATEWAY takes one pair away again.
firewall_up() { firewall_rebuild "" "$@"; }
firewall_close() { firewall_rebuild "$1:$PG_PORT"; }

# firewall_rebuild DROPPED GATEWAY...: the chain replaced in one atomic iptables-restore, under a lock
# so that two scripts changing it at once cannot lose each other's pairs.
firewall_rebuild() {
  local dropped=$1 pairs=() pair; shift
  for pair in "$@"; do pairs+=("$pair:$PG_PORT"); done
  exec 8>/run/grader-firewall.lock; flock 8
  mapfile -t -O ${#pairs[@]} pairs < <(iptables -S "$FW_CHAIN" 2>/dev/null \
    | sed -n 's|.*-d \([0-9.]*\)/32 -p tcp -m tcp --dport \([0-9]*\) -j ACCEPT|\1:\2|p')
  {
    echo '*filter'
    echo ":$FW_CHAIN - [0:0]"
    echo "-A $FW_CHAIN -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
    for pair in $(printf '%s\n' "${pairs[@]}" | sort -u); do
      [ "$pair" != "$dropped" ] || continue
      # Pre-authentication flood guard: new PostgreSQL connections past the per-address limit are refused.
      echo "-A $FW_CHAIN -d ${pair%:*}/32 -p tcp -m tcp --dport ${pair#*:} --tcp-flags FIN,SYN,RST,ACK SYN -m connlimit --connlimit-above $PG_CONN_PER_SOURCE --connlimit-mask 32 -j REJECT --reject-with tcp-reset"
      echo "-A $FW_CHAIN -d ${pair%:*}/32 -p tcp -m tcp --dport ${pair#*:} -j ACCEPT"
    done
    echo "-A $FW_CHAIN -p tcp -j REJECT --reject-with tcp-reset"
    echo "-A $FW_CHAIN -j REJECT --reject-with icmp-admin-prohibited"
    echo 'COMMIT'
  } | iptables-restore --noflush
  flock -u 8
  # The engines' first bridge was matched by name before there were several.
  while iptables -D INPUT -i "$STUDENT_BRIDGE" -j "$FW_CHAIN" 2>/dev/null; do :; done
  iptables -C INPUT -i "$STUDENT_BRIDGES" -j "$FW_CHAIN" 2>/dev/null \
    || iptables -I INPUT 1 -i "$STUDENT_BRIDGES" -j "$FW_CHAIN"
  # No IPv6 on student networks: nothing of the host answers them there either.
  ip6tables -C INPUT -i "$STUDENT_BRIDGES" -j DROP 2>/dev/null || ip6tables -I INPUT 1 -i "$STUDENT_BRIDGES" -j DROP
}

firewall_down() {
  while iptables -D INPUT -i "$STUDENT_BRIDGES" -j "$FW_CHAIN" 2>/dev/null; do :; done
  while iptables -D INPUT -i "$STUDENT_BRIDGE" -j "$FW_CHAIN" 2>/dev/null; do :; done
  iptables -F "$FW_CHAIN" 2>/dev/null || true
  iptables -X "$FW_CHAIN" 2>/dev/null || true
}

start_postgres() {
  local data="$GRADER_HOME/pg" pidfile="$GRADER_HOME/run/postgres.pid"
  local password; password=$(secret pg-password)
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL cluster in $data"
    mkdir -p "$data"; chown postgres:postgres "$data"; chmod 700 "$data"
    local pwfile; pwfile=$(mktemp); echo "$password" > "$pwfile"; chown postgres "$pwfile"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
      --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    cat >"$data/pg_hba.conf" <<HBA
local all postgres peer
host  all all 127.0.0.1/32 scram-sha-256
host  all all $STUDENT_SUBNET scram-sha-256
HBA
  fi
  if ! alive "$pidfile"; then
    port_busy "$PG_PORT" && die "port $PG_PORT is taken by a process this script did not start"
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT and $STUDENT_GATEWAY:$PG_PORT"
    mkdir -p "$GRADER_HOME/run/pgsock"; chown postgres "$GRADER_HOME/run/pgsock"
    touch "$GRADER_HOME/log/postgres.log"; chown postgres "$GRADER_HOME/log/postgres.log"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$GRADER_HOME/log/postgres.log" -w -t 60 start \
      -o "-p $PG_PORT -k $GRADER_HOME/run/pgsock -c listen_addresses=127.0.0.1,$STUDENT_GATEWAY -c max_connections=300 -c fsync=off" >/dev/null
    head -1 "$data/postmaster.pid" > "$pidfile"
  fi
  # No database is open to PUBLIC: each temporary student role gets CONNECT on exactly one.
  psql_admin -q -c "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC" \
               -c "REVOKE CONNECT ON DATABASE template1 FROM PUBLIC"
  # A login that stalls in authentication holds a backend until authentication_timeout; reserved slots
  # keep the grader's own (superuser) logins possible when sandboxes use up the rest. Applied to the
  # running server: the timeout at once by reload, the reservation at the next restart.
  psql_admin -q -c "ALTER SYSTEM SET authentication_timeout = '10s'" \
               -c "ALTER SYSTEM SET superuser_reserved_connections = 10" -c "SELECT pg_reload_conf()" >/dev/null
  psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='grader'" | grep -q 1 \
    || psql_admin -q -c "CREATE DATABASE grader" -c "REVOKE CONNECT ON DATABASE grader FROM PUBLIC"
}

psql_admin() { PGPASSWORD=$(cat "$GRADER_HOME/secrets/pg-password") psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

start_redis() {
  local pidfile="$GRADER_HOME/run/redis.pid"
  alive "$pidfile" && return
  port_busy "$REDIS_PORT" && die "port $REDIS_PORT is taken by a process this script did not start"
  log "starting Redis (AOF) on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$GRADER_HOME/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --appendonly yes \
    --dir "$GRADER_HOME/redis" --daemonize yes --pidfile "$pidfile" \
    --logfile "$GRADER_HOME/log/redis.log" --save ''
  wait_for Redis 30 redis-cli -p "$REDIS_PORT" ping
}

start_registry() {
  local pidfile="$GRADER_HOME/run/registry.pid" dir="$GRADER_HOME/registry"
  alive "$pidfile" && return
  port_busy "$REGISTRY_PORT" && die "port $REGISTRY_PORT is taken by a process this script did not start"
  mkdir -p "$dir/data"
  # The grader pulls with these credentials, as it would log in to ghcr.io.
  htpasswd -Bbc "$dir/htpasswd" grader "$(secret registry-password)" 2>/dev/null
  cat >"$dir/config.yml" <<YML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $dir/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$REGISTRY_PORT
auth:
  htpasswd: {realm: grader-registry, path: $dir/htpasswd}
YML
  log "starting docker-registry on 127.0.0.1:$REGISTRY_PORT"
  nohup docker-registry serve "$dir/config.yml" >>"$GRADER_HOME/log/registry.log" 2>&1 &
  echo $! > "$pidfile"
  wait_for docker-registry 30 curl -fsS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$REGISTRY_PORT/" 
}

# The test directory (people, groups, memberOf). Tests add their own subtree, ou=run-<RunId>.
start_slapd() {
  LDAP_ADMIN_PASSWORD=$(secret ldap-admin-password) \
    "$here/ldap/slapd.sh" start "$GRADER_HOME/ldap" "$LDAP_PORT" "$GRADER_HOME/run/slapd.pid"
}

stop_pid() { # stop_pid NAME PIDFILE
  local pidfile=$2
  if alive "$pidfile"; then
    log "stopping $1"
    local pid; pid=$(cat "$pidfile"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

print_env() {
  cat <<ENV
export GRADER_HOME=$GRADER_HOME
export Database__Host=127.0.0.1
export Database__Port=$PG_PORT
export Database__Username=postgres
export Database__Password=$(cat "$GRADER_HOME/secrets/pg-password")
export Database__Name=grader
export Database__StudentHost=$STUDENT_GATEWAY
export Redis__Configuration=127.0.0.1:$REDIS_PORT
export Docker__Endpoint=unix://$DOCKER_SOCK
export Docker__StudentNetwork=$STUDENT_NET
export DOCKER_HOST=unix://$DOCKER_SOCK
export GRADER_REGISTRY=127.0.0.1:$REGISTRY_PORT
export GRADER_REGISTRY_USER=grader
export GRADER_REGISTRY_PASSWORD=$(cat "$GRADER_HOME/secrets/registry-password")
export GRADER_LDAP_URI=ldap://127.0.0.1:$LDAP_PORT
export GRADER_LDAP_BASE=dc=grader,dc=test
export GRADER_LDAP_ADMIN_DN=cn=admin,dc=grader,dc=test
export GRADER_LDAP_ADMIN_PASSWORD=$(cat "$GRADER_HOME/secrets/ldap-admin-password")
ENV
}

# infra/engine.sh sources this file for its functions only.
[ "${GRADER_STACK_LIB:-}" = 1 ] && return 0
cmd=${1:-up}
case "$cmd" in
  up)
    [ "$(id -u)" = 0 ] || die "run as root: it installs packages and starts dockerd"
    install_packages
    mkdir -p "$GRADER_HOME"/{run,log,secrets}; chmod 700 "$GRADER_HOME/secrets"
    bridge_netfilter
    start_dockerd
    student_isolation
    firewall_up "$STUDENT_GATEWAY"
    start_postgres
    start_redis
    start_registry
    start_slapd
    log "stack is up (state in $GRADER_HOME)"
    ;;
  down)
    "$here/ldap/slapd.sh" stop "$GRADER_HOME/ldap" "$GRADER_HOME/run/slapd.pid"
    stop_pid docker-registry "$GRADER_HOME/run/registry.pid"
    stop_pid Redis "$GRADER_HOME/run/redis.pid"
    if alive "$GRADER_HOME/run/postgres.pid"; then
      log "stopping PostgreSQL"
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$GRADER_HOME/pg" -m fast -w stop >/dev/null || true
      rm -f "$GRADER_HOME/run/postgres.pid"
    fi
    firewall_down
    stop_pid dockerd "$GRADER_HOME/run/dockerd.pid"
    ;;
  status)
    for s in dockerd postgres redis registry slapd; do
      if alive "$GRADER_HOME/run/$s.pid"; then echo "$s: running"; else echo "$s: stopped"; fi
    done
    ;;
  env) print_env ;;
  install)
    [ "$(id -u)" = 0 ] || die "run as root: it installs packages"
    install_packages "${2:-test}"
    ;;
  student-network)
    [ "$(id -u)" = 0 ] || die "run as root: it changes the firewall"
    bridge_netfilter
    engine_socket=${DOCKER_HOST:-unix:///var/run/docker.sock}
    student_network "${engine_socket#unix://}" "$STUDENT_NET" "$STUDENT_BRIDGE" "$STUDENT_SUBNET" "$STUDENT_GATEWAY"
    student_isolation
    firewall_up "$STUDENT_GATEWAY"
    ;;
  student-network-close)
    [ "$(id -u)" = 0 ] || die "run as root: it changes the firewall"
    firewall_close "$STUDENT_GATEWAY"
    ;;
  # Brief restarts for the restart tests: same data, same settings, back as soon as it answers.
  restart-postgres)
    alive "$GRADER_HOME/run/postgres.pid" || die "PostgreSQL is not running"
    log "restarting PostgreSQL"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$GRADER_HOME/pg" -l "$GRADER_HOME/log/postgres.log" -m fast -w -t 60 restart >/dev/null
    head -1 "$GRADER_HOME/pg/postmaster.pid" > "$GRADER_HOME/run/postgres.pid"
    ;;
  restart-redis)
    alive "$GRADER_HOME/run/redis.pid" || die "Redis is not running"
    log "restarting Redis"
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 100); do port_busy "$REDIS_PORT" || break; sleep 0.1; done
    rm -f "$GRADER_HOME/run/redis.pid"
    start_redis
    ;;
  *) die "usage: $0 up|down|status|env|install SET|student-network[-close]|restart-postgres|restart-redis" ;;
esac
