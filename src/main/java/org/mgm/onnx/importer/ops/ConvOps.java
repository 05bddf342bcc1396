package org.mgm.onnx.importer.ops;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * 2-D Conv and ConvTranspose.
 *
 * <p>Padding is always explicit followed by a VALID op: TF's SAME puts the odd pad at the end
 * where PyTorch puts it at the start (stride 2), and Conv2D's C++ gradient ignores
 * explicit_paddings and dilations. Groups are split into separate convolutions
 * and concatenated, which has gradients on every CPU build (grouped Conv2D needs oneDNN).
 */
public final class ConvOps {
  private ConvOps() {}

  public static void register(OpRegistry r) {
    r.register("Conv", 1, ConvOps::conv);
    r.register("ConvTranspose", 1, ConvOps::convTranspose);
  }

  private record Geometry(long[] kernel, long[] strides, long[] pads, int group) {}

  /** {@code x} is the NCHW shape of the input. */
  private static Geometry geometry(NodeContext n, Shape x, Shape w) {
    if (x.numDimensions() != 4) {
      throw n.fail("only 2-D convolutions (4-D NCHW input) are supported, input is " + x);
    }
    long[] dil = n.attrInts("dilations");
    if (dil != null) {
      for (long d : dil) {
        if (d != 1) {
          throw n.fail("dilations " + java.util.Arrays.toString(dil) + " are not supported "
              + "(TF's Conv2D gradient ignores dilations)");
        }
      }
    }
    long[] kernel = n.attrInts("kernel_shape");
    if (kernel == null) {
      if (w.isUnknown() || w.get(2) < 0 || w.get(3) < 0) {
        throw n.fail("kernel_shape is missing and the weight's shape is unknown");
      }
      kernel = new long[] {w.get(2), w.get(3)};
    }
    long[] strides = n.attrInts("strides");
    if (strides == null) {
      strides = new long[] {1, 1};
    }
    long[] pads = n.attrInts("pads");
    if (pads == null) {
      pads = new long[4];
    }
    return new Geometry(kernel, strides, pads, (int) n.attrInt("group", 1));
  }

