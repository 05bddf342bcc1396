package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.function.UnaryOperator;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.SmoothActivations;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Pointwise nonlinearities, and Softmax, LogSoftmax and Hardmax. The activations TF has no fused
 * op for (or whose fused op's gradient TF cannot differentiate again: EluGrad, SeluGrad,
 * SoftsignGrad) are written with ops whose gradients have gradients, so that an R1 penalty can
 * go through them without {@code twiceDifferentiable}. Piecewise ones select their branch with
 * SelectV2 rather than adding Maximum and Minimum terms: at the kink (an input of exactly 0, as
 * after a Relu) both of those pass the gradient, which would sum the two one-sided slopes.
 */
public final class ActivationOps {
  private ActivationOps() {}

  /** Selu-1's defaults, rounded as that version's schema writes them; Selu-6 made them exact. */
  private static final float SELU1_ALPHA = 1.6732f;
  private static final float SELU1_GAMMA = 1.0507f;
  private static final float SELU_ALPHA = 1.67326319217681884765625f;
  private static final float SELU_GAMMA = 1.05070102214813232421875f;

  public static void register(OpRegistry r) {
    // Version 1 of the old activations only adds the legacy consumed_inputs hint, and later
    // versions only add element types: one handler each. Pointwise: computed in NHWC where the
    // input already is (ChannelsLast).
    r.register("Relu", 1, n -> pointwise(n, x -> relu(n, x)));
    // ONNX's default slope is 0.01, TF's 0.2: always set it. LeakyReluGrad has a gradient.
    r.register("LeakyRelu", 1, n -> pointwise(n, x -> n.tf().build("LeakyRelu",
        b -> b.setAttr("alpha", n.attrFloat("alpha", 0.01f)), x).output(0)));
    r.register("Tanh", 1, n -> pointwise(n, x -> tanh(n, x)));
    r.register("Sigmoid", 1, n -> pointwise(n, x -> sigmoid(n, x)));
    r.register("Softplus", 1, n -> pointwise(n, x -> softplus(n, x)));
    r.register("Softsign", 1, n -> pointwise(n, x -> softsign(n.tf(), x)));
    r.register("Elu", 1, n -> pointwise(n, x -> elu(n.tf(), x, n.attrFloat("alpha", 1f), 1)));
    r.register("Celu", 12, n -> pointwise(n, x -> elu(n.tf(), x, n.attrFloat("alpha", 1f), n.attrFloat("alpha", 1f))));
    r.register("Selu", 1, n -> pointwise(n, x -> selu(n, x)));
    r.register("HardSigmoid", 1, n -> pointwise(n, x -> hardSigmoid(n.tf(), x, n.attrFloat("alpha", 0.2f),
        n.attrFloat("beta", 0.5f))));
    r.register("HardSwish", 14, n -> pointwise(n, x -> n.tf().op("Mul", x, hardSigmoid(n.tf(), x, 1 / 6f, 0.5f))));
    r.register("ThresholdedRelu", 10, n -> pointwise(n, x -> thresholdedRelu(n.tf(), x, n.attrFloat("alpha", 1f))));
    r.register("Shrink", 9, n -> pointwise(n, x -> shrink(n.tf(), x, n.attrFloat("lambd", 0.5f), n.attrFloat("bias", 0f))));
    r.register("Gelu", 20, n -> pointwise(n, x -> gelu(n, x)));
    r.register("Swish", 24, n -> pointwise(n, x -> n.tf().op("Mul", x,
        sigmoid(n, n.tf().op("Mul", x, n.tf().scalarLike(x, n.attrFloat("alpha", 1f)))))));
    r.register("Mish", 18, n -> pointwise(n, x -> n.tf().op("Mul", x, tanh(n, softplus(n, x)))));
    r.register("PRelu", 1, ActivationOps::prelu);
    r.register("Softmax", 1, n -> normalized(n, x -> n.tf().op("Softmax", x)));
    r.register("LogSoftmax", 1, n -> normalized(n, x -> logSoftmax(n.tf(), x)));
    r.register("Hardmax", 1, n -> normalized(n, x -> hardmax(n.tf(), x)));
  }

  private static Output<?>[] pointwise(NodeContext n, UnaryOperator<Output<?>> f) {
    return ChannelsLast.unary(n, f);
  }

  /** Maximum(x, 0) when gradients are differentiated twice: ReluGrad has no gradient in TF 2.18. */
  private static Output<?> relu(NodeContext n, Output<?> x) {
    return n.options().twiceDifferentiable() ? SmoothActivations.relu(n.tf(), x) : n.tf().op("Relu", x);
  }

  /** Through Exp when differentiated twice (TanhGrad has no gradient), see {@link SmoothActivations#tanh}. */
  private static Output<?> tanh(NodeContext n, Output<?> x) {
    return n.options().twiceDifferentiable() ? SmoothActivations.tanh(n.tf(), x) : n.tf().op("Tanh", x);
  }

