#!/usr/bin/env python3
"""Converts NVIDIA's TensorFlow StyleGAN2 pickles (stylegan2-*-config-f.pkl, a tuple (G, D, Gs) of
dnnlib networks) to ONNX without TensorFlow or dnnlib: the generator (z -> image, or w -> image with
--input w, optionally with the per-layer noise as inputs) and the discriminator (image -> logit).

Usage: /usr/bin/python3 export-tools/convert_stylegan2_pkl.py --pkl stylegan2-horse-config-f.pkl
           --out-generator G.onnx [--out-discriminator D.onnx] [--network Gs|G] [--input z|w]
           [--noise-inputs] [--fused] [--batch 2 --opset 17]

--network picks the generator: Gs (default, the moving-average weights NVIDIA ships and samples
from) or G (the raw training weights). Resolution, style dimension, mapping depth and channels are
read from the pickle. The variables are mapped to the rosinality/stylegan2-pytorch layout
(mgm_export/nvidia_pkl.py), loaded with the strict loader and exported exactly as
convert_stylegan2.py exports a rosinality checkpoint. No truncation (psi = 1), as there.

The pickle is read with an unpickler that resolves only numpy arrays, dnnlib's Network (as a
stand-in that keeps its state) and plain containers; the pickled build_module_src is never run.
Exit code 2 with a one-line message for a refused or unreadable pickle, an unsupported
architecture or a variable that is missing, unknown or of the wrong shape; nothing is written then
(every check runs before the first file is written, and each file is written to a temporary name
and renamed).
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgm_export import nvidia_pkl, stylegan2  # noqa: E402
from mgm_export.checkpoints import CheckpointError, load_strict  # noqa: E402
from mgm_export.stylegan2_onnx import export_discriminator, export_generator  # noqa: E402


def _tensors(state):
    return {k: torch.from_numpy(v) for k, v in state.items()}


def _with_buffers(module, state):
    """Adds the blur / upsampling FIR kernels: fixed [1, 3, 3, 1] filters that are buffers in the
    rosinality modules but constants (not variables) in NVIDIA's graphs."""
    out = dict(state)
    for key, value in module.state_dict().items():
        if key.endswith(".kernel") and key not in out:
            out[key] = value
    return out


def build_generator(net, source, fused):
    arch = nvidia_pkl.generator_architecture(net, source)
    state = nvidia_pkl.to_rosinality(net.all_variables(), nvidia_pkl.generator_entries(arch), source)
    g = stylegan2.Generator(arch["size"], arch["style_dim"], arch["n_mlp"], lr_mlp=arch["lr_mlp"],
                            channels=arch["channels"], fused=fused).eval()
    load_strict(g, _with_buffers(g, _tensors(state)), source)
    return g, arch


def build_discriminator(net, source):
    arch = nvidia_pkl.discriminator_architecture(net, source)
    state = nvidia_pkl.to_rosinality(net.all_variables(), nvidia_pkl.discriminator_entries(arch), source)
    d = stylegan2.Discriminator(arch["size"], channels=arch["channels"]).eval()
    load_strict(d, _with_buffers(d, _tensors(state)), source)
    return d, arch


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pkl", required=True, help="NVIDIA StyleGAN2 pickle: (G, D, Gs) dnnlib networks")
    p.add_argument("--network", choices=["Gs", "G"], default="Gs", help="generator to export (Gs: EMA weights)")
    p.add_argument("--out-generator")
    p.add_argument("--out-discriminator")
    p.add_argument("--input", choices=["z", "w"], default="z")
    p.add_argument("--noise-inputs", action="store_true", help="the noise maps become graph inputs noise_0..")
    p.add_argument("--fused", action="store_true")
    p.add_argument("--batch", type=int, default=2, help="example batch for the export")
    p.add_argument("--opset", type=int, default=17)
    a = p.parse_args()
    torch.manual_seed(0)  # example inputs are the same on every machine
    if not (a.out_generator or a.out_discriminator):
        p.error("nothing to write: give --out-generator and/or --out-discriminator")
    try:
        nets = nvidia_pkl.read_networks(a.pkl)
        # Everything is converted and checked before anything is written.
        g = d = None
        if a.out_generator:
            g, g_arch = build_generator(nets[a.network], "%s[%s]" % (a.pkl, a.network), a.fused)
            print("%s: %dx%d, style dim %d, %d mapping layers, channels %s"
                  % (a.network, g_arch["size"], g_arch["size"], g_arch["style_dim"], g_arch["n_mlp"],
                     ",".join("%d:%d" % kv for kv in sorted(g_arch["channels"].items()))))
        if a.out_discriminator:
            d, d_arch = build_discriminator(nets["D"], "%s[D]" % a.pkl)
            print("D: %dx%d, channels %s" % (d_arch["size"], d_arch["size"],
                                            ",".join("%d:%d" % kv for kv in sorted(d_arch["channels"].items()))))
        if g is not None:
            names = export_generator(g, a.out_generator, a.input, a.noise_inputs, a.fused, a.batch, a.opset)
            print("wrote %s (%d parameters, input %s)"
                  % (a.out_generator, sum(t.numel() for t in g.parameters()), names))
        if d is not None:
            export_discriminator(d, a.out_discriminator, d_arch["size"], a.batch, a.opset)
            print("wrote %s (%d parameters)" % (a.out_discriminator, sum(t.numel() for t in d.parameters())))
    except CheckpointError as e:
        print("convert_stylegan2_pkl: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
