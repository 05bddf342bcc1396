package org.mgm.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Symbolic gradients through {@link Graph#addGradients}, always with an explicit seed.
 *
 * <p>The default seed is {@code OnesLike(y)}, which has no gradient of its own; a penalty that
 * differentiates a gradient again (WGAN-GP, R1) then fails with "No gradient defined for op:
 * OnesLike". Seeding with a constant keeps every gradient differentiable a second time.
 */
public final class Gradients {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Gradients() {}

  /** d(scalar)/d(xs); a scalar {@code y} gets the seed 1. */
  public static List<Operand<TFloat32>> of(
      Ops tf, Operand<TFloat32> scalar, List<? extends Operand<TFloat32>> xs) {
    if (scalar.shape().numDimensions() != 0) {
      throw new IllegalArgumentException(
          "gradient of a non-scalar " + scalar.op().name() + " " + scalar.shape() + "; reduce it first");
    }
    Graph graph = (Graph) tf.scope().env();
    Output<?>[] x = new Output<?>[xs.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = xs.get(i).asOutput();
    }
    Output<?>[] seed = {tf.constant(1f).asOutput()};
    Output<?>[] dx =
        graph.addGradients(
            "gradients_" + COUNTER.getAndIncrement(), new Output<?>[] {scalar.asOutput()}, x, seed);
    List<Operand<TFloat32>> result = new ArrayList<>(dx.length);
    for (int i = 0; i < dx.length; i++) {
      result.add(realOrZeros(tf, dx[i], xs.get(i)));
    }
    return result;
  }

  /**
   * TF returns a dangling Output (null native handle) when only "no gradient" reaches x, for
   * example through StopGradient; using it throws later in an unrelated place. Zeros say the
   * same thing and are safe to use.
   */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> realOrZeros(Ops tf, Output<?> dx, Operand<TFloat32> x) {
    try {
      dx.op().name();
      return (Output<TFloat32>) dx;
    } catch (IllegalStateException | NullPointerException danglingOutput) {
      return tf.zerosLike(x);
    }
  }
}
