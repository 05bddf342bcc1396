package org.mgm.experiments.market;

import java.util.List;
import org.mgm.model.GraphRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Every random input of B simulated paths, drawn outside the simulator so that a path is a smooth
 * function of the trader parameters (reparameterisation): the public signal S(t), the private
 * signals S_i(t), the shocks ε1(t), ε2(t) of the fundamental price and its variance, and each
 * fundamental trader's view w_i of P* (one per path, held over the path).
 *
 * <p>Packed as one tensor [B, T, K] (the simulator is a {@link org.mgm.model.Module}, one operand
 * in), channels in this order: S, S_1 … S_N1, ε1, ε2, w_1 … w_N3 (w repeated along T). Already
 * scaled by the settings' standard deviations, so that fed noise and drawn noise mean the same.
 */
public final class MarketNoise {
  private MarketNoise() {}

  /** K, the channels of the packed tensor. */
  public static int channels(MarketSettings s) {
    return 1 + s.noiseTraders() + 2 + s.fundamentalTraders();
  }

  /** A fresh in-graph draw for {@code paths} paths (each run of the op draws anew). */
  public static Operand<TFloat32> draw(Ops tf, GraphRandom random, MarketSettings s, long paths) {
    long t = s.steps();
    Operand<TFloat32> signals = tf.math.mul(random.normal(paths, t, 1 + s.noiseTraders()),
        tf.constant(signalScale(s)));
    Operand<TFloat32> shocks = random.normal(paths, t, 2);
    Operand<TFloat32> views = tf.math.mul(random.normal(paths, 1, s.fundamentalTraders()),
        tf.constant((float) Math.sqrt(s.viewVariance())));
    Operand<TFloat32> viewsAlongT = tf.tile(views, tf.constant(new int[] {1, (int) t, 1}));
    return tf.concat(List.of(signals, shocks, viewsAlongT), tf.constant(2));
  }

  /** Host noise [B][T][K] as a constant (a recorded draw fed in: the path error's shared noise). */
  public static Operand<TFloat32> constant(Ops tf, float[][][] noise) {
    return tf.constant(noise);
  }

  /** Draws host noise [B][T][K] with the same layout and scales as {@link #draw}. */
  public static float[][][] host(MarketSettings s, int paths, long seed) {
    java.util.Random r = new java.util.Random(seed);
    int t = s.steps();
    int k = channels(s);
    float[] scale = signalScale(s);
    float viewStd = (float) Math.sqrt(s.viewVariance());
    float[][][] out = new float[paths][t][k];
    for (int p = 0; p < paths; p++) {
      float[] views = new float[s.fundamentalTraders()];
      for (int i = 0; i < views.length; i++) {
        views[i] = (float) r.nextGaussian() * viewStd;
      }
      for (int step = 0; step < t; step++) {
        float[] row = out[p][step];
        for (int i = 0; i < scale.length; i++) {
          row[i] = (float) r.nextGaussian() * scale[i];
        }
        row[scale.length] = (float) r.nextGaussian();
        row[scale.length + 1] = (float) r.nextGaussian();
        System.arraycopy(views, 0, row, scale.length + 2, views.length);
      }
    }
    return out;
  }

  /** Standard deviations of S and S_1 … S_N1. */
  private static float[] signalScale(MarketSettings s) {
    float[] scale = new float[1 + s.noiseTraders()];
    scale[0] = (float) Math.sqrt(s.publicVariance());
    for (int i = 1; i < scale.length; i++) {
      scale[i] = (float) Math.sqrt(s.privateVariance());
    }
    return scale;
  }

  /** The expected packed shape, for checks. */
  public static Shape shape(MarketSettings s, long paths) {
    return Shape.of(paths, s.steps(), channels(s));
  }
}
