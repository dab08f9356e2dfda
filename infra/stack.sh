#!/usr/bin/env bash
# The grader's local stack: PostgreSQL, Redis, dockerd, docker-registry and slapd as plain
# processes (no systemd), with all their state under one directory, $GRADER_HOME.
#   infra/stack.sh up      install what is missing, start what is not running (idempotent)
#   infra/stack.sh down    stop only what this script started (found by its pid files)
#   infra/stack.sh status  one line per service
#   infra/stack.sh env     print the environment the grader and the tests use
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
FW_CHAIN=GRADER-STUDENTS
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

install_packages() {
  local wanted=(postgresql redis-server docker.io slapd ldap-utils docker-registry apache2-utils
                debootstrap iptables iproute2 curl ca-certificates openssl chromium)
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
    nohup dockerd --data-root "$GRADER_HOME/docker" --exec-root "$GRADER_HOME/docker-exec" \
      -H "unix://$DOCKER_SOCK" --pidfile "$pidfile" \
      >>"$GRADER_HOME/log/dockerd.log" 2>&1 &
    wait_for dockerd 60 docker -H "unix://$DOCKER_SOCK" version
  fi
  local d=(docker -H "unix://$DOCKER_SOCK")
  if ! "${d[@]}" network inspect "$STUDENT_NET" >/dev/null 2>&1; then
    log "creating internal network $STUDENT_NET ($STUDENT_SUBNET)"
    "${d[@]}" network create --internal --driver bridge --subnet "$STUDENT_SUBNET" \
      --gateway "$STUDENT_GATEWAY" -o "com.docker.network.bridge.name=$STUDENT_BRIDGE" \
      --label grader.managed=true "$STUDENT_NET" >/dev/null
  fi
}

firewall_up() {
  # Student containers may answer the runner and reach PostgreSQL on the gateway; nothing else
  # on this host. ESTABLISHED,RELATED first, or the replies to the runner's requests are dropped.
  iptables -N "$FW_CHAIN" 2>/dev/null || iptables -F "$FW_CHAIN"
  iptables -A "$FW_CHAIN" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  iptables -A "$FW_CHAIN" -p tcp -d "$STUDENT_GATEWAY" --dport "$PG_PORT" -j ACCEPT
  iptables -A "$FW_CHAIN" -j DROP
  iptables -C INPUT -i "$STUDENT_BRIDGE" -j "$FW_CHAIN" 2>/dev/null \
    || iptables -I INPUT 1 -i "$STUDENT_BRIDGE" -j "$FW_CHAIN"
}

firewall_down() {
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

cmd=${1:-up}
case "$cmd" in
  up)
    [ "$(id -u)" = 0 ] || die "run as root: it installs packages and starts dockerd"
    install_packages
    mkdir -p "$GRADER_HOME"/{run,log,secrets}; chmod 700 "$GRADER_HOME/secrets"
    start_dockerd
    firewall_up
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
  *) die "usage: $0 up|down|status|env|restart-postgres|restart-redis" ;;
esac
