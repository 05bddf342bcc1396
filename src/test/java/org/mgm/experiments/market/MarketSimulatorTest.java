package org.mgm.experiments.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.Gradients;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.Json;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The simulator against an independent PyTorch implementation of the same rules
 * (export-tools/market_torch.py) on the same packed noise, and its gradients in b, c, d against
 * central differences of the simulator itself.
 */
class MarketSimulatorTest {
  private static final MarketSettings SMALL = MarketSettings.builder().warmup(20).window(15).build();

  @Test
  void pricesMatchPyTorchOnTheSameNoise(@TempDir Path dir) throws Exception {
    for (MarketSettings s : List.of(SMALL, SMALL.toBuilder().tied(false).warmup(0).build())) {
      TraderParameters p = s.tied() ? TraderParameters.of(s, 0.8, -1.3, 0.7)
          : TraderParameters.standardNormal(s, 5);
      float[][][] noise = MarketNoise.host(s, 64, 11);
      float[][] java = MarketSimulation.run(s, p, noise);
      Path spec = dir.resolve("spec.json");
      AtomicFiles.writeString(spec, Json.write(MarketSpec.of(s, p)));
      float[] flat = new float[noise.length * s.steps() * MarketNoise.channels(s)];
      int i = 0;
      for (float[][] path : noise) {
        for (float[] step : path) {
          for (float v : step) {
            flat[i++] = v;
          }
        }
      }
      Npy.write(dir.resolve("noise.npy"), HostTensor.of(flat, noise.length, s.steps(), MarketNoise.channels(s)));
      Process proc = new ProcessBuilder("/usr/bin/python3", "export-tools/market_torch.py", "simulate", "--spec",
          spec.toString(), "--noise", dir.resolve("noise.npy").toString(), "--out", dir.resolve("p.npy").toString(), "--statistics-out", dir.resolve("s.npy").toString())
          .inheritIO().start();
      assertTrue(proc.waitFor(120, TimeUnit.SECONDS) && proc.exitValue() == 0, "market_torch.py simulate");
      float[] torch = Npy.read(dir.resolve("p.npy")).floats();
      assertEquals(java.length * s.pathLength(), torch.length);
      double worst = 0;
      double spread = 0;
      for (int r = 0; r < java.length; r++) {
        for (int t = 0; t < s.pathLength(); t++) {
          worst = Math.max(worst, Math.abs(java[r][t] - torch[r * s.pathLength() + t]) / torch[r * s.pathLength() + t]);
          spread = Math.max(spread, Math.abs(java[r][t] - java[r][0]) / java[r][0]);
        }
      }
      System.out.printf("PARITY market (tied %s, warmup %d): max relative price gap TF vs PyTorch %.2e, paths move"
          + " up to %.2e%n", s.tied(), s.warmup(), worst, spread);
      assertTrue(spread > 1e-3, "the paths should move: " + spread);
      assertTrue(worst < 2e-5, "float32 round-off only: " + worst);
      // The discriminator's summary of each path, from PyTorch's paths in both, so that only the
      // statistics code differs.
      float[] torchStats = Npy.read(dir.resolve("s.npy")).floats();
      float[][] torchPaths = new float[java.length][s.pathLength()];
      for (int r = 0; r < java.length; r++) {
        System.arraycopy(torch, r * s.pathLength(), torchPaths[r], 0, s.pathLength());
      }
      float[][] javaStats = perPathMoments(torchPaths, s.pathLength());
      double statGap = 0;
      for (int r = 0; r < java.length; r++) {
        for (int k = 0; k < PathStatistics.MOMENT_NAMES.size(); k++) {
          float want = torchStats[r * PathStatistics.MOMENT_NAMES.size() + k];
          statGap = Math.max(statGap, Math.abs(javaStats[r][k] - want) / Math.max(1e-2, Math.abs(want)));
        }
      }
      System.out.printf("PARITY market per-path moments TF vs PyTorch: %.2e%n", statGap);
      assertTrue(statGap < 1e-3, "per-path moments: " + statGap);
    }
  }

