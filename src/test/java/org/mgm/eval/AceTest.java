package org.mgm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ACE against exact answers: a hand-computed correlation, invariances of Pearson's ρ, and AR(1)
 * processes whose autocorrelation is known in closed form.
 *
 * <p>Tolerances: for bivariate normal data the sample correlation has standard error about
 * (1 − ρ²)/√n; the tests allow 4 standard errors per lag (at most 4/√n).
 */
class AceTest {
  private static final int N = 20_000;
  private static final int T = 24;

  /**
   * n windows of x_k = φ x_{k−1} + σ_ε ε_k, x_0 ~ N(0, 1), each of T steps starting at step k0.
   * σ_ε = √(1 − φ²) is the stationary case (Var x_k = 1 for all k).
   */
  private static double[][] ar1(double phi, double noiseStd, int k0, int n, long seed) {
    Random r = new Random(seed);
    double[][] out = new double[n][T];
    for (double[] w : out) {
      double x = r.nextGaussian();
      for (int k = 1; k <= k0; k++) {
        x = phi * x + noiseStd * r.nextGaussian();
      }
      w[0] = x;
      for (int t = 1; t < T; t++) {
        x = phi * x + noiseStd * r.nextGaussian();
        w[t] = x;
      }
    }
    return out;
  }

  /**
   * Var x_k with x_0 ~ N(0,1) and unit noise: v_k = φ^{2k} v_0 + Σ_{i<k} φ^{2i}
   * = φ^{2k} + (1 − φ^{2k})/(1 − φ²). Since x_{k0+t} = φ^t x_{k0} + (noise independent of x_{k0}),
   * Cov(x_{k0}, x_{k0+t}) = φ^t v_{k0} and ρ(t) = φ^t v_{k0} / √(v_{k0} v_{k0+t}) = φ^t √(v_{k0}/v_{k0+t}).
   */
  private static double variance(double phi, int k) {
    double p2k = Math.pow(phi, 2 * k);
    return p2k + (1 - p2k) / (1 - phi * phi);
  }

  private static double standardError(double rho, int n) {
    return (1 - rho * rho) / Math.sqrt(n);
  }

  /** Max over t of |ρ̂(t) − ρ(t)| / (4·SE), asserting each lag; returns the max absolute error. */
  private static double checkAgainst(double[] estimated, double[] exact, String label) {
    double worst = 0;
    for (int t = 0; t < T; t++) {
      double tol = 4 * standardError(exact[t], N) + 1e-12;
      assertEquals(exact[t], estimated[t], tol, label + " ρ(" + t + ")");
      worst = Math.max(worst, Math.abs(estimated[t] - exact[t]));
    }
    return worst;
  }

  @Test
  void handComputedCorrelation() {
    // hour 0 = (1, 2, 3), hour 1 = (1, 3, 2): deviations (−1, 0, 1) and (−1, 1, 0), Σ products 1, Σ squares 2 and 2
    double[][] x = {{1, 1}, {2, 3}, {3, 2}};
    double[] rho = Ace.autocorrelation(x);
    assertEquals(1, rho[0], 0);
    assertEquals(0.5, rho[1], 1e-15);
    // against hour 1 = (3, 2, 1), perfectly anti-correlated: ρ(1) = −1, so ACE = |0.5 − (−1)| = 1.5
    double[][] y = {{1, 3}, {2, 2}, {3, 1}};
    assertEquals(-1, Ace.autocorrelation(y)[1], 1e-15);
    assertEquals(1.5, Ace.error(x, y), 1e-15);
  }

