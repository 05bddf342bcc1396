package org.mgm.experiments.timeseries;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Channel slices of [B, T, C] sequences: the agent's price, the three prices, the demand. */
final class Channels {
  private Channels() {}

  /** x[:, :, first : first+count], static shape kept. */
  static Operand<TFloat32> of(Ops tf, Operand<TFloat32> x, int first, int count) {
    long[] s = x.shape().asArray();
    if (s.length != 3 || first < 0 || first + count > s[2]) {
      throw new IllegalArgumentException("channels " + first + ".." + (first + count - 1) + " of " + x.shape());
    }
    // int32 begin/size: TF's C++ gradient of Slice subtracts them from an int32 Shape.
    return tf.slice(x, tf.constant(new int[] {0, 0, first}), tf.constant(new int[] {(int) s[0], (int) s[1], count}));
  }
}
