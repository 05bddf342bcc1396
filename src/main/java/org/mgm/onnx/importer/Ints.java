package org.mgm.onnx.importer;

import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * An integer argument of an op (axes, a target shape, repeats, starts/ends/steps, split sizes)
 * that a model may give as a constant or compute when the graph runs: exactly one of
 * {@link #values} (known at import time, so the handler can fold it into static attributes) and
 * {@link #tensor} (the run-time value, for a dynamic form of the op) is set.
 */
public record Ints(long[] values, Output<?> tensor) {
  public static Ints known(long[] values) {
    return new Ints(values, null);
  }

  public static Ints runtime(Output<?> tensor) {
    return new Ints(null, tensor);
  }

  public boolean isKnown() {
    return values != null;
  }

  /** The number of entries when it is static, else -1 (an unknown-length run-time vector). */
  public long length() {
    if (values != null) {
      return values.length;
    }
    org.tensorflow.ndarray.Shape s = tensor.shape();
    return s.isUnknown() ? -1 : s.numDimensions() == 0 ? 1 : s.get(0);
  }

  /**
   * The values as a TF vector (a scalar stays a scalar) of {@code type}, int32 or int64. int64
   * bounds such as INT64_MAX ("to the end") are clamped into int32 rather than wrapped by the cast.
   */
  public Output<?> as(TfEmitter tf, DataType type) {
    if (values != null) {
      if (type == DataType.DT_INT64) {
        return tf.int64s(values);
      }
      int[] v = new int[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, values[i]));
      }
      return tf.int32s(v);
    }
    if (type == DataType.DT_INT64 || tensor.dataType() == DataType.DT_INT32) {
      return tf.cast(tensor, type);
    }
    Output<?> wide = tf.cast(tensor, DataType.DT_INT64);
    Output<?> clamped = tf.op("Maximum", tf.op("Minimum", wide, tf.int64(Integer.MAX_VALUE)),
        tf.int64(Integer.MIN_VALUE));
    return tf.cast(clamped, DataType.DT_INT32);
  }

  /**
   * The values as axes of a rank-{@code rank} tensor: an int32 vector with negative axes counted
   * from the end (TF's gradients of Sum, Mean and others build int32 shape arithmetic and fail on
   * int64 or negative axes).
   */
  public Output<?> axes(TfEmitter tf, int rank) {
    if (values != null) {
      int[] v = new int[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (int) (values[i] < 0 ? values[i] + rank : values[i]);
      }
      return tf.int32s(v);
    }
    Output<?> a = as(tf, DataType.DT_INT32);
    return tf.op("SelectV2", tf.op("Less", a, tf.int32(0)), tf.op("AddV2", a, tf.int32(rank)), a);
  }
}
