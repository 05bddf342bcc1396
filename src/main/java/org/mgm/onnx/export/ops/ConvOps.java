package org.mgm.onnx.export.ops;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;
import org.mgm.onnx.export.TfOpRegistry.ConstantOperands;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;

/**
 * Conv2D and Conv2DBackpropInput (transpose convolution). ONNX convolutions are NCHW only, so an
 * NHWC op becomes Transpose → Conv → Transpose, as tf2onnx does; ONNX Runtime's transpose
 * optimizer cancels the pairs between consecutive convolutions. The filter stays the variable
 * (HWIO) and is transposed to OIHW by a node, so the initializer keeps the variable's name and
 * value; ORT folds that transpose once at load.
 */
public final class ConvOps {
  private static final long[] TO_NCHW = {0, 3, 1, 2};
  private static final long[] TO_NHWC = {0, 2, 3, 1};
  private static final long[] HWIO_TO_OIHW = {3, 2, 0, 1};

  private ConvOps() {}

  public static void register(TfOpRegistry r) {
    r.register("Conv2D", n -> conv2d(n, false));
    r.register("DepthwiseConv2dNative", n -> conv2d(n, true));
    // input_sizes is read as a value (or replaced by TF's static output shape), never translated.
    r.register("Conv2DBackpropInput", ConstantOperands.at(0), ConvOps::conv2dBackpropInput);
  }

  /** Where height, width and channels are in the op's data_format. */
  record Layout(boolean nhwc) {
    int h() {
      return nhwc ? 1 : 2;
    }

    int w() {
      return nhwc ? 2 : 3;
    }

    int c() {
      return nhwc ? 3 : 1;
    }
  }

  static Layout layout(TfNodeContext n) {
    String f = n.attrString("data_format", "NHWC");
    if (!f.equals("NHWC") && !f.equals("NCHW")) {
      throw n.fail("data_format " + f + " is not supported (NHWC, NCHW)");
    }
    return new Layout(f.equals("NHWC"));
  }

  /** A 4-entry attribute (strides, dilations) reduced to its height and width entries. */
  static long[] spatial(TfNodeContext n, String attr, Layout l) {
    long[] a = n.attrInts(attr, new long[] {1, 1, 1, 1});
    if (a.length != 4 || a[0] != 1 || a[l.c()] != 1) {
      throw n.fail(attr + " " + java.util.Arrays.toString(a) + " are not supported (4 entries, 1 for batch and channels)");
    }
    return new long[] {a[l.h()], a[l.w()]};
  }

  /** Kernel height and width from the HWIO filter's static shape. */
  private static long[] kernel(TfNodeContext n) {
    long[] f = n.shape(1);
    if (f == null || f.length != 4 || f[0] < 0 || f[1] < 0) {
      throw n.fail("needs the filter's static shape (height, width, in, out)");
    }
    return f;
  }

  /** Explicit pads as [top, left, bottom, right] from explicit_paddings (pairs in data_format order). */
  private static long[] explicitPads(TfNodeContext n, Layout l) {
    long[] p = n.attrInts("explicit_paddings", null);
    if (p == null || p.length != 8 || p[0] != 0 || p[1] != 0 || p[2 * l.c()] != 0 || p[2 * l.c() + 1] != 0) {
      throw n.fail("EXPLICIT padding needs 8 explicit_paddings with none on batch and channels");
    }
    return new long[] {p[2 * l.h()], p[2 * l.w()], p[2 * l.h() + 1], p[2 * l.w() + 1]};
  }

  static String toNchw(TfNodeContext n, Layout l, String x, String suffix) {
    return l.nhwc() ? n.helperNode(suffix, "Transpose", List.of(x), OnnxGraphBuilder.attr("perm", TO_NCHW)) : x;
  }

