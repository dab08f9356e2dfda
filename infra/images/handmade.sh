#!/usr/bin/env bash
# Hostile student images made without docker build: layers and configs written by hand and pushed
# through the registry's API (distribution v2), so none of them is unpacked or run on this host
# while it is made. Pushed as $GRADER_REGISTRY/students/hostile:<tag>:
#   arm64           a config whose architecture is arm64 (no qemu needed: it must never run)
#   no-cmd          neither ENTRYPOINT nor CMD
#   bad-entrypoint  ENTRYPOINT names a file that is not in the image
#   exec-format     ENTRYPOINT is a file that is not a program (exec format error)
#   layer-bomb      a layer of about 1.5 MB that unpacks to 1.5 GB of zeros
#   expose-3000     students/app:correct with EXPOSE 3000 instead of 8000
# Idempotent: tarballs are reproducible, and blobs the registry has are not sent again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
eval "$("$here/../stack.sh" env)"
cache="$GRADER_HOME/cache/handmade"; mkdir -p "$cache"
api="http://$GRADER_REGISTRY/v2"
auth=(-u "$GRADER_REGISTRY_USER:$GRADER_REGISTRY_PASSWORD")
repo=students/hostile
BOMB_MB=${GRADER_LAYER_BOMB_MB:-1536}

sha() { sha256sum "$1" | cut -d' ' -f1; }

push_blob() { # push_blob REPO FILE: uploads FILE unless the registry has it; prints its digest
  local digest; digest="sha256:$(sha "$2")"
  if ! curl -fsS -o /dev/null -I "${auth[@]}" "$api/$1/blobs/$digest" 2>/dev/null; then
    local location
    location=$(curl -fsS -D - -o /dev/null -X POST "${auth[@]}" "$api/$1/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
    case "$location" in /*) location="http://$GRADER_REGISTRY$location" ;; esac
    case "$location" in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
    curl -fsS -o /dev/null -X PUT "${auth[@]}" -H 'Content-Type: application/octet-stream' --data-binary "@$2" "$location"
  fi
  echo "$digest"
}

# tar_layer DIR OUT: a reproducible gzip layer of DIR; OUT.diffid gets the digest of the plain tar.
tar_layer() {
  local fifo; fifo=$(mktemp -u); mkfifo "$fifo"
  sha256sum < "$fifo" | cut -d' ' -f1 > "$2.diffid" &
  local checksum=$!
  tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - . | tee "$fifo" | gzip -n -9 > "$2"
  wait "$checksum"; rm -f "$fifo"
}

# push_image TAG ARCH CONFIG_JSON LAYER: CONFIG_JSON is the image's "config" object
push_image() {
  local tag=$1 arch=$2 run=$3 layer=$4 dir; dir=$(mktemp -d)
  jq -n --arg arch "$arch" --argjson run "$run" --arg diff "sha256:$(cat "$layer.diffid")" \
    '{architecture: $arch, os: "linux", config: $run, rootfs: {type: "layers", diff_ids: [$diff]}}' > "$dir/config.json"
  local config layer_digest
  config=$(push_blob "$repo" "$dir/config.json")
  layer_digest=$(push_blob "$repo" "$layer")
  jq -n --arg c "$config" --argjson cs "$(stat -c %s "$dir/config.json")" --arg l "$layer_digest" --argjson ls "$(stat -c %s "$layer")" \
    '{schemaVersion: 2, mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      config: {mediaType: "application/vnd.docker.container.image.v1+json", size: $cs, digest: $c},
      layers: [{mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: $ls, digest: $l}]}' > "$dir/manifest.json"
  curl -fsS -o /dev/null -X PUT "${auth[@]}" -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
    --data-binary "@$dir/manifest.json" "$api/$repo/manifests/$tag"
  rm -rf "$dir"
}

# A small root: one text file, and one executable that is not a program.
if [ ! -s "$cache/small.tar.gz" ]; then
  root=$(mktemp -d); mkdir -p "$root/app"
  echo "nothing to run here" > "$root/app/README"
  printf 'this is not a program\n' > "$root/app/not-a-program"; chmod 755 "$root/app/not-a-program"
  tar_layer "$root" "$cache/small.tar.gz"; rm -rf "$root"
fi
push_image arm64 arm64 '{"Cmd": ["/app/server"], "ExposedPorts": {"8000/tcp": {}}}' "$cache/small.tar.gz"
push_image no-cmd amd64 '{"Env": ["PATH=/usr/bin:/bin"]}' "$cache/small.tar.gz"
push_image bad-entrypoint amd64 '{"Entrypoint": ["/app/server"]}' "$cache/small.tar.gz"
push_image exec-format amd64 '{"Entrypoint": ["/app/not-a-program"]}' "$cache/small.tar.gz"

if [ ! -s "$cache/bomb-$BOMB_MB.tar.gz" ]; then
  # A sparse file takes no disk here; tar reads it as zeros, and gzip makes them almost nothing.
  root=$(mktemp -d); truncate -s "${BOMB_MB}M" "$root/zeros"
  tar_layer "$root" "$cache/bomb-$BOMB_MB.tar.gz.tmp"; rm -rf "$root"
  mv "$cache/bomb-$BOMB_MB.tar.gz.tmp.diffid" "$cache/bomb-$BOMB_MB.tar.gz.diffid"
  mv "$cache/bomb-$BOMB_MB.tar.gz.tmp" "$cache/bomb-$BOMB_MB.tar.gz"
fi
push_image layer-bomb amd64 '{"Cmd": ["/zeros"]}' "$cache/bomb-$BOMB_MB.tar.gz"

# The correct app under another EXPOSE: same layers, a config with another port.
accept='Accept: application/vnd.docker.distribution.manifest.v2+json'
manifest=$(curl -fsS "${auth[@]}" -H "$accept" "$api/students/app/manifests/correct")
old_config=$(jq -r .config.digest <<<"$manifest")
work=$(mktemp -d)
curl -fsS "${auth[@]}" "$api/students/app/blobs/$old_config" \
  | jq -c '.config.ExposedPorts = {"3000/tcp": {}}' > "$work/config.json"
new_config=$(push_blob students/app "$work/config.json")
jq --arg c "$new_config" --argjson s "$(stat -c %s "$work/config.json")" '.config.digest = $c | .config.size = $s' <<<"$manifest" > "$work/manifest.json"
curl -fsS -o /dev/null -X PUT "${auth[@]}" -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
  --data-binary "@$work/manifest.json" "$api/students/app/manifests/expose-3000"
rm -rf "$work"
echo "[images] hand-made hostile images ready in $GRADER_REGISTRY/$repo" >&2
