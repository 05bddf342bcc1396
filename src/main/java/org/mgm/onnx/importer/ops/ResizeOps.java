package org.mgm.onnx.importer.ops;

import java.util.Arrays;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Resize and Upsample in every mode and coordinate transformation, as onnx.reference computes them.
 *
 * <p>The resizes PyTorch exports most (4-D, nearest asymmetric/floor, bilinear half-pixel or
 * align-corners, at sizes or integral scales known at import) are TF's ResizeNearestNeighbor and
 * ResizeBilinear, run NHWC. Everything else is separable: each resized axis gathers its source
 * taps (1 nearest, 2 linear, 4 cubic, more when antialiasing a downscale) at indices computed from
 * the output coordinates, weighs and sums them. The index and weight arithmetic does not depend on
 * the input's values, and GatherV2 differentiates any number of times, so the result has
 * gradients wherever the output is linear in the input. Scales, sizes and roi may be computed at
 * run time. They and roi are constants to differentiation (StopGradient): the output moves with
 * them only through the piecewise coordinate arithmetic, which no ONNX consumer differentiates.
 */
public final class ResizeOps {
  private ResizeOps() {}

  public static void register(OpRegistry r) {
    r.register("Resize", 10, ResizeOps::resize);
    r.register("Upsample", 7, 9, ResizeOps::resize);
  }

  /** The node's attributes, with the defaults of its version. */
  private record Mode(String mode, String coords, String nearest, double cubicA, boolean excludeOutside,
      double extrapolation, boolean antialias, String keepAspect) {}

  private static Mode mode(NodeContext n) {
    // Upsample and Resize-10 predate the coordinate modes: asymmetric, nearest rounding down.
    boolean legacy = n.opType().equals("Upsample") || n.sinceVersion() < 11;
    String mode = n.attrString("mode", "nearest");
    if (mode.equals("bilinear")) {
      mode = "linear";
    }
    if (!Arrays.asList("nearest", "linear", "cubic").contains(mode) || legacy && mode.equals("cubic")) {
      throw n.fail("resize mode '" + mode + "' is not supported (nearest, linear" + (legacy ? ")" : ", cubic)"));
    }
    String coords = legacy ? "asymmetric" : n.attrString("coordinate_transformation_mode", "half_pixel");
    if (!Arrays.asList("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric",
        "tf_crop_and_resize").contains(coords)) {
      throw n.fail("coordinate_transformation_mode '" + coords + "' is not supported");
    }
    String nearest = legacy ? "floor" : n.attrString("nearest_mode", "round_prefer_floor");
    if (!Arrays.asList("round_prefer_floor", "round_prefer_ceil", "floor", "ceil").contains(nearest)) {
      throw n.fail("nearest_mode '" + nearest + "' is not supported");
    }
    String keep = n.attrString("keep_aspect_ratio_policy", "stretch");
    if (!Arrays.asList("stretch", "not_larger", "not_smaller").contains(keep)) {
      throw n.fail("keep_aspect_ratio_policy '" + keep + "' is not supported");
    }
    return new Mode(mode, coords, nearest, n.attrFloat("cubic_coeff_a", -0.75f), n.attrInt("exclude_outside", 0) != 0,
        n.attrFloat("extrapolation_value", 0f), n.attrInt("antialias", 0) != 0 && !mode.equals("nearest"), keep);
  }

  private static Output<?>[] resize(NodeContext n) {
    Mode m = mode(n);
    boolean upsample = n.opType().equals("Upsample");
    int scalesInput = upsample ? (n.sinceVersion() >= 9 ? 1 : -1) : n.sinceVersion() >= 11 ? 2 : 1;
    int sizesInput = !upsample && n.sinceVersion() >= 11 ? 3 : -1;
    boolean bySizes = sizesInput > 0 && present(n, sizesInput);
    if (!bySizes && scalesInput > 0 && !present(n, scalesInput)) {
      throw n.fail("has neither scales nor sizes");
    }
    Output<?>[] fast = tfResize(n, m, scalesInput, sizesInput, bySizes);
    if (fast != null) {
      return fast;
    }
    return new Output<?>[] {gathered(n, m, scalesInput, sizesInput, bySizes)};
  }

