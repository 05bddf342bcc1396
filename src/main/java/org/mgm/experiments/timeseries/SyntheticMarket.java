package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A seeded stand-in for the paper's electricity data, which is not released: three correlated
 * hourly day-ahead prices with a daily profile and a demand series driven by them, in the same
 * shape (6,000 hourly rows = 250 days → 249 windows of 24 h) and the same CSV layout, so that the
 * loader path ({@link PriceDemandCsv}) is the one real data would take. It is the shipped
 * default; its numbers are plausible magnitudes, not a fit to ESIOS data.
 *
 * <p>With k = 0..N−1 the hour index, h = k mod 24 the hour of day and d = ⌊k/24⌋ the day:
 * <ul>
 *   <li>daily profile s(h) = 0.6·cos(2π(h − 19)/24) + 0.4·cos(4π(h − 9)/24): a main evening peak
 *       near 20:00, a morning peak near 09:00 and a night trough;
 *   <li>prices, c ∈ {Spain, France, Portugal} (columns 0, 1, 2):
 *       p_c(k) = μ_c + β_c·s(h) + w_c(k), with μ = (55, 50, 55) €/MWh and β = (12, 10, 12) €/MWh;
 *   <li>price noise, a 3-variate AR(1) at hourly lag: w(k) = φ·w(k−1) + σ ⊙ (L e(k)), e(k) ~ N(0, I₃)
 *       i.i.d., φ = 0.95, σ = (3, 4, 3) €/MWh, L the Cholesky factor of the correlation
 *       R = [[1, 0.6, 0.9], [0.6, 1, 0.5], [0.9, 0.5, 1]] (Spain–Portugal strongly coupled, as the
 *       Iberian market is; France less). It starts from its stationary law,
 *       w(0) = σ ⊙ (L e(0)) / √(1 − φ²), so every window has Cov w = diag(σ) R diag(σ) / (1 − φ²)
 *       (stationary std ≈ 9.6, 12.8, 9.6 €/MWh);
 *   <li>demand (column 3): D(k) = μ_D + δ·s(h) + γ·(1/3)Σ_c (p_c(k) − μ_c) − ω·[d mod 7 ∈ {5, 6}]
 *       + σ_D·η(k), with μ_D = 28,000 MW, δ = 4,000 MW, γ = 100 MW per €/MWh, a weekend drop
 *       ω = 2,500 MW on two days of every seven, σ_D = 500 MW and η(k) ~ N(0, 1) i.i.d.
 * </ul>
 * Normal draws are Box–Muller on one {@link SplittableRandom} stream, taken in the order
 * e(k) (3 values), then η(k), for k = 0, 1, …, so a seed fixes the data on every JVM.
 */
public final class SyntheticMarket {
  public static final int ROWS = 6_000;
  public static final long SEED = 20_181_105L;

  static final double[] PRICE_MEAN = {55, 50, 55};
  static final double[] PRICE_PROFILE = {12, 10, 12};
  static final double[] PRICE_NOISE = {3, 4, 3};
  static final double PHI = 0.95;
  static final double[][] PRICE_CORRELATION = {{1, 0.6, 0.9}, {0.6, 1, 0.5}, {0.9, 0.5, 1}};
  static final double DEMAND_MEAN = 28_000;
  static final double DEMAND_PROFILE = 4_000;
  static final double DEMAND_PER_PRICE = 100;
  static final double WEEKEND_DROP = 2_500;
  static final double DEMAND_NOISE = 500;

  private SyntheticMarket() {}

  /** s(h) for the hour of day h. */
  static double profile(int hour) {
    return 0.6 * Math.cos(2 * Math.PI * (hour - 19) / 24.0) + 0.4 * Math.cos(4 * Math.PI * (hour - 9) / 24.0);
  }

  /** Rows [rows][4]: three prices, then demand, hourly from hour 0 of a Monday. */
  public static double[][] generate(int rows, long seed) {
    if (rows < 1) {
      throw new IllegalArgumentException("synthetic market needs at least one row, got " + rows);
    }
    double[][] chol = cholesky(PRICE_CORRELATION);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] w = new double[3];
    double[][] out = new double[rows][PriceDemandCsv.COLUMNS];
    for (int k = 0; k < rows; k++) {
      double[] shock = correlated(chol, rnd);
      for (int c = 0; c < 3; c++) {
        double innovation = PRICE_NOISE[c] * shock[c];
        w[c] = k == 0 ? innovation / Math.sqrt(1 - PHI * PHI) : PHI * w[c] + innovation;
      }
      int hour = k % 24;
      int day = k / 24;
      double s = profile(hour);
      double priceDeviation = 0;
      for (int c = 0; c < 3; c++) {
        double p = PRICE_MEAN[c] + PRICE_PROFILE[c] * s + w[c];
        out[k][c] = p;
        priceDeviation += (p - PRICE_MEAN[c]) / 3;
      }
      boolean weekend = day % 7 >= 5;
      out[k][PriceDemandCsv.DEMAND] = DEMAND_MEAN + DEMAND_PROFILE * s + DEMAND_PER_PRICE * priceDeviation
          - (weekend ? WEEKEND_DROP : 0) + DEMAND_NOISE * gaussian(rnd);
    }
    return out;
  }

  /** Writes {@code rows} generated rows to {@code file} in the {@link PriceDemandCsv} layout. */
  public static void write(Path file, int rows, long seed) throws IOException {
    PriceDemandCsv.write(file, generate(rows, seed));
  }

  /** L e with e ~ N(0, I): a draw with correlation L Lᵀ. */
  private static double[] correlated(double[][] chol, SplittableRandom rnd) {
    double[] e = {gaussian(rnd), gaussian(rnd), gaussian(rnd)};
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j <= i; j++) {
        out[i] += chol[i][j] * e[j];
      }
    }
    return out;
  }

  /** Lower-triangular L with L Lᵀ = a, for a symmetric positive definite a. */
  static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("correlation matrix is not positive definite");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  /** Box–Muller on the seeded stream, so the data does not depend on java.util.Random's caching. */
  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }
}
