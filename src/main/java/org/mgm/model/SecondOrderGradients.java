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
 * <p>Relu6Grad: R1 through ReLU6 (MobileNetV2/V3, the Keras applications) differentiates it.
 * Relu6Grad(dy, x) = dy · [0 &lt; x &lt; 6] is linear in dy with a mask that is constant almost
 * everywhere: d/d(dy) = Relu6Grad(g, x), d/dx = 0.
 *
 * <p>EluGrad(dy, y), SeluGrad(dy, y) and SoftplusGrad(dy, x): R1 through a Keras elu, selu or
 * softplus layer differentiates them. Each is linear in dy, so d/d(dy) is the same op of the
 * incoming gradient g; the other operand: Elu's dx = dy · (y + 1) and Selu's
 * dx = dy · (y + λα) where y &lt; 0 give d/dy = g · dy · [y &lt; 0]; Softplus's dx = dy · σ(x)
 * gives d/dx = g · dy · σ(x) · (1 − σ(x)).
 *
 * <p>Conv3D (first order, the Keras Conv3D layer): dx = Conv3DBackpropInputV2(shape(x), W, g),
 * dW = Conv3DBackpropFilterV2(x, shape(W), g), with the op's strides, padding, layout and
 * dilations; TF defines it in Python only. Its own gradient (second order) is not written.
 *
 * <p>FusedBatchNormGradV3 in inference mode ({@code is_training=false}: the statistics are the
 * inputs mean m and variance v, as in a Keras model called with {@code training=False}): R1
 * through a BatchNorm differentiates it. With r = (v + ε)^−½ per channel, its outputs are
 * dx = dy · s · r, ds = Σ dy · (x − m) · r and doffset = Σ dy (sums over all but the channel
 * axis); for incoming gradients Gx, Gs, Go: d/d(dy) = Gx · s · r + Gs · (x − m) · r + Go,
 * d/dx = dy · Gs · r and d/ds = r · Σ Gx · dy. The moving mean and variance get none, as they get
 * none from TF's own first-order gradient of FusedBatchNormV3 in inference mode (they are
 * statistics, not parameters: Keras marks them non-trainable, and the importer freezes them); a
 * second-order term for them alone would be half of a derivative. In training mode the
 * statistics are the batch's and the gradient of the gradient is another formula, not written
 * here: that case is refused when a twice-differentiable import meets it (TfGraphImporter).
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
    GRADIENTS.put("Relu6Grad", (tf, op, g) -> Arrays.asList(raw(tf, "Relu6Grad", g.get(0), op.input(1)),
        tf.zerosLike(op.input(1))));
    GRADIENTS.put("FusedBatchNormGradV3", SecondOrderGradients::fusedBatchNormGrad);
    GRADIENTS.put("EluGrad", (tf, op, g) -> negativeSideGrad(tf, op, g));
    GRADIENTS.put("SeluGrad", (tf, op, g) -> negativeSideGrad(tf, op, g));
    GRADIENTS.put("SoftplusGrad", SecondOrderGradients::softplusGradGrad);
    GRADIENTS.put("Conv3D", SecondOrderGradients::conv3dGrad);
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

  /** EluGrad or SeluGrad (inputs dy, y): linear in dy; d/dy = g · dy where y &lt; 0, else 0. */
  private static List<Operand<?>> negativeSideGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> g = gradOutputs.get(0);
    Output<?> dy = op.input(0);
    Output<?> y = op.input(1);
    Output<?> negative = raw(tf, "Less", y, scalar(tf, y, 0));
    Output<?> dyOfY = raw(tf, "SelectV2", negative, raw(tf, "Mul", g, dy), raw(tf, "ZerosLike", y));
    return Arrays.asList(raw(tf, op.type(), g, y), dyOfY);
  }

  /** SoftplusGrad (inputs dy, x) = dy · σ(x): d/d(dy) = SoftplusGrad(g, x), d/dx = g · dy · σ(x)(1 − σ(x)). */
  private static List<Operand<?>> softplusGradGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> g = gradOutputs.get(0);
    Output<?> x = op.input(1);
    Output<?> sigma = raw(tf, "Sigmoid", x);
    Output<?> slope = raw(tf, "Mul", sigma, raw(tf, "Sub", scalar(tf, x, 1), sigma));
    return Arrays.asList(raw(tf, "SoftplusGrad", g, x), raw(tf, "Mul", raw(tf, "Mul", g, op.input(0)), slope));
  }

  /** Inputs x, filter. */
  private static List<Operand<?>> conv3dGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> x = op.input(0);
    Output<?> w = op.input(1);
    Output<?> g = gradOutputs.get(0);
    OperationAttributeInspector a = op.attributes();
    OperationBuilder dx = tf.scope().opBuilder("Conv3DBackpropInputV2", "Conv3DGrad_input")
        .addInput(tf.shape(x).asOutput()).addInput(w).addInput(g);
    OperationBuilder dw = tf.scope().opBuilder("Conv3DBackpropFilterV2", "Conv3DGrad_filter")
        .addInput(x).addInput(tf.shape(w).asOutput()).addInput(g);
    for (OperationBuilder b : Arrays.asList(dx, dw)) {
      b.setAttr("strides", a.getAttrIntList("strides")).setAttr("padding", a.getAttrString("padding"))
          .setAttr("data_format", a.getAttrString("data_format")).setAttr("dilations", a.getAttrIntList("dilations"));
    }
    return Arrays.asList(dx.build().output(0), dw.build().output(0));
  }

  /** Inputs dy, x, scale, mean, variance, reserve_space_3; outputs dx, dscale, doffset, 2 reserve spaces. */
  private static List<Operand<?>> fusedBatchNormGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    OperationAttributeInspector a = op.attributes();
    if (a.getAttrBool("is_training")) {
      throw new IllegalArgumentException("no second-order gradient for FusedBatchNormGradV3 in training mode ('"
          + op.name() + "'); import the model with BatchNorm in inference mode");
    }
    boolean nchw = a.getAttrString("data_format").startsWith("NC");
    Output<?> dy = op.input(0);
    Output<?> x = op.input(1);
    Output<?> scale = op.input(2);
    Output<?> mean = op.input(3);
    Output<?> variance = op.input(4);
    Output<?> gx = orZeros(tf, gradOutputs, 0, x);
    Output<?> gs = orZeros(tf, gradOutputs, 1, scale);
    Output<?> go = orZeros(tf, gradOutputs, 2, scale);
    Output<?> r = raw(tf, "Rsqrt", raw(tf, "AddV2", variance, scalar(tf, variance, a.getAttrFloat("epsilon"))));
    Output<?> centered = raw(tf, "Sub", x, perChannel(tf, mean, nchw));
    Output<?> rb = perChannel(tf, r, nchw);
    Output<?> ddy = raw(tf, "AddV2", raw(tf, "Mul", raw(tf, "Mul", gx, perChannel(tf, scale, nchw)), rb),
        raw(tf, "AddV2", raw(tf, "Mul", raw(tf, "Mul", perChannel(tf, gs, nchw), centered), rb), perChannel(tf, go, nchw)));
    Output<?> dx = raw(tf, "Mul", raw(tf, "Mul", dy, perChannel(tf, gs, nchw)), rb);
    Output<?> dscale = raw(tf, "Mul", channelSum(tf, raw(tf, "Mul", gx, dy), nchw), r);
    return Arrays.asList(ddy, dx, dscale, tf.zerosLike(mean), tf.zerosLike(variance), tf.zerosLike(op.input(5)));
  }

  /** The incoming gradient of output i, or zeros shaped like {@code like} where none reaches it. */
  private static Output<?> orZeros(Ops tf, List<Output<?>> gradOutputs, int i, Output<?> like) {
    Output<?> g = i < gradOutputs.size() ? gradOutputs.get(i) : null;
    return g != null && g.op() != null ? g : tf.zerosLike(like).asOutput();
  }

  /** A per-channel vector laid out to broadcast against an NHWC or NCHW tensor. */
  private static Output<?> perChannel(Ops tf, Output<?> v, boolean nchw) {
    return nchw ? raw(tf, "Reshape", v, tf.constant(new int[] {-1, 1, 1}).asOutput()) : v;
  }

  /** Sum over every axis but the channel axis of a 4-D NHWC or NCHW tensor. */
  private static Output<?> channelSum(Ops tf, Output<?> t, boolean nchw) {
    return tf.scope().opBuilder("Sum", "ChannelSum").addInput(t)
        .addInput(tf.constant(nchw ? new int[] {0, 2, 3} : new int[] {0, 1, 2}).asOutput()).setAttr("keep_dims", false)
        .build().output(0);
  }

  private static List<Operand<?>> erfcGrad(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<?> x = op.input(0);
    Output<?> density = raw(tf, "Exp", raw(tf, "Neg", raw(tf, "Square", x)));
    return List.of(raw(tf, "Mul", gradOutputs.get(0), raw(tf, "Mul", density, scalar(tf, x, -2 / Math.sqrt(Math.PI)))));
  }
}