  /** Whether optional input i is given and not an empty tensor. */
  private static boolean present(NodeContext n, int i) {
    if (!n.hasInput(i)) {
      return false;
    }
    HostTensor known = n.constantInputOrNull(i);
    if (known != null) {
      return known.size() > 0;
    }
    Shape s = n.input(i).shape();
    return s.isUnknown() || s.numDimensions() != 1 || s.get(0) != 0;
  }

  private static double[] knownScales(NodeContext n, int scalesInput) {
    if (scalesInput < 0) {
      java.util.List<Float> s = n.attrFloats("scales");
      if (s == null) {
        throw n.fail("has no scales");
      }
      return s.stream().mapToDouble(Float::doubleValue).toArray();
    }
    HostTensor t = n.constantInputOrNull(scalesInput);
    return t == null ? null : t.toDoubles();
  }

  /**
   * TF's own resize ops where they compute exactly what ONNX asks (NHWC, as they require); null
   * where they do not. With scales, TF derives its coordinates from the sizes, so only scales
   * that give integral sizes qualify.
   */
  private static Output<?>[] tfResize(NodeContext n, Mode m, int scalesInput, int sizesInput, boolean bySizes) {
    Shape x = n.inputShape(0);
    if (x.numDimensions() != 4 || x.get(2) < 0 || x.get(3) < 0 || n.hasAttr("axes") || m.antialias
        || !m.keepAspect.equals("stretch")) {
      return null;
    }
    long[] in = {x.get(0), x.get(1), x.get(2), x.get(3)};
    long[] out = new long[4];
    if (bySizes) {
      HostTensor sizes = n.constantInputOrNull(sizesInput);
      if (sizes == null || sizes.size() != 4) {
        return null;
      }
      out = sizes.longs();
    } else {
      double[] scales = knownScales(n, scalesInput);
      if (scales == null || scales.length != 4) {
        return null;
      }
      for (int i = 0; i < 4; i++) {
        out[i] = (long) Math.floor(in[i] * scales[i]);
        if (out[i] != in[i] * scales[i]) {
          return null;
        }
      }
    }
    if (out[0] != in[0] && in[0] >= 0 || out[1] != in[1] && in[1] >= 0 || in[0] < 0 || in[1] < 0) {
      return null;
    }
    boolean nearest = m.mode.equals("nearest") && m.coords.equals("asymmetric") && m.nearest.equals("floor");
    boolean align = m.mode.equals("linear") && m.coords.equals("align_corners");
    boolean half = m.mode.equals("linear") && (m.coords.equals("half_pixel")
        || m.coords.equals("pytorch_half_pixel") && out[2] > 1 && out[3] > 1);
    if (!nearest && !align && !half) {
      return null;
    }
    TfEmitter tf = n.tf();
    Output<?> size = tf.int32s((int) out[2], (int) out[3]);
    SpatialLayout nhwc = SpatialLayout.nhwcOnly();
    Output<?> xi = nhwc.in(n, 0);
    Output<?> y = nearest
        ? tf.build("ResizeNearestNeighbor", b -> b.setAttr("align_corners", false)
            .setAttr("half_pixel_centers", false), xi, size).output(0)
        : tf.build("ResizeBilinear", b -> b.setAttr("align_corners", align).setAttr("half_pixel_centers", half),
            xi, size).output(0);
    return nhwc.out(n, tf.cast(y, xi.dataType()));
  }

  /** Per resized axis: its input size, output size and scale (float64 scalars), roi start and end. */
  private record AxisPlan(int axis, Output<?> in, Output<?> out32, Output<?> scale, Output<?> roiStart,
      Output<?> roiEnd, double knownScale) {}

