package org.mgm.experiments.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the newly arrived agent 1 gets to train on. Low: a small random subset, drawn once by
 * seed, so the baseline and MGM runs train on the same points. Bias: the region x1_1 > 0 and
 * x1_2 > 0 (z-scored units) removed, or thinned to a kept fraction.
 *
 * @param name as on the command line (low-32, bias-100, …)
 * @param lowSize subset size for a low scenario, 0 otherwise
 * @param keptFraction fraction of the masked region kept, for a bias scenario (0 or 0.1)
 * @param batch batch size of every network during agent training
 */
public record Scenario(String name, int lowSize, double keptFraction, int batch) {
  public static final List<String> NAMES = List.of("low-32", "low-64", "bias-100", "bias-90");

  public static Scenario named(String name, int biasBatch) {
    return switch (name) {
      case "low-32" -> new Scenario(name, 32, 0, 32);
      case "low-64" -> new Scenario(name, 64, 0, 64);
      case "bias-100" -> new Scenario(name, 0, 0.0, biasBatch);
      case "bias-90" -> new Scenario(name, 0, 0.1, biasBatch);
      default -> throw new IllegalArgumentException(
          "unknown scenario '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
    };
  }

  public boolean isLow() {
    return lowSize > 0;
  }

  /** Whether a z-scored agent-1 point lies in the region the bias scenarios remove. */
  public static boolean inMaskedRegion(float[] x1) {
    return x1[0] > 0 && x1[1] > 0;
  }

  /** Agent 1's training points (2 columns) under this scenario. */
  public float[][] agentData(float[][] x1Train, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    if (isLow()) {
      if (lowSize > x1Train.length) {
        throw new IllegalArgumentException(name + ": subset of " + lowSize + " from " + x1Train.length + " rows");
      }
      // Partial Fisher–Yates over indices: a uniform subset without replacement.
      int[] idx = new int[x1Train.length];
      Arrays.setAll(idx, i -> i);
      float[][] out = new float[lowSize][];
      for (int i = 0; i < lowSize; i++) {
        int j = i + rnd.nextInt(idx.length - i);
        int tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        out[i] = x1Train[idx[i]].clone();
      }
      return out;
    }
    List<float[]> kept = new ArrayList<>();
    for (float[] p : x1Train) {
      if (!inMaskedRegion(p) || rnd.nextDouble() < keptFraction) {
        kept.add(p.clone());
      }
    }
    return kept.toArray(new float[0][]);
  }
}
