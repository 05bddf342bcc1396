#!/usr/bin/env python3
"""Exports torchvision architectures with random weights to ONNX, with PyTorch's forward and input
gradient as references, so the Java tests check the TF import on networks people actually export.

Usage: PYTHON export-tools/export_torchvision.py --out DIR --exporter EXPORTER [--arch A,B] [--size N]
  EXPORTER: torchscript-opset13, torchscript-opset17 (torch.onnx.export's TorchScript exporter; run
  with torch 1.13), dynamo (torch.onnx.export's default exporter of torch 2.x; run with torch 2.13).

Per architecture, DIR/ARCH/: model.onnx (and model.onnx.data where the exporter writes external
data), input.npy, output.npy (torch's forward), cotangent.npy (v) and grad_input.npy =
d sum(output * v) / d input, grad_input_float32.npy (the same gradient computed by torch in float32),
then meta.json last. The references are computed in float64 from the float32 weights that were
exported; the float32 gradient shows how far float32 arithmetic itself lands from them (a ReLU whose
input is within rounding of 0 can take either side, and switches a whole receptive field's gradient). An architecture whose meta.json names this script's hash, the
exporter, the size and the torch version is not made again (the tests cache DIR across runs).
"""

import argparse
import copy
import hashlib
import inspect
import json
import os
import sys
import time
import types

# torchvision's C++ ops (nms, roi_align...) are built against a different torch than the local
# CPU wheel of 2.13 and fail to load; importing torchvision then dies registering fake kernels for
# those ops. No architecture here uses them, so that module is left out.
sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

SEED = 0


class Arch:
    """One architecture: its constructor and the smallest input side it works well at (CNNs take a
    small image so that the test stays quick; ViT is given a matching image_size; Swin pads to its
    window and takes any side)."""

    def __init__(self, factory, side):
        self.factory, self.side = factory, side


def architectures(side_override):
    m = torchvision.models

    def vit(side):
        # image_size is a constructor argument: the position embedding is sized for it.
        return lambda: m.vit_b_16(image_size=side)

    def side(default):
        return side_override or default

    return {
        "resnet18": Arch(m.resnet18, side(64)),
        "resnet50": Arch(m.resnet50, side(64)),
        "mobilenet_v3_small": Arch(m.mobilenet_v3_small, side(64)),
        "efficientnet_b0": Arch(m.efficientnet_b0, side(64)),
        "densenet121": Arch(m.densenet121, side(64)),
        # Inception v3 needs at least 75×75; aux_logits off: eval mode never runs that branch.
        "inception_v3": Arch(lambda: m.inception_v3(aux_logits=False, init_weights=True), side(96)),
        "convnext_tiny": Arch(m.convnext_tiny, side(64)),
        "swin_t": Arch(m.swin_t, side(64)),
        "vit_b_16": Arch(vit(side(64)), side(64)),
        "regnet_y_400mf": Arch(m.regnet_y_400mf, side(64)),
        "shufflenet_v2_x1_0": Arch(m.shufflenet_v2_x1_0, side(64)),
        "squeezenet1_1": Arch(m.squeezenet1_1, side(64)),
    }


DEFAULT_ARCHS = ["resnet18", "mobilenet_v3_small", "efficientnet_b0", "densenet121", "inception_v3", "convnext_tiny",
                 "swin_t", "vit_b_16", "regnet_y_400mf", "shufflenet_v2_x1_0", "squeezenet1_1"]


def perturb(module, gen):
    """torchvision initialises some tensors to constants: ViT's head and class token to zero (its
    output would be 0 and its gradient 0), ConvNeXt's layer scale to 1e-6 (each block's branch would
    vanish), norm weights to 1 and biases to 0. Each gets a seeded random value near its constant, so
    every one of them reaches the output and a mistake in how the import applies it shows."""
    with torch.no_grad():
        for p in module.parameters():
            flat = p.detach().reshape(-1)
            if flat.numel() > 0 and bool((flat == flat[0]).all()):
                c = float(flat[0])
                scale = 0.1 if abs(c) >= 0.5 else 0.02
                p.add_(scale * torch.randn(p.shape, generator=gen))


