package org.mgm.experiments.market;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Statistics of price windows [B, Δ + 1], in the graph (so that a loss on them differentiates
 * through the simulator) and on the host (for the data's targets and reports).
 *
 * <p>The moments are those a practitioner matches first when calibrating by simulated moments:
 * mean and variance of the one-step returns, their autocorrelations at lags 1–3 (momentum and
 * reversion), the autocorrelations of |returns| at lags 1–3 (volatility clustering), skewness and
 * kurtosis (fat tails). All are pooled over every path and step.
 */
public final class PathStatistics {
  /** Lags of the two autocorrelation families. */
  public static final int LAGS = 3;

  /** Names of {@link #moments} in order. */
  public static final List<String> MOMENT_NAMES = List.of("mean", "variance", "acf1", "acf2", "acf3", "abs_acf1",
      "abs_acf2", "abs_acf3", "skewness", "kurtosis");

  private PathStatistics() {}

  /** 100·(P(t)/P(t−1) − 1), [B, Δ]. */
  public static Operand<TFloat32> percentReturns(Ops tf, Operand<TFloat32> paths, int pathLength) {
    Operand<TFloat32> later = tf.slice(paths, tf.constant(new int[] {0, 1}), tf.constant(new int[] {-1, pathLength - 1}));
    Operand<TFloat32> earlier = tf.slice(paths, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, pathLength - 1}));
    return tf.math.mul(tf.math.sub(tf.math.div(later, earlier), tf.constant(1f)), tf.constant(100f));
  }

  /** The moments of {@link #MOMENT_NAMES} pooled over every path and step, a vector [10]. */
  public static Operand<TFloat32> moments(Ops tf, Operand<TFloat32> paths, int pathLength) {
    return tf.reshape(momentsOver(tf, paths, pathLength, new int[] {0, 1}), tf.constant(new long[] {-1}));
  }

  /** The same moments of each path on its own, [B, 10]: a discriminator's summary of a path. */
  public static Operand<TFloat32> perPathMoments(Ops tf, Operand<TFloat32> paths, int pathLength) {
    return momentsOver(tf, paths, pathLength, new int[] {1});
  }

  /** The moments averaged over {@code axes} (kept as size-1 axes), concatenated on the last axis. */
  private static Operand<TFloat32> momentsOver(Ops tf, Operand<TFloat32> paths, int pathLength, int[] axes) {
    Operand<TFloat32> r = percentReturns(tf, paths, pathLength);
    int steps = pathLength - 1;
    Operand<TFloat32> mean = mean(tf, r, axes);
    Operand<TFloat32> z = tf.math.sub(r, mean);
    Operand<TFloat32> variance = mean(tf, tf.math.square(z), axes);
    List<Operand<TFloat32>> out = new ArrayList<>(List.of(mean, variance));
    for (int k = 1; k <= LAGS; k++) {
      out.add(tf.math.div(lagged(tf, z, steps, k, axes), variance));
    }
    Operand<TFloat32> a = tf.math.abs(r);
    Operand<TFloat32> az = tf.math.sub(a, mean(tf, a, axes));
    Operand<TFloat32> aVariance = mean(tf, tf.math.square(az), axes);
    for (int k = 1; k <= LAGS; k++) {
      out.add(tf.math.div(lagged(tf, az, steps, k, axes), aVariance));
    }
    Operand<TFloat32> sd = tf.math.sqrt(variance);
    out.add(tf.math.div(mean(tf, tf.math.pow(z, tf.constant(3f)), axes), tf.math.mul(variance, sd)));
    out.add(tf.math.div(mean(tf, tf.math.square(tf.math.square(z)), axes), tf.math.square(variance)));
    return tf.concat(out, tf.constant(1));
  }

  /** mean of x(t)·x(t − k) over {@code axes}. */
  private static Operand<TFloat32> lagged(Ops tf, Operand<TFloat32> x, int steps, int k, int[] axes) {
    Operand<TFloat32> head = tf.slice(x, tf.constant(new int[] {0, k}), tf.constant(new int[] {-1, steps - k}));
    Operand<TFloat32> tail = tf.slice(x, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, steps - k}));
    return mean(tf, tf.math.mul(head, tail), axes);
  }

  private static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x, int[] axes) {
    return tf.math.mean(x, tf.constant(axes), org.tensorflow.op.math.Mean.keepDims(true));
  }
}
