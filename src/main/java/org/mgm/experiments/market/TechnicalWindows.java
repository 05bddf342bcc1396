package org.mgm.experiments.market;

import java.util.SplittableRandom;

/**
 * Each technical trader's two moving-average windows l1 < l2, distinct values drawn from
 * {2, …, 10} by the settings' seed. The same draw serves the data and the model: the windows are
 * part of the market, not of what is calibrated.
 */
public record TechnicalWindows(int[] shorter, int[] longer) {

  public static TechnicalWindows draw(MarketSettings s) {
    SplittableRandom r = new SplittableRandom(s.windowsSeed());
    int n = s.technicalTraders();
    int[] l1 = new int[n];
    int[] l2 = new int[n];
    int span = MarketSettings.MAX_WINDOW - MarketSettings.MIN_WINDOW + 1;
    for (int i = 0; i < n; i++) {
      int a = MarketSettings.MIN_WINDOW + r.nextInt(span);
      int b = MarketSettings.MIN_WINDOW + r.nextInt(span - 1);
      if (b >= a) {
        b++; // distinct from a, uniform over the rest
      }
      l1[i] = Math.min(a, b);
      l2[i] = Math.max(a, b);
    }
    return new TechnicalWindows(l1, l2);
  }

  /**
   * The [MAX_WINDOW][N2] matrix that turns the last prices (row k = P(t−1−k)) into every trader's
   * MA_l1 − MA_l2 in one MatMul. Each MA is the mean of the l prices before t: the paper's sums
   * run over l + 1 terms but divide by l, which we read as a mean over l.
   */
  public float[][] differenceMatrix() {
    float[][] w = new float[MarketSettings.MAX_WINDOW][shorter.length];
    for (int i = 0; i < shorter.length; i++) {
      for (int k = 0; k < shorter[i]; k++) {
        w[k][i] += 1f / shorter[i];
      }
      for (int k = 0; k < longer[i]; k++) {
        w[k][i] -= 1f / longer[i];
      }
    }
    return w;
  }

  /** 1 where trader i acts at step t (t ≥ l2_i, so that its longer MA has l2 prices), else 0. */
  public float[] activeAt(int t) {
    float[] m = new float[longer.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = t >= longer[i] ? 1f : 0f;
    }
    return m;
  }

  /** "l1-l2 l1-l2 …", one pair per trader. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shorter.length; i++) {
      s.append(i == 0 ? "" : " ").append(shorter[i]).append('-').append(longer[i]);
    }
    return s.toString();
  }
}