def calibrate(module, side, gen):
    """Batch-norm running statistics from one training-mode pass over a random batch (not the test
    input), as training leaves them. With the initial mean 0 / variance 1 a random network's
    activations grow layer by layer (Inception's outputs reached 1e9), which measures the float32
    conditioning of an untrained net rather than the import; the calibrated statistics also make
    every batch norm shift and scale for real."""
    norms = [b for b in module.modules() if isinstance(b, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [b.momentum for b in norms]
    for b in norms:
        b.momentum = 1.0  # the running statistics become this batch's
    module.train()
    with torch.no_grad():
        module(torch.randn(4, 3, side, side, generator=gen))
    module.eval()
    for b, m in zip(norms, momenta):
        b.momentum = m


def export(module, x, path, exporter):
    if exporter == "dynamo":
        # The exporter's defaults, as a user calls it (external data next to the model included).
        torch.onnx.export(module, (x,), path, input_names=["input"], output_names=["output"], dynamo=True)
    else:
        opset = int(exporter.rsplit("opset", 1)[1])
        kwargs = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
        torch.onnx.export(module, (x,), path, input_names=["input"], output_names=["output"], opset_version=opset,
                          **kwargs)


def save(path, array):
    tmp = path + ".tmp.npy"
    np.save(tmp, np.ascontiguousarray(array))
    os.replace(tmp, path)


def script_hash():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def make(name, spec, out_dir, exporter, references, batch):
    directory = os.path.join(out_dir, name)
    meta_path = os.path.join(directory, "meta.json")
    stamp = {"script": script_hash(), "exporter": exporter, "side": spec.side, "batch": batch,
             "torch": torch.__version__, "references": references}
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            if {k: v for k, v in json.load(f).items() if k in stamp} == stamp:
                print("%s: cached" % name, flush=True)
                return
        os.remove(meta_path)
    os.makedirs(directory, exist_ok=True)
    for old in os.listdir(directory):
        os.remove(os.path.join(directory, old))
    torch.manual_seed(SEED)
    module = spec.factory().eval()
    perturb(module, torch.Generator().manual_seed(SEED + 1))
    calibrate(module, spec.side, torch.Generator().manual_seed(SEED + 4))
    x = torch.randn(batch, 3, spec.side, spec.side, generator=torch.Generator().manual_seed(SEED + 2))
    t0 = time.time()
    export(module, x, os.path.join(directory, "model.onnx"), exporter)
    export_s = time.time() - t0
    meta = dict(stamp, name=name, input_shape=list(x.shape), export_s=round(export_s, 2),
                parameters=int(sum(p.numel() for p in module.parameters())))
    if references:
        module64 = copy.deepcopy(module).double()
        x64 = x.double().requires_grad_(True)
        y64 = module64(x64)
        v = torch.randn(y64.shape, generator=torch.Generator().manual_seed(SEED + 3), dtype=torch.float64)
        (g,) = torch.autograd.grad((y64 * v).sum(), x64)
        save(os.path.join(directory, "input.npy"), x.numpy())
        save(os.path.join(directory, "output.npy"), y64.detach().numpy().astype(np.float32))
        save(os.path.join(directory, "cotangent.npy"), v.numpy().astype(np.float32))
        save(os.path.join(directory, "grad_input.npy"), g.numpy().astype(np.float32))
        x32 = x.clone().requires_grad_(True)
        (g32,) = torch.autograd.grad((module(x32) * v.float()).sum(), x32)
        save(os.path.join(directory, "grad_input_float32.npy"), g32.numpy())
        meta["output_shape"] = list(y64.shape)
    with open(meta_path + ".tmp", "w") as f:
        json.dump(meta, f)
    os.replace(meta_path + ".tmp", meta_path)
    print("%s: exported in %.1f s" % (name, export_s), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out")
    p.add_argument("--exporter", choices=["torchscript-opset13", "torchscript-opset17", "dynamo"])
    p.add_argument("--arch", default=",".join(DEFAULT_ARCHS), help="comma-separated (default: %(default)s)")
    p.add_argument("--size", type=int, default=None, help="image side for every architecture (default: each one's own)")
    p.add_argument("--batch", type=int, default=2, help="the exported (static) batch size (default: %(default)s)")
    p.add_argument("--no-references", action="store_true", help="the model only (benchmarks)")
    p.add_argument("--versions", action="store_true", help="print the torch and torchvision versions and exit")
    a = p.parse_args()
    if a.versions:
        print("torch %s, torchvision %s" % (torch.__version__, torchvision.__version__))
        return
    if not a.out or not a.exporter:
        p.error("--out and --exporter are required")
    nnpack = getattr(torch.backends, "nnpack", None)
    if nnpack is not None:
        nnpack.set_flags(False)  # unsupported on many CPUs: torch 2.x would warn on every convolution
    specs = architectures(a.size)
    names = a.arch.split(",")
    unknown = [n for n in names if n not in specs]
    if unknown:
        p.error("unknown architecture(s) %s; known: %s" % (", ".join(unknown), ", ".join(specs)))
    failed = []
    for n in names:
        try:
            make(n, specs[n], a.out, a.exporter, not a.no_references, a.batch)
        except Exception as e:  # noqa: BLE001  one architecture the exporter cannot handle is reported, the rest go on
            print("%s: FAILED %s: %s" % (n, type(e).__name__, str(e).splitlines()[0] if str(e) else ""), flush=True)
            failed.append(n)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
