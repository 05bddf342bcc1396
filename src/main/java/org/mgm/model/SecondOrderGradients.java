package org.mgm.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.OperationAttributeInspector;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TFJ_GradFuncAdapter;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.RawCustomGradient;

/**
 * Gradients TF 2.18's C++ registry lacks and second-order training needs, registered from Java.
 *
 * <p>Conv2DBackpropFilter: a penalty on the gradient w.r.t. something that shapes a filter
 * (path-length regularisation, R1 through StyleGAN2's modulated convolutions) differentiates it.
 * With dW = Conv2DBackpropFilter(x, shape(W), dy) and incoming gradient G of dW:
 * d/dx = Conv2DBackpropInput(shape(x), G, dy) and d/d(dy) = Conv2D(x, G), with the op's own
 * strides, padding, layout and dilations.
 *
 * <p>StridedSliceGrad: the gradient of a strided slice scatters dy into zeros of the input's
 * shape; it is linear in dy, and its adjoint is the same strided slice of the incoming gradient.
 * R1 through a critic whose input is sliced out of a placeholder (the TF1 CycleGAN's B channels)
 * differentiates it.
 *
 * <p>MaxPoolGrad, MaxPool3DGrad, AvgPoolGrad, AvgPool3DGrad: R1 through a critic with pooling
 * differentiates them. Each is linear in its incoming gradient dy. Max pooling's routing of dy
 * depends on the input only through which element of each window is largest, which is constant
 * almost everywhere, so the gradient w.r.t. the pooled input and output is zero and the one
 * w.r.t. dy is MaxPoolGradGrad (dy's adjoint: the incoming gradient read at each window's
 * maximum); average pooling's adjoint is the same average pool of the incoming gradient (as in
 * TF's Python registry).
 *
 * <p>DepthwiseConv2dNativeBackpropInput and DepthwiseConv2dNativeBackpropFilter: R1 through a
 * depthwise convolution (MobileNet, ShuffleNet, EfficientNet) differentiates them. Both are linear
 * in each operand, and their adjoints are the other two ops of the depthwise family, as for
 * Conv2DBackpropFilter above: with dx = BackpropInput(shape(x), W, dy) and incoming G,
 * d/dW = BackpropFilter(G, shape(W), dy) and d/d(dy) = DepthwiseConv2dNative(G, W); with
 * dW = BackpropFilter(x, shape(W), dy), d/dx = BackpropInput(shape(x), G, dy) and
 * d/d(dy) = DepthwiseConv2dNative(x, G).
 *
 * <p>UnsortedSegmentProd: the mul reduction of the ONNX import's ScatterND and ScatterElements
 * multiplies with it; TF defines its gradient in Python only.
 *
 * <p>First-order gradients that TF defines only in Python: FloorMod and TruncateMod (ONNX Mod):
 * d/dx = g, d/dy = −g · q with q = x / y floored or truncated, each summed back to its operand's
 * shape where it was broadcast; MatrixDeterminant (ONNX Det): g · det(A) · A^−T; Erfc:
 * −2/√π · exp(−x²) · g. Ceil, Round, IsNan and IsInf are piecewise constant: zero.
 *
 * <p>Registration is process-wide and happens once; TF only accepts it for ops that have no
 * gradient yet.
 */
public final class SecondOrderGradients {
  private static boolean installed;

  private SecondOrderGradients() {}

  /** Op type → its gradient; one native adapter dispatches to all of them (see {@link #install}). */
  private static final Map<String, RawCustomGradient> GRADIENTS = new LinkedHashMap<>();
  /** Held for the life of the process: TF's registry calls it. */
  private static TFJ_GradFuncAdapter adapter;

