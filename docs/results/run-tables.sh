#!/usr/bin/env bash
# Reproduces docs/results/: Table 1 (combined) for the four scenarios and Table 4 (alternate) for
# bias-100 and low-64, with the shipped mixers in models/synthetic. Iteration counts are set per
# scenario on the command line (config default: agent.iterations=4000); these are what was run.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=docs/results
run() {  # scenario mode iterations
  ./mgm synthetic table --scenario "$1" --mode "$2" --set agent.iterations="$3" --out runs/tables --json \
    > "$out/table-$1-$2.json"
  cp "$(ls -td runs/tables/table-$1-$2-* | head -1)/table-$1-$2.md" "$out/"
  cp "$(ls -td runs/tables/table-$1-$2-* | head -1)/table-$1-$2.csv" "$out/"
}
run low-32 combined 2000
run low-64 combined 2000
run bias-100 combined 1000
run bias-90 combined 1000
run low-64 alternate 2000
run bias-100 alternate 1000
