#!/usr/bin/env bash
# Prepares this machine as one more Docker host of a grader cluster (run as root, on Debian 12):
# packages, dockerd, the student network and firewall chain (from infra/stack.sh), a forwarder that
# lets student containers reach the grader's PostgreSQL on their bridge's gateway, the published silo
# in /opt/grader/silo, and the systemd units with this host's name and address.
#
#   infra/add-host.sh --name docker-host-2 --address 10.0.0.12 --postgres 10.0.0.11:5432
#
#   --name NAME        Cluster:SiloName, the stable id of this host (its runner is keyed by it)
#   --address IP       Cluster:AdvertisedAddress, where other silos reach this one (never a student bridge)
#   --postgres H:P     the grader's PostgreSQL, as this host reaches it
#   --root DIR         write files under DIR instead of / (to inspect or package them); implies --no-start
#   --no-start         write and check everything, start nothing
#   --skip-network     leave dockerd, the student network and the firewall alone
# Shared settings (Redis, Database, Docker registries...) come from /etc/grader/grader.env, copied from
# the web tier's host; this script writes only what differs per host, /etc/grader/silo.env.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[add-host] %s\n' "$*" >&2; }
die() { printf '[add-host] error: %s\n' "$*" >&2; exit 1; }

name="" address="" postgres="" root="" start=1 network=1
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --postgres) postgres=$2; shift 2 ;;
    --root) root=$2; start=0; shift 2 ;;
    --no-start) start=0; shift ;;
    --skip-network) network=0; shift ;;
    *) die "unknown argument '$1' (see the top of $0)" ;;
  esac
done
[ -n "$name" ] && [ -n "$address" ] && [ -n "$postgres" ] || die "--name, --address and --postgres are required"
[[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "--name '$name' must be letters, digits, '.', '_' or '-'"
[[ "$address" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "--address '$address' must be an IPv4 address"
[[ "$postgres" =~ ^[^:]+:[0-9]+$ ]] || die "--postgres '$postgres' must be HOST:PORT"
[ -n "$root" ] || [ "$(id -u)" = 0 ] || die "run as root"

# The student bridge of this host; its gateway is the only host address student containers reach.
gateway=${GRADER_STUDENT_GATEWAY:-172.29.0.1}
pg_port=${postgres##*:}
engine=${DOCKER_HOST:-unix:///var/run/docker.sock}
systemd_running() { [ -z "$root" ] && [ -d /run/systemd/system ]; }

if [ -z "$root" ]; then
  "$repo/infra/stack.sh" install docker-host
fi

if [ "$network" = 1 ]; then
  if systemd_running && [ "$start" = 1 ]; then
    systemctl enable --now docker.service >/dev/null
  fi
  docker -H "$engine" version >/dev/null 2>&1 || die "no Docker engine answers at $engine"
  log "student network and firewall chain on $engine"
  DOCKER_HOST=$engine GRADER_PG_PORT=$pg_port GRADER_STUDENT_GATEWAY=$gateway "$repo/infra/stack.sh" student-network
fi

[ -f "$repo/artifacts/publish/silo/Grader.Silo.dll" ] || "$repo/infra/publish.sh"
log "installing the published silo in $root/opt/grader/silo"
mkdir -p "$root/opt/grader" "$root/etc/grader" "$root/etc/systemd/system"
rm -rf "$root/opt/grader/silo"; cp -a "$repo/artifacts/publish/silo" "$root/opt/grader/silo"
cp "$repo/README.md" "$root/opt/grader/README.md"
if [ -z "$root" ] && ! id grader >/dev/null 2>&1; then
  useradd --system --home-dir /opt/grader --shell /usr/sbin/nologin grader
fi

(umask 022
cat >"$root/etc/grader/silo.env" <<ENV
# This Docker host (written by infra/add-host.sh; shared settings are in grader.env).
Cluster__SiloName=$name
Cluster__AdvertisedAddress=$address
Docker__Endpoint=$engine
Docker__StudentNetwork=grader-students
Database__StudentHost=$gateway
ENV
cat >"$root/etc/grader/pg-forward.env" <<ENV
GATEWAY=$gateway
PORT=$pg_port
TARGET=$postgres
ENV
)
if [ ! -f "$root/etc/grader/grader.env" ]; then
  log "no $root/etc/grader/grader.env yet: copy it from the web tier's host (mode 600), then start the units"
fi
cp "$repo/infra/systemd/grader-silo.service" "$repo/infra/systemd/grader-pg-forward.service" "$root/etc/systemd/system/"
if command -v systemd-analyze >/dev/null; then
  # Checked against this machine's own units and binaries (dotnet, socat, docker.service).
  systemd-analyze verify "$root/etc/systemd/system/grader-silo.service" "$root/etc/systemd/system/grader-pg-forward.service" \
    || die "systemd-analyze rejected the units"
fi

if [ "$start" = 1 ] && systemd_running; then
  systemctl daemon-reload
  systemctl enable --now grader-pg-forward.service grader-silo.service
  log "started: systemctl status grader-silo (journal: journalctl -u grader-silo)"
elif [ "$start" = 1 ]; then
  log "systemd is not running here: start the silo by hand with the settings in /etc/grader"
fi
log "host '$name' ($address) is prepared"