  @Test
  void zeroForTheSameSetAndInvariantUnderPerHourAffineMaps() {
    double[][] x = ar1(0.8, 0.6, 0, 500, 1);
    assertEquals(0, Ace.error(x, x), 0);
    double[][] scaled = new double[x.length][T];
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < T; t++) {
        scaled[i][t] = (1 + t) * 3.5 * x[i][t] + 1e3 * t; // a_t > 0, large offsets b_t
      }
    }
    assertEquals(0, Ace.error(scaled, x), 1e-9);
    // a sign flip of hour 0 flips every ρ(t), t > 0
    double[][] flipped = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      flipped[i] = x[i].clone();
      flipped[i][0] = -flipped[i][0];
    }
    double[] r = Ace.autocorrelation(x);
    double expected = 0;
    for (int t = 1; t < T; t++) {
      expected += 2 * Math.abs(r[t]);
    }
    assertEquals(expected, Ace.error(flipped, x), 1e-9);
    assertEquals(Ace.error(flipped, x), Ace.error(x, flipped), 0, "symmetric");
  }

  @Test
  void stationaryAr1HasRhoPhiToTheT() {
    for (double phi : new double[] {0.5, 0.9}) {
      double[] rho = Ace.autocorrelation(ar1(phi, Math.sqrt(1 - phi * phi), 0, N, 7));
      double[] exact = new double[T];
      for (int t = 0; t < T; t++) {
        exact[t] = Math.pow(phi, t);
      }
      double worst = checkAgainst(rho, exact, "stationary φ=" + phi);
      System.out.printf(Locale.ROOT, "stationary AR(1) φ=%.2f, n=%d: max_t |ρ̂(t) − φ^t| = %.4f (4/√n = %.4f)%n",
          phi, N, worst, 4 / Math.sqrt(N));
    }
  }

  @Test
  void aceBetweenTwoStationaryAr1IsTheSumOfPowerGaps() {
    double phi1 = 0.9;
    double phi2 = 0.5;
    double ace = Ace.error(ar1(phi1, Math.sqrt(1 - phi1 * phi1), 0, N, 11), ar1(phi2, Math.sqrt(1 - phi2 * phi2), 0, N, 12));
    double exact = 0;
    double tol = 0;
    for (int t = 0; t < T; t++) {
      double r1 = Math.pow(phi1, t);
      double r2 = Math.pow(phi2, t);
      exact += Math.abs(r1 - r2);
      // per lag, the difference of two independent estimates; errors may add up over the lags
      tol += 4 * Math.hypot(standardError(r1, N), standardError(r2, N));
    }
    System.out.printf(Locale.ROOT, "ACE(AR φ=%.1f vs φ=%.1f), n=%d: %.4f, exact Σ|φ1^t − φ2^t| = %.4f, |diff| %.4f (tol %.4f)%n",
        phi1, phi2, N, ace, exact, Math.abs(ace - exact), tol);
    assertEquals(exact, ace, tol);
  }

  @Test
  void nonStationaryAr1FollowsTheVarianceRatio() {
    double phi = 0.9;
    for (int k0 : new int[] {0, 2, 10}) {
      double[] rho = Ace.autocorrelation(ar1(phi, 1, k0, N, 20 + k0));
      double[] exact = new double[T];
      double apart = 0; // how far the stationary answer φ^t is from the true one
      for (int t = 0; t < T; t++) {
        exact[t] = Math.pow(phi, t) * Math.sqrt(variance(phi, k0) / variance(phi, k0 + t));
        apart = Math.max(apart, Math.abs(exact[t] - Math.pow(phi, t)));
      }
      double worst = checkAgainst(rho, exact, "non-stationary k0=" + k0);
      System.out.printf(Locale.ROOT, "non-stationary AR(1) φ=%.1f, k0=%d, n=%d: max_t |ρ̂ − φ^t √(v_k0/v_k0+t)| = %.4f"
          + " (4/√n = %.4f); the stationary φ^t is up to %.3f off%n", phi, k0, N, worst, 4 / Math.sqrt(N), apart);
      if (k0 <= 2) {
        assertTrue(apart > 5 * 4 / Math.sqrt(N), "the test would not tell the two formulas apart");
      }
    }
  }

  @Test
  void variancesOfTheNonStationaryCaseAreTheRecursion() {
    double phi = 0.7;
    double v = 1; // Var x_0
    for (int k = 0; k < 30; k++) {
      assertEquals(v, variance(phi, k), 1e-12, "v_" + k);
      v = phi * phi * v + 1;
    }
  }

  @Test
  void threeDimensionalLayoutAndBadInput() {
    double[][][] x = {{{1}, {1}}, {{2}, {3}}, {{3}, {2}}};
    assertEquals(0.5, Ace.autocorrelation(Ace.squeeze(x, "x"))[1], 1e-15);
    assertEquals(0, Ace.error(x, x), 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ace.error(new double[][][] {{{1, 2}}, {{3, 4}}}, x));
    assertTrue(e.getMessage().contains("one channel"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Ace.autocorrelation(new double[][] {{1, 2}}));
    assertTrue(e.getMessage().contains("at least 2 samples"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Ace.autocorrelation(new double[][] {{1, 2}, {1}}));
    assertTrue(e.getMessage().contains("sample 1 has 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Ace.error(new double[][] {{1, 2}, {2, 1}}, new double[][] {{1, 2, 3}, {3, 2, 1}}));
    assertTrue(e.getMessage().contains("same length T"), e.getMessage());
    // a constant hour has no correlation: NaN, as np.corrcoef
    assertTrue(Double.isNaN(Ace.error(new double[][] {{1, 5}, {2, 5}}, new double[][] {{1, 2}, {2, 1}})));
  }
}
