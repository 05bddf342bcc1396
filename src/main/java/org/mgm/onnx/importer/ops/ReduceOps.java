package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Every Reduce*. The axes are an attribute until ReduceSum-13 and the others' version 18, an input
 * (possibly computed at run time) afterwards. No axes means all axes, unless noop_with_empty_axes
 * is set: then the reduction is over no axis, so that ReduceL1 still takes Abs (as onnx.reference).
 * The composite reductions are the elementwise op before (Abs, Square) or after (Sqrt, Log) a Sum.
 */
public final class ReduceOps {
  private ReduceOps() {}

  /** One TF reduction of {@code x} over {@code axes} (int32); {@code keep} as ONNX's keepdims. */
  @FunctionalInterface
  private interface Reduction {
    Output<?> apply(TfEmitter tf, Output<?> x, Output<?> axes, boolean keep);
  }

  public static void register(OpRegistry r) {
    r.register("ReduceSum", 1, n -> reduce(n, 13, plain("Sum")));
    r.register("ReduceMean", 1, n -> reduce(n, 18, plain("Mean")));
    // Max/Min of bool tensors (allowed since version 20) are Any/All: TF's Max has no bool kernel.
    r.register("ReduceMax", 1, n -> reduce(n, 18, booleanAware("Max", "Any")));
    r.register("ReduceMin", 1, n -> reduce(n, 18, booleanAware("Min", "All")));
    r.register("ReduceProd", 1, n -> reduce(n, 18, plain("Prod")));
    r.register("ReduceL1", 1, n -> reduce(n, 18, before("Abs")));
    r.register("ReduceSumSquare", 1, n -> reduce(n, 18, before("Square")));
    r.register("ReduceL2", 1, n -> reduce(n, 18, after(before("Square"), "Sqrt")));
    r.register("ReduceLogSum", 1, n -> reduce(n, 18, after(plain("Sum"), "Log")));
    r.register("ReduceLogSumExp", 1, n -> reduce(n, 18, ReduceOps::logSumExp));
  }

  private static Reduction plain(String tfOp) {
    return (tf, x, axes, keep) -> tf.build(tfOp, b -> b.setAttr("keep_dims", keep), x, axes).output(0);
  }

  private static Reduction booleanAware(String tfOp, String boolOp) {
    return (tf, x, axes, keep) -> plain(x.dataType() == DataType.DT_BOOL ? boolOp : tfOp).apply(tf, x, axes, keep);
  }

  /** Sum of {@code pointwise}(x). */
  private static Reduction before(String pointwise) {
    return (tf, x, axes, keep) -> plain("Sum").apply(tf, tf.op(pointwise, x), axes, keep);
  }

  private static Reduction after(Reduction inner, String pointwise) {
    return (tf, x, axes, keep) -> tf.op(pointwise, inner.apply(tf, x, axes, keep));
  }

  /**
   * log Σ exp(x − m) + m with m the (gradient-stopped) maximum, so that large inputs do not
   * overflow; m's gradient would cancel anyway, and stopping it keeps Max's gradient (which splits
   * ties) out of the graph.
   */
  private static Output<?> logSumExp(TfEmitter tf, Output<?> x, Output<?> axes, boolean keep) {
    Output<?> m = tf.op("StopGradient", plain("Max").apply(tf, x, axes, true));
    // An all -inf (or empty) slice has m = -inf; shifting by 0 there keeps exp(x - m) from NaN.
    Output<?> finite = tf.op("SelectV2", tf.op("IsFinite", m), m, tf.op("ZerosLike", m));
    Output<?> s = tf.op("Log", plain("Sum").apply(tf, tf.op("Exp", tf.op("Sub", x, finite)), axes, true));
    Output<?> y = tf.op("AddV2", s, finite);
    // Summing the kept size-1 axes drops them, also where the axes are only known at run time.
    return keep ? y : plain("Sum").apply(tf, y, axes, false);
  }

  private static Output<?>[] reduce(NodeContext n, int axesInputSince, Reduction r) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    boolean keep = n.attrInt("keepdims", 1) != 0;
    boolean noop = n.attrInt("noop_with_empty_axes", 0) != 0;
    org.mgm.onnx.importer.Ints given = n.intsArg("axes", 1, axesInputSince);
    if (given != null && !given.isKnown()) {
      return one(r.apply(tf, x, runtimeAxes(n, given, x, noop), keep));
    }
    long[] axes = given == null ? null : given.values();
    if (axes == null || axes.length == 0) {
      if (noop) {
        return one(r.apply(tf, x, tf.constant(org.mgm.tensor.HostTensor.of(new int[0], 0)), keep));
      }
      int rank = n.rank(x);
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    // Non-negative int32 axes: the C++ gradient of Mean/Sum crashed the JVM (Node::output_type)
    // on int64 axes with a negative entry in a probe.
    int rank = n.rank(x);
    int[] normalized = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] < -rank || axes[i] >= rank) {
        throw n.fail("axis " + axes[i] + " is outside a rank-" + rank + " input");
      }
      normalized[i] = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
    }
    return one(r.apply(tf, x, tf.int32s(normalized), keep));
  }

  /**
   * Axes known only at run time, made non-negative; unless noop_with_empty_axes, an empty list
   * becomes every axis: Range(rank) sliced to rank·[axes empty] elements and appended.
   */
  private static Output<?> runtimeAxes(NodeContext n, org.mgm.onnx.importer.Ints given, Output<?> x, boolean noop) {
    TfEmitter tf = n.tf();
    int r = n.rank(x);
    Output<?> rank = tf.int32(r);
    Output<?> axes = tf.reshape(given.axes(tf, r), tf.int32s(-1));
    if (noop) {
      return axes;
    }
    Output<?> empty = tf.cast(tf.op("Equal", tf.op("Size", axes), tf.int32(0)), DataType.DT_INT32);
    Output<?> all = tf.op("Range", tf.int32(0), rank, tf.int32(1));
    Output<?> count = tf.reshape(tf.op("Mul", rank, empty), tf.int32s(1));
    Output<?> fill = tf.op("Slice", all, tf.int32s(0), count);
    return tf.build("ConcatV2", b -> b.addInputList(new Output<?>[] {axes, fill}).addInput(tf.int32(0))).output(0);
  }
}
