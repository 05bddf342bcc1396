#!/usr/bin/env python3
"""Times the PyTorch reference for `mgm bench-import`: forward and forward+backward-to-input of a
network built by mgm_export.architectures, on the CPU, and prints one JSON line.

Usage: /usr/bin/python3 export-tools/bench_torch.py --arch cyclegan-full --batch 1 --iterations 10
       ~/.cache/mgm/torch-venv/bin/python export-tools/bench_torch.py --compile   # torch.compile (2.x)
"""

import argparse
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_timing import median_ms  # noqa: E402
from make_fixtures import fixtures  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", default="cyclegan-full")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="intra-op threads (default: all cores, as TF uses)")
    p.add_argument("--compile", action="store_true",
                   help="time torch.compile's module (its first forward and first forward+backward, "
                        "which compile, reported apart)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    table = fixtures()
    if a.arch not in table:
        p.error("unknown arch '%s' (known: %s)" % (a.arch, ", ".join(table)))
    shape = table[a.arch].shape
    torch.manual_seed(0)
    net = table[a.arch].factory().eval()
    for param in net.parameters():
        param.requires_grad_(False)
    x = torch.randn(a.batch, *shape[1:])
    engine = "pytorch " + torch.__version__
    compile_ms = {}
    if a.compile:
        net = torch.compile(net)
        engine += " compiled"

    def forward():
        with torch.no_grad():
            net(x)

    def forward_backward():
        xi = x.clone().requires_grad_(True)
        y = net(xi)
        y.backward(torch.ones_like(y))

    if a.compile:
        # The first call of each kind compiles (inference and training graphs are compiled apart).
        for name, fn in (("compile_forward_ms", forward), ("compile_forward_backward_ms", forward_backward)):
            start = time.perf_counter()
            fn()
            compile_ms[name] = (time.perf_counter() - start) * 1000
    result = {
        "engine": engine,
        "threads": torch.get_num_threads(),
        "forward_ms": median_ms(forward, a.iterations, a.warmup),
        "forward_backward_ms": median_ms(forward_backward, a.iterations, a.warmup),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    result.update(compile_ms)
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
