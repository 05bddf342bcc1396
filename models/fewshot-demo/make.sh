#!/usr/bin/env bash
# Remakes the demo's shipped models (about 20 minutes on 2 CPU cores). Random-weight networks of the
# real architectures come from export-tools (PyTorch), training is `mgm`'s.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=models/fewshot-demo
init=$(mktemp -d)
trap 'rm -rf "$init"' EXIT
py=/usr/bin/python3
# StyleGAN2 (rosinality layout) at 32x32, 64-d latent, 4 mapping layers, 64/32 channels.
$py export-tools/convert_stylegan2.py --random --size 32 --style-dim 64 --n-mlp 4 \
  --channels 4:64,8:64,16:32,32:32 --out-generator "$init/agent-g.onnx" --out-discriminator "$init/agent-d.onnx"
# CycleGAN ResnetGenerator (ngf 16, 3 blocks) and PatchGAN (ndf 16, 2 layers).
$py export-tools/convert_cyclegan.py --random --ngf 16 --n-blocks 3 --ndf 16 --n-layers 2 --size 32 \
  --out-generator "$init/mixer-g.onnx" --out-discriminator "$init/mixer-d.onnx"
./mgm fewshot train-features --out $out/features.onnx
./mgm fewshot train-mixer --g-init "$init/mixer-g.onnx" --d-init "$init/mixer-d.onnx" \
  --out-g $out/mixer-g.onnx --out-d $out/mixer-d.onnx
./mgm fewshot pretrain-agent --g-init "$init/agent-g.onnx" --d-init "$init/agent-d.onnx" \
  --out-g $out/agent-g.onnx --out-d $out/agent-d.onnx
# The same mixer as a TF1 CycleGAN Saver checkpoint + .meta in the reference code's layout
# (mixer.format: tf1-cyclegan); only G_AB and D_B are saved. Needs the TensorFlow venv .ci/run makes.
"${MGM_TF_PYTHON:-$HOME/.cache/mgm/tf-venv/bin/python}" export-tools/tf1_cyclegan.py \
  --from-onnx $out/mixer-g.onnx --from-onnx-d $out/mixer-d.onnx --saver-vars key --check --out $out/mixer-tf1
