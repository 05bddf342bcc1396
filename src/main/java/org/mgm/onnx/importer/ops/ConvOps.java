package org.mgm.onnx.importer.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * Conv and ConvTranspose in 1-D, 2-D and 3-D, all built on TF's 2-D convolutions.
 *
 * <p>Padding is always explicit followed by a VALID op: TF's SAME puts the odd pad at the end
 * where PyTorch puts it at the start (stride 2), and Conv2D's C++ gradient ignores
 * explicit_paddings and dilations. Dilation is therefore a filter with zeros inserted between its
 * taps (Pad and Reshape, which differentiate any number of times), run undilated. Groups are split
 * into separate convolutions and concatenated, which has gradients on every CPU build (grouped
 * Conv2D needs oneDNN), second order included. 1-D convolutions are 2-D ones over a unit height.
 * 3-D ones are 2-D ones over (batch × output depth): the kernel's depth taps are stacked as
 * channels (Conv3D has no C++ gradient in TF 2.18), and ConvTranspose's depth taps are spread back
 * over the output depth by zero insertion and summed.
 */
public final class ConvOps {
  private ConvOps() {}

  public static void register(OpRegistry r) {
    r.register("Conv", 1, ConvOps::conv);
    r.register("ConvTranspose", 1, ConvOps::convTranspose);
  }

  /** Per spatial axis; pads are ONNX's begins then ends. */
  private record Geometry(long[] kernel, long[] strides, long[] dilations, long[] pads, int group) {
    int rank() {
      return kernel.length;
    }

    /** The dilated kernel's extent along axis i. */
    long span(int i) {
      return (kernel[i] - 1) * dilations[i] + 1;
    }

    boolean dilated() {
      return Arrays.stream(dilations).anyMatch(d -> d != 1);
    }

    /** A 2-D geometry of this 3-D one's height and width, unpadded. */
    Geometry hw() {
      return new Geometry(new long[] {kernel[1], kernel[2]}, new long[] {strides[1], strides[2]},
          new long[] {dilations[1], dilations[2]}, new long[4], group);
    }

    /** This 1-D geometry as a 2-D one over a unit height. */
    Geometry lifted() {
      return new Geometry(new long[] {1, kernel[0]}, new long[] {1, strides[0]}, new long[] {1, dilations[0]},
          new long[] {0, pads[0], 0, pads[1]}, group);
    }
  }

  private static Geometry geometry(NodeContext n, Shape x, Shape w) {
    int k = x.numDimensions() >= 0 ? x.numDimensions() - 2 : w.numDimensions() - 2;
    if (k < 1 || k > 3) {
      throw n.fail("only 1-D, 2-D and 3-D convolutions are supported, input is " + x + ", weight " + w);
    }
    long[] kernel = n.attrInts("kernel_shape");
    if (kernel == null) {
      kernel = new long[k];
      for (int i = 0; i < k; i++) {
        if (w.isUnknown() || w.get(2 + i) < 0) {
          throw n.fail("kernel_shape is missing and the weight's shape is unknown");
        }
        kernel[i] = w.get(2 + i);
      }
    }
    long[] strides = orOnes(n.attrInts("strides"), k);
    long[] dilations = orOnes(n.attrInts("dilations"), k);
    long[] pads = n.attrInts("pads");
    if (pads == null) {
      pads = new long[2 * k];
    }
    if (kernel.length != k || strides.length != k || dilations.length != k || pads.length != 2 * k) {
      throw n.fail("kernel_shape, strides, dilations or pads do not fit a " + k + "-D convolution");
    }
    return new Geometry(kernel, strides, dilations, pads, (int) n.attrInt("group", 1));
  }

  private static long[] orOnes(long[] v, int k) {
    if (v != null) {
      return v;
    }
    long[] ones = new long[k];
    Arrays.fill(ones, 1);
    return ones;
  }

  /** Static spatial size i of an NC… shape, failing by node where it is unknown. */
  private static long spatial(NodeContext n, Shape x, int i, String why) {
    long s = x.isUnknown() ? -1 : x.get(2 + i);
    if (s < 0) {
      throw n.fail(why + " needs static spatial sizes, input is " + x);
    }
    return s;
  }