  /** Through Exp when differentiated twice: SigmoidGrad has no gradient. */
  private static Output<?> sigmoid(NodeContext n, Output<?> x) {
    return n.options().twiceDifferentiable() ? SmoothActivations.sigmoid(n.tf(), x) : n.tf().op("Sigmoid", x);
  }

  /** Through Log1p and Exp when differentiated twice: SoftplusGrad has no gradient. */
  private static Output<?> softplus(NodeContext n, Output<?> x) {
    return n.options().twiceDifferentiable() ? SmoothActivations.softplus(n.tf(), x) : n.tf().op("Softplus", x);
  }

  /** x / (1 + |x|); Abs's gradient (Sign) is 0 at 0, where the quotient's derivative is still right (1). */
  private static Output<?> softsign(TfEmitter tf, Output<?> x) {
    return tf.op("RealDiv", x, tf.op("AddV2", tf.scalarLike(x, 1), tf.op("Abs", x)));
  }

  /**
   * x for x > 0, else alpha · expm1(x / scale): Elu (scale 1) and Celu (scale alpha). Expm1 of
   * min(x, 0) keeps the branch that is not taken finite, so that its zero gradient stays zero.
   */
  private static Output<?> elu(TfEmitter tf, Output<?> x, float alpha, float scale) {
    Output<?> negative = tf.op("Minimum", x, tf.scalarLike(x, 0));
    if (scale != 1) {
      negative = tf.op("RealDiv", negative, tf.scalarLike(x, scale));
    }
    Output<?> below = tf.op("Mul", tf.scalarLike(x, alpha), tf.op("Expm1", negative));
    return tf.op("SelectV2", tf.op("Greater", x, tf.scalarLike(x, 0)), x, below);
  }

  private static Output<?> selu(NodeContext n, Output<?> x) {
    boolean v1 = n.sinceVersion() < 6;
    float alpha = n.attrFloat("alpha", v1 ? SELU1_ALPHA : SELU_ALPHA);
    float gamma = n.attrFloat("gamma", v1 ? SELU1_GAMMA : SELU_GAMMA);
    return n.tf().op("Mul", n.tf().scalarLike(x, gamma), elu(n.tf(), x, alpha, 1));
  }

  /** max(0, min(1, alpha·x + beta)). */
  private static Output<?> hardSigmoid(TfEmitter tf, Output<?> x, float alpha, float beta) {
    Output<?> y = tf.op("AddV2", tf.op("Mul", x, tf.scalarLike(x, alpha)), tf.scalarLike(x, beta));
    return tf.op("Maximum", tf.op("Minimum", y, tf.scalarLike(x, 1)), tf.scalarLike(x, 0));
  }

  private static Output<?> thresholdedRelu(TfEmitter tf, Output<?> x, float alpha) {
    return tf.op("SelectV2", tf.op("Greater", x, tf.scalarLike(x, alpha)), x, tf.scalarLike(x, 0));
  }

  /** x + bias below −lambd, x − bias above lambd, 0 between. */
  private static Output<?> shrink(TfEmitter tf, Output<?> x, float lambd, float bias) {
    Output<?> high = tf.op("SelectV2", tf.op("Greater", x, tf.scalarLike(x, lambd)),
        tf.op("Sub", x, tf.scalarLike(x, bias)), tf.scalarLike(x, 0));
    return tf.op("SelectV2", tf.op("Less", x, tf.scalarLike(x, -lambd)), tf.op("AddV2", x, tf.scalarLike(x, bias)), high);
  }

  /**
   * x · Φ(x) with Φ through Erf ("none"), or the tanh approximation. TF has no Gelu op (Keras
   * builds it from Erf too); Erf's gradient is made of Exp and Mul, so this is twice differentiable.
   */
  private static Output<?> gelu(NodeContext n, Output<?> x) {
    TfEmitter tf = n.tf();
    String approximate = n.attrString("approximate", "none");
    Output<?> phi2;
    if (approximate.equals("none")) {
      phi2 = tf.op("Erf", tf.op("Mul", x, tf.scalarLike(x, Math.sqrt(0.5))));
    } else if (approximate.equals("tanh")) {
      Output<?> cube = tf.op("Mul", tf.op("Mul", x, x), x);
      Output<?> inner = tf.op("AddV2", x, tf.op("Mul", cube, tf.scalarLike(x, 0.044715)));
      phi2 = tanh(n, tf.op("Mul", inner, tf.scalarLike(x, Math.sqrt(2 / Math.PI))));
    } else {
      throw n.fail("approximate='" + approximate + "' is not supported (none, tanh)");
    }
    Output<?> half = tf.op("Mul", x, tf.scalarLike(x, 0.5));
    return tf.op("Mul", half, tf.op("AddV2", phi2, tf.scalarLike(x, 1)));
  }

