"""How strongly 1,000 price windows pin down each trader parameter: the shift of each pooled
return moment, in standard deviations of that moment across independent data sets, when one
parameter moves by +-15 %. Uses the PyTorch side of the simulator (market_torch.py).

  market_identifiability.py --truth data/paths.truth.json [--datasets 12] [--repeats 6] [--paths 1000]

The truth file is what `mgm market simulate` writes beside its paths (settings and windows).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from market_torch import Market, return_moments  # noqa: E402

NAMES = ["mean", "variance", "acf1", "acf2", "acf3", "abs_acf1", "abs_acf2", "abs_acf3", "skewness", "kurtosis"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--truth", required=True)
    p.add_argument("--datasets", type=int, default=12)
    p.add_argument("--repeats", type=int, default=6)
    p.add_argument("--paths", type=int, default=1000)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    t = json.load(open(a.truth))
    pairs = [w.split("-") for w in t["technical_windows"].split()]
    spec = {"settings": t, "windows": {"shorter": [int(x) for x, _ in pairs], "longer": [int(y) for _, y in pairs]}}
    m = Market(spec)
    g = torch.Generator().manual_seed(1)
    truth = (t["b"], t["c"], t["d"])

    def moments(b, c, d):
        with torch.no_grad():
            paths = m.simulate(torch.tensor([b]), torch.tensor([c]), torch.tensor([d]), m.draw(g, a.paths))
            return return_moments(paths, pooled=True).numpy()

    base = np.array([moments(*truth) for _ in range(a.datasets)])
    mu, sd = base.mean(0), base.std(0)
    print("| change | " + " | ".join(NAMES) + " |")
    print("|---|" + "---|" * len(NAMES))
    for k, name in enumerate("bcd"):
        for sign in (-1, 1):
            shifted = list(truth)
            shifted[k] *= 1 + sign * 0.15
            mean = np.mean([moments(*shifted) for _ in range(a.repeats)], 0)
            z = (mean - mu) / sd
            print(f"| {name} {'+' if sign > 0 else '-'} 15 % | " + " | ".join(f"{v:+.1f}" for v in z) + " |")


if __name__ == "__main__":
    main()