  /**
   * Registers every gradient through one adapter: TF Java's
   * {@link TensorFlow#registerCustomGradient} makes a native callback per call, and JavaCPP
   * allots at most 10 callbacks of a kind; the 11th is a null function pointer, and the first
   * gradient that reaches it crashes the JVM.
   */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    GRADIENTS.put("Conv2DBackpropFilter", SecondOrderGradients::conv2dBackpropFilter);
    GRADIENTS.put("StridedSliceGrad", SecondOrderGradients::stridedSliceGrad);
    GRADIENTS.put("DepthwiseConv2dNativeBackpropInput", SecondOrderGradients::depthwiseBackpropInput);
    GRADIENTS.put("DepthwiseConv2dNativeBackpropFilter", SecondOrderGradients::depthwiseBackpropFilter);
    GRADIENTS.put("MaxPoolGrad", (tf, op, g) -> maxPoolGrad(tf, op, g, "MaxPoolGradGrad"));
    GRADIENTS.put("MaxPool3DGrad", (tf, op, g) -> maxPoolGrad(tf, op, g, "MaxPool3DGradGrad"));
    GRADIENTS.put("AvgPoolGrad", (tf, op, g) -> avgPoolGrad(tf, op, g, "AvgPool"));
    GRADIENTS.put("AvgPool3DGrad", (tf, op, g) -> avgPoolGrad(tf, op, g, "AvgPool3D"));
    GRADIENTS.put("FloorMod", (tf, op, g) -> modGrad(tf, op, g, false));
    GRADIENTS.put("TruncateMod", (tf, op, g) -> modGrad(tf, op, g, true));
    GRADIENTS.put("MatrixDeterminant", SecondOrderGradients::determinantGrad);
    GRADIENTS.put("Erfc", SecondOrderGradients::erfcGrad);
    for (String constant : List.of("Ceil", "Round", "IsNan", "IsInf")) {
      GRADIENTS.put(constant, (tf, op, g) -> List.of(tf.zerosLike(op.input(0))));
    }
    GRADIENTS.put("UnsortedSegmentProd", SecondOrderGradients::unsortedSegmentProd);
    adapter = RawCustomGradient.adapter((tf, op, g) -> GRADIENTS.get(op.type()).call(tf, op, g));
    for (String type : GRADIENTS.keySet()) {
      // TF only accepts a gradient for an op that has none.
      if (!tensorflow.TFJ_HasGradient(type)) {
        tensorflow.TFJ_RegisterCustomGradient(type, adapter);
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong NAMES = new java.util.concurrent.atomic.AtomicLong();

  private static Output<?> op(Ops tf, String type, Output<?>... inputs) {
    OperationBuilder b = tf.scope().opBuilder(type, type + "Grad_" + NAMES.incrementAndGet());
    for (Output<?> in : inputs) {
      b.addInput(in);
    }
    return b.build().output(0);
  }

  private static Output<?> cast(Ops tf, Output<?> x, Output<?> like) {
    return tf.scope().opBuilder("Cast", "CastGrad_" + NAMES.incrementAndGet()).addInput(x).setAttr("DstT", like.dataType()).build().output(0);
  }

  /**
   * d prod / d x_i = the product of the other elements of x_i's segment: the segment's product
   * over x_i where x_i ≠ 0; where x_i = 0, the product of the segment's non-zero elements if x_i
   * is its only zero, else 0 (TF's Python gradient). Segment ids are non-negative here.
   */
  private static List<Operand<?>> unsortedSegmentProd(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> data = op.input(0);
    Output<?> ids = op.input(1);
    Output<?> segments = op.input(2);
    Output<?> zero = op(tf, "ZerosLike", data);
    Output<?> isZero = op(tf, "Equal", data, zero);
    Output<?> zeros = op(tf, "UnsortedSegmentSum", cast(tf, isZero, data), ids, segments);
    Output<?> one = op(tf, "OnesLike", data);
    Output<?> nonZero = op(tf, "SelectV2", isZero, one, data);
    Output<?> nonZeroProd = op(tf, "UnsortedSegmentProd", nonZero, ids, segments);
    Output<?> axis = tf.constant(0).asOutput();
    Output<?> g = op(tf, "GatherV2", gradOutputs.get(0), ids, axis);
    Output<?> gatheredZeros = op(tf, "GatherV2", zeros, ids, axis);
    Output<?> others = op(tf, "SelectV2", isZero, op(tf, "GatherV2", nonZeroProd, ids, axis),
        op(tf, "RealDiv", op(tf, "GatherV2", op.output(0), ids, axis), nonZero));
    // More than one zero in the segment: every derivative is zero.
    Output<?> several = op(tf, "Greater", gatheredZeros, one);
    Output<?> dx = op(tf, "SelectV2", several, zero, op(tf, "Mul", g, others));
    return Arrays.asList(dx, tf.zerosLike(ids), tf.zerosLike(segments));
  }

  private static List<Operand<?>> stridedSliceGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    OperationAttributeInspector a = op.attributes();
    OperationBuilder slice = tf.scope().opBuilder("StridedSlice", "StridedSliceGradGrad")
        .addInput(gradOutputs.get(0)).addInput(op.input(1)).addInput(op.input(2)).addInput(op.input(3));
    for (String mask : List.of("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")) {
      slice.setAttr(mask, a.getAttrInt(mask));
    }
    // shape, begin, end and strides are int tensors: zeros stand for "no gradient".
    return Arrays.asList(tf.zerosLike(op.input(0)), tf.zerosLike(op.input(1)), tf.zerosLike(op.input(2)),
        tf.zerosLike(op.input(3)), slice.build().output(0));
  }

  /** Inputs orig_input, orig_output, dy. */
  private static List<Operand<?>> maxPoolGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs, String adjoint) {
    OperationBuilder b = tf.scope().opBuilder(adjoint, op.type() + "Grad")
        .addInput(op.input(0)).addInput(op.input(1)).addInput(gradOutputs.get(0));
    return Arrays.asList(tf.zerosLike(op.input(0)), tf.zerosLike(op.input(1)), poolAttrs(b, op).build().output(0));
  }