  private static Output<?>[] conv(NodeContext n) {
    TfEmitter tf = n.tf();
    Shape x = n.inputShape(0);
    Shape w = n.inputShape(1);
    Geometry g = geometry(n, x, w);
    long[] pads = g.pads;
    String autoPad = n.attrString("auto_pad", "NOTSET");
    if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
      pads = samePads(n, x, g, autoPad.equals("SAME_LOWER"));
    } else if (autoPad.equals("VALID")) {
      pads = new long[4];
    }
    SpatialLayout layout = SpatialLayout.forInput(n, 0);
    Output<?> xi = layout.padSpatial(tf, layout.in(n, 0), pads);
    // [M, C/g, kh, kw] → [kh, kw, C/g, M]
    Output<?> y = grouped(tf, layout, g, "Conv2D", null, xi, n.inputTransposed(1, 2, 3, 1, 0));
    if (n.hasInput(2)) {
      y = layout.addBias(tf, y, n.input(2));
    }
    return layout.out(n, y);
  }

  private static long[] samePads(NodeContext n, Shape x, Geometry g, boolean lower) {
    long[] pads = new long[4];
    for (int i = 0; i < 2; i++) {
      long in = x.get(2 + i);
      if (in < 0) {
        throw n.fail("auto_pad SAME needs static spatial sizes, input is " + x);
      }
      long out = (in + g.strides[i] - 1) / g.strides[i];
      long total = Math.max((out - 1) * g.strides[i] + g.kernel[i] - in, 0);
      pads[i] = lower ? total - total / 2 : total / 2;
      pads[i + 2] = total - pads[i];
    }
    return pads;
  }

  /**
   * Conv2DBackpropInput with VALID padding produces the full transposed convolution
   * (s·(in−1) + k + output_padding per axis); ONNX pads are then cropped with Slice, which — unlike
   * StridedSlice — can be differentiated twice.
   */
  private static Output<?>[] convTranspose(NodeContext n) {
    TfEmitter tf = n.tf();
    Shape x = n.inputShape(0);
    Shape w = n.inputShape(1);
    Geometry g = geometry(n, x, w);
    long[] outPad = n.attrInts("output_padding");
    if (outPad == null) {
      outPad = new long[2];
    }
    long[] pads = g.pads.clone();
    long[] outputShape = n.attrInts("output_shape");
    String autoPad = n.attrString("auto_pad", "NOTSET");
    if (outputShape != null || autoPad.startsWith("SAME")) {
      for (int i = 0; i < 2; i++) {
        long in = x.get(2 + i);
        if (in < 0) {
          throw n.fail("output_shape / auto_pad needs static spatial sizes, input is " + x);
        }
        long out = outputShape != null ? outputShape[outputShape.length - 2 + i] : in * g.strides[i];
        long total = g.strides[i] * (in - 1) + outPad[i] + g.kernel[i] - out;
        boolean upper = autoPad.equals("SAME_UPPER");
        pads[i] = upper ? total / 2 : total - total / 2;
        pads[i + 2] = total - pads[i];
      }
    }
    if (w.isUnknown() || w.get(1) < 0) {
      throw n.fail("the weight's shape must be static, it is " + w);
    }
    long outPerGroup = w.get(1);
    SpatialLayout layout = SpatialLayout.forInput(n, 0);
    Output<?> xi = layout.in(n, 0);
    Output<?> shape = tf.op("Shape", xi);  // int32
    Output<?> batch = dim(tf, shape, 0);
    Output<?> fullH = full(tf, dim(tf, shape, layout.heightAxis()), g.strides[0], g.kernel[0], outPad[0]);
    Output<?> fullW = full(tf, dim(tf, shape, layout.heightAxis() + 1), g.strides[1], g.kernel[1], outPad[1]);
    Output<?> channels = tf.int32s((int) outPerGroup);
    Output<?> sizes = layout.nhwc ? pack(tf, batch, fullH, fullW, channels) : pack(tf, batch, channels, fullH, fullW);
    // [C_in, M/g, kh, kw] → [kh, kw, M/g, C_in]
    Output<?> y = grouped(tf, layout, g, "Conv2DBackpropInput", sizes, xi, n.inputTransposed(1, 2, 3, 1, 0));
    if (pads[0] != 0 || pads[1] != 0 || pads[2] != 0 || pads[3] != 0) {
      Output<?> all = tf.int32s(-1);
      Output<?> h = tf.op("Sub", fullH, tf.int32((int) (pads[0] + pads[2])));
      Output<?> wd = tf.op("Sub", fullW, tf.int32((int) (pads[1] + pads[3])));
      Output<?> size = layout.nhwc ? pack(tf, all, h, wd, all) : pack(tf, all, all, h, wd);
      long[] begin = layout.dims(0, 0, pads[0], pads[1]);
      y = tf.op("Slice", y, tf.int32s((int) begin[0], (int) begin[1], (int) begin[2], (int) begin[3]), size);
    }
    long inH = x.get(2);
    long inW = x.get(3);
    if (inH >= 0 && inW >= 0) {
      // The output size went through run-time shape arithmetic, which TF's shape inference does
      // not follow; a reshape to the (static) result restores the spatial sizes for later ops.
      long outH = g.strides[0] * (inH - 1) + g.kernel[0] + outPad[0] - pads[0] - pads[2];
      long outW = g.strides[1] * (inW - 1) + g.kernel[1] + outPad[1] - pads[1] - pads[3];
      y = tf.reshape(y, tf.int64s(layout.dims(-1, outPerGroup * g.group, outH, outW)));
    }
    if (n.hasInput(2)) {
      y = layout.addBias(tf, y, n.input(2));
    }
    return layout.out(n, y);
  }

  /**
   * One VALID convolution per group on channel slices of x and filter slices along the filter's
   * last axis, concatenated. {@code sizes} is Conv2DBackpropInput's output-size input (else null).
   */
  private static Output<?> grouped(TfEmitter tf, SpatialLayout layout, Geometry g, String op, Output<?> sizes,
      Output<?> x, Output<?> filter) {
    List<Output<?>> xs = split(tf, x, layout.channelAxis(), g.group);
    List<Output<?>> fs = split(tf, filter, 3, g.group);
    List<Output<?>> ys = new ArrayList<>();
    for (int i = 0; i < g.group; i++) {
      Output<?>[] inputs = sizes == null ? new Output<?>[] {xs.get(i), fs.get(i)}
          : new Output<?>[] {sizes, fs.get(i), xs.get(i)};
      ys.add(tf.build(op, b -> b.setAttr("strides", layout.strides(g.strides[0], g.strides[1]))
          .setAttr("padding", "VALID").setAttr("data_format", layout.dataFormat()), inputs).output(0));
    }
    return concat(tf, ys, layout.channelAxis());
  }

  private static Output<?> dim(TfEmitter tf, Output<?> shape32, int axis) {
    return tf.op("GatherV2", shape32, tf.int32s(axis), tf.int32(0));
  }

  private static Output<?> full(TfEmitter tf, Output<?> in, long stride, long kernel, long outPad) {
    Output<?> minusOne = tf.op("Sub", in, tf.int32(1));
    return tf.op("AddV2", tf.op("Mul", minusOne, tf.int32((int) stride)), tf.int32((int) (kernel + outPad)));
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