  private static Output<?>[] conv(NodeContext n) {
    Shape x = n.inputShape(0);
    Geometry g = geometry(n, x, n.inputShape(1));
    String autoPad = n.attrString("auto_pad", "NOTSET");
    if (autoPad.startsWith("SAME")) {
      long[] pads = new long[2 * g.rank()];
      for (int i = 0; i < g.rank(); i++) {
        long in = spatial(n, x, i, "auto_pad " + autoPad);
        long out = (in + g.strides[i] - 1) / g.strides[i];
        long total = Math.max((out - 1) * g.strides[i] + g.span(i) - in, 0);
        pads[i] = autoPad.equals("SAME_LOWER") ? total - total / 2 : total / 2;
        pads[i + g.rank()] = total - pads[i];
      }
      g = new Geometry(g.kernel, g.strides, g.dilations, pads, g.group);
    } else if (autoPad.equals("VALID")) {
      g = new Geometry(g.kernel, g.strides, g.dilations, new long[2 * g.rank()], g.group);
    }
    return switch (g.rank()) {
      case 1 -> conv1d(n, g);
      case 2 -> conv2dNode(n, g);
      default -> conv3d(n, x, g);
    };
  }

  private static Output<?>[] conv2dNode(NodeContext n, Geometry g) {
    TfEmitter tf = n.tf();
    SpatialLayout layout = SpatialLayout.forInput(n, 0);
    // [M, C/g, kh, kw] → [kh, kw, C/g, M]
    Output<?> y = conv2d(tf, layout, layout.in(n, 0), n.inputTransposed(1, 2, 3, 1, 0), g);
    if (n.hasInput(2)) {
      y = layout.addBias(tf, y, n.input(2));
    }
    return layout.out(n, y);
  }

  /** x (in {@code layout}) convolved with filter [kh, kw, C/g, M] by a 2-D geometry. */
  private static Output<?> conv2d(TfEmitter tf, SpatialLayout layout, Output<?> x, Output<?> filter, Geometry g) {
    Output<?> xi = layout.padSpatial(tf, x, g.pads);
    return grouped(tf, layout, g, "Conv2D", null, xi, dilatedFilter(tf, filter, g));
  }

  /** [N, C, W] as NHWC [N, 1, W, C], filter [M, C/g, k] as [1, k, C/g, M]; the result back to [N, M, W']. */
  private static Output<?>[] conv1d(NodeContext n, Geometry g) {
    TfEmitter tf = n.tf();
    SpatialLayout nhwc = SpatialLayout.nhwcOnly();
    Output<?> x = tf.op("ExpandDims", tf.transpose(n.input(0), 0, 2, 1), tf.int32(1));
    Output<?> filter = tf.op("ExpandDims", n.inputTransposed(1, 2, 1, 0), tf.int32(0));
    Output<?> y = conv2d(tf, nhwc, x, filter, g.lifted());
    return withBias(n, fromUnitHeight(tf, y), 3);
  }

  private static Output<?> fromUnitHeight(TfEmitter tf, Output<?> nhwc) {
    Output<?> y = tf.build("Squeeze", b -> b.setAttr("squeeze_dims", new long[] {1}), nhwc).output(0);
    return tf.transpose(y, 0, 2, 1);
  }

  private static Output<?>[] withBias(NodeContext n, Output<?> y, int rank) {
    if (n.hasInput(2)) {
      long[] shape = new long[rank];
      Arrays.fill(shape, 1);
      shape[1] = -1;
      y = n.tf().op("AddV2", y, n.tf().reshape(n.input(2), n.tf().int64s(shape)));
    }
    return new Output<?>[] {y};
  }

