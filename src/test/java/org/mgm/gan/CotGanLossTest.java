package org.mgm.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Exact answers for {@link CotGanLoss}, without PyTorch: the cost matrix against its formula
 * written out in double loops (with the reference's index routing), Ŵ = 0 for identical batches,
 * the small-ε Sinkhorn cost against the optimal assignment by brute force, the martingale penalty
 * against its formula and two closed forms, and gradients against finite differences.
 */
class CotGanLossTest {

  /** Values [B,T,C] from a seeded normal, rounded to float as the graph sees them. */
  private static float[][][] random(int batch, int steps, int channels, double scale, Random r) {
    float[][][] v = new float[batch][steps][channels];
    for (float[][] row : v) {
      for (float[] step : row) {
        for (int k = 0; k < channels; k++) {
          step[k] = (float) (scale * r.nextGaussian());
        }
      }
    }
    return v;
  }

  private static Operand<TFloat32> constant(Ops tf, float[][][] v) {
    int b = v.length;
    int t = v[0].length;
    int c = v[0][0].length;
    float[] flat = new float[b * t * c];
    for (int i = 0; i < b; i++) {
      for (int s = 0; s < t; s++) {
        System.arraycopy(v[i][s], 0, flat, (i * t + s) * c, c);
      }
    }
    return tf.constant(Shape.of(b, t, c), DataBuffers.of(flat));
  }

  /** Builds one output with {@code body} and evaluates it. */
  private static HostTensor eval(BiFunction<Ops, CotGanLoss, Operand<TFloat32>> body, CotGanSettings settings) {
    try (Graph g = new Graph(); Session s = Sessions.unoptimized(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> out = body.apply(tf, new CotGanLoss(tf, settings));
      try (org.tensorflow.Result r = s.runner().fetch(out).run()) {
        return HostTensor.fromTf(r.get(0));
      }
    }
  }

  /** The cost of the reference, written out: h row i (of b's critic) against ΔM row j (of a's). */
  private static double[][] costByFormula(float[][][] a, float[][][] b, float[][][] h, float[][][] m) {
    int n = a.length;
    int steps = a[0].length;
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sq = 0;
        for (int t = 0; t < steps; t++) {
          for (int d = 0; d < a[0][0].length; d++) {
            double diff = a[i][t][d] - b[j][t][d];
            sq += diff * diff;
          }
        }
        double hm = 0;
        for (int t = 0; t < steps - 1; t++) {
          for (int k = 0; k < h[0][0].length; k++) {
            hm += (double) h[i][t][k] * (m[j][t + 1][k] - m[j][t][k]);
          }
        }
        c[i][j] = sq + hm / (steps - 1);
      }
    }
    return c;
  }

  @Test
  void costMatrixIsTheFormulaWithTheReferenceRouting() {
    Random r = new Random(1);
    float[][][] a = random(3, 5, 2, 1, r);
    float[][][] b = random(3, 5, 2, 1, r);
    float[][][] h = random(3, 5, 4, 1, r);
    float[][][] m = random(3, 5, 4, 1, r);
    double[][] expected = costByFormula(a, b, h, m);
    HostTensor c = eval((tf, loss) -> loss.costMatrix(constant(tf, a), constant(tf, b), constant(tf, h), constant(tf, m)),
        CotGanSettings.DEFAULT);
    assertEquals(List.of(3L, 3L), List.of(c.shape()[0], c.shape()[1]));
    double[] actual = c.toDoubles();
    boolean asymmetric = false;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(expected[i][j], actual[i * 3 + j], 1e-5 * Math.max(1, Math.abs(expected[i][j])), "C[" + i + "][" + j + "]");
        asymmetric |= Math.abs(expected[i][j] - expected[j][i]) > 1e-3;
      }
    }
    assertTrue(asymmetric, "the routing is only tested if C is not symmetric");
  }

  @Test
  void identicalBatchesGiveZeroDivergence() {
    Random r = new Random(2);
    float[][][] x = random(16, 24, 1, 0.5, r);
    float[][][] h = random(16, 24, 8, 0.5, r);
    float[][][] m = random(16, 24, 8, 0.5, r);
    double[] values = new double[2];
    HostTensor both = eval((tf, loss) -> {
      CotGanLoss.Critiqued same = new CotGanLoss.Critiqued(constant(tf, x), constant(tf, h), constant(tf, m));
      Operand<TFloat32> div = loss.mixedDivergence(same, same, same, same);
      Operand<TFloat32> w = loss.sinkhornCost(same.sequence(), same.sequence(), same.h(), same.m());
      return tf.stack(List.of(div, w));
    }, CotGanSettings.DEFAULT);
    values[0] = both.toDoubles()[0];
    values[1] = both.toDoubles()[1];
    System.out.printf(Locale.ROOT, "identical batches: W^ = %.3e with W(x,x) = %.6f%n", values[0], values[1]);
    assertTrue(values[1] > 1, "W(x, x) itself is far from 0 at ε = 100: " + values[1]);
    assertEquals(0, values[0], 1e-6 * values[1], "Ŵ of a batch with itself");
  }

  /** min over permutations σ of (1/n) Σ_i C[i][σ(i)]: Σ π·C for π = permutation / n. */
  private static double bruteForceAssignment(double[][] c) {
    int n = c.length;
    List<int[]> perms = new ArrayList<>();
    permute(new int[n], new boolean[n], 0, perms);
    double best = Double.POSITIVE_INFINITY;
    for (int[] p : perms) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += c[i][p[i]];
      }
      best = Math.min(best, s / n);
    }
    return best;
  }

  private static void permute(int[] p, boolean[] used, int k, List<int[]> out) {
    if (k == p.length) {
      out.add(p.clone());
      return;
    }
    for (int j = 0; j < p.length; j++) {
      if (!used[j]) {
        used[j] = true;
        p[k] = j;
        permute(p, used, k + 1, out);
        used[j] = false;
      }
    }
  }

  /**
   * As ε → 0 the entropic plan tends to an optimal permutation / n. Sinkhorn at small ε converges
   * slowly (about 1/L on random costs with near ties), so after L iterations the plan has the
   * column marginals exactly (v is updated last) but rows off by TV = ½ Σ|r_i − 1/n|. The test
   * bound accounts for both: the iterate is the entropic optimum for its own marginals (r, 1/n),
   * hence ⟨π, C⟩ − OT ∈ [−TV·range(C), ε·log n + TV·range(C)], with ε·log n ≥ ε(H(π) − H(ν)).
   */
  @Test
  void smallEpsilonApproachesTheExactAssignment() {
    CotGanSettings sharp = CotGanSettings.builder().epsilon(0.02).iterations(300).build();
    for (int n = 2; n <= 6; n++) {
      Random r = new Random(10 + n);
      float[][][] a = random(n, 4, 2, 1, r);
      float[][][] b = random(n, 4, 2, 1, r);
      float[][][] h = random(n, 4, 3, 1, r);
      float[][][] m = random(n, 4, 3, 1, r);
      double[][] c = costByFormula(a, b, h, m);
      double exact = bruteForceAssignment(c);
      HostTensor planAndCost = eval((tf, loss) -> {
        Operand<TFloat32> cost = loss.costMatrix(constant(tf, a), constant(tf, b), constant(tf, h), constant(tf, m));
        Operand<TFloat32> plan = loss.plan(cost);
        Operand<TFloat32> total = loss.transportCost(cost);
        // one fetch: the plan's n² entries, then ⟨π, C⟩
        return tf.concat(List.of(tf.reshape(plan, tf.constant(new long[] {-1})),
            tf.reshape(total, tf.constant(new long[] {1}))), tf.constant(0));
      }, sharp);
      double[] out = planAndCost.toDoubles();
      double entropic = out[n * n];
      double tv = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        double row = 0;
        for (int j = 0; j < n; j++) {
          row += out[i * n + j];
          min = Math.min(min, c[i][j]);
          max = Math.max(max, c[i][j]);
        }
        tv += Math.abs(row - 1.0 / n) / 2;
      }
      double slack = tv * (max - min) + 1e-4; // + float32 rounding of a sum of order 10
      double bias = sharp.epsilon() * Math.log(n);
      System.out.printf(Locale.ROOT, "n=%d: exact assignment %.6f, Sinkhorn eps=%.2g L=%d %.6f, gap %+.2e"
          + " (row TV %.1e, allowed [%.1e, %.1e])%n", n, exact, sharp.epsilon(), sharp.iterations(), entropic,
          entropic - exact, tv, -slack, bias + slack);
      assertTrue(tv < 1e-2, "rows of the plan still far from 1/n for n=" + n + ": TV " + tv);
      assertTrue(entropic - exact >= -slack, "Σ π·C below the optimum beyond the marginal error for n=" + n);
      assertTrue(entropic - exact <= bias + slack, "Σ π·C above the entropic bound for n=" + n);
    }
  }

  /** The penalty, written out in doubles with the unbiased std. */
  private static double penaltyByFormula(float[][][] m, double lambda) {
    int b = m.length;
    int steps = m[0].length;
    int channels = m[0][0].length;
    double total = 0;
    for (int k = 0; k < channels; k++) {
      double mean = 0;
      for (float[][] row : m) {
        for (float[] step : row) {
          mean += step[k];
        }
      }
      mean /= b * steps;
      double ss = 0;
      for (float[][] row : m) {
        for (float[] step : row) {
          ss += (step[k] - mean) * (step[k] - mean);
        }
      }
      double std = Math.sqrt(ss / (b * steps - 1));
      for (int t = 0; t < steps - 1; t++) {
        double s = 0;
        for (float[][] row : m) {
          s += row[t + 1][k] - row[t][k];
        }
        total += Math.abs(s / b / (std + 1e-6));
      }
    }
    return lambda * total / steps;
  }

  @Test
  void martingalePenaltyIsTheFormula() {
    Random r = new Random(3);
    float[][][] m = random(7, 9, 4, 0.7, r);
    double actual = eval((tf, loss) -> loss.martingalePenalty(constant(tf, m)), CotGanSettings.DEFAULT).toDoubles()[0];
    assertEquals(penaltyByFormula(m, 10), actual, 1e-5 * actual);
  }

  @Test
  void martingalePenaltyClosedForms() {
    int b = 5;
    int steps = 6;
    int channels = 3;
    Random r = new Random(4);
    // Constant in time: every ΔM is 0, whatever varies across the batch.
    float[][][] flat = new float[b][steps][channels];
    // A common linear drift M_t = t: ΔM = 1, and over batch and time the values are b copies of 0..T−1.
    float[][][] drift = new float[b][steps][channels];
    for (int i = 0; i < b; i++) {
      float level = (float) r.nextGaussian();
      for (int t = 0; t < steps; t++) {
        for (int k = 0; k < channels; k++) {
          flat[i][t][k] = level + k;
          drift[i][t][k] = t;
        }
      }
    }
    assertEquals(0, eval((tf, loss) -> loss.martingalePenalty(constant(tf, flat)), CotGanSettings.DEFAULT).toDoubles()[0], 0);
    double meanT = (steps - 1) / 2.0;
    double ss = 0;
    for (int t = 0; t < steps; t++) {
      ss += b * (t - meanT) * (t - meanT);
    }
    double std = Math.sqrt(ss / (b * steps - 1));
    double expected = 10.0 / steps * (steps - 1) * channels / (std + 1e-6);
    double actual = eval((tf, loss) -> loss.martingalePenalty(constant(tf, drift)), CotGanSettings.DEFAULT).toDoubles()[0];
    assertEquals(expected, actual, 1e-5 * expected, "linear drift, unbiased std " + std);
  }

  /**
   * dŴ/dx, dŴ/dh(y) and dp_M/dM(x) against central differences of the float32 graph, at ε = 1
   * where the plan is far from uniform: the gradient through the unrolled iterations is covered
   * even where PyTorch is not installed.
   */
  @Test
  void gradientsMatchFiniteDifferences() {
    CotGanSettings s = CotGanSettings.builder().epsilon(1).iterations(60).build();
    CotGanFixture f = CotGanFixture.typical(4, 5, 2, 3, 5);
    try (CotGanFixture.Evaluator graph = new CotGanFixture.Evaluator(f, s)) {
    CotGanFixture.Result base = graph.run();
    double h = 1e-2;
    int checked = 0;
    for (String name : List.of("x", "h_y", "m_x")) {
      float[] values = f.inputs.get(name).floats();
      double[] analytic = base.divergenceGradients.get(name).toDoubles();
      double[] analyticPenalty = base.penaltyGradient.toDoubles();
      for (int e = 0; e < values.length; e += 7) {
        float keep = values[e];
        values[e] = (float) (keep + h);
        CotGanFixture.Result up = graph.run();
        values[e] = (float) (keep - h);
        CotGanFixture.Result down = graph.run();
        values[e] = keep;
        double numeric = (up.divergence - down.divergence) / (2 * h);
        assertEquals(numeric, analytic[e], 2e-3 + 1e-2 * Math.abs(numeric), "dŴ/d" + name + "[" + e + "]");
        if (name.equals("m_x")) {
          double numericPenalty = (up.penalty - down.penalty) / (2 * h);
          assertEquals(numericPenalty, analyticPenalty[e], 5e-3 + 1e-2 * Math.abs(numericPenalty), "dp_M/dM[" + e + "]");
        }
        checked++;
      }
    }
    assertTrue(checked >= 10);
    }
  }

  @Test
  void settingsDefaultsAndValidation() {
    CotGanSettings d = CotGanSettings.DEFAULT;
    assertEquals(100, d.epsilon());
    assertEquals(100, d.iterations());
    assertEquals(10, d.martingaleWeight());
    assertEquals(new CotGanSettings(5, 7, 1), d.toBuilder().epsilon(5).iterations(7).martingaleWeight(1).build());
    assertThrows(IllegalArgumentException.class, () -> CotGanSettings.builder().epsilon(0).build());
    assertThrows(IllegalArgumentException.class, () -> CotGanSettings.builder().epsilon(Double.NaN).build());
    assertThrows(IllegalArgumentException.class, () -> CotGanSettings.builder().iterations(0).build());
    assertThrows(IllegalArgumentException.class, () -> CotGanSettings.builder().martingaleWeight(-1).build());
  }

  @Test
  void mismatchedShapesAreRejected() {
    Random r = new Random(6);
    float[][][] a = random(3, 5, 2, 1, r);
    float[][][] b4 = random(4, 5, 2, 1, r);
    float[][][] hm = random(3, 5, 2, 1, r);
    float[][][] shortSeq = random(3, 1, 2, 1, r);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval(
        (tf, loss) -> loss.costMatrix(constant(tf, a), constant(tf, b4), constant(tf, hm), constant(tf, hm)),
        CotGanSettings.DEFAULT));
    assertTrue(e.getMessage().contains("equal batch sizes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> eval(
        (tf, loss) -> loss.costMatrix(constant(tf, shortSeq), constant(tf, shortSeq), constant(tf, shortSeq),
            constant(tf, shortSeq)), CotGanSettings.DEFAULT));
    assertTrue(e.getMessage().contains("at least 2 time steps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> eval((tf, loss) -> loss.mixedDivergence(
        new CotGanLoss.Critiqued(constant(tf, a), null, null), new CotGanLoss.Critiqued(constant(tf, a), null, null),
        new CotGanLoss.Critiqued(constant(tf, a), null, null), new CotGanLoss.Critiqued(constant(tf, a), null, null)),
        CotGanSettings.DEFAULT));
    assertTrue(e.getMessage().contains("h(y)"), e.getMessage());
  }
}
