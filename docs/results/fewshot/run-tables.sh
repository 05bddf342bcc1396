#!/usr/bin/env bash
# Tables 3 (alternate, -A) and 5 (combined, -C) of the paper on both few-shot demos: baseline, -A
# and -C for FSGAN and FreezeD at 5, 10 and 30 shots, 5 trainings per cell. Each demo is one
# `mgm fewshot run` (a grid of 90 cells); its table-fewshot.csv is split into table-3.csv (the
# baselines and -A) and table-5.csv (the baselines and -C).
#
#   bash docs/results/fewshot/run-tables.sh [faithful|unseen-target] [extra mgm options]
#
# Run again after a kill, it resumes the unfinished grid (finished cells are kept); with the
# Spark build, `--engine spark --master 'local[2]' --cell-threads 1` runs two cells at once.
set -euo pipefail
cd "$(dirname "$0")/../../.."
which="${1:-faithful}"
shift || true
case "$which" in
  faithful) config=configs/fewshot-faithful.yaml; out=docs/results/fewshot; extra=() ;;
  # The first demo's mixer never saw the target; the same grid, at its own (first) settings.
  unseen-target) config=configs/fewshot-demo.yaml; out=docs/results/fewshot/unseen-target
    extra=(--set 'variants=[baseline,alternate,combined]' --set runs=5) ;;
  *) echo "expected faithful or unseen-target, got '$which'" >&2; exit 2 ;;
esac
mkdir -p "$out" runs/fewshot-tables
run=$(ls -td "runs/fewshot-tables/$which"/fewshot-* 2>/dev/null | head -1 || true)
if [ -n "$run" ] && [ ! -f "$run/table-fewshot.csv" ]; then
  ./mgm resume "$run" # an unfinished grid: its finished cells are kept, the others go on
else
  ./mgm fewshot run --config "$config" "${extra[@]}" --out "runs/fewshot-tables/$which" "$@"
  run=$(ls -td "runs/fewshot-tables/$which"/fewshot-* | head -1)
fi
python3 - "$run" "$out" <<'EOF'
import csv, pathlib, sys
run, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
rows = list(csv.DictReader(open(run / "table-fewshot.csv")))
unadapted = (run / "table-fewshot.md").read_text().strip().splitlines()[-1]
for table, suffix in (("table-3", "-A"), ("table-5", "-C")):
    keep = [r for r in rows if r["model"] in ("FSGAN", "FreezeD") or r["model"].endswith(suffix)]
    with open(out / f"{table}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(keep)
    shots = sorted({int(r["shots"]) for r in keep})
    lines = ["| Model | " + " | ".join(f"{s}-shot FID | {s}-shot KID×10³" for s in shots) + " |",
             "|---|" + "---|---|" * len(shots)]
    for model in dict.fromkeys(r["model"] for r in keep):
        cells = {int(r["shots"]): r for r in keep if r["model"] == model}
        lines.append(f"| {model} | " + " | ".join(
            f"{float(cells[s]['fid_mean']):.2f}({float(cells[s]['fid_std']):.2f}) | "
            f"{float(cells[s]['kid_x1e3_mean']):.2f}({float(cells[s]['kid_x1e3_std']):.2f})" for s in shots) + " |")
    (out / f"{table}.md").write_text("\n".join(lines) + "\n\n" + unadapted + "\n")
for f in ("table-fewshot.csv", "table-fewshot.json", "table-fewshot.md", "config.yaml"):
    (out / f).write_bytes((run / f).read_bytes())
print("written:", out / "table-3.csv", out / "table-5.csv", "from", run)
EOF
mkdir -p "$out/samples" "$out/served"
cp "$run"/samples/*shot.png "$out/samples/"
# The adapted agents are ONNX files in the run directory (1.1 MB each, not committed); each
# 10-shot one is served by ONNX Runtime, as a user would, into a grid of 16 samples.
for agent in "$run"/agents/*-10shot.onnx; do
  name=$(basename "$agent" .onnx)
  ./mgm sample --model "$agent" --n 16 --seed 7 --out "$run/served/$name" > /dev/null
  cp "$run/served/$name/grid_image.png" "$out/served/$name.png"
done
