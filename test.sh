#!/usr/bin/env bash
# Runs every test in the repository (unit, integration with child processes and real OTLP receivers, generator and
# analyzer tests, tool tests with headless Chromium and `go tool pprof`). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-prerequisites
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
dotnet build OtelProfiles.sln -c Release -nologo -v minimal
rm -rf artifacts/test-results
status=0
# One test project at a time: the integration tests sample child processes and must not starve each other.
dotnet test OtelProfiles.sln -c Release --no-build -m:1 --logger trx --results-directory artifacts/test-results || status=$?
.ci/summarize-trx artifacts/test-results
exit $status
