package org.mgm.experiments.timeseries;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The generators' noise input: per step t, [z_t, y] — the per-step noise z_t followed by the
 * time-constant noise y repeated at every step, [B, T, Dz + Dy].
 *
 * <p>Both generators read this one operand, the agent directly and the mixer after its encoded
 * prices. MGM feeds the same (z, y) to both, so it builds this once and passes it to both.
 */
public final class GeneratorNoise {
  private GeneratorNoise() {}

  /** A fresh in-graph draw of [z_t, y] for B sequences, every value U[−1, 1) as in the reference. */
  public static Operand<TFloat32> draw(Ops tf, org.mgm.model.GraphRandom random, int batch, int steps,
      TimeSeriesWidths widths) {
    return perStep(tf, symmetric(tf, random.uniform(batch, steps, widths.noise())),
        symmetric(tf, random.uniform(batch, widths.constantNoise())));
  }

  /** The same law drawn in Java, for sampling a trained generator: [n][T][Dz + Dy]. */
  public static float[][][] sample(java.util.SplittableRandom rnd, int n, int steps, TimeSeriesWidths widths) {
    float[][][] out = new float[n][steps][widths.noiseInput()];
    for (float[][] seq : out) {
      float[] y = new float[widths.constantNoise()];
      for (int k = 0; k < y.length; k++) {
        y[k] = (float) (2 * rnd.nextDouble() - 1);
      }
      for (float[] step : seq) {
        for (int k = 0; k < widths.noise(); k++) {
          step[k] = (float) (2 * rnd.nextDouble() - 1);
        }
        System.arraycopy(y, 0, step, widths.noise(), y.length);
      }
    }
    return out;
  }

  private static Operand<TFloat32> symmetric(Ops tf, Operand<TFloat32> unit) {
    return tf.math.sub(tf.math.mul(unit, tf.constant(2f)), tf.constant(1f));
  }

  /**
   * @param z [B, T, Dz] with a static T
   * @param y [B, Dy]
   */
  public static Operand<TFloat32> perStep(Ops tf, Operand<TFloat32> z, Operand<TFloat32> y) {
    Shape zs = z.shape();
    if (zs.numDimensions() != 3 || zs.get(1) < 0 || y.shape().numDimensions() != 2) {
      throw new IllegalArgumentException("noise: needs z [B, T, Dz] with a static T and y [B, Dy], got "
          + zs + " and " + y.shape());
    }
    Ops s = tf;
    // Tile, not a broadcasting Add with zeros: it has a C++ gradient and says what it does.
    Operand<TFloat32> repeated = s.tile(s.expandDims(y, s.constant(1)), s.constant(new int[] {1, (int) zs.get(1), 1}));
    return s.concat(List.of(z, repeated), s.constant(2));
  }
}
