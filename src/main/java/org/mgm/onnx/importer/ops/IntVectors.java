package org.mgm.onnx.importer.ops;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Integer vector inputs (axes, pads, sizes) that are either known at import time or computed when
 * the graph runs. Known values stay host arrays so that handlers can fold them; the others become
 * int32 TF tensors: int32 because the C++ gradients of Pad and of the reductions slice and
 * reshape with int32 and fail (or crashed the JVM, for negative int64 axes) on int64.
 */
final class IntVectors {
  private IntVectors() {}

  /** Input i's value when it is known at import time, else null (also when the input is absent). */
  static long[] known(NodeContext n, int i) {
    HostTensor t = n.constantInputOrNull(i);
    return t == null ? null : t.longs();
  }

  /** Input i as an int32 tensor of the running graph. */
  static Output<?> runtime(NodeContext n, int i) {
    return n.tf().cast(n.input(i), DataType.DT_INT32);
  }

  /** Axes in [-rank, rank) mapped into [0, rank), where they are computed at run time. */
  static Output<?> normalizedAxes(TfEmitter tf, Output<?> axes32, Output<?> rank32) {
    return tf.op("FloorMod", tf.op("AddV2", axes32, rank32), rank32);
  }

  /** The static rank of x as an int32 scalar, else its run-time rank. */
  static Output<?> rank32(TfEmitter tf, Output<?> x) {
    int r = x.shape().numDimensions();
    return r >= 0 ? tf.constant(HostTensor.of(new int[] {r})) : tf.op("Rank", x);
  }

  static int[] toInts(long[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.toIntExact(v[i]);
    }
    return out;
  }
}
