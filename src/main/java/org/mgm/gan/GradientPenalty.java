package org.mgm.gan;

import java.util.List;
import org.mgm.model.Gradients;
import org.mgm.model.GraphRandom;
import org.mgm.model.Module;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * WGAN-GP penalties E[(‖∇C(x̂)‖₂ − 1)²] at x̂ = εx_real + (1−ε)x_fake, ε ~ U[0,1) per sample.
 *
 * <p>The norm is {@code (Σg² + 1e-12)^0.5} through {@code Pow}, not {@code Sqrt}: TF 2.18 has no
 * gradient for SqrtGrad, and the penalty must be differentiated again w.r.t. the critic's
 * parameters. The tiny constant keeps the derivative finite at g = 0.
 */
public final class GradientPenalty {
  private GradientPenalty() {}

  /** Penalty for a critic of one input (agent critic, MGM mixer critic on y). */
  public static Operand<TFloat32> unconditional(
      Ops tf, GraphRandom random, Module critic, Operand<TFloat32> real, Operand<TFloat32> fake) {
    Operand<TFloat32> eps = random.uniform(batchOf(real), 1);
    Operand<TFloat32> interp = mix(tf, eps, real, fake);
    Operand<TFloat32> score = tf.sum(critic.apply(interp), tf.constant(new int[] {0, 1}));
    Operand<TFloat32> g = Gradients.of(tf, score, List.of(interp)).get(0);
    return penalty(tf, rowSquaredNorm(tf, g));
  }

  /**
   * Joint penalty for a conditional critic C(y, x) that sees {@code concat(y, x)}: y and the
   * condition are interpolated with the same ε and the gradient is taken w.r.t. both, so the
   * 1-Lipschitz constraint holds on the joint space Y × X (the reference code's fix of the usual
   * conditional WGAN-GP, which penalises only ∇_y).
   */
  public static Operand<TFloat32> joint(
      Ops tf, GraphRandom random, Module critic,
      Operand<TFloat32> yReal, Operand<TFloat32> yFake,
      Operand<TFloat32> xReal, Operand<TFloat32> xFake) {
    Operand<TFloat32> eps = random.uniform(batchOf(yReal), 1);
    Operand<TFloat32> yHat = mix(tf, eps, yReal, yFake);
    Operand<TFloat32> xHat = mix(tf, eps, xReal, xFake);
    Operand<TFloat32> joined = tf.concat(List.of(yHat, xHat), tf.constant(1));
    Operand<TFloat32> score = tf.sum(critic.apply(joined), tf.constant(new int[] {0, 1}));
    List<Operand<TFloat32>> g = Gradients.of(tf, score, List.of(yHat, xHat));
    return penalty(tf, tf.math.add(rowSquaredNorm(tf, g.get(0)), rowSquaredNorm(tf, g.get(1))));
  }

  private static Operand<TFloat32> mix(
      Ops tf, Operand<TFloat32> eps, Operand<TFloat32> real, Operand<TFloat32> fake) {
    Operand<TFloat32> oneMinus = tf.math.sub(tf.constant(1f), eps);
    return tf.math.add(tf.math.mul(eps, real), tf.math.mul(oneMinus, fake));
  }

  private static Operand<TFloat32> rowSquaredNorm(Ops tf, Operand<TFloat32> g) {
    return tf.sum(tf.math.mul(g, g), tf.constant(1));
  }

  private static Operand<TFloat32> penalty(Ops tf, Operand<TFloat32> squaredNorms) {
    Operand<TFloat32> norm = tf.math.pow(tf.math.add(squaredNorms, tf.constant(1e-12f)), tf.constant(0.5f));
    Operand<TFloat32> gap = tf.math.sub(norm, tf.constant(1f));
    return WassersteinLosses.meanAll(tf, tf.math.mul(gap, gap));
  }

  private static long batchOf(Operand<TFloat32> x) {
    long b = x.shape().get(0);
    if (b < 0) {
      throw new IllegalArgumentException(
          "gradient penalty needs a static batch size; " + x.op().name() + " has shape " + x.shape());
    }
    return b;
  }
}
