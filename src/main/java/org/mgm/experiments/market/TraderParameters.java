package org.mgm.experiments.market;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The traders' parameters γ = (b, c, d): one value per kind when tied, else one per trader (b and
 * c per noise trader, d per technical trader).
 */
public record TraderParameters(double[] b, double[] c, double[] d) {
  public TraderParameters {
    b = b.clone();
    c = c.clone();
    d = d.clone();
  }

  /** The same b, c, d for every trader, in the shape {@code settings.tied()} asks for. */
  public static TraderParameters of(MarketSettings s, double b, double c, double d) {
    return new TraderParameters(filled(s.tied() ? 1 : s.noiseTraders(), b), filled(s.tied() ? 1 : s.noiseTraders(), c),
        filled(s.tied() ? 1 : s.technicalTraders(), d));
  }

  /** Every entry from N(0, 1) by seed: the calibration's starting point. */
  public static TraderParameters standardNormal(MarketSettings s, long seed) {
    Random r = new Random(seed);
    double[] b = new double[s.tied() ? 1 : s.noiseTraders()];
    double[] c = new double[b.length];
    double[] d = new double[s.tied() ? 1 : s.technicalTraders()];
    // Interleaved as b, c, d so that the tied case's first three draws are its three parameters.
    int n = Math.max(b.length, d.length);
    for (int i = 0; i < n; i++) {
      if (i < b.length) {
        b[i] = r.nextGaussian();
        c[i] = r.nextGaussian();
      }
      if (i < d.length) {
        d[i] = r.nextGaussian();
      }
    }
    return new TraderParameters(b, c, d);
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  /**
   * The parameters with b and c given the signs of {@code reference}'s: (b, S) and (−b, −S) are the
   * same model because the public signal is symmetric and zero-mean, and likewise (c_i, S_i) for
   * each private signal, so a calibration that ends at −b has found the truth.
   */
  public TraderParameters signAlignedTo(TraderParameters reference) {
    return new TraderParameters(aligned(b, reference.b), aligned(c, reference.c), d);
  }

  private static double[] aligned(double[] v, double[] ref) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      double r = ref[Math.min(i, ref.length - 1)];
      out[i] = Math.copySign(Math.abs(out[i]), r);
    }
    return out;
  }

  /** {"b": v or [v…], "c": …, "d": …}: scalars when tied. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", json(b));
    m.put("c", json(c));
    m.put("d", json(d));
    return m;
  }

  static Object json(double[] v) {
    return v.length == 1 ? (Object) v[0] : Arrays.stream(v).boxed().toList();
  }

  @Override
  public String toString() {
    return "b " + fmt(b) + ", c " + fmt(c) + ", d " + fmt(d);
  }

  private static String fmt(double[] v) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%.4f", v[i]));
    }
    return v.length == 1 ? s.toString() : "[" + s + "]";
  }
}
