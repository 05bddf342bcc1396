#!/usr/bin/env bash
# Remakes the faithful demo's mixer (a few minutes on 2 CPU cores): the first demo's recipe
# (models/fewshot-demo/make.sh), trained on the higher-level system's full data, in which one
# animal in four is of the few-shot target's kind; and the first demo's agent G with the mapping
# network's w as a second output, for path-length regularisation (the same weights; the feature
# network is the first demo's too).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=models/fewshot-faithful
init=$(mktemp -d)
trap 'rm -rf "$init"' EXIT
py=/usr/bin/python3
# The same seeded random-weight CycleGAN ResnetGenerator (ngf 16, 3 blocks) and PatchGAN (ndf 16, 2 layers).
$py export-tools/convert_cyclegan.py --random --ngf 16 --n-blocks 3 --ndf 16 --n-layers 2 --size 32 \
  --out-generator "$init/mixer-g.onnx" --out-discriminator "$init/mixer-d.onnx"
./mgm fewshot train-mixer --target-share 0.25 --g-init "$init/mixer-g.onnx" --d-init "$init/mixer-d.onnx" \
  --out-g $out/mixer-g.onnx --out-d $out/mixer-d.onnx
"${MGM_TF_PYTHON:-$HOME/.cache/mgm/tf-venv/bin/python}" export-tools/tf1_cyclegan.py \
  --from-onnx $out/mixer-g.onnx --from-onnx-d $out/mixer-d.onnx --saver-vars key --check --out $out/mixer-tf1
# The agent: the same architecture exported with --w-output, the trained weights copied in by name
# (ONNX Runtime checks that the images agree: max abs error 0 when this was made).
$py export-tools/convert_stylegan2.py --random --size 32 --style-dim 64 --n-mlp 4 \
  --channels 4:64,8:64,16:32,32:32 --w-output --out-generator "$init/agent-g-w.onnx"
"${MGM_TF_PYTHON:-$HOME/.cache/mgm/tf-venv/bin/python}" export-tools/onnx_copy_initializers.py \
  --structure "$init/agent-g-w.onnx" --weights models/fewshot-demo/agent-g.onnx --out $out/agent-g.onnx
