package org.mgm.eval;

import java.util.Random;

/**
 * KID: the unbiased MMD² between two feature sets with the cubic polynomial kernel
 * k(x, y) = (x·y / d + 1)³, averaged over random subsets (without replacement) of equal size,
 * as in the KID paper and the common reference implementations.
 */
public final class KernelInceptionDistance {
  /** Mean and (population) standard deviation over subsets. */
  public record Result(double mean, double std, int subsets, int subsetSize) {}

  private KernelInceptionDistance() {}

  public static Result of(double[][] a, double[][] b, int subsets, int maxSubsetSize, long seed) {
    int d = a[0].length;
    int m = Math.min(Math.min(a.length, b.length), maxSubsetSize);
    if (m < 2) {
      throw new IllegalArgumentException("KID needs at least 2 vectors per set");
    }
    Random r = new Random(seed);
    double[] values = new double[subsets];
    for (int s = 0; s < subsets; s++) {
      double[][] x = sample(b, m, r);
      double[][] y = sample(a, m, r);
      values[s] = mmd2(x, y, d);
    }
    double mean = 0;
    for (double v : values) {
      mean += v / subsets;
    }
    double var = 0;
    for (double v : values) {
      var += (v - mean) * (v - mean) / subsets;
    }
    return new Result(mean, Math.sqrt(var), subsets, m);
  }

  /** Unbiased MMD² of two equal-size sets. */
  static double mmd2(double[][] x, double[][] y, int d) {
    int m = x.length;
    double kxx = 0;
    double kyy = 0;
    double kxy = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        if (i != j) {
          kxx += kernel(x[i], x[j], d);
          kyy += kernel(y[i], y[j], d);
        }
        kxy += kernel(x[i], y[j], d);
      }
    }
    return (kxx + kyy) / (m * (m - 1.0)) - 2 * kxy / ((double) m * m);
  }

  private static double kernel(double[] u, double[] v, int d) {
    double dot = 0;
    for (int k = 0; k < d; k++) {
      dot += u[k] * v[k];
    }
    double t = dot / d + 1;
    return t * t * t;
  }

  private static double[][] sample(double[][] set, int m, Random r) {
    int[] idx = new int[set.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + r.nextInt(idx.length - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    double[][] out = new double[m][];
    for (int i = 0; i < m; i++) {
      out[i] = set[idx[i]];
    }
    return out;
  }
}
