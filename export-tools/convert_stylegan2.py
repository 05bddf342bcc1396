#!/usr/bin/env python3
"""Converts rosinality/stylegan2-pytorch checkpoints (.pt with 'g_ema' and 'd'; NVIDIA's .pkl
converts directly with convert_stylegan2_pkl.py) to ONNX: the generator (z -> image, or w -> image
with --input w, optionally with the per-layer noise as inputs) and the discriminator (image -> logit).

Usage: /usr/bin/python3 export-tools/convert_stylegan2.py --checkpoint 550000.pt --size 256
           --out-generator G.onnx [--out-discriminator D.onnx] [--input z|w] [--noise-inputs] [--w-output]
           [--fused] [--channel-multiplier 2 --style-dim 512 --n-mlp 8 --opset 17]
       --random instead of --checkpoint exports random weights of the same architecture.

The generator is exported with unfused modulated convolutions by default, so its batch size stays
dynamic (--fused bakes the example batch in), and without constant folding, so that equalised-lr
weights stay the checkpoint's tensors (what FSGAN factorises and FreezeD freezes).
Exit code 2 with a one-line message when the checkpoint does not fit.
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgm_export import stylegan2  # noqa: E402
from mgm_export.checkpoints import CheckpointError, load_strict, read  # noqa: E402
from mgm_export.stylegan2_onnx import export_discriminator, export_generator  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint")
    p.add_argument("--random", action="store_true")
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--channel-multiplier", type=int, default=2)
    p.add_argument("--style-dim", type=int, default=512)
    p.add_argument("--n-mlp", type=int, default=8)
    p.add_argument("--out-generator")
    p.add_argument("--out-discriminator")
    p.add_argument("--input", choices=["z", "w"], default="z")
    p.add_argument("--noise-inputs", action="store_true", help="the noise maps become graph inputs noise_0..")
    p.add_argument("--w-output", action="store_true",
                   help="also output the mapping network's w (for path-length regularisation)")
    p.add_argument("--fused", action="store_true")
    p.add_argument("--batch", type=int, default=2, help="example batch for the export")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--tiny", action="store_true", help="tiny channel counts (tests)")
    p.add_argument("--channels", help="channel count per resolution, e.g. 4:64,8:64,16:32,32:32 (small models)")
    a = p.parse_args()
    torch.manual_seed(0)  # --random weights are the same on every machine
    if not (a.out_generator or a.out_discriminator):
        p.error("nothing to write: give --out-generator and/or --out-discriminator")
    if not a.random and not a.checkpoint:
        p.error("give --checkpoint FILE.pt (or --random)")
    channels = stylegan2.TINY_CHANNELS if a.tiny else None
    if a.channels:
        try:
            channels = {int(k): int(v) for k, v in (kv.split(":") for kv in a.channels.split(","))}
        except ValueError:
            p.error("--channels: expected RES:COUNT,... (e.g. 4:64,8:64,16:32,32:32), got %r" % a.channels)
    try:
        ckpt = None if a.random else read(a.checkpoint)
        if ckpt is not None and not isinstance(ckpt, dict):
            raise CheckpointError("%s: expected a dict with 'g_ema' and 'd'" % a.checkpoint)
        if a.out_generator:
            g = stylegan2.Generator(a.size, a.style_dim, a.n_mlp, a.channel_multiplier, channels=channels,
                                    fused=a.fused).eval()
            if ckpt is not None:
                if "g_ema" not in ckpt:
                    raise CheckpointError("%s: no 'g_ema' entry (has %s)" % (a.checkpoint, sorted(ckpt)))
                load_strict(g, ckpt["g_ema"], a.checkpoint + "[g_ema]")
            names = export_generator(g, a.out_generator, a.input, a.noise_inputs, a.fused, a.batch, a.opset,
                                     a.w_output)
            print("wrote %s (%d parameters, input %s)" % (a.out_generator, sum(t.numel() for t in g.parameters()), names))
        if a.out_discriminator:
            d = stylegan2.Discriminator(a.size, a.channel_multiplier, channels=channels).eval()
            if ckpt is not None:
                if "d" not in ckpt:
                    raise CheckpointError("%s: no 'd' entry (has %s)" % (a.checkpoint, sorted(ckpt)))
                load_strict(d, ckpt["d"], a.checkpoint + "[d]")
            export_discriminator(d, a.out_discriminator, a.size, a.batch, a.opset)
            print("wrote %s (%d parameters)" % (a.out_discriminator, sum(t.numel() for t in d.parameters())))
    except CheckpointError as e:
        print("convert_stylegan2: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
