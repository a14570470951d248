#!/usr/bin/env bash
# The one command for the benchmarks (README "Benchmarks" lists the cases, targets and durations):
#   bench/run.sh [--cases full,full10,drop,growth,noop] [--quick] [--reps N] [--large-reps N] [--growth-reps N]
#                [--baseline <folder of another published worker>]   A/B: that worker beside this one in every case
#                [--worker <published worker folder>]   time that worker instead of publishing this tree's
#                [--data <folder>]   generated data cache (default bench/work/data), shareable between checkouts
#                [--results <file>]  default bench/results/<date>.md
# Publishes the worker in Release, generates data with the project's generator (cached), times each case side by
# side with its baseline and writes the results file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec dotnet run --project "$here/Bench" -c Release -- --repo "$here/.." "$@"