  private static Output<?> gathered(NodeContext n, Mode m, int scalesInput, int sizesInput, boolean bySizes) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long[] axesAttr = n.attrInts("axes");
    int[] axes = new int[axesAttr == null ? rank : axesAttr.length];
    for (int i = 0; i < axes.length; i++) {
      long a = axesAttr == null ? i : axesAttr[i];
      if (a < -rank || a >= rank) {
        throw n.fail("axis " + a + " is outside a rank-" + rank + " input");
      }
      axes[i] = (int) (a < 0 ? a + rank : a);
    }
    int k = axes.length;
    Output<?> inDims = tf.cast(tf.op("GatherV2", tf.op("Shape", x), tf.int32s(axes), tf.int32(0)), DataType.DT_DOUBLE);
    Output<?> scales;
    Output<?> outs;
    double[] known = null;
    if (bySizes) {
      Output<?> sizes = tf.cast(n.input(sizesInput), DataType.DT_DOUBLE);
      scales = tf.op("RealDiv", sizes, inDims);
      outs = sizes;
      if (!m.keepAspect.equals("stretch")) {
        Output<?> s = tf.build(m.keepAspect.equals("not_larger") ? "Min" : "Max", b -> b.setAttr("keep_dims", true),
            scales, tf.int32(0)).output(0);
        scales = tf.op("BroadcastTo", s, tf.op("Shape", inDims));
        outs = tf.op("Floor", tf.op("AddV2", tf.op("Mul", scales, inDims), d(tf, 0.5)));
      }
    } else {
      known = knownScales(n, scalesInput);
      Output<?> all = known != null ? float64(tf, HostTensor.of(known, known.length))
          : tf.cast(tf.op("StopGradient", n.input(scalesInput)), DataType.DT_DOUBLE);
      scales = all;
      if (known != null && known.length != k) {
        throw n.fail(known.length + " scales do not fit " + k + " resized axes");
      }
      outs = tf.op("Floor", tf.op("Mul", scales, inDims));
    }
    Output<?> roi = m.coords.equals("tf_crop_and_resize") && n.hasInput(1)
        ? tf.cast(tf.reshape(tf.op("StopGradient", n.input(1)), tf.int32s(-1)), DataType.DT_DOUBLE) : null;
    Output<?> y = x;
    for (int i = 0; i < k; i++) {
      double knownScale = known != null ? known[i] : Double.NaN;
      if (knownScale == 1 && roi == null) {
        continue;  // an identity in every coordinate mode
      }
      Output<?> start = roi == null ? null : tf.op("GatherV2", roi, tf.int32(i), tf.int32(0));
      Output<?> end = roi == null ? null : tf.op("GatherV2", roi, tf.int32(i + k), tf.int32(0));
      AxisPlan p = new AxisPlan(axes[i], tf.op("GatherV2", inDims, tf.int32(i), tf.int32(0)),
          tf.cast(tf.op("GatherV2", outs, tf.int32(i), tf.int32(0)), DataType.DT_INT32),
          tf.op("GatherV2", scales, tf.int32(i), tf.int32(0)), start, end, knownScale);
      y = alongAxis(n, m, y, rank, p);
    }
    return y;
  }

  private static HostTensor doubles(double... v) {
    return HostTensor.of(v).asFloating(org.mgm.tensor.ElementType.FLOAT64);
  }

  /** One axis resized: source coordinates, taps, weights, gathered and summed. */
  private static Output<?> alongAxis(NodeContext n, Mode m, Output<?> x, int rank, AxisPlan p) {
    TfEmitter tf = n.tf();
    Output<?> coord = tf.cast(tf.op("Range", tf.int32(0), p.out32, tf.int32(1)), DataType.DT_DOUBLE);
    Output<?> src = sourceCoordinates(tf, m, coord, p);
    Output<?> inInt = tf.cast(p.in, DataType.DT_INT32);
    Output<?> last = tf.op("Sub", inInt, tf.int32(1));
    Output<?> y;
    if (m.mode.equals("nearest")) {
      Output<?> idx = tf.cast(nearest(tf, m.nearest, src), DataType.DT_INT32);
      idx = tf.op("Minimum", tf.op("Maximum", idx, tf.int32(0)), last);
      y = tf.op("GatherV2", x, idx, tf.int32(p.axis));
    } else {
      y = weighted(n, m, x, rank, p, src, inInt, last);
    }
    if (m.coords.equals("tf_crop_and_resize")) {
      Output<?> outside = tf.op("LogicalOr", tf.op("Less", src, d(tf, 0)),
          tf.op("Greater", src, tf.op("Sub", p.in, d(tf, 1))));
      long[] shape = new long[rank];
      Arrays.fill(shape, 1);
      shape[p.axis] = -1;
      y = tf.op("SelectV2", tf.reshape(outside, tf.int64s(shape)), tf.scalarLike(y, m.extrapolation), y);
    }
    return y;
  }

  /**
   * A float64 constant for the coordinate arithmetic, which runs in float64 as onnx.reference's
   * does (the emitter stores floating constants in the graph's float type; the values here are
   * float32 attributes or small integers, so the cast back is exact).
   */
  private static Output<?> d(TfEmitter tf, double v) {
    return float64(tf, doubles(v));
  }

  private static Output<?> float64(TfEmitter tf, HostTensor t) {
    return tf.cast(tf.constant(t), DataType.DT_DOUBLE);
  }

  /** onnx.reference's _compute_x_ori; "output_width" is scale·input, not the integral size. */
  private static Output<?> sourceCoordinates(TfEmitter tf, Mode m, Output<?> y, AxisPlan p) {
    Output<?> width = tf.op("Mul", p.scale, p.in);
    Output<?> unit = tf.op("Equal", width, d(tf, 1));
    Output<?> halfPixel = tf.op("Sub", tf.op("RealDiv", tf.op("AddV2", y, d(tf, 0.5)), p.scale), d(tf, 0.5));
    Output<?> inLast = tf.op("Sub", p.in, d(tf, 1));
    switch (m.coords) {
      case "asymmetric":
        return tf.op("RealDiv", y, p.scale);
      case "half_pixel":
        return halfPixel;
      case "pytorch_half_pixel":
        return tf.op("SelectV2", unit, tf.op("Sub", tf.op("ZerosLike", y), d(tf, 0.5)), halfPixel);
      case "align_corners":
        return tf.op("SelectV2", unit, tf.op("ZerosLike", y),
            tf.op("RealDiv", tf.op("Mul", y, inLast), tf.op("Sub", width, d(tf, 1))));
      case "half_pixel_symmetric": {
        Output<?> adjustment = tf.op("RealDiv", tf.cast(p.out32, DataType.DT_DOUBLE), width);
        Output<?> offset = tf.op("Mul", tf.op("RealDiv", p.in, d(tf, 2)), tf.op("Sub", d(tf, 1), adjustment));
        return tf.op("AddV2", offset, halfPixel);
      }
      default: {  // tf_crop_and_resize
        Output<?> extent = tf.op("Mul", tf.op("Sub", p.roiEnd, p.roiStart), inLast);
        Output<?> spread = tf.op("SelectV2", unit, tf.op("AddV2", tf.op("ZerosLike", y), tf.op("RealDiv", extent, d(tf, 2))),
            tf.op("RealDiv", tf.op("Mul", y, extent), tf.op("Sub", width, d(tf, 1))));
        return tf.op("AddV2", spread, tf.op("Mul", p.roiStart, inLast));
      }
    }
  }

  /** The nearest_mode rounding, as onnx.reference's _nearest_coeffs picks between floor and floor + 1. */
  private static Output<?> nearest(TfEmitter tf, String mode, Output<?> x) {
    return switch (mode) {
      case "round_prefer_floor" -> tf.op("Ceil", tf.op("Sub", x, d(tf, 0.5)));
      case "round_prefer_ceil" -> tf.op("Floor", tf.op("AddV2", x, d(tf, 0.5)));
      case "floor" -> tf.op("Floor", x);
      default -> tf.op("Ceil", x);
    };
  }

  /**
   * Taps floor(x) + j for j in [start, start + count), weighed by the kernel at scale·(j − t)
   * with t = x − floor(x): the triangle (linear) or Keys' cubic with coefficient A, stretched by
   * 1/scale when antialiasing a downscale (and then normalised), as onnx.reference.
   */
  private static Output<?> weighted(NodeContext n, Mode m, Output<?> x, int rank, AxisPlan p, Output<?> src,
      Output<?> inInt, Output<?> last) {
    TfEmitter tf = n.tf();
    boolean cubic = m.mode.equals("cubic");
    double support = cubic ? 2 : 1;
    Output<?> offsets;  // [1, taps] int32
    Output<?> stretch;
    if (m.antialias && Double.isNaN(p.knownScale)) {
      // The number of taps follows the scale, known only when the graph runs.
      stretch = tf.op("Minimum", p.scale, d(tf, 1));
      Output<?> start = tf.cast(tf.op("AddV2", tf.op("Floor", tf.op("RealDiv", d(tf, -support), stretch)), d(tf, 1)),
          DataType.DT_INT32);
      Output<?> end = tf.op("Sub", tf.int32(2), start);
      offsets = tf.reshape(tf.op("Range", start, end, tf.int32(1)), tf.int32s(1, -1));
    } else {
      double s = m.antialias ? Math.min(p.knownScale, 1) : 1;
      int start = (int) Math.floor(-support / s) + 1;
      int[] taps = new int[2 - 2 * start];
      for (int j = 0; j < taps.length; j++) {
        taps[j] = start + j;
      }
      offsets = tf.constant(HostTensor.of(taps, 1, taps.length));
      stretch = d(tf, s);
    }
    Output<?> base = tf.op("Floor", src);
    Output<?> t = tf.reshape(tf.op("Sub", src, base), tf.int32s(-1, 1));  // [out, 1]
    Output<?> dist = tf.op("Abs", tf.op("Mul", tf.op("Sub", tf.cast(offsets, DataType.DT_DOUBLE), t), stretch));
    Output<?> w = cubic ? cubicKernel(tf, dist, m.cubicA)
        : tf.op("Maximum", tf.op("Sub", d(tf, 1), dist), d(tf, 0));
    Output<?> idx = tf.op("AddV2", tf.reshape(tf.cast(base, DataType.DT_INT32), tf.int32s(-1, 1)), offsets);
    if (m.excludeOutside) {
      Output<?> inside = tf.op("LogicalAnd", tf.op("GreaterEqual", idx, tf.int32(0)), tf.op("Less", idx, inInt));
      w = tf.op("SelectV2", inside, w, tf.op("ZerosLike", w));
    }
    if (m.excludeOutside || m.antialias) {
      Output<?> sum = tf.build("Sum", b -> b.setAttr("keep_dims", true), w, tf.int32(1)).output(0);
      sum = tf.op("SelectV2", tf.op("Equal", sum, d(tf, 0)), d(tf, 1), sum);
      w = tf.op("RealDiv", w, sum);
    }
    idx = tf.op("Minimum", tf.op("Maximum", idx, tf.int32(0)), last);
    Output<?> taps = tf.op("GatherV2", x, idx, tf.int32(p.axis));  // [..., out, count, ...]
    int[] ones = new int[rank - 1 - p.axis];
    Arrays.fill(ones, 1);
    Output<?> shape = ConvOps.concat(tf, java.util.List.of(tf.op("Shape", w), tf.int32s(ones)), 0);
    Output<?> weights = tf.reshape(tf.cast(w, x.dataType()), shape);
    return tf.build("Sum", b -> b.setAttr("keep_dims", false), tf.op("Mul", taps, weights),
        tf.int32(p.axis + 1)).output(0);
  }

  /** Keys' cubic convolution kernel at distances d ≥ 0. */
  private static Output<?> cubicKernel(TfEmitter tf, Output<?> dist, double a) {
    Output<?> d2 = tf.op("Mul", dist, dist);
    Output<?> d3 = tf.op("Mul", d2, dist);
    Output<?> near = tf.op("AddV2", tf.op("Sub", tf.op("Mul", d3, d(tf, a + 2)), tf.op("Mul", d2, d(tf, a + 3))), d(tf, 1));
    Output<?> far = tf.op("Sub", tf.op("AddV2", tf.op("Sub", tf.op("Mul", d3, d(tf, a)), tf.op("Mul", d2, d(tf, 5 * a))),
        tf.op("Mul", dist, d(tf, 8 * a))), d(tf, 4 * a));
    Output<?> zero = tf.op("ZerosLike", dist);
    return tf.op("SelectV2", tf.op("LessEqual", dist, d(tf, 1)), near,
        tf.op("SelectV2", tf.op("Less", dist, d(tf, 2)), far, zero));
  }
}
