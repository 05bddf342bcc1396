#!/usr/bin/env bash
# Reproduces docs/results/onnx/: `mgm inspect` and `mgm gradcheck` (first and second order) for
# every PyTorch fixture under src/test/resources/onnx-fixtures (made by export-tools/make_fixtures.py).
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=docs/results/onnx
for dir in src/test/resources/onnx-fixtures/*/; do
  name=$(basename "$dir")
  model="$dir/model-opset17.onnx"
  {
    echo "\$ mgm inspect $model"
    ./mgm inspect "$model"
    echo
    echo "\$ mgm gradcheck $model --input input=$dir/input.npy --samples 10"
    ./mgm gradcheck "$model" --input "input=$dir/input.npy" --samples 10 || true
    echo
    echo "\$ mgm gradcheck $model --input input=$dir/input.npy --second-order --samples 4"
    ./mgm gradcheck "$model" --input "input=$dir/input.npy" --second-order --samples 4 || true
  } > "$out/$name.txt" 2>/dev/null
done
