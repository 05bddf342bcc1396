#!/usr/bin/env python3
"""Converts official CycleGAN release checkpoints (junyanz/pytorch-CycleGAN-and-pix2pix state dicts,
e.g. latest_net_G_A.pth, latest_net_D_B.pth) to ONNX for the toolkit: the ResnetGenerator (the
mixer G_AB, imported frozen) and optionally the PatchGAN discriminator (D_B, fine-tuned).

Usage: /usr/bin/python3 export-tools/convert_cyclegan.py --generator latest_net_G_A.pth --out-generator G_AB.onnx
           [--discriminator latest_net_D_B.pth --out-discriminator D_B.onnx]
           [--ngf 64 --n-blocks 9 --ndf 64 --n-layers 3 --size 256 --opset 17]
       /usr/bin/python3 export-tools/convert_cyclegan.py --random --out-generator G.onnx   (random weights)

Exit code 2 with a one-line message when a checkpoint does not fit (missing key, wrong shape).
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgm_export import architectures as arch  # noqa: E402
from mgm_export.checkpoints import CheckpointError, load_strict, read  # noqa: E402
from mgm_export.onnx_export import export  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--generator", help="state dict of the ResnetGenerator")
    p.add_argument("--discriminator", help="state dict of the NLayerDiscriminator")
    p.add_argument("--random", action="store_true", help="random weights (tests, benchmarks)")
    p.add_argument("--out-generator")
    p.add_argument("--out-discriminator")
    p.add_argument("--ngf", type=int, default=64)
    p.add_argument("--n-blocks", type=int, default=9)
    p.add_argument("--ndf", type=int, default=64)
    p.add_argument("--n-layers", type=int, default=3)
    p.add_argument("--size", type=int, default=256, help="example input size for the export")
    p.add_argument("--opset", type=int, default=17)
    a = p.parse_args()
    torch.manual_seed(0)  # --random weights are the same on every machine
    if not (a.out_generator or a.out_discriminator):
        p.error("nothing to write: give --out-generator and/or --out-discriminator")
    try:
        x = torch.randn(1, 3, a.size, a.size)
        if a.out_generator:
            g = arch.ResnetGenerator(3, 3, ngf=a.ngf, n_blocks=a.n_blocks)
            if not a.random:
                if not a.generator:
                    p.error("--out-generator needs --generator CHECKPOINT (or --random)")
                load_strict(g, read(a.generator), a.generator, drop_instance_norm_stats=True)
            export(g, [x], a.out_generator, ["input"], ["output"], a.opset)
            print("wrote %s (%d parameters)" % (a.out_generator, sum(t.numel() for t in g.parameters())))
        if a.out_discriminator:
            d = arch.NLayerDiscriminator(3, ndf=a.ndf, n_layers=a.n_layers)
            if not a.random:
                if not a.discriminator:
                    p.error("--out-discriminator needs --discriminator CHECKPOINT (or --random)")
                load_strict(d, read(a.discriminator), a.discriminator, drop_instance_norm_stats=True)
            export(d, [x], a.out_discriminator, ["input"], ["output"], a.opset)
            print("wrote %s (%d parameters)" % (a.out_discriminator, sum(t.numel() for t in d.parameters())))
    except CheckpointError as e:
        print("convert_cyclegan: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
