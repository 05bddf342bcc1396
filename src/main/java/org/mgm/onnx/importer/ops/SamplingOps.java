package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * GridSample, as ONNX's reference computes it (PyTorch's grid_sample), for any number of spatial
 * axes: TF has no such op. Each output point reads taps (1 nearest, 2 linear, 4 cubic per axis)
 * of the channels-last input with GatherNd, whose gradient reaches X, and weighs them with
 * polynomials of the fractional coordinate, through which the gradient reaches the grid. Tap
 * indices are integer arithmetic behind StopGradient (Floor, Rint and the integer ops have no
 * gradients; the index is piecewise constant in the grid anyway).
 */
public final class SamplingOps {
  private SamplingOps() {}

  /** Keys' cubic convolution parameter, as ONNX's reference and PyTorch use. */
  private static final double CUBIC_A = -0.75;

  /** Version 16's mode names, renamed in version 20. */
  private static final Map<String, String> V16_MODES = Map.of("bilinear", "linear", "nearest", "nearest",
      "bicubic", "cubic");

  public static void register(OpRegistry r) {
    r.register("GridSample", 16, 19, n -> gridSample(n, V16_MODES.get(n.attrString("mode", "bilinear")), true));
    r.register("GridSample", 20, n -> gridSample(n, n.attrString("mode", "linear"), false));
    r.register("AffineGrid", 20, SamplingOps::affineGrid);
  }

  private record Tap(Output<?> index, Output<?> weight) {}

