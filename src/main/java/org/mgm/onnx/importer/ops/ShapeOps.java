package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.Arrays;
import org.mgm.onnx.importer.ConstantValues;
import org.mgm.onnx.importer.Ints;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Constants and the shape/indexing ops of dynamic-batch exports. Integer shape paths carry no
 * gradient, which TF handles by propagating "no gradient", so these ops only need
 * gradients where float data passes through them (Gather, Concat, Reshape, Slice, Tile, ...).
 */
public final class ShapeOps {
  private ShapeOps() {}

  public static void register(OpRegistry r) {
    r.register("Constant", 1, n -> one(n.tf().constant(ConstantValues.of(n))));
    r.register("Shape", 1, ShapeOps::shape);
    r.register("Size", 1, n -> one(n.tf().build("Size", b -> b.setAttr("out_type", DataType.DT_INT64), n.input(0))
        .output(0)));
    r.register("CastLike", 15, n -> one(ElementwiseOps.castTo(n, n.input(0), n.input(1).dataType())));
    r.register("Gather", 1, ShapeOps::gather);
    r.register("Unsqueeze", 1, ShapeOps::unsqueeze);
    r.register("Squeeze", 1, ShapeOps::squeeze);
    r.register("Concat", 1, ShapeOps::concat);
    r.register("Reshape", 1, ShapeOps::reshape);
    r.register("Flatten", 1, ShapeOps::flatten);
    r.register("Transpose", 1, ShapeOps::transpose);
    r.register("Slice", 1, ShapeOps::slice);
    // Version 1 (tiles along one axis) is left out: ONNX Runtime has no kernel to check it against.
    r.register("Tile", 6, n -> one(n.tf().op("Tile", n.input(0), n.ints(1).as(n.tf(), DataType.DT_INT32))));
    r.register("Expand", 8, ShapeOps::expand);
    r.register("ConstantOfShape", 9, ShapeOps::constantOfShape);
    r.register("Range", 11, ShapeOps::range);
    r.register("Split", 1, ShapeOps::split);
  }

  /**
   * Integer ranges are TF's Range. TF's Range has no gradient, so a floating range is
   * start + delta · [0, 1, ..., count − 1] with the count computed on an integer path, which
   * makes it differentiable in start and delta as ONNX's definition is.
   */
  private static Output<?>[] range(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> start = n.input(0);
    Output<?> limit = n.input(1);
    Output<?> delta = n.input(2);
    DataType t = start.dataType();
    if (t != DataType.DT_FLOAT && t != DataType.DT_DOUBLE) {
      return one(tf.op("Range", start, limit, delta));
    }
    Output<?> steps = tf.op("Ceil", tf.op("RealDiv", tf.op("Sub", limit, start), delta));
    Output<?> count = tf.op("Maximum", tf.cast(steps, DataType.DT_INT64), tf.int64(0));
    Output<?> index = tf.cast(tf.op("Range", tf.int64(0), count, tf.int64(1)), t);
    return one(tf.op("AddV2", start, tf.op("Mul", delta, index)));
  }

  private static Output<?>[] shape(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> s = tf.shape64(n.input(0));
    if (n.hasAttr("start") || n.hasAttr("end")) {
      int rank = n.rank(n.input(0));
      long start = clampAxis(n.attrInt("start", 0), rank);
      long end = clampAxis(n.attrInt("end", rank), rank);
      s = tf.op("Slice", s, tf.int64s(start), tf.int64s(Math.max(end - start, 0)));
    }
    return one(s);
  }

  private static long clampAxis(long a, int rank) {
    return Math.max(0, Math.min(rank, a < 0 ? a + rank : a));
  }

