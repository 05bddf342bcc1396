package org.mgm.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
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
    Output<?>[] dx = add(graph, "gradients_" + COUNTER.getAndIncrement(), scalar.asOutput(), x, seed);
    List<Operand<TFloat32>> result = new ArrayList<>(dx.length);
    for (int i = 0; i < dx.length; i++) {
      result.add(realOrZeros(tf, dx[i], xs.get(i)));
    }
    return result;
  }

  /**
   * {@link Graph#addGradients} with the error a user can act on: TF says only "No gradient defined
   * for op: X"; this names the nodes of type X that the loss depends on.
   */
  public static Output<?>[] add(Graph graph, String prefix, Output<?> y, Output<?>[] x, Output<?>[] seed) {
    try {
      return graph.addGradients(prefix, new Output<?>[] {y}, x, seed);
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("No gradient defined for op: (\\w+)")
          .matcher(String.valueOf(e.getMessage()));
      if (!m.find()) {
        throw e;
      }
      List<String> nodes = new ArrayList<>();
      for (GraphOperation op : upstream(y)) {
        if (op.type().equals(m.group(1))) {
          nodes.add(op.name());
        }
      }
      throw new IllegalArgumentException("no gradient for op " + m.group(1) + " (TF's C++ registry has none), used by "
          + (nodes.size() > 3 ? nodes.subList(0, 3) + " and " + (nodes.size() - 3) + " more" : nodes)
          + " on the path to " + y.op().name(), e);
    }
  }

  /** Every op {@code y} depends on through data inputs, {@code y}'s own first. */
  public static List<GraphOperation> upstream(Output<?> y) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<GraphOperation> order = new ArrayList<>();
    java.util.ArrayDeque<GraphOperation> todo = new java.util.ArrayDeque<>();
    todo.add((GraphOperation) y.op());
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (seen.add(op.name())) {
        order.add(op);
        for (int i = 0; i < op.numInputs(); i++) {
          todo.add((GraphOperation) op.input(i).op());
        }
      }
    }
    return order;
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
