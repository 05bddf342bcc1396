package org.mgm.onnx.importer.ops;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.ElementType;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Arithmetic, comparisons, Cast and Identity. ONNX and TF broadcast the same (numpy rules).
 * Sqrt and Reciprocal are emitted through Pow and RealDiv because TF 2.18 has no gradient for
 * SqrtGrad or ReciprocalGrad, and R1 penalties differentiate these ops twice.
 */
public final class ElementwiseOps {
  private ElementwiseOps() {}

  public static void register(OpRegistry r) {
    // Arithmetic follows the layout of its inputs (ChannelsLast): NHWC stays NHWC.
    r.register("Add", 7, n -> ChannelsLast.binary(n, (a, b) -> n.tf().op("AddV2", a, b)));
    r.register("Sub", 7, n -> ChannelsLast.binary(n, (a, b) -> n.tf().op("Sub", a, b)));
    r.register("Mul", 7, n -> ChannelsLast.binary(n, (a, b) -> n.tf().op("Mul", a, b)));
    r.register("Div", 7, n -> ChannelsLast.binary(n, (a, b) -> div(n.tf(), a, b)));
    r.register("Pow", 7, n -> ChannelsLast.binary(n, (a, b) -> n.tf().op("Pow", a, n.tf().cast(b, a.dataType()))));
    r.register("Sqrt", 6, n -> ChannelsLast.unary(n, x -> n.tf().op("Pow", x, n.tf().scalarLike(x, 0.5))));
    r.register("Reciprocal", 6, n -> ChannelsLast.unary(n, x -> n.tf().op("RealDiv", n.tf().scalarLike(x, 1), x)));
    for (String op : new String[] {"Exp", "Log", "Neg", "Abs", "Erf", "Identity"}) {
      r.register(op, 1, n -> ChannelsLast.unary(n, x -> n.tf().op(op, x)));
    }
    r.register("Equal", 7, n -> one(n.tf().op("Equal", n.input(0), n.input(1))));
    r.register("Less", 7, n -> one(n.tf().op("Less", n.input(0), n.input(1))));
    r.register("Greater", 7, n -> one(n.tf().op("Greater", n.input(0), n.input(1))));
    r.register("Not", 1, n -> one(n.tf().op("LogicalNot", n.input(0))));
    r.register("Where", 9, n -> one(n.tf().op("SelectV2", n.input(0), n.input(1), n.input(2))));
    r.register("Max", 6, n -> fold(n, "Maximum"));
    r.register("Min", 6, n -> fold(n, "Minimum"));
    r.register("Sum", 6, n -> fold(n, "AddV2"));
    r.register("Clip", 6, ElementwiseOps::clip);
    r.register("Cast", 6, ElementwiseOps::cast);
  }

  static Output<?>[] one(Output<?> o) {
    return new Output<?>[] {o};
  }

  private static Output<?> div(TfEmitter tf, Output<?> a, Output<?> b) {
    ElementType t = ElementType.fromTf(a.dataType());
    boolean floating = t != null && t.isFloating();
    // ONNX integer division truncates toward zero like TruncateDiv; TF's Div floors.
    return tf.op(floating ? "RealDiv" : "TruncateDiv", a, b);
  }

  private static Output<?>[] fold(NodeContext n, String tfOp) {
    Output<?> acc = n.input(0);
    for (int i = 1; i < n.inputCount(); i++) {
      acc = n.tf().op(tfOp, acc, n.input(i));
    }
    return one(acc);
  }

  private static Output<?>[] clip(NodeContext n) {
    Output<?> x = n.input(0);
    TfEmitter tf = n.tf();
    Output<?> lo = null;
    Output<?> hi = null;
    if (n.opset() < 11) {
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
    return one(x);
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
