#!/usr/bin/env bash
# Builds the student images the tests and the demo use, and pushes them to the local registry
# (with authentication), so the grader pulls them the way it pulls from ghcr.io.
#   grader/base:bookworm                      debootstrap minbase (cached as a tarball)
#   $REGISTRY/students/app:MODE             one image per mode of tests/StudentApp (the list below)
#   $REGISTRY/students/hostile:*            hand-made by handmade.sh (no docker build)
# Idempotent: an image whose inputs have not changed is not rebuilt.
set -euo pipefail
# Every mode of tests/StudentApp gets its own tag; add a new mode here once.
modes=(correct wrong never-listen crash xss slow-start oom flood flow-bugs disk-fill neighbour sql-hijack db-fill no-timeout pg-flood template-hold slow-requests loopback traceback default-port-db segfault huge-body)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
eval "$("$repo/infra/stack.sh" env)"
cache="$GRADER_HOME/cache"; mkdir -p "$cache"
log() { printf '[images] %s\n' "$*" >&2; }
quiet() { # run a command, showing its output only if it fails
  local out; out=$(mktemp)
  "$@" >"$out" 2>&1 || { cat "$out" >&2; rm -f "$out"; return 1; }
  rm -f "$out"
}

if ! docker image inspect grader/base:bookworm >/dev/null 2>&1; then
  if [ ! -s "$cache/bookworm-minbase.tar" ]; then
    log "debootstrapping a minimal Debian 12 root (cached in $cache)"
    root=$(mktemp -d)
    # The mirror apt already uses (a URIs: or deb line, not a comment).
    mirror=$( (grep -rhE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) \
      | grep -oE 'https?://[^ ]+/debian/?$' | head -1 || true)
    debootstrap --variant=minbase --include=libssl3,ca-certificates bookworm "$root" "${mirror:-http://deb.debian.org/debian}" >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$cache/bookworm-minbase.tar.tmp" . && mv "$cache/bookworm-minbase.tar.tmp" "$cache/bookworm-minbase.tar"
    rm -rf "$root"
  fi
  log "importing grader/base:bookworm"
  docker import "$cache/bookworm-minbase.tar" grader/base:bookworm >/dev/null
fi

# The app is rebuilt only when its sources change.
src_hash=$( (cat "$repo/tests/StudentApp/"*.cs "$repo/tests/StudentApp/"*.csproj "$repo/Directory.Packages.props"; echo "${modes[*]}") | sha256sum | cut -c1-16)
# GRADER_STUDENT_APP_REPO gives a worktree its own repository, so parallel checkouts do not flip tags.
image="$GRADER_REGISTRY/${GRADER_STUDENT_APP_REPO:-students/app}"
echo "$GRADER_REGISTRY_PASSWORD" | docker login "$GRADER_REGISTRY" -u "$GRADER_REGISTRY_USER" --password-stdin >/dev/null 2>&1
if [ "$(docker image inspect -f '{{index .Config.Labels "grader.source"}}' "$image:correct" 2>/dev/null)" != "$src_hash" ]; then
  log "publishing the student app (self-contained) and building $image"
  ctx=$(mktemp -d)
  quiet dotnet publish "$repo/tests/StudentApp/StudentApp.csproj" -c Release -o "$ctx/app" --nologo
  cat >"$ctx/Dockerfile" <<DOCKER
FROM grader/base:bookworm
COPY app/ /app/
USER 1000:1000
ENV STUDENT_APP_MODE=correct DOTNET_gcServer=0
LABEL grader.source=$src_hash
EXPOSE 8000
ENTRYPOINT ["/app/StudentApp"]
DOCKER
  quiet docker build -q -t "$image:correct" "$ctx"
  rm -rf "$ctx"
  for mode in "${modes[@]}"; do
    [ "$mode" = correct ] && continue
    printf 'FROM %s\nENV STUDENT_APP_MODE=%s\n' "$image:correct" "$mode" > "$ctx.$mode"
    quiet docker build -q -t "$image:$mode" - < "$ctx.$mode"; rm -f "$ctx.$mode"
  done
fi
for mode in "${modes[@]}"; do
  quiet docker push -q "$image:$mode"
done
"$here/handmade.sh"
log "student images ready in $GRADER_REGISTRY"
