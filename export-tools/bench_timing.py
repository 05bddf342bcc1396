"""Timing shared by the benchmark scripts; standard library only, so that the torch side (Debian's
python3) and the TensorFlow side (the TF venv, which has no torch) can both import it."""

import time


def median_ms(fn, iterations, warmup):
    """Median wall milliseconds of fn() over `iterations` runs after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]