  /** Negative indices count from the end in ONNX; TF's CPU kernel rejects them. */
  private static Output<?>[] gather(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> data = n.input(0);
    int rank = n.rank(data);
    long axis = n.attrInt("axis", 0);
    if (axis < 0) {
      axis += rank;
    }
    HostTensor constant = n.constantInputOrNull(1);
    Output<?> indices;
    if (constant != null) {
      long[] idx = constant.longs();
      long dim = data.shape().get((int) axis);
      boolean negative = Arrays.stream(idx).anyMatch(v -> v < 0);
      if (negative && dim < 0) {
        throw n.fail("negative indices on axis " + axis + " of unknown size");
      }
      long[] fixed = Arrays.stream(idx).map(v -> v < 0 ? v + dim : v).toArray();
      indices = tf.constant(HostTensor.of(Arrays.stream(fixed).mapToInt(Math::toIntExact).toArray(), constant.shape()));
    } else {
      Output<?> idx = tf.cast(n.input(1), DataType.DT_INT32);
      Output<?> size = tf.op("GatherV2", tf.op("Shape", data), tf.int32((int) axis), tf.int32(0));
      Output<?> zero = tf.int32(0);
      indices = tf.op("SelectV2", tf.op("Less", idx, zero), tf.op("AddV2", idx, size), idx);
    }
    // int32 indices and axis: GatherV2's C++ gradient mixes them with int32 shape arithmetic.
    return one(tf.op("GatherV2", data, indices, tf.int32((int) axis)));
  }

