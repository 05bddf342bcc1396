#!/usr/bin/env python3
"""Writes a small stand-in for NVIDIA's StyleGAN2 pickle, for testing convert_stylegan2_pkl.py
without the published file: random rosinality-layout networks (seeded) written by the inverse of
the converter's name mapping as a pickled tuple (G, D, Gs) of objects that pickle as
dnnlib.tflib.network.Network, with NVIDIA's state layout and variable names.

Usage: /usr/bin/python3 export-tools/make_stylegan2_pkl_fixture.py --out DIR [--size 32 --style-dim 64
           --n-mlp 3 --channels 4:32,8:24,16:16,32:8] [--wrong-shape NET/VARIABLE]

Writes into DIR:
  stylegan2.pkl       the pickle (Gs = g_ema, G = a differently seeded g, D = d)
  rosinality.pt       the state dicts it came from: {'g_ema', 'g', 'd', 'latent_avg'}
  z.npy, image.npy    z [2, style] and g_ema(z) with its stored noise maps (Gs, input z)
  w.npy, noise_K.npy, image_w.npy
                      w [2, style], fresh noise maps and g(w) with those maps (G, input w, noise inputs)
  x.npy, logit.npy    images [4, 3, size, size] and d(x)
  wrong-shape.pkl     with --wrong-shape, e.g. Gs/G_synthesis/16x16/Conv0_up/weight: the same pickle
                      with that variable's last axis one shorter
Distinct channel counts per resolution (and a style dimension unlike all of them) keep in/out-swapped
layouts from matching by accident. They stay at 32 and below because the TF import was seen to
miscompute a Gemm with bias (MatMul + AddV2) of output width 33..48, 65..112 or 129..176 on an
AVX-512 CPU with oneDNN on (TF's default; right without the bias or with TF_ENABLE_ONEDNN_OPTS=0).
The style modulations are such Gemms, with the channel count as width, so the TF-import comparison
would blame the converter. (Published StyleGAN2 widths, multiples of 64, were computed correctly.)
"""

import argparse
import os
import pickle
import sys
import types

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgm_export import nvidia_pkl, stylegan2  # noqa: E402

_SOURCE = ("raise RuntimeError('build_module_src of a test fixture: a reader must never execute it')\n")


def _fake_dnnlib():
    """A class that pickle writes as the global dnnlib.tflib.network.Network (pickle looks the class
    up by __module__ / __qualname__ in sys.modules), in this script only."""
    for name in ("dnnlib", "dnnlib.tflib", "dnnlib.tflib.network"):
        sys.modules.setdefault(name, types.ModuleType(name))

    class Network:
        def __init__(self, state):
            self._state = state

        def __getstate__(self):  # NVIDIA's Network.__getstate__ returns this dict
            return self._state

    Network.__module__, Network.__qualname__ = "dnnlib.tflib.network", "Network"
    sys.modules["dnnlib.tflib.network"].Network = Network
    return Network


def _state(name, func, kwargs, variables, components=None):
    return {"version": 4, "name": name, "static_kwargs": dict(kwargs), "components": dict(components or {}),
            "build_module_src": _SOURCE, "build_func_name": func, "variables": list(variables)}


def _local(pairs, prefix):
    return [(k[len(prefix):], v) for k, v in pairs if k.startswith(prefix)]


def generator_network(Network, name, g, size, style_dim, n_mlp, channels, dlatent_avg):
    arch = {"size": size, "style_dim": style_dim, "n_mlp": n_mlp, "lr_mlp": 0.01, "channels": channels,
            "mapping": "G_mapping", "synthesis": "G_synthesis"}
    pairs = nvidia_pkl.to_nvidia({k: v.numpy() for k, v in g.state_dict().items()}, nvidia_pkl.generator_entries(arch))
    num_layers = int(np.log2(size)) * 2 - 2
    common = {"num_channels": 3, "resolution": size, "label_size": 0, "latent_size": style_dim,
              "dlatent_size": style_dim, "mapping_layers": n_mlp, "mapping_fmaps": style_dim}
    mapping = Network(_state("G_mapping", "G_mapping", dict(common, dlatent_broadcast=num_layers),
                             _local(pairs, "G_mapping/")))
    synthesis = Network(_state("G_synthesis", "G_synthesis_stylegan2", common, _local(pairs, "G_synthesis/")))
    own = [("lod", np.float32(0)), ("dlatent_avg", dlatent_avg)]
    return Network(_state(name, "G_main", common, own, {"mapping": mapping, "synthesis": synthesis}))


