package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.Arrays;
import org.mgm.onnx.importer.Ints;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Pad in every mode. Pads (and axes, version 18) are attributes until version 11 and inputs from
 * then on, folded where known at import time and computed by TF ops where not. Negative pads crop.
 * constant and reflect are TF's PadV2 and MirrorPad (ONNX/PyTorch reflect excludes the edge, as
 * TF's REFLECT); edge and wrap, which TF lacks (MirrorPad SYMMETRIC repeats the edge only for pads
 * of 1), gather each padded axis at clamped or wrapped indices, which GatherV2's gradient follows.
 */
public final class PadOps {
  private PadOps() {}

  public static void register(OpRegistry r) {
    r.register("Pad", 1, PadOps::pad);
    r.register("CenterCropPad", 18, PadOps::centerCropPad);
  }

  private static Output<?>[] pad(NodeContext n) {
    String mode = n.attrString("mode", "constant");
    if (!Arrays.asList("constant", "reflect", "edge", "wrap").contains(mode)
        || mode.equals("wrap") && n.sinceVersion() < 19) {
      throw n.fail("pad mode '" + mode + "' is not supported (constant, reflect, edge; wrap from version 19)");
    }
    Ints pads = n.intsArg(n.sinceVersion() == 1 ? "paddings" : "pads", 1, 11);
    if (pads == null) {
      throw n.fail("has no pads");
    }
    Ints axes = n.sinceVersion() >= 18 ? n.ints(3) : null;
    if (pads.isKnown() && (axes == null || axes.isKnown())) {
      return knownPads(n, mode, pads.values(), axes == null ? null : axes.values());
    }
    Output<?> x = n.input(0);
    return one(padded(n, mode, x, runtimePaddings(n, x, pads, axes), null));
  }

  /** Pads known at import time: emitted on the NHWC form of the input where it has one (ChannelsLast). */
  private static Output<?>[] knownPads(NodeContext n, String mode, long[] pads, long[] axes) {
    TfEmitter tf = n.tf();
    Output<?> nhwc = n.channelsLastInput(0);
    Output<?> x = nhwc != null ? nhwc : n.input(0);
    int rank = n.rank(x);
    int listed = axes == null ? rank : axes.length;
    if (pads.length != 2 * listed) {
      throw n.fail("pads " + Arrays.toString(pads) + " do not fit a rank-" + rank + " input"
          + (axes == null ? "" : " and axes " + Arrays.toString(axes)));
    }
    long[] full = new long[2 * rank];
    for (int i = 0; i < listed; i++) {
      long a = axes == null ? i : axes[i];
      if (a < -rank || a >= rank) {
        throw n.fail("axis " + a + " is outside a rank-" + rank + " input");
      }
      int axis = (int) (a < 0 ? a + rank : a);
      int at = nhwc != null ? ChannelsLast.nhwcAxis(axis) : axis;
      full[2 * at] = pads[i];
      full[2 * at + 1] = pads[i + listed];
    }
    // int32 paddings: PadV2's C++ gradient slices with int32 and fails on int64.
    Output<?> paddings = tf.constant(HostTensor.of(toInts(full), rank, 2));
    Output<?> y = padded(n, mode, x, paddings, full);
    return nhwc != null ? n.channelsLastResult(y) : one(y);
  }

  /** [rank, 2] int32 paddings from pads (and axes) computed at run time. */
  private static Output<?> runtimePaddings(NodeContext n, Output<?> x, Ints pads, Ints axes) {
    TfEmitter tf = n.tf();
    // ONNX lists all begins, then all ends: [2, k] transposed to TF's [k, 2].
    Output<?> pairs = tf.transpose(tf.reshape(pads.as(tf, DataType.DT_INT32), tf.int32s(2, -1)), 1, 0);
    if (axes == null) {
      return pairs;
    }
    int rank = n.rank(x);
    Output<?> rows = tf.reshape(axes.axes(tf, rank), tf.int32s(-1, 1));
    return tf.op("ScatterNd", rows, pairs, tf.int32s(rank, 2));
  }

