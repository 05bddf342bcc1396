#!/usr/bin/env python3
"""Builds small seeded instances of the networks the toolkit imports, exports each to ONNX at
opsets 13 and 17, and writes inputs, outputs and autograd gradients as .npy, so that the Java
tests compare TF (forward and gradients) and ONNX Runtime with real PyTorch.

Usage: /usr/bin/python3 export-tools/make_fixtures.py --out src/test/resources/onnx-fixtures
       /usr/bin/python3 export-tools/make_fixtures.py --out DIR --only cyclegan-full   (benchmark size)

Per fixture directory: model-opset13.onnx, model-opset17.onnx, input.npy, output.npy,
cotangent.npy (v), grad_input.npy = d sum(output * v) / d input, and grad_param__<name>.npy for
every parameter (name = the state-dict name, which the ONNX initializer keeps). Gradients are
computed in float64 from the same float32 weights.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgm_export import architectures as arch  # noqa: E402
from mgm_export import stylegan2  # noqa: E402
from mgm_export.onnx_export import export  # noqa: E402


class Fixture:
    """How one fixture is made. StyleGAN2 exports skip constant folding so that the equalised-lr
    weights stay the checkpoint's trainable tensors (folding would bake weight * scale into new
    initializers); the fused generator bakes its batch size in, so its batch is static."""

    def __init__(self, factory, shape, folding=True, dynamic_batch=True):
        self.factory, self.shape, self.folding, self.dynamic_batch = factory, shape, folding, dynamic_batch


def fixtures():
    return {
        "mlp": Fixture(lambda: arch.mlp([4, 32, 32, 32, 2]), (5, 4)),
        "cyclegan-resnet": Fixture(lambda: arch.ResnetGenerator(3, 3, ngf=4, n_blocks=2), (2, 3, 16, 16)),
        "cyclegan-patchgan": Fixture(lambda: arch.NLayerDiscriminator(3, ndf=4, n_layers=3), (2, 3, 32, 32)),
        "stylegan2-generator": Fixture(lambda: stylegan2.tiny_generator(fused=False), (3, 16), folding=False),
        "stylegan2-generator-fused": Fixture(lambda: stylegan2.tiny_generator(fused=True), (2, 16), folding=False,
                                             dynamic_batch=False),
        "stylegan2-discriminator": Fixture(stylegan2.tiny_discriminator, (4, 3, 16, 16), folding=False),
        "cyclegan-full": Fixture(lambda: arch.ResnetGenerator(3, 3, ngf=64, n_blocks=9), (1, 3, 256, 256)),
    }


def save(path, array):
    tmp = path + ".tmp.npy"
    np.save(tmp, np.ascontiguousarray(array))
    os.replace(tmp, path)


def make(name, fixture, out_dir, seed, gradients):
    torch.manual_seed(seed)
    module = fixture.factory().eval()
    shape = fixture.shape
    # Non-trivial instance-norm inputs and biases: random init, then a small random perturbation so
    # that zero-initialised biases do not hide layout mistakes.
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.05 * torch.randn_like(p))
    x = torch.randn(*shape)
    directory = os.path.join(out_dir, name)
    os.makedirs(directory, exist_ok=True)
    for opset in (13, 17):
        export(module, [x], os.path.join(directory, "model-opset%d.onnx" % opset), ["input"], ["output"], opset,
               dynamic_batch=fixture.dynamic_batch, constant_folding=fixture.folding)
    with torch.no_grad():
        y = module(x)
    save(os.path.join(directory, "input.npy"), x.numpy().astype(np.float32))
    save(os.path.join(directory, "output.npy"), y.numpy().astype(np.float32))
    info = {"name": name, "input_shape": list(shape), "output_shape": list(y.shape),
            "parameters": int(sum(p.numel() for p in module.parameters())), "torch": torch.__version__}
    if gradients:
        module64 = module.double()
        x64 = x.double().requires_grad_(True)
        y64 = module64(x64)
        v = torch.randn(y64.shape, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
        (y64 * v).sum().backward()
        save(os.path.join(directory, "cotangent.npy"), v.numpy())
        save(os.path.join(directory, "grad_input.npy"), x64.grad.numpy())
        for pname, p in module64.named_parameters():
            save(os.path.join(directory, "grad_param__%s.npy" % pname), p.grad.numpy())
    with open(os.path.join(directory, "fixture.json"), "w") as f:
        json.dump(info, f, indent=1)
    print("%s: %d parameters, input %s -> output %s" % (name, info["parameters"], list(shape), list(y.shape)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", action="append", help="fixture name (repeatable); default: all small ones")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    table = fixtures()
    names = args.only or [n for n in table if n != "cyclegan-full"]
    for n in names:
        if n not in table:
            parser.error("unknown fixture '%s' (known: %s)" % (n, ", ".join(table)))
        make(n, table[n], args.out, args.seed, gradients=(n != "cyclegan-full"))


if __name__ == "__main__":
    main()
