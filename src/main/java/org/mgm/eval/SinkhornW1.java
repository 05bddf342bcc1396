package org.mgm.eval;

/**
 * The entropic value the paper's reference code reports as "W1": POT's
 * {@code ot.sinkhorn2(a, b, M / max(M), reg=0.1) * max(M)} with uniform a, b and Euclidean M,
 * i.e. the transport cost ⟨P_ε, M⟩ of the entropic plan. It is an upper-biased approximation of
 * W1; the toolkit reports it only beside the exact value, labelled as entropic.
 *
 * <p>The iteration is POT's default {@code sinkhorn_knopp}: alternate scaling updates
 * v = b / (Kᵀ u), u = a / (K v), at most 1000 iterations, the marginal error checked every 10
 * iterations against 1e-9.
 */
public final class SinkhornW1 {
  public static final double REG = 0.1;
  private static final int MAX_ITERATIONS = 1000;
  private static final double STOP_THRESHOLD = 1e-9;

  private SinkhornW1() {}

  public static double distance(double[][] x, double[][] y) {
    double[][] m = ExactW1.euclideanCost(x, y);
    int n = x.length;
    int k = y.length;
    double max = 0;
    for (double[] row : m) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    if (max == 0) {
      return 0;
    }
    double[][] kernel = new double[n][k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        kernel[i][j] = Math.exp(-m[i][j] / max / REG);
      }
    }
    double a = 1.0 / n;
    double b = 1.0 / k;
    double[] u = new double[n];
    double[] v = new double[k];
    java.util.Arrays.fill(u, 1.0 / n);
    java.util.Arrays.fill(v, 1.0 / k);
    double[] ktu = new double[k];
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      // v = b / (Kᵀu), then u = a / (K v): POT's order, so the iterates match.
      java.util.Arrays.fill(ktu, 0);
      for (int i = 0; i < n; i++) {
        double ui = u[i];
        double[] row = kernel[i];
        for (int j = 0; j < k; j++) {
          ktu[j] += row[j] * ui;
        }
      }
      for (int j = 0; j < k; j++) {
        v[j] = b / ktu[j];
      }
      for (int i = 0; i < n; i++) {
        double s = 0;
        double[] row = kernel[i];
        for (int j = 0; j < k; j++) {
          s += row[j] * v[j];
        }
        u[i] = a / s;
      }
      if (it % 10 == 0 && columnMarginalError(kernel, u, v, b) < STOP_THRESHOLD) {
        break;
      }
    }
    double cost = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        cost += u[i] * kernel[i][j] * v[j] * m[i][j];
      }
    }
    return cost;
  }

  /** ‖(diag(u) K diag(v))ᵀ 1 − b‖₂, POT's convergence test. */
  private static double columnMarginalError(double[][] kernel, double[] u, double[] v, double b) {
    double[] col = new double[v.length];
    for (int i = 0; i < u.length; i++) {
      double ui = u[i];
      double[] row = kernel[i];
      for (int j = 0; j < v.length; j++) {
        col[j] += ui * row[j];
      }
    }
    double err = 0;
    for (int j = 0; j < v.length; j++) {
      double d = col[j] * v[j] - b;
      err += d * d;
    }
    return Math.sqrt(err);
  }
}
