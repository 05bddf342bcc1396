package org.mgm.onnx.importer.ops;

import java.util.function.BinaryOperator;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.ElementType;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Arithmetic, variadic Max/Min/Sum/Mean, Clip, Identity and Cast. From version 7 ONNX
 * and TF broadcast the same (numpy rules); versions 1 and 6 of the binary ops broadcast the legacy
 * way ({@link #legacyBinary}). Later versions only add element types.
 */
public final class ElementwiseOps {
  private ElementwiseOps() {}

  public static void register(OpRegistry r) {
    // Arithmetic follows the layout of its inputs (ChannelsLast): NHWC stays NHWC.
    r.register("Add", 1, n -> binary(n, (a, b) -> n.tf().op("AddV2", a, b)));
    r.register("Sub", 1, n -> binary(n, (a, b) -> n.tf().op("Sub", a, b)));
    r.register("Mul", 1, n -> binary(n, (a, b) -> n.tf().op("Mul", a, b)));
    r.register("Div", 1, n -> binary(n, (a, b) -> div(n.tf(), a, b)));
    r.register("Pow", 1, n -> binary(n, (a, b) -> pow(n.tf(), a, b)));
    r.register("Mod", 10, n -> binary(n, (a, b) -> mod(n, a, b)));
    r.register("Identity", 1, n -> ChannelsLast.unary(n, x -> n.tf().op("Identity", x)));
    // Versions 1 and 6 want inputs of one shape, 8 on broadcasts them: numpy broadcasting is both.
    r.register("Max", 1, n -> fold(n, "Maximum"));
    r.register("Min", 1, n -> fold(n, "Minimum"));
    r.register("Sum", 1, n -> fold(n, "AddV2"));
    r.register("Mean", 1, ElementwiseOps::mean);
    r.register("Clip", 1, n -> ChannelsLast.unary(n, x -> clip(n, x)));
    r.register("Cast", 6, ElementwiseOps::cast);
  }

  static Output<?>[] one(Output<?> o) {
    return new Output<?>[] {o};
  }

  static boolean floating(DataType t) {
    ElementType e = ElementType.fromTf(t);
    return e != null && e.isFloating();
  }

  /** A binary op of inputs 0 and 1: legacy broadcasting before version 7, numpy's from it. */
  static Output<?>[] binary(NodeContext n, BinaryOperator<Output<?>> op) {
    return n.sinceVersion() < 7 ? one(legacyBinary(n, op)) : ChannelsLast.binary(n, op);
  }

  /**
   * Versions 1 and 6 of the binary ops: without broadcast=1 both inputs have one shape; with it,
   * B's shape is a contiguous run of A's, starting at {@code axis} when that is given (B is then
   * padded with trailing unit axes for numpy to align it), else a suffix of A's (numpy's own
   * alignment), or B has one element.
   */
  static Output<?> legacyBinary(NodeContext n, BinaryOperator<Output<?>> op) {
    Output<?> a = n.input(0);
    Output<?> b = n.input(1);
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (n.attrInt("broadcast", 0) == 0) {
      if (!sa.hasUnknownDimension() && !sb.hasUnknownDimension() && !sa.equals(sb)) {
        throw n.fail("inputs of shapes " + sa + " and " + sb + " without broadcast=1 (version "
            + n.sinceVersion() + " broadcasts only when asked to)");
      }
      return op.apply(a, b);
    }
    if (n.hasAttr("axis")) {
      int ra = n.rank(a);
      int rb = n.rank(b);
      long axis = n.attrInt("axis", 0);
      if (axis < 0) {
        axis += ra;
      }
      if (axis < 0 || axis + rb > ra) {
        throw n.fail("broadcast axis " + n.attrInt("axis", 0) + " does not fit a rank-" + rb
            + " B into a rank-" + ra + " A");
      }
      for (long i = axis + rb; i < ra; i++) {
        b = n.tf().op("ExpandDims", b, n.tf().int32(-1));
      }
    }
    return op.apply(a, b);
  }

  private static Output<?> div(TfEmitter tf, Output<?> a, Output<?> b) {
    // ONNX integer division truncates toward zero like TruncateDiv; TF's Div floors.
    return tf.op(floating(a.dataType()) ? "RealDiv" : "TruncateDiv", a, b);
  }

  /**
   * The result has the base's type (Pow-12 on allows another exponent type). An integer base
   * with a floating exponent is computed in float64 and truncated back, as numpy's
   * power(a, b).astype(a.dtype) in ONNX's reference does.
   */
  private static Output<?> pow(TfEmitter tf, Output<?> a, Output<?> b) {
    DataType t = a.dataType();
    if (floating(t) || !floating(b.dataType())) {
      return tf.op("Pow", a, tf.cast(b, t));
    }
    Output<?> wide = tf.op("Pow", tf.cast(a, DataType.DT_DOUBLE), tf.cast(b, DataType.DT_DOUBLE));
    return tf.cast(wide, t);
  }

  /**
   * fmod=0: the sign of the divisor (FloorMod; on floats only from Mod-28, which defines it as
   * numpy's mod); fmod=1: the sign of the dividend, C's fmod (TruncateMod). TruncateMod has no
   * 8- and 16-bit kernels: those go through int32. Unsigned values have no sign, and both are
   * FloorMod. The gradients of both are registered in {@link org.mgm.model.SecondOrderGradients}.
   */
  private static Output<?> mod(NodeContext n, Output<?> a, Output<?> b) {
    TfEmitter tf = n.tf();
    long fmod = n.attrInt("fmod", 0);
    if (fmod != 0 && fmod != 1) {
      throw n.fail("fmod=" + fmod + " is not supported (0, 1)");
    }
    DataType t = a.dataType();
    if (fmod == 0 && floating(t) && n.sinceVersion() < 28) {
      throw n.fail("fmod=0 on floating-point inputs is not defined before Mod-28 (ONNX: fmod must be 1)");
    }
    if (fmod == 0 || MathOps.unsigned(t)) {
      return tf.op("FloorMod", a, b);
    }
    if (t == DataType.DT_INT8 || t == DataType.DT_INT16) {
      return tf.cast(tf.op("TruncateMod", tf.cast(a, DataType.DT_INT32), tf.cast(b, DataType.DT_INT32)), t);
    }
    return tf.op("TruncateMod", a, b);
  }

  private static Output<?>[] fold(NodeContext n, String tfOp) {
    Output<?> acc = n.input(0);
    for (int i = 1; i < n.inputCount(); i++) {
      acc = n.tf().op(tfOp, acc, n.input(i));
    }
    return one(acc);
  }

  private static Output<?>[] mean(NodeContext n) {
    Output<?> sum = fold(n, "AddV2")[0];
    return one(n.tf().op("RealDiv", sum, n.tf().scalarLike(sum, n.inputCount())));
  }

  /**
   * Bounds are attributes min and max before version 11 (absent: none), optional scalar inputs
   * from it. min > max gives max everywhere, as ONNX defines.
   */
  private static Output<?> clip(NodeContext n, Output<?> x) {
    TfEmitter tf = n.tf();
    Output<?> lo;
    Output<?> hi;
    if (n.sinceVersion() < 11) {
      lo = n.hasAttr("min") ? tf.scalarLike(x, n.attrFloat("min", 0)) : null;
      hi = n.hasAttr("max") ? tf.scalarLike(x, n.attrFloat("max", 0)) : null;
    } else {
      lo = n.hasInput(1) ? n.input(1) : null;
      hi = n.hasInput(2) ? n.input(2) : null;
    }
    if (lo != null) {
      x = tf.op("Maximum", x, lo);
    }
    if (hi != null) {
      x = tf.op("Minimum", x, hi);
    }
    return x;
  }

  private static Output<?>[] cast(NodeContext n) {
    return one(castTo(n, n.input(0), dataType(n, (int) n.attrInt("to", 0))));
  }

  /** x as {@code dt}; a same-type cast is still a node of its own: the output may not alias an input. */
  static Output<?> castTo(NodeContext n, Output<?> x, DataType dt) {
    return x.dataType() == dt ? n.tf().op("Identity", x) : n.tf().cast(x, dt);
  }

  /** The TF type of an ONNX element type code (Cast's {@code to}, EyeLike's {@code dtype}). */
  static DataType dataType(NodeContext n, int onnxCode) {
    ElementType t = ElementType.fromOnnx(onnxCode);
    if (t == null) {
      throw n.fail("element type " + ElementType.onnxName(onnxCode) + " is not supported");
    }
    // Cast honours `to`, unless the import computes every floating tensor in one type
    return n.tf().computedAs(t).tfType();
  }
}
