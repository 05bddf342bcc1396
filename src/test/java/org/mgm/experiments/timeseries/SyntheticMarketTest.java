package org.mgm.experiments.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in data has the real data's shape and the structure its Javadoc states. */
class SyntheticMarketTest {

  @Test
  void defaultHasThePapersShapeThroughTheLoader(@TempDir Path tmp) throws Exception {
    Path csv = tmp.resolve("market.csv");
    SyntheticMarket.write(csv, SyntheticMarket.ROWS, SyntheticMarket.SEED);
    PriceDemandCsv.Windows w = PriceDemandCsv.load(csv);
    assertEquals(6000, w.rows());
    assertEquals(249, w.count());
    for (double[][] window : w.windows()) {
      assertEquals(24, window.length);
      for (double[] row : window) {
        assertEquals(4, row.length);
        for (double v : row) {
          assertTrue(v > -1 && v < 1, "tanh scaling keeps values in (−1, 1): " + v);
        }
      }
    }
  }

  @Test
  void seededAndDeterministic() {
    double[][] a = SyntheticMarket.generate(500, 3);
    double[][] b = SyntheticMarket.generate(500, 3);
    double[][] c = SyntheticMarket.generate(500, 4);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], 0);
    }
    assertFalse(Arrays.equals(a[10], c[10]));
    // a prefix of a longer run is the shorter run: one stream, consumed in row order
    double[][] longer = SyntheticMarket.generate(800, 3);
    assertArrayEquals(a[499], longer[499], 0);
    assertThrows(IllegalArgumentException.class, () -> SyntheticMarket.generate(0, 1));
  }

  private static double correlation(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  /**
   * The price noise w = p − μ − β·s(h) is the documented AR(1): lag-1 autocorrelation φ, cross
   * correlation R, stationary std σ/√(1−φ²); the demand residual is N(0, σ_D²). Long series
   * because w is strongly autocorrelated (effective sample ≈ n(1−φ)/(1+φ)).
   */
  @Test
  void structureIsTheDocumentedOne() {
    int n = 100_000;
    double[][] rows = SyntheticMarket.generate(n, 9);
    double[][] w = new double[3][n];
    double[] demandResidual = new double[n];
    for (int k = 0; k < n; k++) {
      double s = SyntheticMarket.profile(k % 24);
      double deviation = 0;
      for (int c = 0; c < 3; c++) {
        w[c][k] = rows[k][c] - SyntheticMarket.PRICE_MEAN[c] - SyntheticMarket.PRICE_PROFILE[c] * s;
        deviation += (rows[k][c] - SyntheticMarket.PRICE_MEAN[c]) / 3;
      }
      boolean weekend = (k / 24) % 7 >= 5;
      demandResidual[k] = rows[k][3] - SyntheticMarket.DEMAND_MEAN - SyntheticMarket.DEMAND_PROFILE * s
          - SyntheticMarket.DEMAND_PER_PRICE * deviation + (weekend ? SyntheticMarket.WEEKEND_DROP : 0);
    }
    double effective = n * (1 - SyntheticMarket.PHI) / (1 + SyntheticMarket.PHI);
    for (int i = 0; i < 3; i++) {
      double lag1 = correlation(Arrays.copyOfRange(w[i], 0, n - 1), Arrays.copyOfRange(w[i], 1, n));
      assertEquals(SyntheticMarket.PHI, lag1, 0.01, "lag-1 autocorrelation of price " + i);
      double std = Math.sqrt(Arrays.stream(w[i]).map(v -> v * v).average().orElseThrow());
      double expectedStd = SyntheticMarket.PRICE_NOISE[i] / Math.sqrt(1 - SyntheticMarket.PHI * SyntheticMarket.PHI);
      assertEquals(expectedStd, std, 0.05 * expectedStd, "stationary std of price " + i);
      for (int j = i + 1; j < 3; j++) {
        double r = correlation(w[i], w[j]);
        double expected = SyntheticMarket.PRICE_CORRELATION[i][j];
        double tol = 4 * (1 - expected * expected) / Math.sqrt(effective);
        System.out.printf(Locale.ROOT, "price noise corr(%d,%d) = %.3f, documented %.1f (tol %.3f)%n", i, j, r, expected, tol);
        assertEquals(expected, r, tol, "corr of price noise " + i + ", " + j);
      }
    }
    double mean = Arrays.stream(demandResidual).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(demandResidual).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
    assertEquals(0, mean, 4 * SyntheticMarket.DEMAND_NOISE / Math.sqrt(n));
    assertEquals(SyntheticMarket.DEMAND_NOISE, std, 0.02 * SyntheticMarket.DEMAND_NOISE);
    // demand follows the prices: a clearly positive correlation with the mean price deviation
    double[] meanPrice = new double[n];
    double[] demand = new double[n];
    for (int k = 0; k < n; k++) {
      meanPrice[k] = (rows[k][0] + rows[k][1] + rows[k][2]) / 3;
      demand[k] = rows[k][3];
    }
    assertTrue(correlation(meanPrice, demand) > 0.5, "demand depends on prices");
  }

  @Test
  void dailyProfilePeaksInTheEvening() {
    int peak = 0;
    int trough = 0;
    for (int h = 0; h < 24; h++) {
      if (SyntheticMarket.profile(h) > SyntheticMarket.profile(peak)) {
        peak = h;
      }
      if (SyntheticMarket.profile(h) < SyntheticMarket.profile(trough)) {
        trough = h;
      }
    }
    assertTrue(peak >= 19 && peak <= 21, "evening peak at " + peak);
    assertTrue(trough >= 2 && trough <= 5, "night trough at " + trough);
  }

  @Test
  void choleskyReproducesTheCorrelation() {
    double[][] l = SyntheticMarket.cholesky(SyntheticMarket.PRICE_CORRELATION);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += l[i][k] * l[j][k];
        }
        assertEquals(SyntheticMarket.PRICE_CORRELATION[i][j], s, 1e-12);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> SyntheticMarket.cholesky(new double[][] {{1, 2}, {2, 1}}));
  }
}
