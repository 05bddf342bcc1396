package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * Keeps activations NHWC between NHWC convolutions. Pointwise ops commute with a transpose, so an
 * op whose inputs have channels-last forms is emitted on those and its result stays channels-last;
 * any other consumer gets the NCHW form, made once. Measured on the full CycleGAN generator the
 * transposes of per-op NCHW↔NHWC wrapping were 18 % of kernel time.
 */
final class ChannelsLast {
  private ChannelsLast() {}

  /** NHWC axis of each NCHW axis: N→0, C→3, H→1, W→2. */
  private static final int[] NHWC_AXIS = {0, 3, 1, 2};

  static int nhwcAxis(int nchwAxis) {
    return NHWC_AXIS[nchwAxis];
  }

  /** The transpose permutation (N, C, d1, …, dk) → (N, d1, …, dk, C), of any rank. */
  static int[] toLastPermutation(int rank) {
    int[] perm = new int[rank];
    for (int i = 1; i < rank - 1; i++) {
      perm[i] = i + 1;
    }
    perm[rank - 1] = 1;
    return perm;
  }

  /** The inverse of {@link #toLastPermutation}: (N, d1, …, dk, C) → (N, C, d1, …, dk). */
  static int[] toFirstPermutation(int rank) {
    int[] perm = new int[rank];
    perm[1] = rank - 1;
    for (int i = 2; i < rank; i++) {
      perm[i] = i - 1;
    }
    return perm;
  }

  /** A pointwise op on input 0, in NHWC when the input has that form. */
  static Output<?>[] unary(NodeContext n, UnaryOperator<Output<?>> op) {
    Output<?> t = n.channelsLastInput(0);
    return t == null ? one(op.apply(n.input(0))) : n.channelsLastResult(op.apply(t));
  }

  /**
   * A broadcasting op on inputs 0 and 1, in NHWC when one input has that form and the other
   * broadcasts the same way after transposing (see {@link #alongside}).
   */
  static Output<?>[] binary(NodeContext n, BinaryOperator<Output<?>> op) {
    Output<?> a = n.channelsLastInput(0);
    Output<?> b = n.channelsLastInput(1);
    if (a != null && b == null) {
      b = alongside(n.tf(), n.input(1));
    } else if (b != null && a == null) {
      a = alongside(n.tf(), n.input(0));
    }
    if (a == null || b == null) {
      return one(op.apply(n.input(0), n.input(1)));
    }
    return n.channelsLastResult(op.apply(a, b));
  }

  /**
   * {@code x}, which broadcasts against a rank-4 NCHW tensor, rewritten to broadcast the same
   * way against its NHWC form; null when its static shape does not say how. All-ones shapes
   * (scalars, [1, 1, 1, 1]) need nothing; others are right-aligned to rank 4 and transposed.
   */
  static Output<?> alongside(TfEmitter tf, Output<?> x) {
    Shape s = x.shape();
    int rank = s.numDimensions();
    if (rank < 0 || rank > 4) {
      return null;
    }
    boolean ones = true;
    boolean known = true;
    for (int i = 0; i < rank; i++) {
      ones &= s.get(i) == 1;
      known &= s.get(i) >= 0;
    }
    if (ones) {
      return x;
    }
    if (rank == 4) {
      return tf.transpose(x, 0, 2, 3, 1);
    }
    if (!known) {
      return null;
    }
    long[] dims = new long[4];
    java.util.Arrays.fill(dims, 1);
    for (int i = 0; i < rank; i++) {
      dims[4 - rank + i] = s.get(i);
    }
    return tf.transpose(tf.reshape(x, tf.int64s(dims)), 0, 2, 3, 1);
  }
}