  private static Output<?>[] unsqueeze(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    Ints axes = n.intsArg("axes", 1, 13);
    if (axes == null) {
      throw n.fail("has no axes");
    }
    long count = axes.length();
    if (count < 0) {
      throw n.fail("axes computed at run time need a static length");
    }
    int outRank = n.rank(x) + (int) count;
    if (!axes.isKnown()) {
      return one(tf.reshape(x, unsqueezedShape(tf, x, axes.axes(tf, outRank), outRank)));
    }
    long[] sorted = Arrays.stream(axes.values()).map(a -> a < 0 ? a + outRank : a).sorted().toArray();
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= outRank || i > 0 && sorted[i] == sorted[i - 1]) {
        throw n.fail("axes " + Arrays.toString(axes.values()) + " are not distinct axes of a rank-" + outRank + " result");
      }
    }
    for (long a : sorted) {
      x = tf.op("ExpandDims", x, tf.int64(a));
    }
    return one(x);
  }

  /** A bool vector of {@code size} entries, true at the (non-negative int32) {@code axes}. */
  static Output<?> axisMask(TfEmitter tf, Output<?> axes, int size) {
    int[] positions = new int[size];
    for (int i = 0; i < size; i++) {
      positions[i] = i;
    }
    Output<?> hits = tf.op("Equal", tf.reshape(tf.int32s(positions), tf.int64s(size, 1)),
        tf.reshape(axes, tf.int64s(1, -1)));
    return tf.build("Any", b -> b.setAttr("keep_dims", false), hits, tf.int32(1)).output(0);
  }

  /**
   * The shape of x with 1s inserted at run-time axes of the rank-{@code outRank} result: each other
   * position takes the next dimension of x (a cumulative count of the kept positions indexes them).
   */
  private static Output<?> unsqueezedShape(TfEmitter tf, Output<?> x, Output<?> axes, int outRank) {
    Output<?> inserted = axisMask(tf, axes, outRank);
    Output<?> kept = tf.cast(tf.op("LogicalNot", inserted), DataType.DT_INT64);
    Output<?> source = tf.op("Maximum", tf.op("Sub", tf.op("Cumsum", kept, tf.int32(0)), tf.int64(1)), tf.int64(0));
    // One extra entry so that the gather has something to read when x is a scalar.
    Output<?> dims = tf.op("GatherV2", ConvOps.concat(tf, java.util.List.of(tf.shape64(x), tf.int64s(1)), 0),
        source, tf.int32(0));
    return tf.op("SelectV2", inserted, tf.int64(1), dims);
  }

  private static Output<?>[] squeeze(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    Ints given = n.intsArg("axes", 1, 13);
    int rank = n.rank(x);
    if (given != null && !given.isKnown()) {
      long count = given.length();
      if (count < 0) {
        throw n.fail("axes computed at run time need a static length");
      }
      Output<?> keep = tf.op("Where", tf.op("LogicalNot", axisMask(tf, given.axes(tf, rank), rank)));
      // Reshaped to its static length, so that the result's rank stays known downstream.
      Output<?> shape = tf.reshape(tf.op("GatherNd", tf.shape64(x), keep), tf.int64s(rank - count));
      return one(tf.reshape(x, shape));
    }
    long[] axes = given == null ? null : given.values();
    // The attribute's empty list means every size-1 axis, as an absent one does; input axes do not.
    if (axes == null || axes.length == 0 && n.sinceVersion() < 13) {
      long[] ones = new long[rank];
      int k = 0;
      for (int i = 0; i < rank; i++) {
        if (x.shape().get(i) == 1) {
          ones[k++] = i;
        } else if (x.shape().get(i) < 0) {
          throw n.fail("Squeeze without axes needs a static shape, input is " + x.shape());
        }
      }
      axes = Arrays.copyOf(ones, k);
    }
    if (axes.length == 0) {
      // TF's Squeeze reads an empty list as "every size-1 axis"; ONNX as none.
      return one(tf.op("Identity", x));
    }
    long[] normalized = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).toArray();
    return one(tf.build("Squeeze", b -> b.setAttr("squeeze_dims", normalized), x).output(0));
  }

  /** Version 1's axis defaults to 1; from version 4 it is required. */
  private static Output<?>[] concat(NodeContext n) {
    Output<?>[] xs = new Output<?>[n.inputCount()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = n.input(i);
    }
    if (n.sinceVersion() >= 4 && !n.hasAttr("axis")) {
      throw n.fail("has no axis");
    }
    return one(ConvOps.concat(n.tf(), Arrays.asList(xs), (int) n.attrInt("axis", 1)));
  }

  /**
   * ONNX's 0 in a target shape copies the input's dimension (unless allowzero); TF has no such
   * rule, so zeros are replaced — statically when the shape is constant, else with a SelectV2.
   */
  private static Output<?>[] reshape(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    boolean allowZero = n.attrInt("allowzero", 0) != 0;
    boolean attribute = n.sinceVersion() < 5;  // version 1 takes the shape as an attribute
    if (attribute && !n.hasAttr("shape")) {
      throw n.fail("has no shape");
    }
    HostTensor constant = attribute ? HostTensor.of(n.attrInts("shape"), n.attrInts("shape").length)
        : n.constantInputOrNull(1);
    long[] partial = attribute ? null : n.partialInput(1);
    if (constant == null && partial != null && !allowZero) {
      // One entry known only at run time (the batch) can be left to Reshape as -1; then TF's
      // shape inference keeps the other dimensions static for the ops downstream.
      long unknown = Arrays.stream(partial).filter(v -> v == NodeContext.UNKNOWN || v == -1).count();
      if (unknown == 1) {
        constant = HostTensor.of(Arrays.stream(partial).map(v -> v == NodeContext.UNKNOWN ? -1 : v).toArray(),
            partial.length);
      }
    }
    if (constant != null) {
      long[] shape = constant.longs().clone();
      for (int i = 0; i < shape.length && !allowZero; i++) {
        if (shape[i] == 0) {
          long d = i < n.rank(x) ? x.shape().get(i) : -1;
          if (d < 0) {
            return one(tf.reshape(x, dynamicZeros(tf, x, tf.int64s(constant.longs()), shape.length)));
          }
          shape[i] = d;
        }
      }
      return one(tf.reshape(x, tf.int64s(shape)));
    }
    Output<?> target = tf.cast(n.input(1), DataType.DT_INT64);
    if (allowZero) {
      return one(tf.reshape(x, target));
    }
    long length = target.shape().numDimensions() == 1 ? target.shape().get(0) : -1;
    if (length < 0) {
      throw n.fail("the target shape's length must be static");
    }
    return one(tf.reshape(x, dynamicZeros(tf, x, target, (int) length)));
  }

  private static Output<?> dynamicZeros(TfEmitter tf, Output<?> x, Output<?> target, int length) {
    Output<?> inShape = tf.op("Slice", tf.op("Pad", tf.shape64(x),
        tf.reshape(tf.int32s(0, length), tf.int32s(1, 2))), tf.int32s(0), tf.int32s(length));
    return tf.op("SelectV2", tf.op("Equal", target, tf.int64(0)), inShape, target);
  }

  private static Output<?>[] flatten(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long axis = n.attrInt("axis", 1);
    if (axis < 0) {
      axis += rank;
    }
    return one(flattenAt(tf, x, rank, axis));
  }

  /** x as 2-D [d0·…·d(axis−1), d(axis)·…·d(rank−1)]: Flatten, and the 2-D coercion of Softmax-1/11. */
  static Output<?> flattenAt(TfEmitter tf, Output<?> x, int rank, long axis) {
    Output<?> shape = tf.shape64(x);
    Output<?> head = tf.build("Prod", b -> b.setAttr("keep_dims", true),
        tf.op("Slice", shape, tf.int64s(0), tf.int64s(axis)), tf.int32(0)).output(0);
    Output<?> tail = tf.build("Prod", b -> b.setAttr("keep_dims", true),
        tf.op("Slice", shape, tf.int64s(axis), tf.int64s(rank - axis)), tf.int32(0)).output(0);
    return tf.reshape(x, ConvOps.concat(tf, java.util.List.of(head, tail), 0));
  }

  private static Output<?>[] transpose(NodeContext n) {
    Output<?> x = n.input(0);
    long[] perm = n.attrInts("perm");
    int rank = n.rank(x);
    int[] p = new int[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = perm == null ? rank - 1 - i : (int) perm[i];
    }
    return one(n.tf().transpose(x, p));
  }

  /**
   * Slice with constant starts/ends/axes/steps. Unit steps use TF's Slice (twice differentiable);
   * other steps use StridedSlice, whose gradient has no gradient of its own.
   */
  private static Output<?>[] slice(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps;
    if (n.sinceVersion() >= 10) {
      Ints[] given = {n.ints(1), n.ints(2), n.ints(3), n.ints(4)};
      if (given[0] == null || given[1] == null) {
        throw n.fail("needs starts and ends");
      }
      if (!Arrays.stream(given).allMatch(v -> v == null || v.isKnown())) {
        return one(runtimeSlice(n, x, rank, given));
      }
      starts = given[0].values();
      ends = given[1].values();
      axes = given[2] == null ? null : given[2].values();
      steps = given[3] == null ? null : given[3].values();
    } else {
      starts = n.attrInts("starts");
      ends = n.attrInts("ends");
      axes = n.attrInts("axes");
      steps = null;
    }
    if (starts == null || ends == null || starts.length != ends.length || axes != null && axes.length != starts.length
        || steps != null && steps.length != starts.length) {
      throw n.fail("starts, ends, axes and steps must have one entry per sliced axis");
    }
    long[] begin = new long[rank];
    long[] end = new long[rank];
    long[] stride = new long[rank];
    long beginMask = 0;
    long endMask = 0;
    Arrays.fill(stride, 1);
    for (int i = 0; i < rank; i++) {
      beginMask |= 1L << i;
      endMask |= 1L << i;
    }
    boolean unitSteps = true;
    boolean knownBounds = true;
    long[] size = new long[rank];
    Arrays.fill(size, -1);
    for (int i = 0; i < starts.length; i++) {
      int axis = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i]);
      if (axis < 0 || axis >= rank) {
        throw n.fail("slices axis " + (axes == null ? i : axes[i]) + " of a rank-" + rank + " input");
      }
      long step = steps == null ? 1 : steps[i];
      if (step == 0) {
        throw n.fail("slice step 0");
      }
      begin[axis] = starts[i];
      end[axis] = ends[i];
      stride[axis] = step;
      beginMask &= ~(1L << axis);
      endMask &= ~(1L << axis);
      unitSteps &= step == 1;
      long dim = x.shape().get(axis);
      if (step == 1) {
        if (dim >= 0) {
          long b = clampIndex(starts[i], dim);
          long e = clampIndex(ends[i], dim);
          begin[axis] = b;
          size[axis] = Math.max(e - b, 0);
        } else if (starts[i] >= 0 && (ends[i] >= Integer.MAX_VALUE)) {
          size[axis] = -1;
        } else if (starts[i] >= 0 && ends[i] >= 0) {
          size[axis] = Math.max(ends[i] - starts[i], 0);
        } else {
          knownBounds = false;
        }
      }
    }
    if (unitSteps && knownBounds) {
      for (int i = 0; i < rank; i++) {
        if (size[i] == -1 && ((beginMask >> i) & 1) != 0) {
          begin[i] = 0;
        }
      }
      return one(tf.op("Slice", x, tf.int32s(int32(begin)), tf.int32s(int32(size))));
    }
    for (int i = 0; i < rank; i++) {
      // StridedSlice's own clamping handles INT64_MAX / INT64_MIN bounds and negative indices.
      end[i] = Math.max(Math.min(end[i], Integer.MAX_VALUE), Integer.MIN_VALUE);
    }
    final long bm = beginMask;
    final long em = endMask;
    return one(tf.build("StridedSlice", b -> b.setAttr("begin_mask", bm).setAttr("end_mask", em),
        x, tf.int32s(int32(begin)), tf.int32s(int32(end)), tf.int32s(int32(stride))).output(0));
  }

  /**
   * Index vectors of ops on float data are int32: the C++ gradients of Slice, StridedSlice, Tile
   * and BroadcastTo build int32 shape arithmetic and fail on int64 ("Inconsistent values for attr").
   */
  private static int[] int32(long[] values) {
    int[] v = new int[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, values[i]));
    }
    return v;
  }

  /**
   * Slice with any of starts, ends, axes or steps computed when the graph runs (dynamic-shape
   * exports take crop ends from Shape). Each argument is scattered into a full-rank vector whose
   * other entries (begin 0, end INT32_MAX, stride 1) keep an axis whole, so no mask depends on
   * run-time values; StridedSlice clamps out-of-range and negative bounds as ONNX does. Not twice
   * differentiable (StridedSliceGrad has no gradient).
   */
  private static Output<?> runtimeSlice(NodeContext n, Output<?> x, int rank, Ints[] given) {
    TfEmitter tf = n.tf();
    long count = given[0].length();
    if (count < 0 || given[1].length() != count) {
      throw n.fail("starts and ends computed at run time need the same static length");
    }
    Ints axes = given[2] != null ? given[2] : Ints.known(java.util.stream.LongStream.range(0, count).toArray());
    Output<?> at = tf.reshape(axes.axes(tf, rank), tf.int64s(count, 1));
    Output<?> begin = scatterInto(tf, rank, 0, at, given[0].as(tf, DataType.DT_INT32));
    Output<?> end = scatterInto(tf, rank, Integer.MAX_VALUE, at, given[1].as(tf, DataType.DT_INT32));
    Ints steps = given[3] != null ? given[3] : Ints.known(filled(count, 1));
    if (axes.isKnown() && steps.isKnown()) {
      int[] stride = filled(rank, 1);
      for (int i = 0; i < count; i++) {
        long a = axes.values()[i] < 0 ? axes.values()[i] + rank : axes.values()[i];
        if (a < 0 || a >= rank || steps.values()[i] == 0) {
          throw n.fail("slices axis " + axes.values()[i] + " with step " + steps.values()[i] + " of a rank-" + rank
              + " input");
        }
        stride[(int) a] = (int) steps.values()[i];
      }
      return tf.op("StridedSlice", x, begin, end, tf.int32s(stride));
    }
    Output<?> y = tf.op("StridedSlice", x, begin, end, scatterInto(tf, rank, 1, at, steps.as(tf, DataType.DT_INT32)));
    // TF infers no rank for a StridedSlice whose strides are not constants: a reshape to its own
    // shape, read as a vector of static length, gives the rank back to the ops downstream.
    return tf.reshape(y, tf.reshape(tf.shape64(y), tf.int64s(rank)));
  }

  private static long[] filled(long length, long value) {
    long[] v = new long[(int) length];
    Arrays.fill(v, value);
    return v;
  }

  private static int[] filled(int length, int value) {
    int[] v = new int[length];
    Arrays.fill(v, value);
    return v;
  }

  /** A length-{@code rank} int32 vector of {@code fill}, with {@code values} at positions {@code at} ([k, 1]). */
  private static Output<?> scatterInto(TfEmitter tf, int rank, int fill, Output<?> at, Output<?> values) {
    return tf.op("TensorScatterUpdate", tf.int32s(filled(rank, fill)), at, values);
  }

  private static long clampIndex(long v, long dim) {
    long a = v < 0 ? v + dim : v;
    return Math.max(0, Math.min(dim, a));
  }

  /** ONNX Expand broadcasts both ways (the target may be smaller than the input). */
  private static Output<?>[] expand(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    Output<?> target = tf.cast(n.input(1), DataType.DT_INT32);
    Output<?> shape = tf.op("BroadcastArgs", tf.op("Shape", x), target);
    return one(tf.op("BroadcastTo", x, shape));
  }

  private static Output<?>[] constantOfShape(NodeContext n) {
    TfEmitter tf = n.tf();
    HostTensor value = n.attrTensor("value");
    Output<?> scalar = value == null ? tf.constant(HostTensor.of(new float[] {0f}))
        : tf.reshape(tf.constant(value), tf.int64s());
    return one(tf.op("Fill", tf.cast(n.input(0), DataType.DT_INT64), scalar));
  }

  /**
   * Split sizes: the attribute (versions 1, 2, 11; version 1 also takes them as input 1), input 1
   * from version 13, known or run-time; else equal parts, one per output or {@code num_outputs}
   * (version 18), the last part smaller when the axis does not divide evenly.
   */
  private static Output<?>[] split(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long axis = n.attrInt("axis", 0);
    if (axis < 0) {
      axis += rank;
    }
    if (axis < 0 || axis >= rank) {
      throw n.fail("axis " + n.attrInt("axis", 0) + " is outside a rank-" + rank + " input");
    }
    Ints sizes = n.sinceVersion() == 1 && n.hasInput(1) ? n.ints(1) : n.intsArg("split", 1, 13);
    int parts = n.outputCount();
    if (n.hasAttr("num_outputs") && n.attrInt("num_outputs", 0) != parts) {
      throw n.fail("num_outputs " + n.attrInt("num_outputs", 0) + " but " + parts + " outputs");
    }
    Output<?> sizeTensor;
    if (sizes != null) {
      if (sizes.length() != parts) {
        throw n.fail(sizes.length() + " split sizes for " + parts + " outputs");
      }
      sizeTensor = sizes.as(tf, DataType.DT_INT64);
    } else {
      sizeTensor = equalParts(n, x, (int) axis, parts);
    }
    org.tensorflow.Operation op = tf.build("SplitV", b -> b.setAttr("num_split", parts), x, sizeTensor,
        tf.int32((int) axis));
    Output<?>[] outs = new Output<?>[op.numOutputs()];
    for (int i = 0; i < outs.length; i++) {
      outs[i] = op.output(i);
    }
    return outs;
  }

  /** ceil(dim / parts) per part, the last one taking what is left (ONNX 18; before, dim must divide). */
  private static Output<?> equalParts(NodeContext n, Output<?> x, int axis, int parts) {
    TfEmitter tf = n.tf();
    long dim = x.shape().get(axis);
    if (dim >= 0) {
      long chunk = (dim + parts - 1) / parts;
      if (n.sinceVersion() < 18 && dim % parts != 0) {
        throw n.fail("axis of size " + dim + " does not split into " + parts + " parts");
      }
      long[] sizes = new long[parts];
      Arrays.fill(sizes, chunk);
      sizes[parts - 1] = dim - chunk * (parts - 1);
      return tf.int64s(sizes);
    }
    Output<?> size = tf.op("GatherV2", tf.shape64(x), tf.int64s(axis), tf.int32(0));
    Output<?> chunk = tf.op("FloorDiv", tf.op("AddV2", size, tf.int64(parts - 1)), tf.int64(parts));
    Output<?> head = tf.op("Tile", chunk, tf.int32s(parts - 1));
    Output<?> last = tf.op("Sub", size, tf.op("Mul", chunk, tf.int64(parts - 1)));
    return ConvOps.concat(tf, java.util.List.of(head, last), 0);
  }
}
