#!/usr/bin/env python3
"""Exports InceptionV3's pool3 features (2048-d, the FID/KID feature) to ONNX from a torchvision-
format state dict, for `mgm`'s FID/KID (eval.features in a few-shot config).

Usage: /usr/bin/python3 export-tools/convert_inception.py --weights inception_v3.pth --out features.onnx
           [--size 256] [--opset 17]
       --random instead of --weights exports random weights of the same architecture (tests).

The exported graph takes images [N, 3, size, size] in [-1, 1] (the GAN convention, and the input
scaling InceptionV3's original weights expect), resizes them bilinearly to 299x299 and returns the
average-pooled features [N, 2048]. The state dict is loaded strictly; the classifier (fc) and the
auxiliary head may be present or not, as they are not part of the features.
Exit code 2 with a one-line message when the weights do not fit.
"""

import argparse
import contextlib
import os
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgm_export.checkpoints import CheckpointError, load_strict, read  # noqa: E402
from mgm_export.onnx_export import export  # noqa: E402


class Pool3Features(nn.Module):
    """torchvision's InceptionV3 up to the global average pool."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        n = self.net
        x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
        for block in (n.Conv2d_1a_3x3, n.Conv2d_2a_3x3, n.Conv2d_2b_3x3, n.maxpool1, n.Conv2d_3b_1x1,
                      n.Conv2d_4a_3x3, n.maxpool2, n.Mixed_5b, n.Mixed_5c, n.Mixed_5d, n.Mixed_6a, n.Mixed_6b,
                      n.Mixed_6c, n.Mixed_6d, n.Mixed_6e, n.Mixed_7a, n.Mixed_7b, n.Mixed_7c):
            x = block(x)
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


@contextlib.contextmanager
def padded_average_pools_as_convolutions():
    """InceptionV3 averages 3x3 windows with zero padding counted (count_include_pad). torch exports
    that as Pad + AveragePool, and ONNX Runtime 1.20's graph optimiser fuses the two into one
    AveragePool that leaves the padding out of the count: features off by 10 % and more (measured).
    Written as a depthwise convolution with 1/k^2 weights it means the same and survives the fusion.
    The weights must exist before tracing (run the model once inside the context first), so the
    exporter sees them as constants of known shape."""
    original = F.avg_pool2d
    weights = {}

    def pool(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
        if padding and count_include_pad and not ceil_mode and divisor_override is None and isinstance(kernel_size, int):
            key = (int(x.shape[1]), kernel_size)
            if key not in weights:
                weights[key] = torch.full((key[0], 1, kernel_size, kernel_size), 1.0 / (kernel_size * kernel_size))
            return F.conv2d(F.pad(x, [padding] * 4), weights[key], stride=stride or kernel_size, groups=key[0])
        return original(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)

    F.avg_pool2d = pool
    try:
        yield
    finally:
        F.avg_pool2d = original


def build(weights):
    from torchvision.models import inception_v3
    state = None
    if weights is not None:
        state = read(weights)
        if isinstance(state, dict) and "state_dict" in state:
            state = state["state_dict"]
        if not isinstance(state, dict):
            raise CheckpointError("%s: expected a state dict" % weights)
    aux = state is not None and any(k.startswith("AuxLogits.") for k in state)
    net = inception_v3(weights=None, aux_logits=aux, transform_input=False, init_weights=state is None)
    if state is not None:
        if not any(k.startswith("fc.") for k in state):
            net.fc = nn.Identity()
        load_strict(net, state, weights)
    return Pool3Features(net.eval())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--weights", help="torchvision-format InceptionV3 state dict (.pth)")
    p.add_argument("--random", action="store_true")
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=256, help="input image size (the batch stays dynamic)")
    p.add_argument("--opset", type=int, default=17)
    a = p.parse_args()
    if not a.random and not a.weights:
        p.error("give --weights FILE.pth (or --random)")
    try:
        torch.manual_seed(0)
        model = build(None if a.random else a.weights)
        x = torch.rand(2, 3, a.size, a.size) * 2 - 1
        with padded_average_pools_as_convolutions(), torch.no_grad():
            model(x)
            export(model, [x], a.out, ["image"], ["features"], a.opset)
        print("wrote %s (2048-d pool3 features)" % a.out)
    except CheckpointError as e:
        print("convert_inception: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