  private static float[][] perPathMoments(float[][] paths, int length) {
    try (Graph g = new Graph(); Session session = Sessions.unoptimized(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> m = PathStatistics.perPathMoments(tf, tf.constant(paths), length);
      try (var out = session.runner().fetch(m).run()) {
        TFloat32 t = (TFloat32) out.get(0);
        float[][] v = new float[paths.length][PathStatistics.MOMENT_NAMES.size()];
        for (int r = 0; r < v.length; r++) {
          for (int k = 0; k < v[r].length; k++) {
            v[r][k] = t.getFloat(r, k);
          }
        }
        return v;
      }
    }
  }

  @Test
  void gradientsInTraderParametersMatchFiniteDifferences() {
    MarketSettings s = SMALL;
    float[][][] noise = MarketNoise.host(s, 32, 3);
    double[] at = {0.7, 1.2, 0.4};
    double[] analytic = new double[3];
    try (Graph g = new Graph(); Session session = Sessions.unoptimized(g)) {
      Ops tf = Ops.create(g);
      MarketSimulator sim = MarketSimulator.trainable(tf, "sim", s, TraderParameters.of(s, at[0], at[1], at[2]));
      Operand<TFloat32> loss = objective(tf, sim.apply(MarketNoise.constant(tf, noise)), s);
      List<Operand<TFloat32>> grads = Gradients.of(tf, loss, sim.parameters().values());
      session.initialize();
      Session.Runner r = session.runner();
      grads.forEach(r::fetch);
      try (var out = r.run()) {
        for (int k = 0; k < 3; k++) {
          analytic[k] = ((TFloat32) out.get(k)).getFloat(0);
        }
      }
    }
    for (int k = 0; k < 3; k++) {
      double h = 1e-2;
      double[] up = at.clone();
      double[] down = at.clone();
      up[k] += h;
      down[k] -= h;
      double numeric = (value(s, up, noise) - value(s, down, noise)) / (2 * h);
      double rel = Math.abs(analytic[k] - numeric) / Math.max(Math.abs(numeric), 1e-6);
      System.out.printf("GRAD market d/d%s: graph %.6e, central difference %.6e, relative %.2e%n", "bcd".charAt(k),
          analytic[k], numeric, rel);
      assertTrue(Math.abs(numeric) > 1e-4, "the objective should depend on parameter " + k);
      assertTrue(rel < 2e-2, "parameter " + k + ": " + analytic[k] + " vs " + numeric);
    }
  }

  /** Mean squared return in percent: smooth, and moved by every parameter. */
  private static Operand<TFloat32> objective(Ops tf, Operand<TFloat32> paths, MarketSettings s) {
    Operand<TFloat32> r = PathStatistics.percentReturns(tf, paths, s.pathLength());
    return tf.math.mean(tf.math.square(r), tf.constant(new int[] {0, 1}));
  }

  private static double value(MarketSettings s, double[] p, float[][][] noise) {
    try (Graph g = new Graph(); Session session = Sessions.unoptimized(g)) {
      Ops tf = Ops.create(g);
      MarketSimulator sim = MarketSimulator.fixed(tf, "sim", s, TraderParameters.of(s, p[0], p[1], p[2]));
      try (var out = session.runner().fetch(objective(tf, sim.apply(MarketNoise.constant(tf, noise)), s)).run()) {
        return ((TFloat32) out.get(0)).getFloat();
      }
    }
  }

  @Test
  void technicalWindowsAreDistinctOrderedAndInRange() {
    TechnicalWindows w = TechnicalWindows.draw(MarketSettings.DEFAULT);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < w.shorter().length; i++) {
      assertTrue(w.shorter()[i] >= 2 && w.shorter()[i] < w.longer()[i] && w.longer()[i] <= 10, w.shorter()[i] + "<"
          + w.longer()[i]);
      seen.add(w.shorter()[i] + ":" + w.longer()[i]);
    }
    // Each column of the difference matrix sums to zero: a flat price history has no MA spread.
    float[][] m = w.differenceMatrix();
    for (int i = 0; i < w.shorter().length; i++) {
      double sum = 0;
      for (float[] row : m) {
        sum += row[i];
      }
      assertEquals(0, sum, 1e-6, "column " + i + " of " + seen);
    }
  }

  @Test
  void volatilityIsReflectedAndNeverNegative() throws Exception {
    // Large shocks would drive the recursion below zero within a few steps without the reflection.
    MarketSettings s = SMALL.toBuilder().set("volatility_mean", "0").build();
    float[][] p = MarketSimulation.run(s, s.truth(), MarketNoise.host(s, 200, 9));
    for (float[] row : p) {
      for (float v : row) {
        assertTrue(Float.isFinite(v) && v > 0, "prices stay finite and positive: " + v);
      }
    }
    assertTrue(Files.exists(Path.of("export-tools/market_torch.py")));
  }
}