  static List<String> fromNchw(TfNodeContext n, Layout l, String opType, List<String> inputs,
      List<AttributeProto> attrs) {
    AttributeProto[] a = attrs.toArray(new AttributeProto[0]);
    if (!l.nhwc()) {
      return n.single(opType, inputs, a);
    }
    String y = n.helperNode("nchw", opType, inputs, a);
    return n.single("Transpose", List.of(y), OnnxGraphBuilder.attr("perm", TO_NHWC));
  }

  /**
   * Conv2D, or with {@code depthwise} DepthwiseConv2dNative: its [H, W, C, M] filter gives output
   * channel c·M + m, which is a grouped convolution (C groups) whose HWIO filter is the same
   * values read as [H, W, 1, C·M].
   */
  private static List<String> conv2d(TfNodeContext n, boolean depthwise) {
    Layout l = layout(n);
    long[] strides = spatial(n, "strides", l);
    long[] dilations = spatial(n, "dilations", l);
    long[] f = kernel(n);
    String hwio = n.input(1);
    if (depthwise) {
      if (f[2] < 0 || f[3] < 0) {
        throw n.fail("needs the depthwise filter's static shape (height, width, channels, multiplier)");
      }
      hwio = n.helperNode("filter_grouped", "Reshape",
          List.of(n.input(1), n.int64s("filter_grouped_shape", f[0], f[1], 1, f[2] * f[3])));
      f = new long[] {f[0], f[1], 1, f[2] * f[3]};
    }
    long[] x = n.shape(0);
    if (x == null || x.length != 4) {
      throw n.fail("needs a rank-4 input");
    }
    List<AttributeProto> attrs = new ArrayList<>();
    attrs.add(OnnxGraphBuilder.attr("kernel_shape", new long[] {f[0], f[1]}));
    attrs.add(OnnxGraphBuilder.attr("strides", strides));
    attrs.add(OnnxGraphBuilder.attr("dilations", dilations));
    long channels = x[l.c()];
    if (channels > 0 && f[2] > 0 && channels != f[2]) {
      if (channels % f[2] != 0) {
        throw n.fail("input has " + channels + " channels, the filter takes " + f[2]);
      }
      attrs.add(OnnxGraphBuilder.attr("group", channels / f[2]));
    }
    String padding = n.attrString("padding", "");
    switch (padding) {
      case "VALID" -> attrs.add(OnnxGraphBuilder.attr("pads", new long[] {0, 0, 0, 0}));
      case "EXPLICIT" -> attrs.add(OnnxGraphBuilder.attr("pads", explicitPads(n, l)));
      case "SAME" -> {
        long h = x[l.h()];
        long w = x[l.w()];
        if (h >= 0 && w >= 0) {
          long[] ph = samePads(h, f[0], strides[0], dilations[0]);
          long[] pw = samePads(w, f[1], strides[1], dilations[1]);
          attrs.add(OnnxGraphBuilder.attr("pads", new long[] {ph[0], pw[0], ph[1], pw[1]}));
        } else {
          // TF's SAME puts the odd pixel at the end, which is ONNX's SAME_UPPER.
          attrs.add(OnnxGraphBuilder.attr("auto_pad", "SAME_UPPER"));
        }
      }
      default -> throw n.fail("padding '" + padding + "' is not supported (SAME, VALID, EXPLICIT)");
    }
    String filter = n.helperNode("filter_oihw", "Transpose", List.of(hwio),
        OnnxGraphBuilder.attr("perm", HWIO_TO_OIHW));
    return fromNchw(n, l, "Conv", List.of(toNchw(n, l, n.input(0), "input_nchw"), filter), attrs);
  }

  /** TF's SAME padding of one spatial axis: [before, after], the odd one after. */
  static long[] samePads(long in, long k, long stride, long dilation) {
    long effective = (k - 1) * dilation + 1;
    long out = (in + stride - 1) / stride;
    long total = Math.max((out - 1) * stride + effective - in, 0);
    return new long[] {total / 2, total - total / 2};
  }

