package org.mgm.runtime;

import java.util.Arrays;

/** The median wall time of a repeated step, after untimed warm-up runs: what benchmarks report. */
public final class MedianTime {
  private MedianTime() {}

  public static double millis(Runnable step, int iterations, int warmup) {
    if (iterations < 1) {
      throw new IllegalArgumentException("timed iterations must be at least 1, got " + iterations);
    }
    for (int i = 0; i < warmup; i++) {
      step.run();
    }
    double[] t = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      step.run();
      t[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(t);
    return t[iterations / 2];
  }
}
