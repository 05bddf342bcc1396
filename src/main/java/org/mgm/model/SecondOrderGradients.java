package org.mgm.model;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.OperationAttributeInspector;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;

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
 * <p>TF Java holds at most 10 custom gradients per process (JavaCPP allocates at most 10 of its
 * gradient callbacks; an 11th is a null function pointer, and the JVM dies when TF calls it):
 * build from ops that have C++ gradients where that is possible, and register here only what
 * cannot be built so.
 *
 * <p>Registration is process-wide and happens once; TF only accepts it for ops that have no
 * gradient yet.
 */
public final class SecondOrderGradients {
  private static boolean installed;

  private SecondOrderGradients() {}

  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    TensorFlow.registerCustomGradient("Conv2DBackpropFilter", SecondOrderGradients::conv2dBackpropFilter);
    TensorFlow.registerCustomGradient("StridedSliceGrad", SecondOrderGradients::stridedSliceGrad);
    TensorFlow.registerCustomGradient("DepthwiseConv2dNativeBackpropInput", SecondOrderGradients::depthwiseBackpropInput);
    TensorFlow.registerCustomGradient("DepthwiseConv2dNativeBackpropFilter", SecondOrderGradients::depthwiseBackpropFilter);
    TensorFlow.registerCustomGradient("MaxPoolGrad", (tf, op, g) -> maxPoolGrad(tf, op, g, "MaxPoolGradGrad"));
    TensorFlow.registerCustomGradient("MaxPool3DGrad", (tf, op, g) -> maxPoolGrad(tf, op, g, "MaxPool3DGradGrad"));
    TensorFlow.registerCustomGradient("AvgPoolGrad", (tf, op, g) -> avgPoolGrad(tf, op, g, "AvgPool"));
    TensorFlow.registerCustomGradient("AvgPool3DGrad", (tf, op, g) -> avgPoolGrad(tf, op, g, "AvgPool3D"));
    TensorFlow.registerCustomGradient("UnsortedSegmentProd", SecondOrderGradients::unsortedSegmentProd);
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
}
