package org.mgm.eval;

/**
 * The absolute autocorrelation error of the time-series experiment (the reference code's
 * {@code abs_autocorr}): how well generated daily profiles reproduce the real correlation of
 * each hour with hour 0.
 *
 * <p>ρ(t) is the Pearson correlation across samples between x_0 and x_t, t = 0..T−1, which is
 * column 0 of {@code np.corrcoef} of the T × n matrix. ACE = Σ_t |ρ_fake(t) − ρ_real(t)|: a
 * <b>sum</b> over the T lags, not a mean, as in the code (the t = 0 term is 0). The paper does not
 * say whether its Table 2 used the sum; a per-lag mean is this divided by T.
 *
 * <p>The two sets may differ in size but not in T. An hour with no variance across samples (a
 * collapsed generator) has no correlation; as {@code np.corrcoef} does, it gives NaN, and so does
 * the ACE, rather than an exception in the middle of a training run.
 */
public final class Ace {
  private Ace() {}

  /** ACE between fake and real samples, each [n][T]. */
  public static double error(double[][] fake, double[][] real) {
    double[] f = autocorrelation(fake);
    double[] r = autocorrelation(real);
    if (f.length != r.length) {
      throw new IllegalArgumentException("ACE needs the same length T for fake and real samples, got "
          + f.length + " and " + r.length);
    }
    double sum = 0;
    for (int t = 0; t < f.length; t++) {
      sum += Math.abs(f[t] - r[t]);
    }
    return sum;
  }

  /** ACE for samples shaped [n][T][1], the generator's output layout. */
  public static double error(double[][][] fake, double[][][] real) {
    return error(squeeze(fake, "fake"), squeeze(real, "real"));
  }

  /**
   * ρ(t) for t = 0..T−1 of samples [n][T], n ≥ 2. Computed in two passes (means, then centred
   * sums) so that data with a large offset keeps its precision.
   */
  public static double[] autocorrelation(double[][] samples) {
    int n = samples.length;
    if (n < 2) {
      throw new IllegalArgumentException("autocorrelation needs at least 2 samples, got " + n);
    }
    int steps = samples[0].length;
    if (steps < 1) {
      throw new IllegalArgumentException("autocorrelation needs at least one time step");
    }
    for (int i = 0; i < n; i++) {
      if (samples[i].length != steps) {
        throw new IllegalArgumentException("sample " + i + " has " + samples[i].length + " time steps, sample 0 has " + steps);
      }
    }
    double[] mean = new double[steps];
    for (double[] s : samples) {
      for (int t = 0; t < steps; t++) {
        mean[t] += s[t];
      }
    }
    for (int t = 0; t < steps; t++) {
      mean[t] /= n;
    }
    double[] cross = new double[steps]; // Σ_i (x_i0 − m_0)(x_it − m_t)
    double[] squares = new double[steps]; // Σ_i (x_it − m_t)²
    for (double[] s : samples) {
      double d0 = s[0] - mean[0];
      for (int t = 0; t < steps; t++) {
        double d = s[t] - mean[t];
        cross[t] += d0 * d;
        squares[t] += d * d;
      }
    }
    double[] rho = new double[steps];
    for (int t = 0; t < steps; t++) {
      double denominator = Math.sqrt(squares[0] * squares[t]);
      if (denominator == 0) {
        rho[t] = Double.NaN;
      } else {
        // Clipped to [−1, 1] as np.corrcoef does; rounding can step just outside.
        rho[t] = t == 0 ? 1 : Math.max(-1, Math.min(1, cross[t] / denominator));
      }
    }
    return rho;
  }

  /** [n][T][1] → [n][T]. */
  public static double[][] squeeze(double[][][] samples, String what) {
    double[][] out = new double[samples.length][];
    for (int i = 0; i < samples.length; i++) {
      out[i] = new double[samples[i].length];
      for (int t = 0; t < samples[i].length; t++) {
        if (samples[i][t].length != 1) {
          throw new IllegalArgumentException("ACE takes one channel; " + what + " sample " + i + " has "
              + samples[i][t].length + " at step " + t);
        }
        out[i][t] = samples[i][t][0];
      }
    }
    return out;
  }
}