  /**
   * Signed constant pads (negative ones crop): each listed axis gets target − length, split as
   * ONNX's reference does, the leading part rounded toward zero (a crop window starts rounded
   * down, an odd pad pixel goes last). The target shape may be a run-time value (the backend
   * suite feeds it); where it and the input's lengths are known, the result keeps that static shape.
   */
  private static Output<?>[] centerCropPad(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long[] axes = n.attrInts("axes");
    if (axes == null) {
      axes = new long[rank];
      Arrays.setAll(axes, i -> i);
    }
    int[] axis = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      axis[i] = IndexingOps.axis(n, axes[i], rank);
      for (int j = 0; j < i; j++) {
        if (axis[j] == axis[i]) {
          throw n.fail("axes " + Arrays.toString(axes) + " name axis " + axis[i] + " twice");
        }
      }
    }
    Ints target = n.ints(1);
    if (target.length() >= 0 && target.length() != axis.length) {
      throw n.fail("shape has " + target.length() + " entries for " + axis.length + " axes");
    }
    Output<?> lengths = tf.op("GatherV2", tf.op("Shape", x), tf.int32s(axis), tf.int32(0));
    Output<?> diff = tf.op("Sub", tf.reshape(target.as(tf, DataType.DT_INT32), tf.int32s(-1)), lengths);
    Output<?> begin = tf.op("TruncateDiv", diff, tf.int32(2));
    Output<?> end = tf.op("Sub", diff, begin);
    Output<?> pairs = ConvOps.concat(tf, java.util.List.of(tf.reshape(begin, tf.int32s(-1, 1)),
        tf.reshape(end, tf.int32s(-1, 1))), 1);
    Output<?> paddings = tf.op("ScatterNd", tf.reshape(tf.int32s(axis), tf.int32s(-1, 1)), pairs, tf.int32s(rank, 2));
    Output<?> y = padded(n, "constant", x, paddings, null);
    long[] shape = x.shape().asArray();
    if (target.isKnown()) {
      for (int i = 0; i < axis.length; i++) {
        shape[axis[i]] = target.values()[i];
      }
      if (Arrays.stream(shape).allMatch(d -> d >= 0)) {
        y = tf.reshape(y, tf.int64s(shape));
      }
    }
    return one(y);
  }

  private static int[] toInts(long[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.toIntExact(v[i]);
    }
    return out;
  }

  /** {@code known} is the flattened paddings when known at import time, else null. */
  private static Output<?> padded(NodeContext n, String mode, Output<?> x, Output<?> paddings, long[] known) {
    TfEmitter tf = n.tf();
    if (mode.equals("edge") || mode.equals("wrap")) {
      return gathered(n, x, paddings, known, mode.equals("edge"));
    }
    boolean mayCrop = known == null || Arrays.stream(known).anyMatch(p -> p < 0);
    Output<?> grow = mayCrop ? tf.op("Maximum", paddings, tf.int32(0)) : paddings;
    Output<?> y = mode.equals("reflect")
        ? tf.build("MirrorPad", b -> b.setAttr("mode", "REFLECT"), x, grow).output(0)
        : constantPad(n, x, grow);
    return mayCrop ? cropped(tf, y, tf.op("Maximum", tf.op("Neg", paddings), tf.int32(0))) : y;
  }

  /**
   * A pad value fixed for good is PadV2's scalar. A value that may train or be fed gets a gradient:
   * PadV2 has none for its constant_values, so it is added as value × (a mask of the padded cells).
   */
  private static Output<?> constantPad(NodeContext n, Output<?> x, Output<?> paddings) {
    TfEmitter tf = n.tf();
    if (n.sinceVersion() < 11 || !n.hasInput(2)) {
      float value = n.sinceVersion() < 11 ? n.attrFloat("value", 0f) : 0f;
      return value == 0 ? tf.op("Pad", x, paddings) : tf.op("PadV2", x, paddings, tf.scalarLike(x, value));
    }
    HostTensor fixed = n.frozenInputOrNull(2);
    if (fixed != null && fixed.size() == 1) {
      double value = fixed.toDoubles()[0];
      return value == 0 ? tf.op("Pad", x, paddings) : tf.op("PadV2", x, paddings, tf.scalarLike(x, value));
    }
    Output<?> value = tf.cast(tf.reshape(n.input(2), tf.int32s()), x.dataType());
    Output<?> zeros = tf.op("Fill", tf.op("Shape", x), tf.scalarLike(x, 0));
    Output<?> mask = tf.op("PadV2", zeros, paddings, tf.scalarLike(x, 1));
    return tf.op("AddV2", tf.op("Pad", x, paddings), tf.op("Mul", mask, value));
  }

  /** Removes crop[a, 0] leading and crop[a, 1] trailing elements of each axis a. */
  private static Output<?> cropped(TfEmitter tf, Output<?> y, Output<?> crop) {
    Output<?> begin = tf.op("GatherV2", crop, tf.int32(0), tf.int32(1));
    Output<?> end = tf.op("GatherV2", crop, tf.int32(1), tf.int32(1));
    Output<?> size = tf.op("Sub", tf.op("Sub", tf.op("Shape", y), begin), end);
    return tf.op("Slice", y, begin, size);
  }

  /**
   * Each axis with pads gathered at indices −begin … n+end−1, clamped into [0, n) (edge) or
   * taken modulo n (wrap); negative pads simply start or stop the range inside the axis.
   */
  private static Output<?> gathered(NodeContext n, Output<?> x, Output<?> paddings, long[] known, boolean edge) {
    TfEmitter tf = n.tf();
    int rank = n.rank(x);
    Output<?> y = x;
    for (int a = 0; a < rank; a++) {
      if (known != null && known[2 * a] == 0 && known[2 * a + 1] == 0) {
        continue;
      }
      Output<?> row = tf.op("GatherV2", paddings, tf.int32(a), tf.int32(0));
      Output<?> begin = tf.op("GatherV2", row, tf.int32(0), tf.int32(0));
      Output<?> end = tf.op("GatherV2", row, tf.int32(1), tf.int32(0));
      Output<?> dim = tf.op("GatherV2", tf.op("Shape", y), tf.int32(a), tf.int32(0));
      Output<?> idx = tf.op("Range", tf.op("Neg", begin), tf.op("AddV2", dim, end), tf.int32(1));
      idx = edge ? tf.op("Minimum", tf.op("Maximum", idx, tf.int32(0)), tf.op("Sub", dim, tf.int32(1)))
          : tf.op("FloorMod", idx, dim);
      y = tf.op("GatherV2", y, idx, tf.int32(a));
    }
    return y;
  }
}
