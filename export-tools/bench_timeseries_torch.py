#!/usr/bin/env python3
"""PyTorch side of `mgm timeseries benchmark`: one COT-GAN training iteration (critic step, then
generator step, batch 32 + 32, T = 24) of the baseline agent or of the MGM agent with a frozen
mixer, timed as the median of N iterations; prints one RESULT {json} line.

The networks are those of timeseries_torch_check.py and the loss that of cot_loss_torch_check.py
(the MGM reference's formulas: modified cost, log-domain Sinkhorn with a fixed iteration count,
mixed divergence, martingale penalty), here in float32 with Adam(1e-3, (0.9, 0.999)) as the Java
side. MGM: the agent critic step and the fresh mixer critic step on one fake draw, the mixer fed
[real price 0, agent fake, real price 2] and the agent's (z, y), then the agent descends
(1 - a) * W_agent + a * W_mixer through the frozen mixer (train-mode BatchNorm, no parameter
gradients). Data are random tanh values: the timing does not depend on them.

Usage: /usr/bin/python3 export-tools/bench_timeseries_torch.py --method baseline|mgm
       [--iterations 50] [--warmup 5] [--sinkhorn 10] [--threads 0]
"""

import argparse
import json
import os
import resource
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import median_ms  # noqa: E402
from cot_loss_torch_check import compute_sinkhorn, martingale_penalty  # noqa: E402
from timeseries_torch_check import AgentGenerator, Critic, MixerGenerator  # noqa: E402

B, T, DZ, DY, STATE, FILTERS, K = 32, 24, 10, 10, 32, 32, 5
EPS, LAM, ALPHA = 100.0, 10.0, 0.5


def divergence(h, m, x, xp, y, yp, iterations):
    """W(x,y;h(y),M(x)) + W(x',y';h(y'),M(x')) - W(x,x';h(x'),M(x)) - W(y,y';h(y'),M(y)); M(x) too."""
    mx = m(x)
    w = (compute_sinkhorn(x, y, h(y), mx, EPS, iterations, False)[0]
         + compute_sinkhorn(xp, yp, h(yp), m(xp), EPS, iterations, False)[0]
         - compute_sinkhorn(x, xp, h(xp), mx, EPS, iterations, False)[0]
         - compute_sinkhorn(y, yp, h(yp), m(y), EPS, iterations, False)[0])
    return w, mx


def noise():
    return torch.rand(B, T, DZ) * 2 - 1, torch.rand(B, DY) * 2 - 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--method", choices=["baseline", "mgm"], required=True)
    p.add_argument("--iterations", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--sinkhorn", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    real = torch.tanh(torch.randn(2 * B, T, 4))
    x, xp = real[:B, :, 1:2], real[B:, :, 1:2]
    gen = AgentGenerator(DZ, DY, STATE)
    h, m = Critic(1, FILTERS, K), Critic(1, FILTERS, K)
    g_opt = torch.optim.Adam(gen.parameters(), lr=1e-3, betas=(0.9, 0.999))
    c_opt = torch.optim.Adam(list(h.parameters()) + list(m.parameters()), lr=1e-3, betas=(0.9, 0.999))
    mgm = a.method == "mgm"
    if mgm:
        mixer = MixerGenerator(3, DZ, DY, STATE)
        mixer.train()  # frozen but in train mode, as the reference: BatchNorm on batch statistics
        for q in mixer.parameters():
            q.requires_grad_(False)
        hs, ms = Critic(1, FILTERS, K), Critic(1, FILTERS, K)
        s_opt = torch.optim.Adam(list(hs.parameters()) + list(ms.parameters()), lr=1e-3, betas=(0.9, 0.999))
        d, dp = real[:B, :, 3:4], real[B:, :, 3:4]

        def mixed(full, agent, z, y):
            cond = torch.cat([full[:, :, 0:1], agent, full[:, :, 2:3]], dim=2)
            return mixer(cond, z, y)

    def iteration():
        (z1, y1), (z2, y2) = noise(), noise()
        f1, f2 = gen(z1, y1), gen(z2, y2)
        w, mx = divergence(h, m, x, xp, f1.detach(), f2.detach(), a.sinkhorn)
        loss = -w + martingale_penalty(mx, LAM)
        c_opt.zero_grad()
        loss.backward()
        c_opt.step()
        if mgm:
            with torch.no_grad():
                s1, s2 = mixed(real[:B], f1, z1, y1), mixed(real[B:], f2, z2, y2)
            ws, msx = divergence(hs, ms, d, dp, s1, s2, a.sinkhorn)
            s_loss = -ws + martingale_penalty(msx, LAM)
            s_opt.zero_grad()
            s_loss.backward()
            s_opt.step()
        (z3, y3), (z4, y4) = noise(), noise()
        g3, g4 = gen(z3, y3), gen(z4, y4)
        g_loss = divergence(h, m, x, xp, g3, g4, a.sinkhorn)[0]
        if mgm:
            wm = divergence(hs, ms, d, dp, mixed(real[:B], g3, z3, y3), mixed(real[B:], g4, z4, y4), a.sinkhorn)[0]
            g_loss = (1 - ALPHA) * g_loss + ALPHA * wm
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()

    ms_per = median_ms(iteration, a.iterations, a.warmup)
    print("RESULT " + json.dumps({
        "engine": "PyTorch " + torch.__version__.split("a")[0] + " " + a.method,
        "method": a.method,
        "ms_per_iteration": ms_per,
        "threads": torch.get_num_threads(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


if __name__ == "__main__":
    main()