  /**
   * Conv over D, H, W as one 2-D convolution: for each output depth, the kd input planes its
   * kernel reads are stacked as channels (group-major, then tap, then channel, the order of the
   * reshaped filter), and (batch, output depth) become the 2-D batch.
   */
  private static Output<?>[] conv3d(NodeContext n, Shape x, Geometry g) {
    TfEmitter tf = n.tf();
    Shape w = n.inputShape(1);
    if (w.isUnknown() || w.get(1) < 0 || w.get(0) < 0) {
      throw n.fail("the weight's shape must be static, it is " + w);
    }
    long[] padded = new long[3];
    for (int i = 0; i < 3; i++) {
      padded[i] = spatial(n, x, i, "a 3-D convolution") + g.pads[i] + g.pads[i + 3];
    }
    long outD = (padded[0] - g.span(0)) / g.strides[0] + 1;
    long perGroup = w.get(1);
    Output<?> xs = tf.transpose(n.input(0), 0, 2, 3, 4, 1);  // [N, D, H, W, C]
    xs = tf.op("Pad", xs, tf.reshape(tf.int32s(0, 0, (int) g.pads[0], (int) g.pads[3], (int) g.pads[1],
        (int) g.pads[4], (int) g.pads[2], (int) g.pads[5], 0, 0), tf.int32s(5, 2)));
    List<Output<?>> stacked = new ArrayList<>();
    for (Output<?> group : split(tf, xs, 4, g.group)) {
      for (int i = 0; i < g.kernel[0]; i++) {
        stacked.add(depthTaps(tf, group, i * g.dilations[0], outD, g.strides[0]));
      }
    }
    long channels = g.group * g.kernel[0] * perGroup;
    Output<?> x2 = tf.reshape(concat(tf, stacked, 4), tf.int64s(-1, padded[1], padded[2], channels));
    // [M, C/g, kd, kh, kw] → [kh, kw, kd, C/g, M] → [kh, kw, kd·C/g, M]
    Output<?> filter = tf.reshape(n.inputTransposed(1, 3, 4, 2, 1, 0),
        tf.int64s(g.kernel[1], g.kernel[2], g.kernel[0] * perGroup, w.get(0)));
    Output<?> y = conv2d(tf, SpatialLayout.nhwcOnly(), x2, filter, g.hw());
    long outH = (padded[1] - g.span(1)) / g.strides[1] + 1;
    long outW = (padded[2] - g.span(2)) / g.strides[2] + 1;
    y = tf.reshape(y, tf.int64s(-1, outD, outH, outW, w.get(0)));
    return withBias(n, tf.transpose(y, 0, 4, 1, 2, 3), 5);
  }

