package org.mgm.gan;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** WGAN losses on critic scores. The critic's loss is the negative of its W estimate. */
public final class WassersteinLosses {
  private WassersteinLosses() {}

  /** mean C(fake) − mean C(real), without the penalty: −(estimate of W1). */
  public static Operand<TFloat32> critic(Ops tf, Operand<TFloat32> realScores, Operand<TFloat32> fakeScores) {
    return tf.math.sub(meanAll(tf, fakeScores), meanAll(tf, realScores));
  }

  /** −mean C(fake). */
  public static Operand<TFloat32> generator(Ops tf, Operand<TFloat32> fakeScores) {
    return tf.math.neg(meanAll(tf, fakeScores));
  }

  public static Operand<TFloat32> meanAll(Ops tf, Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return tf.math.mean(x, tf.constant(axes));
  }
}
