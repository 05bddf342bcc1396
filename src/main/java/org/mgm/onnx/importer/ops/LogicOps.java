package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Comparisons, boolean logic, bitwise ops, BitShift and Where. Version 1 of the comparisons and
 * of And/Or/Xor broadcasts the legacy way (broadcast and axis attributes, see
 * {@link ElementwiseOps#legacyBinary}); from version 7 they broadcast as numpy, as TF does; later
 * versions only add element types.
 */
public final class LogicOps {
  private LogicOps() {}

  public static void register(OpRegistry r) {
    for (String[] e : new String[][] {{"Equal", "Equal"}, {"Less", "Less"}, {"Greater", "Greater"},
        {"And", "LogicalAnd"}, {"Or", "LogicalOr"}, {"Xor", "NotEqual"}}) {
      String tfOp = e[1];
      r.register(e[0], 1, n -> ElementwiseOps.binary(n, (a, b) -> n.tf().op(tfOp, a, b)));
    }
    r.register("LessOrEqual", 12, n -> plain(n, "LessEqual"));
    r.register("GreaterOrEqual", 12, n -> plain(n, "GreaterEqual"));
    r.register("Not", 1, n -> one(n.tf().op("LogicalNot", n.input(0))));
    r.register("BitwiseAnd", 18, n -> plain(n, "BitwiseAnd"));
    r.register("BitwiseOr", 18, n -> plain(n, "BitwiseOr"));
    r.register("BitwiseXor", 18, n -> plain(n, "BitwiseXor"));
    r.register("BitwiseNot", 18, n -> one(n.tf().op("Invert", n.input(0))));
    r.register("BitShift", 11, LogicOps::bitShift);
    r.register("Where", 9, n -> one(n.tf().op("SelectV2", n.input(0), n.input(1), n.input(2))));
  }

  private static Output<?>[] plain(NodeContext n, String tfOp) {
    return one(n.tf().op(tfOp, n.input(0), n.input(1)));
  }

  /**
   * TF clamps a shift count to [0, bits − 1]; ONNX (as BitShift-28 spells out) gives what the
   * fill alone produces for a count outside [0, bits): 0, or −1 for a right shift of a negative
   * signed value, which is the arithmetic shift by bits − 1.
   */
  private static Output<?>[] bitShift(NodeContext n) {
    String direction = n.attrString("direction", "");
    if (!direction.equals("LEFT") && !direction.equals("RIGHT")) {
      throw n.fail("direction '" + direction + "' is not supported (LEFT, RIGHT)");
    }
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    Output<?> y = n.input(1);
    DataType t = x.dataType();
    int bits = bits(n, t);
    Output<?> inRange = tf.op("LogicalAnd", tf.op("GreaterEqual", y, integer(tf, t, 0)),
        tf.op("Less", y, integer(tf, t, bits)));
    boolean left = direction.equals("LEFT");
    Output<?> shifted = tf.op(left ? "LeftShift" : "RightShift", x, y);
    Output<?> fill = left || MathOps.unsigned(t) ? integer(tf, t, 0) : tf.op("RightShift", x, integer(tf, t, bits - 1));
    return one(tf.op("SelectV2", inRange, shifted, fill));
  }

  private static Output<?> integer(TfEmitter tf, DataType t, long v) {
    return tf.cast(tf.int64(v), t);
  }

  private static int bits(NodeContext n, DataType t) {
    return switch (t) {
      case DT_UINT8, DT_INT8 -> 8;
      case DT_UINT16, DT_INT16 -> 16;
      case DT_UINT32, DT_INT32 -> 32;
      case DT_UINT64, DT_INT64 -> 64;
      default -> throw n.fail("BitShift of " + t + " is not supported (integer types)");
    };
  }
}
