package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.SmoothActivations;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Unary math: exponentials, roots, trigonometric and hyperbolic functions and their inverses,
 * rounding, Sign, the NaN/Inf tests and Det. Every version of these ops computes the same
 * function (later versions add element types, version 1 the legacy consumed_inputs hint), so
 * each op has one handler from its first version. Pointwise ones stay NHWC (ChannelsLast).
 *
 * <p>Gradients: Sqrt and Reciprocal go through Pow and RealDiv because TF 2.18 has no gradient for
 * SqrtGrad or ReciprocalGrad, and R1 penalties differentiate these ops twice. Ceil, Round, IsNan,
 * IsInf and MatrixDeterminant have no gradient in TF's C++ registry; theirs are registered from
 * Java ({@link org.mgm.model.SecondOrderGradients}).
 */
public final class MathOps {
  private MathOps() {}

  /** ONNX op → TF op of the same function, with the since-version of the ONNX op's first version. */
  private static final Object[][] SAME_FUNCTION = {
      {"Exp", 1, "Exp"}, {"Log", 1, "Log"}, {"Neg", 1, "Neg"}, {"Erf", 9, "Erf"},
      {"Floor", 1, "Floor"}, {"Ceil", 1, "Ceil"},
      // TF's Round rounds half to even, as ONNX's does.
      {"Round", 11, "Round"},
      {"Sin", 7, "Sin"}, {"Cos", 7, "Cos"}, {"Tan", 7, "Tan"},
      {"Asin", 7, "Asin"}, {"Acos", 7, "Acos"}, {"Atan", 7, "Atan"},
      {"Sinh", 9, "Sinh"}, {"Cosh", 9, "Cosh"}, {"Asinh", 9, "Asinh"}, {"Acosh", 9, "Acosh"}, {"Atanh", 9, "Atanh"},
  };

  public static void register(OpRegistry r) {
    for (Object[] e : SAME_FUNCTION) {
      String tfOp = (String) e[2];
      r.register((String) e[0], (Integer) e[1], n -> ChannelsLast.unary(n, x -> n.tf().op(tfOp, x)));
    }
    r.register("Abs", 1, n -> ChannelsLast.unary(n, x -> unsigned(x.dataType()) ? n.tf().op("Identity", x)
        : n.tf().op("Abs", x)));
    r.register("Sign", 9, n -> ChannelsLast.unary(n, x -> sign(n.tf(), x)));
    r.register("Sqrt", 1, n -> ChannelsLast.unary(n, x -> SmoothActivations.power(n.tf(), x, 0.5)));
    r.register("Reciprocal", 1, n -> ChannelsLast.unary(n, x -> n.tf().op("RealDiv", n.tf().scalarLike(x, 1), x)));
    r.register("IsNaN", 9, n -> one(n.tf().op("IsNan", n.input(0))));
    r.register("IsInf", 10, MathOps::isInf);
    r.register("Det", 11, n -> one(n.tf().op("MatrixDeterminant", n.input(0))));
  }

  static boolean unsigned(DataType t) {
    return t == DataType.DT_UINT8 || t == DataType.DT_UINT16 || t == DataType.DT_UINT32 || t == DataType.DT_UINT64;
  }

  /** TF's Sign has no unsigned kernels; there it is x > 0. */
  private static Output<?> sign(TfEmitter tf, Output<?> x) {
    if (!unsigned(x.dataType())) {
      return tf.op("Sign", x);
    }
    return tf.cast(tf.op("Greater", x, tf.cast(tf.int64(0), x.dataType())), x.dataType());
  }

  /** TF's IsInf detects both signs; one sign is IsInf and a comparison with 0. */
  private static Output<?>[] isInf(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    boolean positive = n.attrInt("detect_positive", 1) != 0;
    boolean negative = n.attrInt("detect_negative", 1) != 0;
    if (!positive && !negative) {
      return one(tf.op("ZerosLike", tf.op("IsInf", x)));
    }
    Output<?> inf = tf.op("IsInf", x);
    if (positive && negative) {
      return one(inf);
    }
    Output<?> side = tf.op(positive ? "Greater" : "Less", x, tf.scalarLike(x, 0));
    return one(tf.op("LogicalAnd", inf, side));
  }
}
