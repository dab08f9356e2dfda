#!/usr/bin/env bash
# Builds the grader's container images on the engine at $DOCKER_HOST, from the published artifact
# (infra/publish.sh) and Debian packages, on a local base image (no registry is reachable):
#   grader/web:TAG  grader/silo:TAG  grader/postgres:TAG  grader/redis:TAG
#   infra/docker/build.sh [--base IMAGE] [--tag TAG] [web silo postgres redis]
# The .NET runtime comes from this machine's SDK install, the one the artifact was built and tested with.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
base=grader/base:bookworm tag=local images=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    *) images+=("$1"); shift ;;
  esac
done
[ ${#images[@]} -gt 0 ] || images=(web silo postgres redis)
log() { printf '[docker] %s\n' "$*" >&2; }
docker image inspect "$base" >/dev/null 2>&1 || die=1
[ -z "${die:-}" ] || { echo "[docker] error: base image $base not found (infra/images/build.sh makes grader/base:bookworm)" >&2; exit 1; }

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
for image in "${images[@]}"; do
  rm -rf "${ctx:?}"/*
  case "$image" in
    web|silo)
      [ -f "$repo/artifacts/publish/$image/Grader.$( [ "$image" = web ] && echo Web || echo Silo ).dll" ] || "$repo/infra/publish.sh"
      cp -a "$repo/artifacts/publish/$image" "$ctx/app"
      mkdir -p "$ctx/dotnet/shared"
      cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$ctx/dotnet/"
      cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$ctx/dotnet/shared/"
      ;;
    postgres) cp "$here/postgres-entrypoint.sh" "$ctx/" ;;
    redis) ;;
    *) echo "[docker] error: unknown image '$image'" >&2; exit 1 ;;
  esac
  log "building grader/$image:$tag on $base"
  # Host network for apt: the engine's default bridge may be absent (the grader never needs it).
  docker build -q --network host --build-arg "BASE=$base" -t "grader/$image:$tag" -f "$here/$image.Dockerfile" "$ctx" >/dev/null
done