  /**
   * x for x ≥ 0, slope · x below. From version 7 the slope broadcasts to x (numpy rules, one
   * way); versions 1 and 6 only define a slope of one element or of x's own shape, so any other
   * static shape is refused rather than guessed.
   */
  private static Output<?>[] prelu(NodeContext n) {
    Output<?> x = n.input(0);
    Output<?> slope = n.input(1);
    if (n.sinceVersion() < 7) {
      return one(prelu(n.tf(), x, legacySlope(n, x, slope)));
    }
    return ChannelsLast.binary(n, (a, s) -> prelu(n.tf(), a, s));
  }

  private static Output<?> prelu(TfEmitter tf, Output<?> x, Output<?> slope) {
    return tf.op("SelectV2", tf.op("Less", x, tf.scalarLike(x, 0)), tf.op("Mul", x, slope), x);
  }

  /**
   * PRelu-1 and 6 (Caffe2's) take a slope of one element, of the input's shape, or one per
   * channel (axis 1), as the PyTorch-converted tests of the ONNX suite use it; the last is
   * reshaped to [C, 1, …] for numpy broadcasting.
   */
  private static Output<?> legacySlope(NodeContext n, Output<?> x, Output<?> slope) {
    Shape s = slope.shape();
    Shape xs = x.shape();
    if (!s.hasUnknownDimension() && (s.size() == 1 || s.equals(xs))) {
      return slope;
    }
    int rank = n.rank(x);
    if (s.numDimensions() == 1 && rank >= 2 && s.get(0) >= 0 && s.get(0) == xs.get(1)) {
      long[] dims = new long[rank - 1];
      java.util.Arrays.fill(dims, 1);
      dims[0] = s.get(0);
      return n.tf().reshape(slope, n.tf().int64s(dims));
    }
    throw n.fail("slope of shape " + s + " for an input of shape " + xs + ": PRelu-" + n.sinceVersion()
        + " takes a slope of one element, of the input's shape, or of one per channel (axis 1)");
  }

  /**
   * Softmax, LogSoftmax or Hardmax ({@code lastAxis}, which works on the last axis). Versions 1
   * and 11 coerce the input to 2-D, [d0·…·d(axis−1), d(axis)·…], and normalise over the second
   * dimension, i.e. over all axes from {@code axis} on (default 1); version 13 normalises over
   * the one axis (default −1), which is moved last by a transpose when it is not.
   */
  private static Output<?>[] normalized(NodeContext n, UnaryOperator<Output<?>> lastAxis) {
    Output<?> x = n.input(0);
    TfEmitter tf = n.tf();
    int rank = n.rank(x);
    boolean coerced = n.sinceVersion() < 13;
    long axis = n.attrInt("axis", coerced ? 1 : -1);
    if (axis < -rank || axis >= rank) {
      throw n.fail("axis " + n.attrInt("axis", 0) + " is out of range for a rank-" + rank + " input");
    }
    int a = (int) (axis < 0 ? axis + rank : axis);
    if (a == rank - 1) {
      return one(lastAxis.apply(x));
    }
    if (coerced) {
      Output<?> shape = tf.shape64(x);
      return one(tf.reshape(lastAxis.apply(ShapeOps.flattenAt(tf, x, rank, a)), shape));
    }
    int[] perm = new int[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i == a ? rank - 1 : i == rank - 1 ? a : i;
    }
    // Swapping two axes is its own inverse.
    return one(tf.transpose(lastAxis.apply(tf.transpose(x, perm)), perm));
  }

  /**
   * LogSoftmax of a 2-D view: TF's C++ gradient of LogSoftmax sums the incoming gradient over
   * axis 1, not the last axis, so it is wrong for any other rank.
   */
  static Output<?> logSoftmax(TfEmitter tf, Output<?> x) {
    int rank = x.shape().numDimensions();
    if (rank == 2) {
      return tf.op("LogSoftmax", x);
    }
    Output<?> shape = tf.shape64(x);
    return tf.reshape(tf.op("LogSoftmax", ShapeOps.flattenAt(tf, x, rank, rank - 1)), shape);
  }

  /**
   * One-hot of the first maximum along the last axis. The result is piecewise constant; ArgMax
   * has no gradient, so its operand is cut off from differentiation by StopGradient (a gradient
   * through Hardmax is zero).
   */
  private static Output<?> hardmax(TfEmitter tf, Output<?> x) {
    Output<?> index = tf.build("ArgMax", b -> b.setAttr("output_type", DataType.DT_INT32),
        tf.op("StopGradient", x), tf.int32(-1)).output(0);
    int rank = x.shape().numDimensions();
    long last = x.shape().get(rank - 1);
    Output<?> depth = last >= 0 ? tf.int32((int) last) : tf.reshape(tf.op("Slice",
        tf.build("Shape", b -> b.setAttr("out_type", DataType.DT_INT32), x).output(0), tf.int32s(rank - 1),
        tf.int32s(1)), tf.int32s());
    return tf.build("OneHot", b -> b.setAttr("axis", -1L), index, depth, tf.scalarLike(x, 1), tf.scalarLike(x, 0))
        .output(0);
  }
}
