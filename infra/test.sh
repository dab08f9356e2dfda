#!/usr/bin/env bash
# Command 2: every test. Starts (or reuses) the local stack and the test images, builds the solution
# with warnings as errors, checks formatting, then runs the unit and integration tests.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
log() { printf '[test] %s\n' "$*" >&2; }

"$repo/infra/stack.sh" up
"$repo/infra/images/build.sh"

log "building"
dotnet build Grader.sln -c Release --nologo -v q -clp:NoSummary
log "checking formatting"
dotnet format Grader.sln --verify-no-changes --no-restore -v q
# The smoke, container and compose tests run the published artifact, as run.sh does; publish it once.
"$repo/infra/publish.sh" --no-build

results="$repo/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
for project in tests/Grader.UnitTests tests/Grader.IntegrationTests; do
  log "running $project"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFilePrefix=$(basename "$project")" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done

# One plain summary line over every project's TRX file.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns).attrib
    passed += int(c["passed"]); failed += int(c["failed"]) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c["notExecuted"])
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
