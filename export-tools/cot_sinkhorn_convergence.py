#!/usr/bin/env python3
"""How many Sinkhorn iterations the COT-GAN divergence needs at eps = 100, in float64 with the MGM
reference's formulas (cot_loss_torch_check.py): for random batches at several spreads it prints
the iteration where the MGM PyTorch code's early stop (sum|u - u_prev| < 1e-4) fires in each of
the four terms, and the largest relative gap of W^ at L = 3, 5, 10, 20 fixed iterations from
L = 100. Why the time-series commands unroll 10 iterations by default (docs/timeseries.md).

Usage: /usr/bin/python3 export-tools/cot_sinkhorn_convergence.py [--repeats 5]
"""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cot_loss_torch_check as cot  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(0)
    batch, steps, channels = 32, 24, 32
    print("spread  early-stop iterations per term (each repeat)   max |W^(L) - W^(100)| / |W^(100)|")
    for spread in [0.1, 0.5, 1, 2, 5]:
        used, gaps = [], {L: 0.0 for L in [3, 5, 10, 20]}
        for _ in range(a.repeats):
            t = {k: torch.tensor(np.tanh(rng.normal(size=(batch, steps, 1)) * spread * 3)) for k in cot.SEQUENCES}
            t.update({k: torch.tensor(np.tanh(rng.normal(size=(batch, steps, channels)) * 2)) for k in cot.CRITICS})
            full = float(cot.mixed_divergence(t, 100.0, 100, early_stop=False)[0])
            used.append(cot.mixed_divergence(t, 100.0, 100, early_stop=True)[2])
            for L in gaps:
                w = float(cot.mixed_divergence(t, 100.0, L, early_stop=False)[0])
                gaps[L] = max(gaps[L], abs(w - full) / abs(full))
        print(f"{spread:6}  {used}  " + "  ".join(f"L={L}: {g:.1e}" for L, g in gaps.items()))


if __name__ == "__main__":
    main()
