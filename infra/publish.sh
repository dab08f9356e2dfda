#!/usr/bin/env bash
# The one artifact: `dotnet publish` (Release) of the web tier and of the silo, into
#   artifacts/publish/web   (Grader.Web.dll, the web tier with its embedded silo)
#   artifacts/publish/silo  (Grader.Silo.dll, a silo for one more Docker host)
# run.sh, the smoke tests, the container images and the systemd units all run exactly these.
#   infra/publish.sh [--no-build]   --no-build: reuse the Release build that just ran (infra/test.sh)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${GRADER_PUBLISH_DIR:-$repo/artifacts/publish}
printf '[publish] web tier and silo into %s\n' "$out" >&2
for project in web:Client.Web/Client.Web.csproj silo:Silo/Silo.csproj; do
  name=${project%%:*}
  rm -rf "$out/$name.tmp"
  dotnet publish "$repo/${project#*:}" -c Release --nologo -v q -clp:NoSummary -o "$out/$name.tmp" "$@" >/dev/null
  rm -rf "$out/$name"; mv "$out/$name.tmp" "$out/$name"
done
