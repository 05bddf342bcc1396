package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.importer.Ints;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Ops that read or write elements by index (Gather*, Scatter*, TopK, ArgMax, OneHot, ...) and
 * masks by position (Trilu, EyeLike). Element-wise indexing goes through GatherNd and ScatterNd
 * with full coordinates: both have C++ gradients. Integer index paths need none: the ops that
 * consume them give "no gradient" for their indices.
 */
public final class IndexingOps {
  private IndexingOps() {}

  public static void register(OpRegistry r) {
    r.register("GatherElements", 11, IndexingOps::gatherElements);
    r.register("GatherND", 11, IndexingOps::gatherNd);
    // Scatter (deprecated from 11) is ScatterElements without reduction.
    r.register("Scatter", 9, IndexingOps::scatterElements);
    r.register("ScatterElements", 11, IndexingOps::scatterElements);
    r.register("ScatterND", 11, IndexingOps::scatterNd);
    r.register("TopK", 1, IndexingOps::topK);
    r.register("ArgMax", 1, n -> argExtreme(n, "ArgMax"));
    r.register("ArgMin", 1, n -> argExtreme(n, "ArgMin"));
    r.register("CumSum", 11, IndexingOps::cumSum);
    r.register("CumProd", 26, IndexingOps::cumProd);
    r.register("OneHot", 9, IndexingOps::oneHot);
    r.register("Trilu", 14, IndexingOps::trilu);
    r.register("EyeLike", 9, IndexingOps::eyeLike);
    r.register("Compress", 9, IndexingOps::compress);
    // TF's Where gives [count, rank] coordinates; ONNX wants [rank, count].
    r.register("NonZero", 9, n -> one(n.tf().transpose(n.tf().op("Where", n.input(0)), 1, 0)));
    r.register("ReverseSequence", 10, n -> one(n.tf().build("ReverseSequence",
        b -> b.setAttr("seq_dim", n.attrInt("time_axis", 0)).setAttr("batch_dim", n.attrInt("batch_axis", 1)),
        n.input(0), n.tf().cast(n.input(1), DataType.DT_INT64)).output(0)));
  }

