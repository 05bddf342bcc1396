package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.Arrays;
import org.mgm.onnx.importer.ConstantValues;
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
    r.register("Gather", 1, ShapeOps::gather);
    r.register("Unsqueeze", 1, ShapeOps::unsqueeze);
    r.register("Squeeze", 1, ShapeOps::squeeze);
    r.register("Concat", 4, ShapeOps::concat);
    r.register("Reshape", 5, ShapeOps::reshape);
    r.register("Flatten", 1, ShapeOps::flatten);
    r.register("Transpose", 1, ShapeOps::transpose);
    r.register("Slice", 1, ShapeOps::slice);
    r.register("Tile", 6, n -> one(n.tf().op("Tile", n.input(0), n.tf().cast(n.input(1), DataType.DT_INT32))));
    r.register("Expand", 8, ShapeOps::expand);
    r.register("ConstantOfShape", 9, ShapeOps::constantOfShape);
    r.register("Range", 11, n -> one(n.tf().op("Range", n.input(0), n.input(1), n.input(2))));
    r.register("Split", 2, ShapeOps::split);
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
    long[] axes = n.intsFromAttrOrInput("axes", 1, 13);
    if (axes == null) {
      throw n.fail("has no axes");
    }
    int outRank = n.rank(x) + axes.length;
    long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + outRank : a).sorted().toArray();
    for (long a : sorted) {
      x = tf.op("ExpandDims", x, tf.int64(a));
    }
    return one(x);
  }

  private static Output<?>[] squeeze(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    long[] axes = n.intsFromAttrOrInput("axes", 1, 13);
    int rank = n.rank(x);
    if (axes == null) {
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
    long[] normalized = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).toArray();
    return one(tf.build("Squeeze", b -> b.setAttr("squeeze_dims", normalized), x).output(0));
  }

  private static Output<?>[] concat(NodeContext n) {
    Output<?>[] xs = new Output<?>[n.inputCount()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = n.input(i);
    }
    return one(ConvOps.concat(n.tf(), Arrays.asList(xs), (int) n.attrInt("axis", 0)));
  }

  /**
   * ONNX's 0 in a target shape copies the input's dimension (unless allowzero); TF has no such
   * rule, so zeros are replaced — statically when the shape is constant, else with a SelectV2.
   */
  private static Output<?>[] reshape(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    boolean allowZero = n.attrInt("allowzero", 0) != 0;
    HostTensor constant = n.constantInputOrNull(1);
    long[] partial = n.partialInput(1);
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
    Output<?> shape = tf.shape64(x);
    Output<?> head = tf.build("Prod", b -> b.setAttr("keep_dims", true),
        tf.op("Slice", shape, tf.int64s(0), tf.int64s(axis)), tf.int32(0)).output(0);
    Output<?> tail = tf.build("Prod", b -> b.setAttr("keep_dims", true),
        tf.op("Slice", shape, tf.int64s(axis), tf.int64s(rank - axis)), tf.int32(0)).output(0);
    return one(tf.reshape(x, ConvOps.concat(tf, java.util.List.of(head, tail), 0)));
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
    if (n.opset() >= 10 && (n.constantInputOrNull(1) == null || n.constantInputOrNull(2) == null)) {
      return one(runtimeSlice(n, x, rank));
    }
    if (n.opset() >= 10) {
      starts = n.constantInput(1).longs();
      ends = n.constantInput(2).longs();
      axes = n.hasInput(3) ? n.constantInput(3).longs() : null;
      steps = n.hasInput(4) ? n.constantInput(4).longs() : null;
    } else {
      starts = n.attrInts("starts");
      ends = n.attrInts("ends");
      axes = n.attrInts("axes");
      steps = null;
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
   * Slice whose starts or ends are computed when the graph runs (dynamic-shape exports take crop
   * ends from Shape). Axes and steps must still be constants; StridedSlice clamps out-of-range and
   * negative bounds like ONNX. Not twice differentiable (StridedSliceGrad has no gradient).
   */
  private static Output<?> runtimeSlice(NodeContext n, Output<?> x, int rank) {
    TfEmitter tf = n.tf();
    Output<?> starts = clampedInt32(tf, n.input(1));
    Output<?> ends = clampedInt32(tf, n.input(2));
    long count = starts.shape().numDimensions() == 1 ? starts.shape().get(0) : -1;
    if (count < 0) {
      throw n.fail("runtime starts/ends need a static length");
    }
    long[] axes = n.hasInput(3) ? n.constantInput(3).longs() : java.util.stream.LongStream.range(0, count).toArray();
    long[] steps = n.hasInput(4) ? n.constantInput(4).longs() : null;
    java.util.List<Output<?>> begin = new java.util.ArrayList<>();
    java.util.List<Output<?>> end = new java.util.ArrayList<>();
    int[] stride = new int[rank];
    Arrays.fill(stride, 1);
    long mask = (1L << rank) - 1;
    int[] position = new int[rank];
    Arrays.fill(position, -1);
    for (int i = 0; i < axes.length; i++) {
      int axis = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
      position[axis] = i;
      stride[axis] = steps == null ? 1 : (int) steps[i];
      mask &= ~(1L << axis);
    }
    for (int a = 0; a < rank; a++) {
      if (position[a] < 0) {
        begin.add(tf.int32s(0));
        end.add(tf.int32s(0));
      } else {
        begin.add(tf.op("GatherV2", starts, tf.int32s(position[a]), tf.int32(0)));
        end.add(tf.op("GatherV2", ends, tf.int32s(position[a]), tf.int32(0)));
      }
    }
    final long m = mask;
    return tf.build("StridedSlice", b -> b.setAttr("begin_mask", m).setAttr("end_mask", m), x,
        ConvOps.concat(tf, begin, 0), ConvOps.concat(tf, end, 0), tf.int32s(stride)).output(0);
  }

  /** int64 bounds (INT64_MAX means "to the end") clamped into int32 before the cast. */
  private static Output<?> clampedInt32(TfEmitter tf, Output<?> v) {
    Output<?> wide = tf.cast(v, DataType.DT_INT64);
    Output<?> clamped = tf.op("Maximum", tf.op("Minimum", wide, tf.int64(Integer.MAX_VALUE)),
        tf.int64(Integer.MIN_VALUE));
    return tf.cast(clamped, DataType.DT_INT32);
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

  private static Output<?>[] split(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long axis = n.attrInt("axis", 0);
    if (axis < 0) {
      axis += rank;
    }
    long[] sizes = n.intsFromAttrOrInput("split", 1, 13);
    int parts = n.outputCount();
    org.tensorflow.Operation op;
    if (sizes == null) {
      long dim = x.shape().get((int) axis);
      if (dim >= 0 && dim % parts != 0) {
        throw n.fail("axis of size " + dim + " does not split into " + parts + " equal parts");
      }
      op = tf.build("Split", b -> b.setAttr("num_split", parts), tf.int32((int) axis), x);
    } else {
      op = tf.build("SplitV", b -> b.setAttr("num_split", sizes.length), x, tf.int64s(sizes), tf.int32((int) axis));
    }
    Output<?>[] outs = new Output<?>[op.numOutputs()];
    for (int i = 0; i < outs.length; i++) {
      outs[i] = op.output(i);
    }
    return outs;
  }
}
