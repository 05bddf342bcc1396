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
    r.register("Add", n -> one(n.tf().op("AddV2", n.input(0), n.input(1))));
    r.register("Sub", n -> one(n.tf().op("Sub", n.input(0), n.input(1))));
    r.register("Mul", n -> one(n.tf().op("Mul", n.input(0), n.input(1))));
    r.register("Div", ElementwiseOps::div);
    r.register("Pow", ElementwiseOps::pow);
    r.register("Sqrt", n -> one(n.tf().op("Pow", n.input(0), n.tf().scalarLike(n.input(0), 0.5))));
    r.register("Reciprocal", n -> one(n.tf().op("RealDiv", n.tf().scalarLike(n.input(0), 1), n.input(0))));
    r.register("Exp", n -> one(n.tf().op("Exp", n.input(0))));
    r.register("Log", n -> one(n.tf().op("Log", n.input(0))));
    r.register("Neg", n -> one(n.tf().op("Neg", n.input(0))));
    r.register("Abs", n -> one(n.tf().op("Abs", n.input(0))));
    r.register("Erf", n -> one(n.tf().op("Erf", n.input(0))));
    r.register("Identity", n -> one(n.tf().op("Identity", n.input(0))));
    // Eval-mode dropout is the identity; the optional mask output is not supported.
    r.register("Dropout", n -> one(n.tf().op("Identity", n.input(0))));
    r.register("Equal", n -> one(n.tf().op("Equal", n.input(0), n.input(1))));
    r.register("Less", n -> one(n.tf().op("Less", n.input(0), n.input(1))));
    r.register("Greater", n -> one(n.tf().op("Greater", n.input(0), n.input(1))));
    r.register("Not", n -> one(n.tf().op("LogicalNot", n.input(0))));
    r.register("Where", n -> one(n.tf().op("SelectV2", n.input(0), n.input(1), n.input(2))));
    r.register("Max", n -> fold(n, "Maximum"));
    r.register("Min", n -> fold(n, "Minimum"));
    r.register("Sum", n -> fold(n, "AddV2"));
    r.register("Clip", ElementwiseOps::clip);
    r.register("Cast", ElementwiseOps::cast);
  }

  static Output<?>[] one(Output<?> o) {
    return new Output<?>[] {o};
  }

  private static Output<?>[] div(NodeContext n) {
    Output<?> a = n.input(0);
    boolean floating = a.dataType() == DataType.DT_FLOAT || a.dataType() == DataType.DT_DOUBLE;
    // ONNX integer division truncates toward zero like TruncateDiv; TF's Div floors.
    return one(n.tf().op(floating ? "RealDiv" : "TruncateDiv", a, n.input(1)));
  }

  private static Output<?>[] pow(NodeContext n) {
    Output<?> base = n.input(0);
    return one(n.tf().op("Pow", base, n.tf().cast(n.input(1), base.dataType())));
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
    int to = (int) n.attrInt("to", 0);
    ElementType t = ElementType.fromOnnx(to);
    if (t == null) {
      throw n.fail("cast to " + ElementType.onnxName(to) + " is not supported");
    }
    DataType dt = switch (t) {
      case FLOAT32, FLOAT64 -> n.tf().floatDataType();
      case INT64 -> DataType.DT_INT64;
      case INT32 -> DataType.DT_INT32;
      case BOOL -> DataType.DT_BOOL;
    };
    Output<?> x = n.input(0);
    // A same-type cast must still be a node of its own: the output may not alias an input.
    return one(x.dataType() == dt ? n.tf().op("Identity", x) : n.tf().cast(x, dt));
  }
}