  /** An axis attribute made non-negative, refused when outside the rank. */
  static int axis(NodeContext n, long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw n.fail("axis " + axis + " is outside a rank-" + rank + " input");
    }
    return (int) a;
  }

  /** Dimension {@code axis} of x as an int64 scalar, computed when the graph runs. */
  static Output<?> dim(TfEmitter tf, Output<?> x, int axis) {
    return tf.op("GatherV2", tf.shape64(x), tf.int64(axis), tf.int32(0));
  }

  /** int64 indices with negative ones counted back from {@code size} (ONNX's convention). */
  static Output<?> wrapNegative(TfEmitter tf, Output<?> indices, Output<?> size) {
    Output<?> i = tf.cast(indices, DataType.DT_INT64);
    return tf.op("SelectV2", tf.op("Less", i, tf.int64(0)), tf.op("AddV2", i, size), i);
  }

  /**
   * Full int64 coordinates ([..., rank]) for an index tensor along {@code axis}: each element
   * addresses data at its own position on the other axes and at its value on {@code axis}, as
   * GatherElements, ScatterElements and TopK's values need.
   */
  static Output<?> alongAxis(TfEmitter tf, Output<?> indices, int axis, int rank) {
    Output<?> shape = tf.shape64(indices);
    List<Output<?>> coords = new ArrayList<>();
    for (int a = 0; a < rank; a++) {
      if (a == axis) {
        coords.add(indices);
        continue;
      }
      long[] lineShape = new long[rank];
      java.util.Arrays.fill(lineShape, 1);
      lineShape[a] = -1;
      Output<?> line = tf.op("Range", tf.int64(0), tf.op("GatherV2", shape, tf.int64(a), tf.int32(0)), tf.int64(1));
      coords.add(tf.op("BroadcastTo", tf.reshape(line, tf.int64s(lineShape)), shape));
    }
    return tf.build("Pack", b -> b.addInputList(coords.toArray(new Output<?>[0])).setAttr("axis", -1L)).output(0);
  }

  private static Output<?>[] gatherElements(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> data = n.input(0);
    int rank = n.rank(data);
    int axis = axis(n, n.attrInt("axis", 0), rank);
    Output<?> idx = wrapNegative(tf, n.input(1), dim(tf, data, axis));
    return one(tf.op("GatherNd", data, alongAxis(tf, idx, axis, rank)));
  }

  /** The last axis of the indices holds a prefix of data's coordinates, after {@code batch_dims} shared axes. */
  private static Output<?>[] gatherNd(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> data = n.input(0);
    Output<?> indices = n.input(1);
    int batch = (int) n.attrInt("batch_dims", 0);
    int indexRank = n.rank(indices);
    long k = indices.shape().get(indexRank - 1);
    if (k < 0) {
      throw n.fail("needs the static length of the indices' last axis");
    }
    if (batch < 0 || batch >= indexRank || batch + k > n.rank(data)) {
      throw n.fail("batch_dims " + batch + " with " + k + "-entry indices does not fit a rank-" + n.rank(data) + " input");
    }
    Output<?> sizes = tf.op("Slice", tf.shape64(data), tf.int64s(batch), tf.int64s(k));
    Output<?> idx = wrapNegative(tf, indices, sizes);
    return one(tf.op("GatherNd", data, withBatchCoordinates(tf, idx, batch, indexRank)));
  }

  /** The indices with the coordinates of their first {@code batch} axes put in front. */
  private static Output<?> withBatchCoordinates(TfEmitter tf, Output<?> idx, int batch, int indexRank) {
    if (batch == 0) {
      return idx;
    }
    Output<?> shape = tf.shape64(idx);
    Output<?> outer = tf.op("Slice", shape, tf.int64s(0), tf.int64s(indexRank - 1));
    List<Output<?>> parts = new ArrayList<>();
    for (int a = 0; a < batch; a++) {
      long[] lineShape = new long[indexRank - 1];
      java.util.Arrays.fill(lineShape, 1);
      lineShape[a] = -1;
      Output<?> line = tf.op("Range", tf.int64(0), tf.op("GatherV2", shape, tf.int64(a), tf.int32(0)), tf.int64(1));
      Output<?> grid = tf.op("BroadcastTo", tf.reshape(line, tf.int64s(lineShape)), outer);
      parts.add(tf.op("ExpandDims", grid, tf.int32(-1)));
    }
    parts.add(idx);
    return ConvOps.concat(tf, parts, -1);
  }

  private static Output<?>[] scatterElements(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> data = n.input(0);
    int rank = n.rank(data);
    int axis = axis(n, n.attrInt("axis", 0), rank);
    Output<?> idx = wrapNegative(tf, n.input(1), dim(tf, data, axis));
    return one(scatter(n, data, alongAxis(tf, idx, axis, rank), n.input(2)));
  }

  private static Output<?>[] scatterNd(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> data = n.input(0);
    Output<?> indices = n.input(1);
    long k = indices.shape().get(n.rank(indices) - 1);
    if (k < 0) {
      throw n.fail("needs the static length of the indices' last axis");
    }
    Output<?> sizes = tf.op("Slice", tf.shape64(data), tf.int64s(0), tf.int64s(k));
    return one(scatter(n, data, wrapNegative(tf, indices, sizes), n.input(2)));
  }

  /**
   * Writes updates into data at int64 coordinates ([..., k], k ≤ rank) by the node's reduction,
   * from ops with C++ gradients (TF's TensorScatter ops have none, and TF Java can register only a
   * few): none and add through ScatterNd (duplicate slots, undefined for none in ONNX, sum),
   * max/min/mul as data combined with the per-slot extreme or product of its updates.
   */
  private static Output<?> scatter(NodeContext n, Output<?> data, Output<?> coords, Output<?> updates) {
    TfEmitter tf = n.tf();
    String reduction = n.attrString("reduction", "none");
    Output<?> shape = tf.shape64(data);
    return switch (reduction) {
      case "none" -> {
        Output<?> ones = tf.op("Fill", tf.shape64(updates), tf.int32(1));
        Output<?> written = tf.op("Greater", tf.op("ScatterNd", coords, ones, shape), tf.int32(0));
        yield tf.op("SelectV2", written, tf.op("ScatterNd", coords, updates, shape), data);
      }
      case "add" -> tf.op("AddV2", data, tf.op("ScatterNd", coords, updates, shape));
      case "max" -> tf.op("Maximum", data, perSlot(n, "UnsortedSegmentMax", data, coords, updates));
      case "min" -> tf.op("Minimum", data, perSlot(n, "UnsortedSegmentMin", data, coords, updates));
      case "mul" -> tf.op("Mul", data, perSlot(n, "UnsortedSegmentProd", data, coords, updates));
      default -> throw n.fail("reduction '" + reduction + "' is not supported (none, add, mul, max, min)");
    };
  }

  /**
   * The updates reduced per slot of data (its first k axes) by a segment op, in data's shape; an
   * empty slot holds the reduction's identity (1, or the type's lowest/highest value).
   */
  private static Output<?> perSlot(NodeContext n, String segmentOp, Output<?> data, Output<?> coords,
      Output<?> updates) {
    TfEmitter tf = n.tf();
    int coordRank = n.rank(coords);
    long k = coords.shape().get(coordRank - 1);
    Output<?> shape = tf.shape64(data);
    Output<?> lead = tf.op("Slice", shape, tf.int64s(0), tf.int64s(k));
    Output<?> rest = tf.op("Slice", shape, tf.int64s(k), tf.int64s(-1));
    // Row-major strides of the first k axes: the product of the sizes after each one.
    Output<?> strides = tf.build("Cumprod", b -> b.setAttr("exclusive", true).setAttr("reverse", true),
        lead, tf.int32(0)).output(0);
    Output<?> linear = tf.build("Sum", b -> b.setAttr("keep_dims", false),
        tf.op("Mul", coords, strides), tf.int32(-1)).output(0);
    Output<?> slots = tf.build("Prod", b -> b.setAttr("keep_dims", false), lead, tf.int32(0)).output(0);
    // UnsortedSegmentProd's Java gradient gives zeros, not "no gradient", for the ids and count
    // (TF Java takes no null there): StopGradient keeps them out of the integer arithmetic above,
    // whose ops have no gradients.
    Output<?> ids = tf.op("StopGradient", tf.reshape(linear, tf.int64s(-1)));
    Output<?> flatUpdates = tf.reshape(updates, ConvOps.concat(tf, List.of(tf.int64s(-1), rest), 0));
    return tf.reshape(tf.op(segmentOp, flatUpdates, ids, tf.op("StopGradient", slots)), shape);
  }

  /** TopKV2 works on the last axis: other axes are transposed there and back. */
  private static Output<?>[] topK(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    int axis = axis(n, n.attrInt("axis", -1), rank);
    Ints k = n.sinceVersion() >= 10 ? n.ints(1) : Ints.known(new long[] {n.attrInt("k", -1)});
    if (k == null || k.isKnown() && (k.values().length != 1 || k.values()[0] < 0)) {
      throw n.fail("needs one non-negative k");
    }
    boolean largest = n.attrInt("largest", 1) != 0;
    int[] perm = new int[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[axis] = rank - 1;
    perm[rank - 1] = axis;
    Output<?> xt = axis == rank - 1 ? x : tf.transpose(x, perm);
    // Smallest first: the largest of -x; TopKV2 puts the lower index first among equal values.
    Output<?> keys = largest ? xt : tf.op("Neg", xt);
    Output<?> count = tf.reshape(k.as(tf, DataType.DT_INT32), tf.int64s());
    Operation top = tf.build("TopKV2", b -> b.setAttr("sorted", true), keys, count);
    Output<?> idx = tf.cast(top.output(1), DataType.DT_INT64);
    // Values gathered from x, not taken from TopKV2 (no gradient) or from -x.
    Output<?> values = tf.op("GatherNd", xt, alongAxis(tf, idx, rank - 1, rank));
    if (axis != rank - 1) {
      values = tf.transpose(values, perm);
      idx = tf.transpose(idx, perm);
    }
    return new Output<?>[] {values, idx};
  }

  /** select_last_index: the first extreme of the reversed axis, counted from the end. */
  private static Output<?>[] argExtreme(NodeContext n, String tfOp) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    int axis = axis(n, n.attrInt("axis", 0), rank);
    boolean last = n.attrInt("select_last_index", 0) != 0;
    Output<?> in = last ? tf.op("ReverseV2", x, tf.int32s(axis)) : x;
    Output<?> idx = tf.build(tfOp, b -> b.setAttr("output_type", DataType.DT_INT64), in, tf.int32(axis)).output(0);
    if (last) {
      idx = tf.op("Sub", tf.op("Sub", dim(tf, x, axis), tf.int64(1)), idx);
    }
    return one(n.attrInt("keepdims", 1) != 0 ? tf.op("ExpandDims", idx, tf.int32(axis)) : idx);
  }

  private static Output<?>[] cumSum(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    Output<?> axis = n.ints(1).axes(tf, n.rank(x));
    return one(tf.build("Cumsum", b -> b.setAttr("exclusive", n.attrInt("exclusive", 0) != 0)
        .setAttr("reverse", n.attrInt("reverse", 0) != 0), x, tf.reshape(axis, tf.int64s())).output(0));
  }

  /**
   * Output i is the Prod of the elements j along the axis that it multiplies (j ≤ i; j < i when
   * exclusive; ≥ or > when reverse), the others masked to 1. TF's Cumprod has no gradient in the
   * C++ registry (Python's divides by x, wrong where x is 0), while Prod's is exact at zeros; the
   * price is an n × n copy for an axis of length n. The axis may be a run-time value (the
   * backend suite feeds it), so it is moved last by a computed permutation.
   */
  private static Output<?>[] cumProd(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    if (rank == 0) {
      throw n.fail("needs an input of rank 1 or more");
    }
    Output<?> axis = tf.reshape(n.ints(1).axes(tf, rank), tf.int32s());
    Output<?> others = tf.op("Range", tf.int32(0), tf.int32(rank - 1), tf.int32(1));
    others = tf.op("AddV2", others, tf.cast(tf.op("GreaterEqual", others, axis), DataType.DT_INT32));
    Output<?> perm = ConvOps.concat(tf, List.of(others, tf.reshape(axis, tf.int32s(1))), 0);
    Output<?> last = tf.op("Transpose", x, perm);
    Output<?> along = tf.op("Range", tf.int64(0), dim(tf, last, rank - 1), tf.int64(1));
    Output<?> i = tf.reshape(along, tf.int64s(-1, 1));
    Output<?> j = tf.reshape(along, tf.int64s(1, -1));
    boolean exclusive = n.attrInt("exclusive", 0) != 0;
    boolean reverse = n.attrInt("reverse", 0) != 0;
    String multiplies = reverse ? (exclusive ? "Greater" : "GreaterEqual") : (exclusive ? "Less" : "LessEqual");
    // [..., i, j]: row i holds the factors of output i.
    Output<?> factors = tf.op("SelectV2", tf.op(multiplies, j, i), tf.op("ExpandDims", last, tf.int32(-2)),
        tf.scalarLike(x, 1));
    Output<?> y = tf.op("Prod", factors, tf.int32(-1));
    return one(tf.op("Transpose", y, tf.op("InvertPermutation", perm)));
  }

  /** Negative indices count back from depth; {@code values} is [off, on]; the output has their type. */
  private static Output<?>[] oneHot(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> indices = n.input(0);
    int rank = n.rank(indices);
    long axis = n.attrInt("axis", -1);
    if (axis < -rank - 1 || axis > rank) {
      throw n.fail("axis " + axis + " is outside a rank-" + (rank + 1) + " output");
    }
    // TF's OneHot takes -1 or a non-negative axis.
    long tfAxis = axis < -1 ? axis + rank + 1 : axis;
    Output<?> depth = tf.reshape(tf.cast(n.input(1), DataType.DT_INT64), tf.int64s());
    Output<?> idx = wrapNegative(tf, tf.cast(indices, DataType.DT_INT64), depth);
    Output<?> values = tf.reshape(n.input(2), tf.int64s(2));
    Output<?> off = tf.op("GatherV2", values, tf.int32(0), tf.int32(0));
    Output<?> on = tf.op("GatherV2", values, tf.int32(1), tf.int32(0));
    return one(tf.build("OneHot", b -> b.setAttr("axis", tfAxis), idx, tf.cast(depth, DataType.DT_INT32), on, off)
        .output(0));
  }

  /**
   * Keeps the elements on and above (upper) or below (lower) diagonal k of the last two axes: a
   * mask from row and column numbers, so k may be a run-time value (MatrixBandPart cannot
   * express an upper triangle starting above the diagonal).
   */
  private static Output<?>[] trilu(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    if (rank < 2) {
      throw n.fail("needs a rank ≥ 2 input, not rank " + rank);
    }
    Output<?> k = n.hasInput(1) ? tf.reshape(n.ints(1).as(tf, DataType.DT_INT64), tf.int64s()) : tf.int64(0);
    Output<?> offset = diagonalOffset(tf, dim(tf, x, rank - 2), dim(tf, x, rank - 1));
    boolean upper = n.attrInt("upper", 1) != 0;
    Output<?> keep = tf.op(upper ? "GreaterEqual" : "LessEqual", offset, k);
    return one(tf.op("SelectV2", keep, x, tf.op("ZerosLike", x)));
  }

  /** column − row for a rows × cols grid (int64 scalars in, [rows, cols] out). */
  private static Output<?> diagonalOffset(TfEmitter tf, Output<?> rows, Output<?> cols) {
    Output<?> r = tf.reshape(tf.op("Range", tf.int64(0), rows, tf.int64(1)), tf.int64s(-1, 1));
    Output<?> c = tf.reshape(tf.op("Range", tf.int64(0), cols, tf.int64(1)), tf.int64s(1, -1));
    return tf.op("Sub", c, r);
  }

  private static Output<?>[] eyeLike(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    if (n.rank(x) != 2) {
      throw n.fail("needs a rank-2 input, not rank " + n.rank(x));
    }
    DataType type = n.hasAttr("dtype") ? ElementwiseOps.dataType(n, (int) n.attrInt("dtype", 0)) : x.dataType();
    Output<?> diagonal = tf.op("Equal", diagonalOffset(tf, dim(tf, x, 0), dim(tf, x, 1)), tf.int64(n.attrInt("k", 0)));
    return one(tf.cast(diagonal, type));
  }

  /** Without an axis the input is flattened; a condition shorter than the axis leaves the rest out. */
  private static Output<?>[] compress(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int axis;
    if (n.hasAttr("axis")) {
      axis = axis(n, n.attrInt("axis", 0), n.rank(x));
    } else {
      x = tf.reshape(x, tf.int64s(-1));
      axis = 0;
    }
    // int32: GatherV2's C++ gradient mixes its indices with int32 shape arithmetic.
    Output<?> kept = tf.cast(tf.reshape(tf.op("Where", tf.cast(n.input(1), DataType.DT_BOOL)), tf.int64s(-1)),
        DataType.DT_INT32);
    return one(tf.op("GatherV2", x, kept, tf.int32(axis)));
  }
}