def discriminator_network(Network, d, size, channels):
    pairs = nvidia_pkl.to_nvidia({k: v.numpy() for k, v in d.state_dict().items()},
                                 nvidia_pkl.discriminator_entries({"size": size, "channels": channels}))
    return Network(_state("D", "D_stylegan2", {"num_channels": 3, "resolution": size, "label_size": 0}, pairs))


def _corrupt(state, path):
    """Shortens the last axis of the variable `path` names in a network state (a Network.vars-style
    name: component names, then the component's own variable name)."""
    head, _, rest = path.partition("/")
    for comp in state["components"].values():
        if comp._state["name"] == head:
            return _corrupt(comp._state, rest)
    for i, (k, v) in enumerate(state["variables"]):
        if k == path:
            state["variables"][i] = (k, np.ascontiguousarray(np.asarray(v)[..., :-1]))
            return True
    return False


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--style-dim", type=int, default=64)
    p.add_argument("--n-mlp", type=int, default=3)
    p.add_argument("--channels", default="4:32,8:24,16:16,32:8")
    p.add_argument("--wrong-shape", help="NET/VARIABLE to write wrong-shape.pkl with, NET one of G, D, Gs")
    a = p.parse_args()
    channels = {int(k): int(v) for k, v in (kv.split(":") for kv in a.channels.split(","))}
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(0)
    g_ema = stylegan2.Generator(a.size, a.style_dim, a.n_mlp, channels=channels, fused=False).eval()
    g = stylegan2.Generator(a.size, a.style_dim, a.n_mlp, channels=channels, fused=False).eval()
    d = stylegan2.Discriminator(a.size, channels=channels).eval()
    # Fresh models have zero biases and noise strengths and unit style biases; random values make
    # every variable matter in the comparison (a mix-up of two zero tensors would go unseen).
    with torch.no_grad():
        for model in (g_ema, g, d):
            for key, t in model.named_parameters():
                if key.endswith("bias") or key.endswith("noise.weight"):
                    t.add_(0.2 * torch.randn_like(t))
    latent_avg = torch.randn(a.style_dim)
    torch.save({"g_ema": g_ema.state_dict(), "g": g.state_dict(), "d": d.state_dict(), "latent_avg": latent_avg},
               os.path.join(a.out, "rosinality.pt"))

    Network = _fake_dnnlib()
    nets = {"G": generator_network(Network, "G", g, a.size, a.style_dim, a.n_mlp, channels, latent_avg.numpy()),
            "D": discriminator_network(Network, d, a.size, channels),
            "Gs": generator_network(Network, "Gs", g_ema, a.size, a.style_dim, a.n_mlp, channels, latent_avg.numpy())}
    with open(os.path.join(a.out, "stylegan2.pkl"), "wb") as f:
        pickle.dump((nets["G"], nets["D"], nets["Gs"]), f, protocol=4)  # NVIDIA: HIGHEST_PROTOCOL on Python 3.6
    if a.wrong_shape:
        net, _, var = a.wrong_shape.partition("/")
        if net not in nets or not _corrupt(nets[net]._state, var):
            p.error("--wrong-shape: no variable %r" % a.wrong_shape)
        with open(os.path.join(a.out, "wrong-shape.pkl"), "wb") as f:
            pickle.dump((nets["G"], nets["D"], nets["Gs"]), f, protocol=4)

    gen = torch.Generator().manual_seed(1)
    z = torch.randn(2, a.style_dim, generator=gen)
    w = torch.randn(2, a.style_dim, generator=gen)
    noise = [torch.randn(getattr(g.noises, "noise_%d" % i).shape, generator=gen) for i in range(g.num_layers)]
    x = torch.randn(4, 3, a.size, a.size, generator=gen)
    with torch.no_grad():
        image = g_ema(z)
        for i, n in enumerate(noise):
            setattr(g.noises, "noise_%d" % i, n)
        image_w = g(w, input_is_latent=True)
        logit = d(x)
    for name, t in [("z", z), ("image", image), ("w", w), ("image_w", image_w), ("x", x), ("logit", logit)] + \
                   [("noise_%d" % i, n) for i, n in enumerate(noise)]:
        np.save(os.path.join(a.out, name + ".npy"), t.numpy().astype(np.float32))
    print("wrote %s: stylegan2.pkl (%dx%d, style %d, %d mapping layers, channels %s) and references"
          % (a.out, a.size, a.size, a.style_dim, a.n_mlp, a.channels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