  /** Inputs orig_input_shape, dy. */
  private static List<Operand<?>> avgPoolGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs, String adjoint) {
    OperationBuilder b = tf.scope().opBuilder(adjoint, op.type() + "Grad").addInput(gradOutputs.get(0));
    // The shape is an int tensor: zeros stand for "no gradient".
    return Arrays.asList(tf.zerosLike(op.input(0)), poolAttrs(b, op).build().output(0));
  }

  private static OperationBuilder poolAttrs(OperationBuilder b, GraphOperation op) {
    OperationAttributeInspector a = op.attributes();
    return b.setAttr("ksize", a.getAttrIntList("ksize")).setAttr("strides", a.getAttrIntList("strides"))
        .setAttr("padding", a.getAttrString("padding")).setAttr("data_format", a.getAttrString("data_format"));
  }

  private static List<Operand<?>> conv2dBackpropFilter(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> x = op.input(0);
    Output<?> dy = op.input(2);
    Output<?> g = gradOutputs.get(0);
    OperationAttributeInspector a = op.attributes();
    OperationBuilder dx = tf.scope().opBuilder("Conv2DBackpropInput", "Conv2DBackpropFilterGrad_input")
        .addInput(tf.shape(x).asOutput()).addInput(g).addInput(dy);
    OperationBuilder ddy = tf.scope().opBuilder("Conv2D", "Conv2DBackpropFilterGrad_dy").addInput(x).addInput(g);
    for (OperationBuilder b : Arrays.asList(dx, ddy)) {
      b.setAttr("strides", a.getAttrIntList("strides"))
          .setAttr("padding", a.getAttrString("padding"))
          .setAttr("data_format", a.getAttrString("data_format"))
          .setAttr("dilations", a.getAttrIntList("dilations"))
          .setAttr("explicit_paddings", a.getAttrIntList("explicit_paddings"));
    }
    // filter_sizes is an int shape: zeros stand for "no gradient" (TF Java rejects nulls here).
    return Arrays.asList(dx.build().output(0), tf.zerosLike(op.input(1)), ddy.build().output(0));
  }

  /** Inputs input_sizes, filter, out_backprop. */
  private static List<Operand<?>> depthwiseBackpropInput(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> w = op.input(1);
    Output<?> dy = op.input(2);
    Output<?> g = gradOutputs.get(0);
    OperationBuilder dw = tf.scope().opBuilder("DepthwiseConv2dNativeBackpropFilter", "DepthwiseBackpropInputGrad_filter")
        .addInput(g).addInput(tf.shape(w).asOutput()).addInput(dy);
    OperationBuilder ddy = tf.scope().opBuilder("DepthwiseConv2dNative", "DepthwiseBackpropInputGrad_dy").addInput(g).addInput(w);
    depthwiseAttrs(op, dw, ddy);
    // input_sizes is an int shape: zeros stand for "no gradient".
    return Arrays.asList(tf.zerosLike(op.input(0)), dw.build().output(0), ddy.build().output(0));
  }

  /** Inputs input, filter_sizes, out_backprop. */
  private static List<Operand<?>> depthwiseBackpropFilter(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> x = op.input(0);
    Output<?> dy = op.input(2);
    Output<?> g = gradOutputs.get(0);
    OperationBuilder dx = tf.scope().opBuilder("DepthwiseConv2dNativeBackpropInput", "DepthwiseBackpropFilterGrad_input")
        .addInput(tf.shape(x).asOutput()).addInput(g).addInput(dy);
    OperationBuilder ddy = tf.scope().opBuilder("DepthwiseConv2dNative", "DepthwiseBackpropFilterGrad_dy").addInput(x).addInput(g);
    depthwiseAttrs(op, dx, ddy);
    return Arrays.asList(dx.build().output(0), tf.zerosLike(op.input(1)), ddy.build().output(0));
  }

  private static void depthwiseAttrs(GraphOperation op, OperationBuilder... builders) {
    OperationAttributeInspector a = op.attributes();
    for (OperationBuilder b : builders) {
      b.setAttr("strides", a.getAttrIntList("strides"))
          .setAttr("padding", a.getAttrString("padding"))
          .setAttr("data_format", a.getAttrString("data_format"))
          .setAttr("dilations", a.getAttrIntList("dilations"))
          .setAttr("explicit_paddings", a.getAttrIntList("explicit_paddings"));
    }
  }

  private static Output<?> raw(Ops tf, String type, Output<?>... inputs) {
    OperationBuilder b = tf.scope().opBuilder(type, type + "Grad");
    for (Output<?> in : inputs) {
      b.addInput(in);
    }
    return b.build().output(0);
  }

  /** A scalar of {@code like}'s element type. */
  private static Output<?> scalar(Ops tf, Output<?> like, double v) {
    return tf.scope().opBuilder("Cast", "GradScalar").addInput(tf.constant(v).asOutput())
        .setAttr("DstT", like.dataType()).build().output(0);
  }

  private static boolean floating(Output<?> x) {
    return switch (x.dataType()) {
      case DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16 -> true;
      default -> false;
    };
  }

  private static List<Operand<?>> modGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs, boolean truncate) {
    Output<?> x = op.input(0);
    Output<?> y = op.input(1);
    if (!floating(x)) {
      return Arrays.asList(tf.zerosLike(x), tf.zerosLike(y));
    }
    Output<?> g = gradOutputs.get(0);
    Output<?> q = raw(tf, "RealDiv", x, y);
    // trunc(q) = sign(q) · floor(|q|): Floor, Sign and Abs have gradients, FloorDiv and TruncateDiv not.
    q = truncate ? raw(tf, "Mul", raw(tf, "Sign", q), raw(tf, "Floor", raw(tf, "Abs", q))) : raw(tf, "Floor", q);
    Output<?> dy = raw(tf, "Neg", raw(tf, "Mul", g, q));
    Output<?> sx = raw(tf, "Shape", x);
    Output<?> sy = raw(tf, "Shape", y);
    GraphOperation args = (GraphOperation) tf.scope().opBuilder("BroadcastGradientArgs", "ModGradArgs")
        .addInput(sx).addInput(sy).build();
    return Arrays.asList(unbroadcast(tf, g, args.output(0), sx), unbroadcast(tf, dy, args.output(1), sy));
  }

  /** The gradient of a broadcast operand: summed over the axes it was broadcast along. */
  private static Output<?> unbroadcast(Ops tf, Output<?> g, Output<?> axes, Output<?> shape) {
    Output<?> sum = tf.scope().opBuilder("Sum", "UnbroadcastSum").addInput(g).addInput(axes)
        .setAttr("keep_dims", false).build().output(0);
    return raw(tf, "Reshape", sum, shape);
  }

  private static List<Operand<?>> determinantGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> a = op.input(0);
    Output<?> scale = raw(tf, "Mul", gradOutputs.get(0), op.output(0));
    Output<?> minusOne = tf.constant(-1).asOutput();
    scale = raw(tf, "ExpandDims", raw(tf, "ExpandDims", scale, minusOne), minusOne);
    Output<?> inverseT = tf.scope().opBuilder("MatrixInverse", "DeterminantGradInverse").addInput(a)
        .setAttr("adjoint", true).build().output(0);
    return List.of(raw(tf, "Mul", scale, inverseT));
  }

  private static List<Operand<?>> erfcGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> x = op.input(0);
    Output<?> density = raw(tf, "Exp", raw(tf, "Neg", raw(tf, "Square", x)));
    return List.of(raw(tf, "Mul", gradOutputs.get(0), raw(tf, "Mul", density, scalar(tf, x, -2 / Math.sqrt(Math.PI)))));
  }
}
