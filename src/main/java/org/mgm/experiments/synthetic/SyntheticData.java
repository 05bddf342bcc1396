package org.mgm.experiments.synthetic;

import java.util.SplittableRandom;

/**
 * The two-agent data set of the paper's first experiment, z-scored, in the reference code's
 * column order: y (2), agent 1 = x1 (2), agent 2 = x2 (2). Rows are paired (x1, x2, y).
 */
public final class SyntheticData {
  public static final int Y = 0;
  public static final int X1 = 2;
  public static final int X2 = 4;
  public static final int COLUMNS = 6;

  private final float[][] train;
  private final float[][] test;
  private final double beta;

  private SyntheticData(float[][] train, float[][] test, double beta) {
    this.train = train;
    this.test = test;
    this.beta = beta;
  }

  public static SyntheticData generate(DataRecipe recipe, double beta) {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
    }
    double[][] raw = new double[recipe.rows()][COLUMNS];
    SplittableRandom rnd = new SplittableRandom(recipe.seed());
    double rho = recipe.gaussCorrelation();
    for (double[] row : raw) {
      double t = Math.PI * (recipe.rollTMinPi() + (recipe.rollTMaxPi() - recipe.rollTMinPi()) * rnd.nextDouble());
      row[X1] = t * Math.cos(t) + recipe.rollNoise() * gaussian(rnd);
      row[X1 + 1] = t * Math.sin(t) + recipe.rollNoise() * gaussian(rnd);
      double a = gaussian(rnd);
      double b = gaussian(rnd);
      row[X2] = recipe.gaussMean()[0] + recipe.gaussStd()[0] * a;
      row[X2 + 1] = recipe.gaussMean()[1] + recipe.gaussStd()[1] * (rho * a + Math.sqrt(1 - rho * rho) * b);
      row[Y] = beta * row[X1] + (1 - beta) * row[X2];
      row[Y + 1] = beta * row[X1 + 1] + (1 - beta) * row[X2 + 1];
    }
    zScore(raw);
    int trainRows = recipe.trainRows();
    float[][] train = new float[trainRows][];
    float[][] test = new float[recipe.testRows()][];
    for (int i = 0; i < raw.length; i++) {
      float[] f = new float[COLUMNS];
      for (int j = 0; j < COLUMNS; j++) {
        f[j] = (float) raw[i][j];
      }
      if (i < trainRows) {
        train[i] = f;
      } else {
        test[i - trainRows] = f;
      }
    }
    return new SyntheticData(train, test, beta);
  }

  /** Box–Muller on the seeded stream, so the data does not depend on java.util.Random's caching. */
  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  /** Per column over all rows (train + test), sample std (ddof 1), as the reference loader. */
  private static void zScore(double[][] rows) {
    int n = rows.length;
    for (int j = 0; j < COLUMNS; j++) {
      double mean = 0;
      for (double[] r : rows) {
        mean += r[j];
      }
      mean /= n;
      double ss = 0;
      for (double[] r : rows) {
        ss += (r[j] - mean) * (r[j] - mean);
      }
      double std = Math.sqrt(ss / (n - 1));
      if (std == 0) {
        continue; // β = 0 or 1 makes no column constant, but stay safe
      }
      for (double[] r : rows) {
        r[j] = (r[j] - mean) / std;
      }
    }
  }

  public double beta() {
    return beta;
  }

  public float[][] trainRows() {
    return train;
  }

  /** Columns [from, from+2) of the train rows. */
  public float[][] train(int from) {
    return columns(train, from, 2);
  }

  public float[][] test(int from) {
    return columns(test, from, 2);
  }

  /** Columns [from, from+width) of the train rows (e.g. x1 ⊕ x2 for the mixer condition). */
  public float[][] train(int from, int width) {
    return columns(train, from, width);
  }

  public float[][] test(int from, int width) {
    return columns(test, from, width);
  }

  static float[][] columns(float[][] rows, int from, int width) {
    float[][] out = new float[rows.length][width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], from, out[i], 0, width);
    }
    return out;
  }
}
