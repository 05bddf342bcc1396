#!/usr/bin/env bash
# Tries every command with bad input and writes bad-input.md: the command, its exit code and its
# one-line message. Run from the repository root: bash docs/results/bad-input/run.sh
set -uo pipefail
cd "$(dirname "$0")/../../.."
out=docs/results/bad-input/bad-input.md
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
# Fixtures: files that are wrong in one way each.
mkdir -p "$w/dir.onnx" "$w/empty-folder" "$w/runs"
printf 'not a model' > "$w/garbage.onnx"
head -c 300 src/test/resources/onnx-fixtures/mlp/model-opset17.onnx > "$w/truncated.onnx"
printf '\x93NUMPY\x01\x00\x76\x00{'"'"'descr'"'"': '"'"'<f4'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (100000, 100000), }' > "$w/huge.npy"
printf 'x,y\n1,2\n' > "$w/paths.csv"
printf 'agent: [unclosed\n' > "$w/broken.yaml"
printf 'iterations: -3\n' > "$w/negative.yaml"
cp configs/fewshot-demo.yaml "$w/fewshot.yaml"
sed -i 's/^batch: 4 /batch: 0 /' "$w/fewshot.yaml"
printf 'hello' > "$w/fake.png"
printf '{"args": ["synthetic", "run"], "working_directory": "/nowhere"}' > "$w/command.json"
mkdir -p "$w/foreign-run" && cp "$w/command.json" "$w/foreign-run/"
m=src/test/resources/onnx-fixtures/mlp/model-opset17.onnx
cases=(
  "mgm"
  "mgm nosuchcommand"
  "mgm synthetic nosuch"
  "mgm synthetic run --scenario nowhere --method baseline"
  "mgm synthetic run --scenario low-32 --method sideways --beta 0.5"
  "mgm synthetic run --scenario low-32 --method combined"
  "mgm synthetic run --scenario low-32 --method combined --beta 1.5"
  "mgm synthetic run --scenario low-32 --method combined --beta abc"
  "mgm synthetic run --scenario low-32 --method combined --beta 0.7 --mixer $w/garbage.onnx --out $w/runs"
  "mgm synthetic run --scenario low-32 --method baseline --config $w/broken.yaml"
  "mgm synthetic run --scenario low-32 --method baseline --set agent.iterations=zero"
  "mgm synthetic run --scenario low-32 --method baseline --set checkpoint_every=0"
  "mgm synthetic run --scenario low-32 --method baseline --set nosuch.key=1"
  "mgm synthetic table --scenario low-32 --mode combined --betas 0.5,2"
  "mgm synthetic pretrain-mixer --beta -1"
  "mgm synthetic table --scenario low-32,nowhere --mode combined --out $w/runs"
  "mgm synthetic table --scenario low-32 --mode combined --engine nosuch --out $w/runs"
  "mgm synthetic table --scenario low-32 --mode combined --cell-threads -1 --out $w/runs"
  "mgm synthetic table --scenario low-32 --mode combined --executor-wait soon --out $w/runs"
  "mgm fewshot run --config $w/fewshot.yaml --quick"
  "mgm fewshot run --config configs/fewshot-demo.yaml --set data.train=$w/empty-folder"
  "mgm fewshot run --config configs/fewshot-demo.yaml --set minibatch=6 --out $w/runs"
  "mgm fewshot run --config configs/fewshot-demo.yaml --set ema_half_life_kimg=-1 --out $w/runs"
  "mgm fewshot run --config configs/fewshot-demo.yaml --set pl_weight=2 --out $w/runs"
  "mgm fewshot make-data --out $w/demo --target-share 1.5"
  "mgm inspect $w/dir.onnx"
  "mgm inspect $w/garbage.onnx"
  "mgm inspect $w/truncated.onnx"
  "mgm inspect /no/such/model.onnx"
  "mgm infer $m --input input=$w/huge.npy --output $w/y.npy"
  "mgm infer $m --input nosuch=src/test/resources/onnx-fixtures/mlp/input.npy --output $w/y.npy"
  "mgm infer $m --input input=src/test/resources/onnx-fixtures/mlp/input.npy --output $w/y.npy --engine gpu"
  "mgm gradcheck $m --wrt everything"
  "mgm gradcheck $m --input input=$w/fake.png"
  "mgm export --onnx $m --weights /no/such/dir --out $w/out.onnx"
  "mgm export --savedmodel /no/such/savedmodel --out $w/out.onnx"
  "mgm sample $w/garbage.onnx --n 4 --out $w/samples"
  "mgm sample $m --n 0 --out $w/samples"
  "mgm timeseries run --scenario nowhere --method cot-gan"
  "mgm timeseries run --scenario low-64 --method cm --mixer /no/such/mixer --out $w/runs"
  "mgm timeseries run --scenario low-64 --method baseline --checkpoint-every 0 --out $w/runs"
  "mgm timeseries table --methods baseline,nosuch --out $w/runs"
  "mgm timeseries pretrain-mixer --variant cx --out $w/runs"
  "mgm market calibrate --data /no/such/paths.csv"
  "mgm market calibrate --data $w/paths.csv"
  "mgm market calibrate --data $w/paths.csv --method bayes"
  "mgm market calibrate --data $w/paths.csv --checkpoint-every 0"
  "mgm market calibrate --data $w/paths.csv --init-seed 1,two"
  "mgm market simulate --paths 0 --out $w/p.csv"
  "mgm resume $w/no-run"
  "mgm resume $w/empty-folder"
  "mgm resume $w/foreign-run"
)
{
  echo "# Bad input, every command"
  echo
  echo "Made by \`bash docs/results/bad-input/run.sh\` on $(date -u +%Y-%m-%d). Temporary paths are shown as \`W/\`."
  echo
  echo "| # | command | exit | stderr (one line) | files written |"
  echo "|---|---|---|---|---|"
} > "$out.tmp"
n=0
for c in "${cases[@]}"; do
  n=$((n + 1))
  before=$(find "$w" -newer "$w/command.json" -type f | wc -l)
  timeout 120 ./${c} > "$w/stdout" 2> "$w/stderr"
  code=$?
  after=$(find "$w" -newer "$w/command.json" -type f -not -name stdout -not -name stderr | wc -l)
  lines=$(grep -v '^WARNING\|^I0000\|^W0000\|absl::' "$w/stderr" | grep -c .)
  msg=$(grep -v '^WARNING\|^I0000\|^W0000\|absl::' "$w/stderr" | head -1 | sed "s#$w/#W/#g; s/|/\\\\|/g")
  shown=$(echo "$c" | sed "s#$w/#W/#g")
  echo "| $n | \`$shown\` | $code | $msg$( [ "$lines" -gt 1 ] && echo " (+$((lines - 1)) lines)") | $((after > before ? after - before : 0)) |" >> "$out.tmp"
  echo "$n/${#cases[@]} exit $code: $shown" >&2
done
mv "$out.tmp" "$out"
