#!/usr/bin/env bash
# The one-command demo: starts the local OTLP profiles receiver (otel-profiles serve on 127.0.0.1:4317/4318), runs
# the sample web app with AddOtlpProfiles() pointed at it and every profile type on (cpu, wall, alloc, inuse, lock,
# exception), drives 20 s of load, prints the top functions, the top function of each type and the URL of the flame
# graph, and writes otel-profiles-demo.html. Keeps serving the web UI until Ctrl+C; pass --exit to stop
# right after. No external server needed.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/OtelProfiles.Tool -c Release -nologo -v quiet
exec dotnet run --project src/OtelProfiles.Tool -c Release --no-build -- demo \
  --app-project samples/OtelProfiles.Sample.WebApi \
  --path /prices --path /checkout --path /orders \
  --duration 20s --app-env OTEL_PROFILES_EXPORT_INTERVAL=5000 "$@"
