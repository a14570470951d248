#!/usr/bin/env bash
# The one command for the benchmarks: bench/run.sh [--reps N] [--cases full,incremental,noop] [--quick]
#   [--baseline <folder of another published worker>]   (A/B: also times that worker in the full and no-op cases)
# Publishes the worker in Release, generates data with the project's generator (cached in bench/work/data),
# times each case side by side with its baseline and writes bench/results/<date>.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec dotnet run --project "$here/Bench" -c Release -- --repo "$here/.." "$@"
