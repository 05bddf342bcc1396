#!/usr/bin/env bash
# Cells per hour of one synthetic sweep (2 scenarios x baseline and 3 betas = 8 cells) on each
# engine, and what the paper's full Table 1 would take at the measured per-cell cost. Writes
# throughput.md beside this script. Needs a -Pspark build (the script asks the launcher for it).
# Run from the repository root: bash docs/results/sweep/throughput.sh [ITERATIONS]
set -euo pipefail
shopt -s inherit_errexit # a failing table inside $(...) stops the script
cd "$(dirname "$0")/../../.."
iterations="${1:-300}"
export MGM_MAVEN_ARGS=-Pspark
here=docs/results/sweep
w=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do pkill -9 -P "$p" 2>/dev/null || true; kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$w"
}
trap cleanup EXIT
./mgm --help > /dev/null # builds once, outside the timings
sweep=(synthetic table --scenario low-32,bias-90 --mode combined --betas 0.3,0.5,0.7 --quick
  --set "agent.iterations=$iterations" --json)
cells=8

# One table per engine; prints "<seconds> <json file>".
timed() {
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  ./mgm "${sweep[@]}" --out "$w/$name" "$@" > "$w/$name.json" 2> "$w/$name.err"
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc)"
}

# A standalone cluster on loopback from the same jars: a master and two workers of one core.
cp="$PWD/target/mgm-toolkit-0.1.0-SNAPSHOT.jar:$PWD/target/lib/*"
port=$((20000 + RANDOM % 20000))
mkdir -p "$w/spark-home/jars" && echo loopback > "$w/spark-home/RELEASE"
java -Xmx512m -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port $((port + 1)) > "$w/master.log" 2>&1 &
pids+=($!)
sleep 5
for i in 1 2; do
  SPARK_HOME="$w/spark-home" SPARK_SCALA_VERSION=2.13 java -Xmx512m -cp "$cp" org.apache.spark.deploy.worker.Worker \
    "spark://127.0.0.1:$port" --host 127.0.0.1 --cores 1 --memory 2g --webui-port $((port + 1 + i)) \
    --work-dir "$w/work$i" > "$w/worker$i.log" 2>&1 &
  pids+=($!)
done
sleep 8

rows=()
for run in "local|default (TF: 1 thread per core)|" "local|1|--cell-threads 1" \
    "spark local[2]|1|--engine spark --master local[2] --cell-threads 1" \
    "spark standalone, 2 workers x 1 core|1|--engine spark --master spark://127.0.0.1:$port --cell-threads 1"; do
  IFS='|' read -r engine threads args <<< "$run"
  name=$(echo "$engine-$threads" | tr -c 'a-z0-9\n' '-')
  # shellcheck disable=SC2086
  s=$(timed "$name" $args)
  per_hour=$(echo "scale=1; $cells * 3600 / $s" | bc)
  same=$(cmp -s "$w/$name.json" "$w/$(echo "local-1" | tr -c 'a-z0-9\n' '-').json" 2>/dev/null && echo yes || echo "-")
  rows+=("| $engine | $threads | $(printf '%.0f' "$s") | $per_hour | $same |")
  echo "$engine, threads $threads: $s s" >&2
done

# Per-cell cost at the measured ms/iteration (local engine, default threads), scaled to Table 1:
# 4 scenarios x (baseline + 6 betas), 4,000 iterations each, 16 W1 evaluation draws.
first=$(ls -d "$w"/local-default*/table-* | head -1)
est=$(python3 - "$first" <<'EOF'
import json, pathlib, sys
table = pathlib.Path(sys.argv[1])
ms = {}
for r in table.glob("*/result.json"):
    j = json.loads(r.read_text())
    kind = ("bias" if r.parent.name.startswith("bias") else "low") + ("-baseline" if "baseline" in r.parent.name else "-mgm")
    ms.setdefault(kind, []).append(j["ms_per_iteration"])
avg = {k: sum(v) / len(v) for k, v in ms.items()}
# Table 1: low-32, low-64 (low kinds), bias-100, bias-90 (bias kinds); 1 baseline + 6 MGM cells each.
hours = 0.0
for scen in ["low", "low", "bias", "bias"]:
    hours += 4000 * (avg[scen + "-baseline"] + 6 * avg[scen + "-mgm"]) / 3.6e6
longest = 4000 * max(avg.values()) / 3.6e6
print(" ".join(f"{k}={v:.1f}" for k, v in sorted(avg.items())), f"{hours:.2f}", f"{longest:.2f}")
EOF
)
read -r -a parts <<< "$est"
serial=${parts[-2]}
longest=${parts[-1]}
unset 'parts[-1]' 'parts[-1]'
{
  echo "# Sweep throughput"
  echo
  echo "\`bash docs/results/sweep/throughput.sh $iterations\` on $(nproc) cores, $(date -u +%Y-%m-%d)."
  echo "The sweep: \`mgm ${sweep[*]}\` — 2 scenarios × (baseline + 3 β) = $cells cells."
  echo "Wall time of the whole command (JVM start, Spark start, the table), one run each."
  echo "\"same\": its JSON equals that of the local engine at 1 thread per cell, byte for byte."
  echo
  echo "| engine | TF threads per cell | seconds | cells per hour | same |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Per-iteration cost measured in the first run (ms): ${parts[*]}."
  echo
  echo "Table 1 as the paper runs it: 4 scenarios × 7 cells (baseline + 6 β) = 28 trainings of"
  echo "4,000 iterations (the 16 \"runs\" are evaluation draws of one training each). At the"
  echo "measured cost that is **$serial hours** one cell after another on this machine; on a"
  echo "cluster of N executors like this machine (2 cores, one cell at a time) about $serial / N hours, never below the"
  echo "longest cell, **$longest hours** (28 executors). Training time only: each cell also starts,"
  echo "loads its mixer and evaluates W1 (16 draws of 2,000 samples in the full protocol; here the"
  echo "whole sweep's wall time exceeds its training time by a few seconds per cell)."
} > "$here/throughput.md"
cat "$here/throughput.md"
