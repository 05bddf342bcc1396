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
    Ops s = tf.withSubScope("noise");
    // Tile, not a broadcasting Add with zeros: it has a C++ gradient and says what it does.
    Operand<TFloat32> repeated = s.tile(s.expandDims(y, s.constant(1)), s.constant(new int[] {1, (int) zs.get(1), 1}));
    return s.concat(List.of(z, repeated), s.constant(2));
  }
}