  /**
   * The gradient of a Conv2D with input size input_sizes. ONNX ConvTranspose gets the forward
   * convolution's pads, and output_padding for rows the forward convolution never read (VALID
   * with a stride that does not divide the size), which TF leaves zero as ORT does.
   */
  private static List<String> conv2dBackpropInput(TfNodeContext n) {
    Layout l = layout(n);
    long[] strides = spatial(n, "strides", l);
    long[] dilations = spatial(n, "dilations", l);
    long[] f = kernel(n);
    long[] g = n.shape(2);
    if (g == null || g.length != 4 || g[l.h()] < 0 || g[l.w()] < 0) {
      throw n.fail("needs the static height and width of its input (out_backprop)");
    }
    long[] size = outputSize(n, l);
    String padding = n.attrString("padding", "");
    long[] pads = new long[4];
    long[] outputPadding = new long[2];
    long[] explicit = padding.equals("EXPLICIT") ? explicitPads(n, l) : null;
    long[] in = {g[l.h()], g[l.w()]};
    for (int a = 0; a < 2; a++) {
      long effective = (f[a] - 1) * dilations[a] + 1;
      long[] p = switch (padding) {
        case "VALID" -> new long[] {0, 0};
        case "SAME" -> {
          long total = Math.max((in[a] - 1) * strides[a] + effective - size[a], 0);
          yield new long[] {total / 2, total - total / 2};
        }
        case "EXPLICIT" -> new long[] {explicit[a], explicit[a + 2]};
        default -> throw n.fail("padding '" + padding + "' is not supported (SAME, VALID, EXPLICIT)");
      };
      pads[a] = p[0];
      pads[a + 2] = p[1];
      outputPadding[a] = size[a] - ((in[a] - 1) * strides[a] + effective - p[0] - p[1]);
      if (outputPadding[a] < 0 || outputPadding[a] >= Math.max(strides[a], dilations[a])) {
        throw n.fail("output size " + size[a] + " does not fit an input of " + in[a] + " with kernel " + f[a]
            + ", stride " + strides[a] + " and " + padding + " padding");
      }
    }
    List<AttributeProto> attrs = new ArrayList<>();
    attrs.add(OnnxGraphBuilder.attr("kernel_shape", new long[] {f[0], f[1]}));
    attrs.add(OnnxGraphBuilder.attr("strides", strides));
    attrs.add(OnnxGraphBuilder.attr("dilations", dilations));
    attrs.add(OnnxGraphBuilder.attr("pads", pads));
    if (outputPadding[0] != 0 || outputPadding[1] != 0) {
      attrs.add(OnnxGraphBuilder.attr("output_padding", outputPadding));
    }
    // HWIO here is (h, w, this op's output channels, its input channels): OIHW for ConvTranspose
    // is then (input channels, output channels, h, w), the same permutation as for Conv.
    String filter = n.helperNode("filter_oihw", "Transpose", List.of(n.input(1)),
        OnnxGraphBuilder.attr("perm", HWIO_TO_OIHW));
    return fromNchw(n, l, "ConvTranspose", List.of(toNchw(n, l, n.input(2), "input_nchw"), filter), attrs);
  }

  /**
   * Output height and width: input_sizes when it is a Const; otherwise (Keras computes it from
   * Shape when the batch is dynamic) TF's static output shape, which knows them whenever only
   * the batch is unknown. ONNX needs no runtime size then, so the Shape ops are not exported.
   */
  private static long[] outputSize(TfNodeContext n, Layout l) {
    if (n.isConstant(0)) {
      long[] s = n.constant(0).longs();
      if (s.length != 4) {
        throw n.fail("input_sizes " + java.util.Arrays.toString(s) + " is not 4 sizes");
      }
      return new long[] {s[l.h()], s[l.w()]};
    }
    long[] s = n.outputShape();
    if (s == null || s.length != 4 || s[l.h()] < 0 || s[l.w()] < 0) {
      throw n.fail("output height and width are unknown: input_sizes is computed by " + n.producer(0)
          + ", not a Const, and TF's shape inference does not know them");
    }
    return new long[] {s[l.h()], s[l.w()]};
  }
}
