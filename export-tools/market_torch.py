"""The market simulator and its GAN calibration in PyTorch 1.13: the cross-check of the Java
simulator (same packed noise in, same prices out) and the other side of `mgm market benchmark`.

  market_torch.py simulate --spec SPEC.json --noise NOISE.npy --out PATHS.npy [--statistics-out S.npy]
  market_torch.py benchmark --spec SPEC.json --iterations N --warmup W --batch B --threads K

SPEC.json is what `mgm market` writes beside its data: the settings, the technical windows and
the parameters (b, c, d). The simulator follows docs/market.md step by step; the benchmark runs the
same schedule as the Java calibration (a discriminator step on one fresh simulated batch, then a
simulator step on another) and prints `RESULT {json}`.
"""
import argparse
import json
import resource
import time

import numpy as np
import torch

MAX_WINDOW = 10


class Market:
    def __init__(self, spec):
        s = spec["settings"]
        self.s = s
        self.n1, self.n2, self.n3 = s["noise_traders"], s["technical_traders"], s["fundamental_traders"]
        self.shorter = spec["windows"]["shorter"]
        self.longer = spec["windows"]["longer"]
        w = np.zeros((MAX_WINDOW, self.n2), dtype=np.float32)
        for i, (l1, l2) in enumerate(zip(self.shorter, self.longer)):
            w[:l1, i] += 1.0 / l1
            w[:l2, i] -= 1.0 / l2
        self.ma = torch.tensor(w)

    def simulate(self, b, c, d, noise):
        """noise [B, T, K] packed as MarketNoise: S, S_1..S_N1, eps1, eps2, w_1..w_N3."""
        s, n1, n3 = self.s, self.n1, self.n3
        B, T, _ = noise.shape
        pub, priv = noise[:, :, 0:1], noise[:, :, 1:1 + n1]
        e1, e2 = noise[:, :, 1 + n1], noise[:, :, 2 + n1]
        views = noise[:, 0, 3 + n1:3 + n1 + n3]
        f32 = lambda v: torch.tensor(float(v), dtype=torch.float32)
        impact = f32(s["impact"] / (n1 + self.n2 + n3))
        price = torch.full((B, 1), float(s["price0"]))
        fundamental = torch.full((B, 1), float(s["fundamental0"]))
        variance = torch.full((B, 1), float(s["volatility0"]))
        history, window = [price], ([price] if s["warmup"] == 0 else [])
        for t in range(1, T + 1):
            variance = torch.abs(variance + f32(s["volatility_reversion"]) * (f32(s["volatility_mean"]) - variance)
                                 + torch.sqrt(variance) * e2[:, t - 1:t])
            fundamental = (fundamental + f32(s["fundamental_reversion"]) * (f32(s["fundamental_mean"]) - fundamental)
                           + torch.sqrt(variance) * e1[:, t - 1:t])
            prev = history[-1]
            demand = []
            if n1 > 0:
                demand.append(torch.tanh((b * pub[:, t - 1] + c * priv[:, t - 1]) * 0.5).sum(1, keepdim=True))
            active = torch.tensor([1.0 if t >= l2 else 0.0 for l2 in self.longer])
            if self.n2 > 0 and active.sum() > 0:
                recent = torch.cat([history[max(t - 1 - k, 0)] for k in range(MAX_WINDOW)], 1)
                spread = recent @ self.ma
                demand.append((active * torch.tanh(d * 0.5 * spread)).sum(1, keepdim=True))
            if n3 > 0:
                demand.append(torch.tanh((fundamental + views - prev) * 0.5).sum(1, keepdim=True))
            price = prev * (1 + impact * sum(demand))
            history.append(price)
            if t >= s["warmup"]:
                window.append(price)
        return torch.cat(window, 1)

    def draw(self, g, paths):
        s = self.s
        T = s["warmup"] + s["window"]
        sig = torch.randn(paths, T, 1 + self.n1, generator=g)
        sig[:, :, 0] *= s["public_variance"] ** 0.5
        sig[:, :, 1:] *= s["private_variance"] ** 0.5
        shocks = torch.randn(paths, T, 2, generator=g)
        views = (torch.randn(paths, 1, self.n3, generator=g) * s["view_variance"] ** 0.5).expand(paths, T, self.n3)
        return torch.cat([sig, shocks, views], 2)