  private static Output<?>[] gridSample(NodeContext n, String mode, boolean only2d) {
    TfEmitter tf = n.tf();
    if (mode == null || !List.of("nearest", "linear", "cubic").contains(mode)) {
      throw n.fail("mode '" + n.attrString("mode", "") + "' is not supported ("
          + (only2d ? "bilinear, nearest, bicubic" : "linear, nearest, cubic") + ")");
    }
    String padding = n.attrString("padding_mode", "zeros");
    if (!List.of("zeros", "border", "reflection").contains(padding)) {
      throw n.fail("padding_mode '" + padding + "' is not supported (zeros, border, reflection)");
    }
    boolean align = n.attrInt("align_corners", 0) != 0;
    Output<?> x = n.input(0);
    Output<?> grid = n.input(1);
    int rank = n.rank(x);
    int k = rank - 2;
    if (k < 1 || only2d && k != 2) {
      throw n.fail("needs a rank-" + (only2d ? "4" : "3 or more") + " input, got rank " + rank);
    }
    if (n.rank(grid) != k + 2 || grid.shape().get(k + 1) >= 0 && grid.shape().get(k + 1) != k) {
      throw n.fail("grid " + grid.shape() + " does not fit a rank-" + rank + " input (needs rank " + (k + 2)
          + ", last dimension " + k + ")");
    }
    long[] dims = new long[k];
    for (int i = 0; i < k; i++) {
      dims[i] = x.shape().get(2 + i);
      if (dims[i] < 0) {
        throw n.fail("needs the spatial dimensions of X at import time, got " + x.shape());
      }
    }
    // Per spatial axis: its taps. The grid lists coordinates innermost axis first.
    List<List<Tap>> taps = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Output<?> c = tf.op("GatherV2", grid, tf.int32(k - 1 - i), tf.int32(k + 1));  // a negative axis breaks its gradient
      taps.add(axisTaps(tf, c, dims[i], mode, padding, align));
    }
    int[] toLast = new int[rank];
    toLast[0] = 0;
    for (int i = 1; i < rank - 1; i++) {
      toLast[i] = i + 1;
    }
    toLast[rank - 1] = 1;
    Output<?> channelsLast = tf.transpose(x, toLast);
    Output<?> first = taps.get(0).get(0).index();
    Output<?> batchShape = tf.shape64(first);
    long[] column = new long[k + 1];
    java.util.Arrays.fill(column, 1);
    column[0] = -1;
    Output<?> batch = tf.op("BroadcastTo", tf.reshape(tf.op("Range", tf.int64(0),
        tf.op("GatherV2", batchShape, tf.int32(0), tf.int32(0)), tf.int64(1)), tf.int64s(column)), batchShape);
    Output<?> sum = null;
    int combinations = (int) Math.pow(taps.get(0).size(), k);
    for (int combo = 0; combo < combinations; combo++) {
      List<Output<?>> coords = new ArrayList<>();
      coords.add(tf.op("ExpandDims", batch, tf.int32(-1)));
      Output<?> weight = null;
      int rest = combo;
      for (int i = 0; i < k; i++) {
        Tap t = taps.get(i).get(rest % taps.get(i).size());
        rest /= taps.get(i).size();
        coords.add(tf.op("ExpandDims", t.index(), tf.int32(-1)));
        weight = weight == null ? t.weight() : tf.op("Mul", weight, t.weight());
      }
      Output<?> read = tf.op("GatherNd", channelsLast, ConvOps.concat(tf, coords, -1));
      Output<?> term = tf.op("Mul", read, tf.op("ExpandDims", tf.cast(weight, x.dataType()), tf.int32(-1)));
      sum = sum == null ? term : tf.op("AddV2", sum, term);
    }
    int[] toFirst = new int[rank];
    toFirst[0] = 0;
    toFirst[1] = rank - 1;
    for (int i = 2; i < rank; i++) {
      toFirst[i] = i - 1;
    }
    return one(tf.transpose(sum, toFirst));
  }

  /**
   * The taps along one axis of length d for normalized coordinates c: int64 indices inside the
   * axis, and weights (0 for a tap outside it with zeros padding).
   */
  private static List<Tap> axisTaps(TfEmitter tf, Output<?> c, long d, String mode, String padding, boolean align) {
    Output<?> one = tf.scalarLike(c, 1);
    Output<?> x = align
        ? tf.op("Mul", tf.op("AddV2", c, one), tf.scalarLike(c, (d - 1) / 2.0))
        : tf.op("Mul", tf.op("Sub", tf.op("Mul", tf.op("AddV2", c, one), tf.scalarLike(c, d)), one),
            tf.scalarLike(c, 0.5));
    if (mode.equals("nearest")) {
      // Half to even, as np.rint and PyTorch round.
      x = tf.op("Rint", tf.op("StopGradient", x));
    }
    double lo = align ? 0 : -0.5;
    double hi = align ? d - 1 : d - 0.5;
    Output<?> outside = tf.op("LogicalOr", tf.op("Less", x, tf.scalarLike(c, lo)),
        tf.op("Greater", x, tf.scalarLike(c, hi)));
    // Cubic taps are mapped one by one (tap()) without first moving the coordinate, as PyTorch and
    // ONNX Runtime do; ONNX's reference moves it first, which changes the result for border
    // padding (the backend suite has no cubic case with border or reflection padding).
    boolean moved = !mode.equals("cubic");
    if (moved && padding.equals("border")) {
      x = tf.op("SelectV2", outside, clamp(tf, x, 0, d - 1), x);
    } else if (moved && padding.equals("reflection")) {
      x = tf.op("SelectV2", outside, reflect(tf, x, lo, hi), x);
    }
    List<Tap> taps = new ArrayList<>();
    if (mode.equals("nearest")) {
      taps.add(tap(tf, x, tf.scalarLike(c, 1), d, padding, lo, hi));
      return taps;
    }
    Output<?> base = tf.op("Floor", tf.op("StopGradient", x));
    Output<?> t = tf.op("Sub", x, base);
    List<Output<?>> weights = new ArrayList<>();
    int firstOffset;
    if (mode.equals("linear")) {
      weights.add(tf.op("Sub", one, t));
      weights.add(t);
      firstOffset = 0;
    } else {
      weights.add(cubicFar(tf, tf.op("AddV2", t, one)));
      weights.add(cubicNear(tf, t));
      weights.add(cubicNear(tf, tf.op("Sub", one, t)));
      weights.add(cubicFar(tf, tf.op("Sub", tf.scalarLike(c, 2), t)));
      firstOffset = -1;
    }
    for (int j = 0; j < weights.size(); j++) {
      Output<?> at = tf.op("AddV2", base, tf.scalarLike(c, firstOffset + j));
      taps.add(tap(tf, at, weights.get(j), d, padding, lo, hi));
    }
    return taps;
  }

  /** A tap at the integer-valued coordinate i (no gradient), mapped into the axis by the padding mode. */
  private static Tap tap(TfEmitter tf, Output<?> i, Output<?> weight, long d, String padding, double lo, double hi) {
    i = tf.op("StopGradient", i);
    if (padding.equals("zeros")) {
      Output<?> inside = tf.op("LogicalAnd", tf.op("GreaterEqual", i, tf.scalarLike(i, 0)),
          tf.op("LessEqual", i, tf.scalarLike(i, d - 1)));
      weight = tf.op("Mul", weight, tf.cast(inside, weight.dataType()));
    } else if (padding.equals("reflection")) {
      // Truncated toward zero after reflecting, as the reference's int().
      i = tf.cast(tf.cast(reflect(tf, i, lo, hi), DataType.DT_INT64), weight.dataType());
    }
    Output<?> index = tf.cast(clamp(tf, i, 0, d - 1), DataType.DT_INT64);
    return new Tap(index, weight);
  }

  private static Output<?> clamp(TfEmitter tf, Output<?> x, double lo, double hi) {
    return tf.op("Minimum", tf.op("Maximum", x, tf.scalarLike(x, lo)), tf.scalarLike(x, hi));
  }

  /**
   * x folded back into [lo, hi] by reflections at the borders, as the reference's _gs_reflect:
   * the number of whole spans crossed is piecewise constant (StopGradient), the remainder follows x.
   */
  private static Output<?> reflect(TfEmitter tf, Output<?> x, double lo, double hi) {
    double span = hi - lo;
    if (span <= 0) {
      return tf.op("AddV2", tf.op("Mul", x, tf.scalarLike(x, 0)), tf.scalarLike(x, lo));
    }
    Output<?> below = tf.op("Sub", tf.scalarLike(x, lo), x);
    Output<?> above = tf.op("Sub", x, tf.scalarLike(x, hi));
    Output<?> isBelow = tf.op("Less", x, tf.scalarLike(x, lo));
    Output<?> dx = tf.op("SelectV2", isBelow, below, tf.op("Maximum", above, tf.scalarLike(x, 0)));
    Output<?> spans = tf.op("Floor", tf.op("StopGradient", tf.op("Mul", dx, tf.scalarLike(x, 1 / span))));
    Output<?> r = tf.op("Sub", dx, tf.op("Mul", spans, tf.scalarLike(x, span)));
    Output<?> half = tf.op("Mul", spans, tf.scalarLike(x, 0.5));
    Output<?> even = tf.op("Equal", tf.op("Floor", half), half);
    // Below lo: an even number of spans lands r inside from lo, an odd one r inside from hi; above, mirrored.
    Output<?> fromLo = tf.op("AddV2", tf.scalarLike(x, lo), r);
    Output<?> fromHi = tf.op("Sub", tf.scalarLike(x, hi), r);
    Output<?> folded = tf.op("SelectV2", tf.op("Equal", isBelow, even), fromLo, fromHi);
    Output<?> inside = tf.op("LogicalAnd", tf.op("GreaterEqual", x, tf.scalarLike(x, lo)),
        tf.op("LessEqual", x, tf.scalarLike(x, hi)));
    return tf.op("SelectV2", inside, x, folded);
  }

  /** Keys' kernel for |s| ≤ 1. */
  private static Output<?> cubicNear(TfEmitter tf, Output<?> s) {
    // ((a + 2)·s − (a + 3))·s² + 1
    Output<?> inner = tf.op("Sub", tf.op("Mul", s, tf.scalarLike(s, CUBIC_A + 2)), tf.scalarLike(s, CUBIC_A + 3));
    return tf.op("AddV2", tf.op("Mul", inner, tf.op("Mul", s, s)), tf.scalarLike(s, 1));
  }

  /** Keys' kernel for 1 ≤ |s| ≤ 2. */
  private static Output<?> cubicFar(TfEmitter tf, Output<?> s) {
    // ((a·s − 5a)·s + 8a)·s − 4a
    Output<?> p = tf.op("Sub", tf.op("Mul", s, tf.scalarLike(s, CUBIC_A)), tf.scalarLike(s, 5 * CUBIC_A));
    p = tf.op("AddV2", tf.op("Mul", p, s), tf.scalarLike(s, 8 * CUBIC_A));
    return tf.op("Sub", tf.op("Mul", p, s), tf.scalarLike(s, 4 * CUBIC_A));
  }

  /**
   * theta [N, k, k+1] applied to the homogeneous pixel centres (x innermost, then y, z; 1 last)
   * of an output of size (N, C, spatial...), normalized to [-1, 1] as ONNX's reference does.
   * The size may be a run-time value (the backend suite feeds it); its length must be static.
   */
  private static Output<?>[] affineGrid(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> theta = n.input(0);
    long length = n.ints(1).length();
    if (length != 4 && length != 5) {
      throw n.fail("size must have 4 (N, C, H, W) or 5 (N, C, D, H, W) entries, got "
          + (length < 0 ? "an unknown number" : length));
    }
    int k = (int) length - 2;
    if (n.rank(theta) != 3) {
      throw n.fail("theta must be [N, " + k + ", " + (k + 1) + "], got " + theta.shape());
    }
    boolean align = n.attrInt("align_corners", 0) != 0;
    Output<?> size = tf.reshape(n.ints(1).as(tf, DataType.DT_INT64), tf.int64s(-1));
    Output<?> spatial = tf.op("Slice", size, tf.int64s(2), tf.int64s(k));
    List<Output<?>> components = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      int axis = k - 1 - j;
      Output<?> steps = tf.op("GatherV2", spatial, tf.int32(axis), tf.int32(0));
      Output<?> count = tf.cast(steps, theta.dataType());
      Output<?> i = tf.cast(tf.op("Range", tf.int64(0), steps, tf.int64(1)), theta.dataType());
      Output<?> one = tf.scalarLike(theta, 1);
      // align: (2i − (L − 1)) / (L − 1), and 0 for a single step, as PyTorch's affine_grid (which
      // the spec names as its definition) does; ONNX's reference gives −1 there and ONNX Runtime
      // 1. Else the centres (2i + 1) / L − 1.
      Output<?> twice = tf.op("Mul", i, tf.scalarLike(theta, 2));
      Output<?> a = align
          ? tf.op("RealDiv", tf.op("Sub", twice, tf.op("Sub", count, one)), tf.op("Maximum", tf.op("Sub", count, one), one))
          : tf.op("Sub", tf.op("RealDiv", tf.op("AddV2", twice, one), count), one);
      long[] column = new long[k];
      java.util.Arrays.fill(column, 1);
      column[axis] = -1;
      components.add(tf.op("BroadcastTo", tf.reshape(a, tf.int64s(column)), spatial));
    }
    components.add(tf.op("Fill", spatial, tf.scalarLike(theta, 1)));
    List<Output<?>> stacked = new ArrayList<>();
    components.forEach(c -> stacked.add(tf.op("ExpandDims", c, tf.int32(-1))));
    Output<?> base = tf.reshape(ConvOps.concat(tf, stacked, -1), tf.int64s(-1, k + 1));
    // [N, k, k+1] · [k+1, P] = [N, k, P] → [N, P, k] → [N, spatial..., k]
    Output<?> grid = tf.op("BatchMatMulV2", theta, tf.transpose(base, 1, 0));
    Output<?> batch = tf.op("Slice", tf.shape64(theta), tf.int64s(0), tf.int64s(1));
    return one(tf.reshape(tf.transpose(grid, 0, 2, 1), ConvOps.concat(tf, List.of(batch, spatial, tf.int64s(k)), 0)));
  }
}
