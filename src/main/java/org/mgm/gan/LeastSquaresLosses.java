package org.mgm.gan;

import static org.mgm.gan.WassersteinLosses.meanAll;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** LSGAN losses, as CycleGAN's critics use them (the mixer's D_B and the feedback Lf). */
public final class LeastSquaresLosses {
  private LeastSquaresLosses() {}

  /** ½ [mean (D(real) − 1)² + mean D(fake)²]. */
  public static Operand<TFloat32> critic(Ops tf, Operand<TFloat32> real, Operand<TFloat32> fake) {
    Operand<TFloat32> r = tf.math.sub(real, tf.constant(1f));
    Operand<TFloat32> sum = tf.math.add(meanAll(tf, tf.math.mul(r, r)), meanAll(tf, tf.math.mul(fake, fake)));
    return tf.math.mul(tf.constant(0.5f), sum);
  }

  /** mean (D(fake) − 1)²: the generator side; Lf = this on D_B(G_AB(G_agent(z))). */
  public static Operand<TFloat32> generator(Ops tf, Operand<TFloat32> fake) {
    Operand<TFloat32> f = tf.math.sub(fake, tf.constant(1f));
    return meanAll(tf, tf.math.mul(f, f));
  }
}
