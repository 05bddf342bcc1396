package org.mgm.gan;

import static org.mgm.gan.WassersteinLosses.meanAll;

import java.util.List;
import org.mgm.model.Gradients;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** StyleGAN2's losses: non-saturating logistic for G and D, and the R1 penalty on real images. */
public final class LogisticLosses {
  private LogisticLosses() {}

  /** mean softplus(−D(G(z))). */
  public static Operand<TFloat32> generator(Ops tf, Operand<TFloat32> fakeLogits) {
    return meanAll(tf, tf.math.softplus(tf.math.neg(fakeLogits)));
  }

  /**
   * The minimax generator loss as Goodfellow et al. state it, mean log(1 − D(G(z))) =
   * −mean softplus(D(G(z))), for methods whose papers use it (the market calibration).
   */
  public static Operand<TFloat32> minimaxGenerator(Ops tf, Operand<TFloat32> fakeLogits) {
    return tf.math.neg(meanAll(tf, tf.math.softplus(fakeLogits)));
  }

  /** mean softplus(D(fake)) + mean softplus(−D(real)). */
  public static Operand<TFloat32> critic(Ops tf, Operand<TFloat32> realLogits, Operand<TFloat32> fakeLogits) {
    return tf.math.add(meanAll(tf, tf.math.softplus(fakeLogits)), meanAll(tf, tf.math.softplus(tf.math.neg(realLogits))));
  }

  /**
   * γ/2 · mean over the batch of |∂D(x)/∂x|² (R1). Its gradient w.r.t. D's parameters is second
   * order: import D with {@code twiceDifferentiable}.
   */
  public static Operand<TFloat32> r1(Ops tf, Operand<TFloat32> realLogits, Operand<TFloat32> realImages, float gamma) {
    Operand<TFloat32> g = Gradients.of(tf, tf.sum(realLogits, tf.constant(allAxes(realLogits))), List.of(realImages))
        .get(0);
    int rank = g.shape().numDimensions();
    int[] perSample = new int[rank - 1];
    for (int i = 1; i < rank; i++) {
      perSample[i - 1] = i;
    }
    Operand<TFloat32> norms = tf.sum(tf.math.mul(g, g), tf.constant(perSample));
    return tf.math.mul(tf.constant(gamma / 2f), meanAll(tf, norms));
  }

  private static int[] allAxes(Operand<?> x) {
    int[] a = new int[x.shape().numDimensions()];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    return a;
  }
}