  /** int32: the C++ gradients of Slice and StridedSlice do their shape arithmetic in int32. */
  private static int[] toInts(long... v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.toIntExact(v[i]);
    }
    return out;
  }

  /** x[:, from :: stride] along axis 1, outD planes. */
  private static Output<?> depthTaps(TfEmitter tf, Output<?> x, long from, long outD, long stride) {
    java.util.function.Function<long[], Output<?>> ints32 = v -> tf.int32s(toInts(v));
    if (stride == 1) {
      return tf.op("Slice", x, ints32.apply(new long[] {0, from, 0, 0, 0}), ints32.apply(new long[] {-1, outD, -1, -1, -1}));
    }
    // Masks keep every axis but depth whole.
    return tf.build("StridedSlice", b -> b.setAttr("begin_mask", 0b11101L).setAttr("end_mask", 0b11101L),
        x, ints32.apply(new long[] {0, from, 0, 0, 0}),
        ints32.apply(new long[] {0, from + (outD - 1) * stride + 1, 0, 0, 0}), ints32.apply(new long[] {1, stride, 1, 1, 1})).output(0);
  }

  /**
   * A [kh, kw, in, out] filter with dilation − 1 zeros between its taps along kh and kw: each axis
   * gets a zero block after every tap (ExpandDims, Pad, Reshape) and the trailing block is cut.
   */
  private static Output<?> dilatedFilter(TfEmitter tf, Output<?> filter, Geometry g) {
    if (!g.dilated()) {
      return filter;
    }
    Output<?> f = filter;
    for (int axis = 0; axis < 2; axis++) {
      long d = g.dilations[axis];
      if (d == 1) {
        continue;
      }
      int[] pads = new int[10];
      pads[2 * (axis + 1) + 1] = (int) (d - 1);
      Output<?> spread = tf.op("Pad", tf.op("ExpandDims", f, tf.int32(axis + 1)), tf.reshape(tf.int32s(pads), tf.int32s(5, 2)));
      Output<?> shape = tf.op("Shape", f);
      Output<?> scaled = tf.op("Mul", shape, tf.int32s(axis == 0 ? (int) d : 1, axis == 1 ? (int) d : 1, 1, 1));
      f = tf.reshape(spread, scaled);
      long[] size = {-1, -1, -1, -1};
      size[axis] = g.span(axis);
      f = tf.op("Slice", f, tf.int32s(0, 0, 0, 0), tf.int32s(toInts(size)));
    }
    return f;
  }

  /**
   * Conv2DBackpropInput with VALID padding produces the full transposed convolution
   * (s·(in−1) + span + output_padding per axis); ONNX pads are then cropped with Slice, which — unlike
   * StridedSlice — can be differentiated twice. Negative pads (an output_shape larger than the
   * full size) add zeros.
   */
  private static Output<?>[] convTranspose(NodeContext n) {
    Shape x = n.inputShape(0);
    Shape w = n.inputShape(1);
    Geometry g = geometry(n, x, w);
    int k = g.rank();
    long[] outPad = n.attrInts("output_padding");
    if (outPad == null) {
      outPad = new long[k];
    }
    long[] outputShape = n.attrInts("output_shape");
    String autoPad = n.attrString("auto_pad", "NOTSET");
    long[] pads = autoPad.equals("VALID") ? new long[2 * k] : g.pads.clone();
    if (outputShape != null || autoPad.startsWith("SAME")) {
      for (int i = 0; i < k; i++) {
        long in = spatial(n, x, i, "output_shape / auto_pad");
        long out = outputShape != null ? outputShape[outputShape.length - k + i] : in * g.strides[i];
        long total = g.strides[i] * (in - 1) + outPad[i] + g.span(i) - out;
        // floorDiv as onnx.reference: a negative total (output_shape beyond the full size) pads.
        long half = Math.floorDiv(total, 2);
        pads[i] = autoPad.equals("SAME_UPPER") ? half : total - half;
        pads[i + k] = total - pads[i];
      }
    }
    if (w.isUnknown() || w.get(1) < 0) {
      throw n.fail("the weight's shape must be static, it is " + w);
    }
    Geometry full = new Geometry(g.kernel, g.strides, g.dilations, pads, g.group);
    return switch (k) {
      case 1 -> convTranspose1d(n, full, outPad, w.get(1));
      case 2 -> convTranspose2dNode(n, x, full, outPad, w.get(1));
      default -> convTranspose3d(n, x, full, outPad, w);
    };
  }

  private static Output<?>[] convTranspose2dNode(NodeContext n, Shape x, Geometry g, long[] outPad, long outPerGroup) {
    TfEmitter tf = n.tf();
    SpatialLayout layout = SpatialLayout.forInput(n, 0);
    // [C_in, M/g, kh, kw] → [kh, kw, M/g, C_in]
    Output<?> y = transposed2d(tf, layout, layout.in(n, 0), n.inputTransposed(1, 2, 3, 1, 0), g, outPad, outPerGroup);
    long inH = x.isUnknown() ? -1 : x.get(2);
    long inW = x.isUnknown() ? -1 : x.get(3);
    if (inH >= 0 && inW >= 0) {
      // The output size went through run-time shape arithmetic, which TF's shape inference does
      // not follow; a reshape to the (static) result restores the spatial sizes for later ops.
      long outH = g.strides[0] * (inH - 1) + g.span(0) + outPad[0] - g.pads[0] - g.pads[2];
      long outW = g.strides[1] * (inW - 1) + g.span(1) + outPad[1] - g.pads[1] - g.pads[3];
      y = tf.reshape(y, tf.int64s(layout.dims(-1, outPerGroup * g.group, outH, outW)));
    }
    if (n.hasInput(2)) {
      y = layout.addBias(tf, y, n.input(2));
    }
    return layout.out(n, y);
  }

  /**
   * The transposed convolution of x (in {@code layout}) with filter [kh, kw, M/g, C_in], cropped
   * by the geometry's pads; {@code outPerGroup} output channels per group.
   */
  private static Output<?> transposed2d(TfEmitter tf, SpatialLayout layout, Output<?> x, Output<?> filter,
      Geometry g, long[] outPad, long outPerGroup) {
    Output<?> shape = tf.op("Shape", x);  // int32
    Output<?> batch = dim(tf, shape, 0);
    Output<?> fullH = full(tf, dim(tf, shape, layout.heightAxis()), g.strides[0], g.span(0), outPad[0]);
    Output<?> fullW = full(tf, dim(tf, shape, layout.heightAxis() + 1), g.strides[1], g.span(1), outPad[1]);
    Output<?> channels = tf.int32s((int) outPerGroup);
    Output<?> sizes = layout.nhwc ? pack(tf, batch, fullH, fullW, channels) : pack(tf, batch, channels, fullH, fullW);
    Output<?> y = grouped(tf, layout, g, "Conv2DBackpropInput", sizes, x, dilatedFilter(tf, filter, g));
    long[] pads = g.pads;
    if (Arrays.stream(pads).anyMatch(p -> p < 0)) {
      long[] grow = new long[4];
      for (int i = 0; i < 4; i++) {
        grow[i] = Math.max(-pads[i], 0);
      }
      y = layout.padSpatial(tf, y, grow);
      fullH = tf.op("AddV2", fullH, tf.int32((int) (grow[0] + grow[2])));
      fullW = tf.op("AddV2", fullW, tf.int32((int) (grow[1] + grow[3])));
      pads = Arrays.stream(pads).map(p -> Math.max(p, 0)).toArray();
    }
    if (pads[0] != 0 || pads[1] != 0 || pads[2] != 0 || pads[3] != 0) {
      Output<?> all = tf.int32s(-1);
      Output<?> h = tf.op("Sub", fullH, tf.int32((int) (pads[0] + pads[2])));
      Output<?> wd = tf.op("Sub", fullW, tf.int32((int) (pads[1] + pads[3])));
      Output<?> size = layout.nhwc ? pack(tf, all, h, wd, all) : pack(tf, all, all, h, wd);
      long[] begin = layout.dims(0, 0, pads[0], pads[1]);
      y = tf.op("Slice", y, tf.int32s((int) begin[0], (int) begin[1], (int) begin[2], (int) begin[3]), size);
    }
    return y;
  }

  /** [N, C, W] as NHWC [N, 1, W, C], filter [C, M/g, k] as [1, k, M/g, C]. */
  private static Output<?>[] convTranspose1d(NodeContext n, Geometry g, long[] outPad, long outPerGroup) {
    TfEmitter tf = n.tf();
    Output<?> x = tf.op("ExpandDims", tf.transpose(n.input(0), 0, 2, 1), tf.int32(1));
    Output<?> filter = tf.op("ExpandDims", n.inputTransposed(1, 2, 1, 0), tf.int32(0));
    Output<?> y = transposed2d(tf, SpatialLayout.nhwcOnly(), x, filter, g.lifted(), new long[] {0, outPad[0]},
        outPerGroup);
    return withBias(n, fromUnitHeight(tf, y), 3);
  }

  /**
   * One 2-D transposed convolution over (batch × input depth) whose output channels are
   * (group, depth tap, channel); each tap's planes are then spread over the output depth (zeros
   * between input planes, for the stride) at the tap's offset, summed, and cropped by the pads.
   */
  private static Output<?>[] convTranspose3d(NodeContext n, Shape x, Geometry g, long[] outPad, Shape w) {
    TfEmitter tf = n.tf();
    long[] in = new long[3];
    for (int i = 0; i < 3; i++) {
      in[i] = spatial(n, x, i, "a 3-D transposed convolution");
    }
    long perGroup = w.get(1);
    long outChannels = perGroup * g.group;
    long kd = g.kernel[0];
    Output<?> x2 = tf.reshape(tf.transpose(n.input(0), 0, 2, 3, 4, 1), tf.int64s(-1, in[1], in[2], x.get(1)));
    // [C_in, M/g, kd, kh, kw] → [kh, kw, kd, M/g, C_in] → [kh, kw, kd·M/g, C_in]
    Output<?> filter = tf.reshape(n.inputTransposed(1, 3, 4, 2, 1, 0),
        tf.int64s(g.kernel[1], g.kernel[2], kd * perGroup, x.get(1)));
    long[] fullSize = new long[3];
    for (int i = 0; i < 3; i++) {
      fullSize[i] = g.strides[i] * (in[i] - 1) + g.span(i) + outPad[i];
    }
    Geometry hw = new Geometry(g.hw().kernel, g.hw().strides, g.hw().dilations, new long[4], g.group);
    Output<?> planes = transposed2d(tf, SpatialLayout.nhwcOnly(), x2, filter, hw,
        new long[] {outPad[1], outPad[2]}, kd * perGroup);
    planes = tf.reshape(planes, tf.int64s(-1, in[0], fullSize[1], fullSize[2], g.group, kd, perGroup));
    List<Output<?>> taps = new ArrayList<>();
    for (int i = 0; i < kd; i++) {
      Output<?> tap = tf.op("Slice", planes, tf.int32s(0, 0, 0, 0, 0, i, 0), tf.int32s(-1, -1, -1, -1, -1, 1, -1));
      tap = tf.reshape(tap, tf.int64s(-1, in[0], fullSize[1], fullSize[2], outChannels));
      taps.add(spreadOverDepth(tf, tap, in[0], g.strides[0], i * g.dilations[0], fullSize[0],
          new long[] {fullSize[1], fullSize[2], outChannels}));
    }
    Output<?> y = taps.size() == 1 ? taps.get(0) : tf.build("AddN", b -> b.addInputList(taps.toArray(new Output<?>[0])))
        .output(0);
    y = cropOrPad5d(tf, y, g.pads, fullSize);
    return withBias(n, tf.transpose(y, 0, 4, 1, 2, 3), 5);
  }

  /** [N, D, ...rest] planes placed at depth offset + stride·j of a zero [N, fullD, ...rest]. */
  private static Output<?> spreadOverDepth(TfEmitter tf, Output<?> tap, long depth, long stride, long offset,
      long fullD, long[] rest) {
    Output<?> spread = tap;
    long length = depth;
    if (stride > 1) {
      spread = tf.op("Pad", tf.op("ExpandDims", tap, tf.int32(2)),
          tf.reshape(tf.int32s(0, 0, 0, 0, 0, (int) (stride - 1), 0, 0, 0, 0, 0, 0), tf.int32s(6, 2)));
      length = depth * stride;
      spread = tf.reshape(spread, tf.int64s(-1, length, rest[0], rest[1], rest[2]));
    }
    long keep = Math.min(length, fullD - offset);  // trailing zeros of the last stride block may overhang
    if (keep < length) {
      spread = tf.op("Slice", spread, tf.int32s(0, 0, 0, 0, 0), tf.int32s(-1, (int) keep, -1, -1, -1));
    }
    return tf.op("Pad", spread, tf.reshape(tf.int32s(0, 0, (int) offset, (int) (fullD - offset - keep),
        0, 0, 0, 0, 0, 0), tf.int32s(5, 2)));
  }

  /** [N, D, H, W, C] cropped by ONNX pads (begins, ends over D, H, W); negative pads add zeros. */
  private static Output<?> cropOrPad5d(TfEmitter tf, Output<?> y, long[] pads, long[] fullSize) {
    int[] grow = new int[10];
    long[] begin = new long[5];
    long[] size = {-1, 0, 0, 0, -1};
    boolean any = false;
    for (int i = 0; i < 3; i++) {
      grow[2 * (i + 1)] = (int) Math.max(-pads[i], 0);
      grow[2 * (i + 1) + 1] = (int) Math.max(-pads[i + 3], 0);
      any |= pads[i] < 0 || pads[i + 3] < 0;
      begin[i + 1] = Math.max(pads[i], 0);
      size[i + 1] = fullSize[i] - pads[i] - pads[i + 3];
    }
    if (any) {
      y = tf.op("Pad", y, tf.reshape(tf.int32s(grow), tf.int32s(5, 2)));
    }
    return tf.op("Slice", y, tf.int32s(toInts(begin)), tf.int32s(toInts(size)));
  }

  /**
   * One VALID convolution per group on channel slices of x and filter slices along the filter's
   * last axis, concatenated. {@code sizes} is Conv2DBackpropInput's output-size input (else null).
   */
  private static Output<?> grouped(TfEmitter tf, SpatialLayout layout, Geometry g, String op, Output<?> sizes,
      Output<?> x, Output<?> filter) {
    if (op.equals("Conv2D") && g.group == 1 && isPointwise(filter)) {
      return pointwise(tf, layout, g, x, filter);
    }
    if (op.equals("Conv2D") && g.group > 1 && layout.nhwc && filter.shape().numDimensions() == 4
        && filter.shape().get(2) == 1) {
      return depthwise(tf, layout, g, x, filter);
    }
    List<Output<?>> xs = split(tf, x, layout.channelAxis(), g.group);
    List<Output<?>> fs = split(tf, filter, 3, g.group);
    List<Output<?>> ys = new ArrayList<>();
    for (int i = 0; i < g.group; i++) {
      if (sizes != null) {
        ys.add(transposedWithSafeChannels(tf, layout, g, sizes, xs.get(i), fs.get(i)));
        continue;
      }
      Output<?>[] inputs = withSafeChannels(tf, layout, xs.get(i), fs.get(i));
      ys.add(tf.build(op, b -> b.setAttr("strides", layout.strides(g.strides[0], g.strides[1]))
          .setAttr("padding", "VALID").setAttr("data_format", layout.dataFormat()), inputs).output(0));
    }
    return concat(tf, ys, layout.channelAxis());
  }

  /**
   * {x, filter} for a Conv2D, with x's channels and the filter's input channels zero-padded up to
   * a multiple of 32 where the count is one that TF 2.18's oneDNN Conv2DBackpropInput gets wrong.
   * On AVX-512 CPUs it returns input gradients off by 50–100 % (right in float64 and with
   * TF_ENABLE_ONEDNN_OPTS=0) when the convolution has more than 32 input channels and 1–16 left
   * over after the last full block of 32 (measured for every count up to 136: 33–48, 65–80,
   * 97–112, 129–136 wrong, all others right), for 3×3, 5×5, 7×7, 1×7 and 7×1 filters, strides 1
   * and 2, at most spatial sizes. That corrupted the input gradients of SqueezeNet (48 channels
   * into a 3×3), Inception v3 and RegNet. The zero channels add nothing to the forward and their
   * gradient is sliced off by Pad's; multiples of 32 were right in every configuration tried.
   * (1×1 filters, where the same fault first showed, are matrix products: see pointwise.)
   */
  private static Output<?>[] withSafeChannels(TfEmitter tf, SpatialLayout layout, Output<?> x, Output<?> filter) {
    long c = filter.shape().numDimensions() == 4 ? filter.shape().get(2) : -1;
    if (!unsafeChannels(c, x)) {
      return new Output<?>[] {x, filter};
    }
    int extra = Math.toIntExact(32 - c % 32);
    // Zeros concatenated rather than Pad: oneDNN's graph pass fuses a Pad into the Conv2D that
    // reads it as spatial padding, and a channel Pad then gave "input depth must be evenly
    // divisible by filter depth" (on x) or aborted the process (on the filter).
    Output<?> xp = concat(tf, List.of(x, zerosAlong(tf, x, layout.channelAxis(), extra)), layout.channelAxis());
    Output<?> fp = concat(tf, List.of(filter, zerosAlong(tf, filter, 2, extra)), 2);
    return new Output<?>[] {xp, fp};
  }

  /**
   * Conv2DBackpropInput as ConvTranspose's forward, whose output channels are the kernel's input
   * gradient channels: the same oneDNN fault as withSafeChannels made the forward of a
   * ConvTranspose with 33–48, 65–80... output channels (per group) 60 % wrong. The filter gets
   * zero output channels up to a multiple of 32 and the result is sliced back.
   */
  private static Output<?> transposedWithSafeChannels(TfEmitter tf, SpatialLayout layout, Geometry g, Output<?> sizes,
      Output<?> x, Output<?> filter) {
    long m = filter.shape().numDimensions() == 4 ? filter.shape().get(2) : -1;
    int extra = unsafeChannels(m, x) ? Math.toIntExact(32 - m % 32) : 0;
    Output<?> f = extra == 0 ? filter : concat(tf, List.of(filter, zerosAlong(tf, filter, 2, extra)), 2);
    int[] grow = new int[4];
    grow[layout.channelAxis()] = extra;
    Output<?> s = extra == 0 ? sizes : tf.op("AddV2", sizes, tf.int32s(grow));
    Output<?> y = tf.build("Conv2DBackpropInput", b -> b.setAttr("strides", layout.strides(g.strides[0], g.strides[1]))
        .setAttr("padding", "VALID").setAttr("data_format", layout.dataFormat()), s, f, x).output(0);
    if (extra == 0) {
      return y;
    }
    // SplitV, not Slice: Slice's gradient is a Pad, which oneDNN would fuse into the Conv2D of
    // the backward pass as spatial padding (see withSafeChannels); SplitV's is a ConcatV2.
    return tf.build("SplitV", b -> b.setAttr("num_split", 2), y, tf.int32s(Math.toIntExact(m), extra),
        tf.int32(layout.channelAxis())).output(0);
  }

  /** Whether a float32 kernel with c input-gradient channels is one oneDNN gets wrong (see withSafeChannels). */
  private static boolean unsafeChannels(long c, Output<?> x) {
    long tail = c % 32;
    // oneDNN runs float32 (and narrower) only; float64 takes TF's own kernels.
    return c > 32 && tail != 0 && tail <= 16 && x.dataType() != org.tensorflow.proto.DataType.DT_DOUBLE;
  }

  /** Zeros of t's rank-4 shape with {@code count} along {@code axis}. */
  private static Output<?> zerosAlong(TfEmitter tf, Output<?> t, int axis, int count) {
    Output<?> shape = tf.op("Shape", t);
    Output<?> dims = concat(tf, List.of(tf.op("Slice", shape, tf.int32s(0), tf.int32s(axis)), tf.int32s(count),
        tf.op("Slice", shape, tf.int32s(axis + 1), tf.int32s(3 - axis))), 0);
    return tf.op("Fill", dims, tf.scalarLike(t, 0));
  }

  private static boolean isPointwise(Output<?> filter) {
    Shape f = filter.shape();
    return f.numDimensions() == 4 && f.get(0) == 1 && f.get(1) == 1 && f.get(2) > 0 && f.get(3) > 0;
  }

  /**
   * A 1×1 convolution as a matrix product over channels (after a strided slice when strided).
   * TF's oneDNN kernel for Conv2DBackpropInput returns wrong input gradients for 1×1 filters at
   * some channel counts on AVX-512 CPUs (seen: 40, 72, 80, 100, 104, 112, 136, 200 input channels,
   * relative error 0.3–1; right with TF_ENABLE_ONEDNN_OPTS=0; TF 2.18 and 2.21 alike), which
   * silently corrupted every gradient through such a layer (DenseNet, RegNet, EfficientNet...).
   * Larger filters have the same fault at the same counts: see withSafeChannels.
   */
  private static Output<?> pointwise(TfEmitter tf, SpatialLayout layout, Geometry g, Output<?> x, Output<?> filter) {
    long c = filter.shape().get(2);
    long m = filter.shape().get(3);
    Output<?> w = tf.reshape(filter, tf.int64s(c, m));
    if (g.strides[0] != 1 || g.strides[1] != 1) {
      // int32 indices: the C++ gradient builds StridedSliceGrad with an int32 shape.
      int[] step = toInts(layout.strides(g.strides[0], g.strides[1]));
      x = tf.build("StridedSlice", b -> b.setAttr("begin_mask", 15L).setAttr("end_mask", 15L),
          x, tf.int32s(0, 0, 0, 0), tf.int32s(0, 0, 0, 0), tf.int32s(step)).output(0);
    }
    if (layout.nhwc) {
      return tf.op("BatchMatMulV2", x, w);
    }
    // NCHW: [M, C] · [N, C, H·W] → [N, M, H·W], back to [N, M, H, W].
    Output<?> shape = tf.op("Shape", x);
    Output<?> flat = tf.reshape(x, concat(tf, List.of(tf.op("Slice", shape, tf.int32s(0), tf.int32s(2)),
        tf.int32s(-1)), 0));
    Output<?> y = tf.op("BatchMatMulV2", tf.transpose(w, 1, 0), flat);
    return tf.reshape(y, concat(tf, List.of(tf.op("Slice", shape, tf.int32s(0), tf.int32s(1)),
        tf.int32s(Math.toIntExact(m)), tf.op("Slice", shape, tf.int32s(2), tf.int32s(2))), 0));
  }

  /**
   * A depthwise convolution (one input channel per group) as one DepthwiseConv2dNative instead of
   * a split into as many convolutions as channels (960 in ShuffleNet). Its second-order gradients,
   * which TF's C++ registry lacks, are registered in {@code SecondOrderGradients}. ONNX's output
   * channel c·multiplier + m is TF's. NHWC only: TF's CPU kernel has no NCHW form.
   */
  private static Output<?> depthwise(TfEmitter tf, SpatialLayout layout, Geometry g, Output<?> x, Output<?> filter) {
    // [kh, kw, 1, M] → [kh, kw, C, M / C]
    Output<?> spatial = tf.op("Slice", tf.op("Shape", filter), tf.int32s(0), tf.int32s(2));
    Output<?> shape = concat(tf, List.of(spatial, tf.int32s(g.group, -1)), 0);
    return tf.build("DepthwiseConv2dNative", b -> b.setAttr("strides", layout.strides(g.strides[0], g.strides[1]))
        .setAttr("padding", "VALID").setAttr("data_format", "NHWC"), x, tf.reshape(filter, shape)).output(0);
  }

  private static Output<?> dim(TfEmitter tf, Output<?> shape32, int axis) {
    return tf.op("GatherV2", shape32, tf.int32s(axis), tf.int32(0));
  }

  private static Output<?> full(TfEmitter tf, Output<?> in, long stride, long span, long outPad) {
    Output<?> minusOne = tf.op("Sub", in, tf.int32(1));
    return tf.op("AddV2", tf.op("Mul", minusOne, tf.int32((int) stride)), tf.int32((int) (span + outPad)));
  }

  /** Concatenates 1-element int32 vectors into a shape vector. */
  private static Output<?> pack(TfEmitter tf, Output<?>... parts) {
    return concat(tf, List.of(parts), 0);
  }

  static List<Output<?>> split(TfEmitter tf, Output<?> x, int axis, int parts) {
    if (parts == 1) {
      return List.of(x);
    }
    var op = tf.build("Split", b -> b.setAttr("num_split", parts), tf.int32(axis), x);
    List<Output<?>> out = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      out.add(op.output(i));
    }
    return out;
  }

  static Output<?> concat(TfEmitter tf, List<Output<?>> xs, int axis) {
    if (xs.size() == 1) {
      return xs.get(0);
    }
    Output<?> axisValue = tf.int32(axis);
    return tf.build("ConcatV2", b -> b.addInputList(xs.toArray(new Output<?>[0])).addInput(axisValue)).output(0);
  }
}