def returns(p):
    return (p[:, 1:] / p[:, :-1] - 1) * 100


def return_moments(p, pooled=False):
    """The return moments of PathStatistics: each path's own [B, 10] (the discriminator input
    `statistics`), or pooled over every path and step [10] (what the moments method matches)."""
    r = returns(p)
    mean = (lambda x: x.mean()) if pooled else (lambda x: x.mean(1, keepdim=True))
    m = mean(r)
    z = r - m
    v = mean(z * z)
    out = [m, v] + [mean(z[:, k:] * z[:, :-k]) / v for k in (1, 2, 3)]
    a = r.abs()
    az = a - mean(a)
    av = mean(az * az)
    out += [mean(az[:, k:] * az[:, :-k]) / av for k in (1, 2, 3)]
    out += [mean(z ** 3) / (v * torch.sqrt(v)), mean((z * z) ** 2) / (v * v)]
    return torch.stack(out) if pooled else torch.cat(out, 1)


def parameters(spec):
    p = spec["parameters"]
    as_tensor = lambda v: torch.tensor(v if isinstance(v, list) else [v], dtype=torch.float32)
    return as_tensor(p["b"]), as_tensor(p["c"]), as_tensor(p["d"])


def simulate(a):
    spec = json.load(open(a.spec))
    m = Market(spec)
    noise = torch.tensor(np.load(a.noise).astype(np.float32))
    with torch.no_grad():
        paths = m.simulate(*parameters(spec), noise)
    np.save(a.out, paths.numpy())
    if a.statistics_out:
        np.save(a.statistics_out, return_moments(paths).numpy())


def benchmark(a):
    torch.set_num_threads(a.threads)
    spec = json.load(open(a.spec))
    m = Market(spec)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        real = m.simulate(*parameters(spec), m.draw(g, a.batch))
    b, c, d = [torch.randn(1, generator=g).requires_grad_() for _ in range(3)]
    disc = torch.nn.Sequential(torch.nn.Linear(10, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
                               torch.nn.Linear(32, 1))
    opt_g = torch.optim.Adam([b, c, d], lr=0.002)
    opt_d = torch.optim.Adam(disc.parameters(), lr=0.002)
    sp = torch.nn.functional.softplus

    def iteration():
        with torch.no_grad():
            fake_d = m.simulate(b, c, d, m.draw(g, a.batch))
        loss_d = sp(-disc(return_moments(real))).mean() + sp(disc(return_moments(fake_d))).mean()
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = -sp(disc(return_moments(m.simulate(b, c, d, m.draw(g, a.batch))))).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()

    for _ in range(a.warmup):
        iteration()
    times = []
    for _ in range(a.iterations):
        t0 = time.perf_counter()
        iteration()
        times.append((time.perf_counter() - t0) * 1000)
    print("RESULT " + json.dumps({"engine": "pytorch " + torch.__version__, "ms_per_iteration": float(np.median(times)),
                                  "threads": a.threads,
                                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("simulate")
    s.add_argument("--spec", required=True)
    s.add_argument("--noise", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--statistics-out", help="also each path's return moments [B, 10]")
    bm = sub.add_parser("benchmark")
    bm.add_argument("--spec", required=True)
    bm.add_argument("--iterations", type=int, default=20)
    bm.add_argument("--warmup", type=int, default=3)
    bm.add_argument("--batch", type=int, default=1000)
    bm.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    simulate(a) if a.cmd == "simulate" else benchmark(a)


if __name__ == "__main__":
    main()
