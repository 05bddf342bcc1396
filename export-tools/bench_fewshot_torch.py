#!/usr/bin/env python3
"""Times one alternating few-shot iteration (FreezeD-A or FSGAN-A) in PyTorch, for `mgm fewshot benchmark`:
the same networks (ONNX-exported by this package's converters), batch, losses and phase order as
the Java trainer, on the CPU; prints one JSON line.

One iteration: agent G step on La (non-saturating logistic), agent G step on
Lf = mean((D_B(G_AB(G(z))) - 1)^2) with its own Adam, D_B LSGAN step, agent D logistic step
(FromRGB and the first block frozen), EMA of G. With --method fsgan only singular values adapt:
the toolkit's FSGAN layers (G's mapping layers and 3x3 modulated convs; D's residual-block convs,
final conv and linear layers) become U diag(s) diag(lambda) V^T with lambda trained, the
weight rebuilt on every forward as the TF graph does. No R1 in the timed iterations (lazy R1 runs one
iteration in 16 in both implementations). With --rounds R (the reference's minibatch of R x batch):
La and D gradients summed over R rounds into one update each, Lf and D_B updated once per round.

Usage: /usr/bin/python3 export-tools/bench_fewshot_torch.py --size 256 --batch 4 --iterations 3
"""

import argparse
import copy
import json
import os
import re
import resource
import sys
import time

import torch
from torch.nn import functional as F
from torch.nn.utils import parametrize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgm_export import architectures as arch  # noqa: E402
from mgm_export import stylegan2  # noqa: E402


def networks(size):
    """The benchmark's architectures: full size at 256, the demo's at 32."""
    if size == 256:
        g = stylegan2.Generator(256, 512, 8, 2, fused=False)
        d = stylegan2.Discriminator(256, 2)
        gab = arch.ResnetGenerator(3, 3, ngf=64, n_blocks=9)
        db = arch.NLayerDiscriminator(3, ndf=64, n_layers=3)
    else:
        ch = {4: 64, 8: 64, 16: 32, 32: 32}
        g = stylegan2.Generator(size, 64, 4, channels=ch, fused=False)
        d = stylegan2.Discriminator(size, channels=ch)
        gab = arch.ResnetGenerator(3, 3, ngf=16, n_blocks=3)
        db = arch.NLayerDiscriminator(3, ndf=16, n_layers=2)
    return g, d, gab, db


FSGAN_G = re.compile(r"(style\.\d+|conv1\.conv|convs\.\d+\.conv)\.weight")
FSGAN_D = re.compile(r"(convs\.\d+\.conv[12]\.\d|final_conv\.0|final_linear\.\d)\.weight")


class SingularValues(torch.nn.Module):
    """W = (U diag(s)) diag(lambda) V^T from the SVD of the initial W, in double precision."""

    def __init__(self, w):
        super().__init__()
        self.shape = w.shape
        out_axis = 1 if len(w.shape) == 5 and w.shape[0] == 1 else 0  # rosinality's [1, out, in, k, k]
        u, s, vh = torch.linalg.svd(w.detach().double().reshape(w.shape[out_axis], -1), full_matrices=False)
        self.register_buffer("us", (u * s).float())
        self.register_buffer("vh", vh.float())
        self.scale = torch.nn.Parameter(torch.ones(s.shape[0]))

    def forward(self, _):
        return ((self.us * self.scale) @ self.vh).reshape(self.shape)


def singular_value_parameters(net, pattern):
    """Reparameterises the weights whose names match; returns their scales, the only trainable tensors."""
    for q in net.parameters():
        q.requires_grad_(False)
    scales = []
    for name in [n for n, _ in net.named_parameters() if pattern.fullmatch(n)]:
        owner = net.get_submodule(name.rsplit(".", 1)[0])
        sv = SingularValues(owner.weight)
        parametrize.register_parametrization(owner, "weight", sv, unsafe=True)
        scales.append(sv.scale)
    return scales


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--method", choices=["freezed", "fsgan"], default="freezed")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    g, d, gab, db = networks(a.size)
    for m in (g, d, gab, db):
        m.train()
    for q in gab.parameters():
        q.requires_grad_(False)
    if a.method == "fsgan":
        g_params = singular_value_parameters(g, FSGAN_G)
        d_params = singular_value_parameters(d, FSGAN_D)
    else:
        frozen_d = [q for n, q in d.named_parameters() if n.startswith("convs.0.") or n.startswith("convs.1.")]
        for q in frozen_d:
            q.requires_grad_(False)
        g_params = [q for n, q in g.named_parameters() if not n.startswith("noises.")]
        d_params = [q for q in d.parameters() if q.requires_grad]
    g_ema = copy.deepcopy(g).eval()
    ema_pairs = list(zip([q for q in g_ema.parameters() if q.requires_grad], [q for q in g.parameters() if q.requires_grad]))
    opt_g = torch.optim.Adam(g_params, lr=2e-3, betas=(0.0, 0.99), eps=1e-8)
    opt_f = torch.optim.Adam(g_params, lr=2e-3, betas=(0.5, 0.99), eps=1e-8)
    opt_d = torch.optim.Adam(d_params, lr=2e-3, betas=(0.0, 0.99), eps=1e-8)
    opt_db = torch.optim.Adam(db.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    real = torch.rand(16, 3, a.size, a.size) * 2 - 1
    zebras = torch.rand(16, 3, a.size, a.size) * 2 - 1
    z_dim = g.style_dim

    def batch(pool):
        return pool[torch.randint(0, pool.shape[0], (a.batch,))]

    def iteration():
        opt_g.zero_grad(set_to_none=True)
        for _ in range(a.rounds):
            z = torch.randn(a.batch, z_dim)
            F.softplus(-d(g(z))).mean().backward()
        opt_g.step()
        for _ in range(a.rounds):
            lf = ((db(gab(g(torch.randn(a.batch, z_dim)))) - 1) ** 2).mean()
            opt_f.zero_grad(set_to_none=True)
            lf.backward()
            opt_f.step()
        for _ in range(a.rounds):
            with torch.no_grad():
                fake_b = gab(g(torch.randn(a.batch, z_dim)))
            ldb = 0.5 * (((db(batch(zebras)) - 1) ** 2).mean() + (db(fake_b) ** 2).mean())
            opt_db.zero_grad(set_to_none=True)
            ldb.backward()
            opt_db.step()
        opt_d.zero_grad(set_to_none=True)
        for _ in range(a.rounds):
            with torch.no_grad():
                fake = g(torch.randn(a.batch, z_dim))
            (F.softplus(d(fake)).mean() + F.softplus(-d(batch(real))).mean()).backward()
        opt_d.step()
        with torch.no_grad():
            for e, q in ema_pairs:
                e.mul_(0.99).add_(q, alpha=0.01)

    for _ in range(a.warmup):
        iteration()
    times = []
    for _ in range(a.iterations):
        start = time.perf_counter()
        iteration()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print("RESULT " + json.dumps({
        "engine": "pytorch " + torch.__version__, "method": a.method, "threads": torch.get_num_threads(), "size": a.size,
        "batch": a.batch, "rounds": a.rounds, "ms_per_iteration": times[len(times) // 2], "iterations": len(times),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


if __name__ == "__main__":
    main()
