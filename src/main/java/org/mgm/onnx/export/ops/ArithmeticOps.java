package org.mgm.onnx.export.ops;

import java.util.List;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;

/** Broadcasting binary ops (TF and ONNX broadcast alike, numpy-style) and BiasAdd. */
public final class ArithmeticOps {
  private ArithmeticOps() {}

  public static void register(TfOpRegistry r) {
    binary(r, "Add", "Add");
    binary(r, "AddV2", "Add");
    binary(r, "Sub", "Sub");
    binary(r, "Mul", "Mul");
    binary(r, "RealDiv", "Div");
    binary(r, "Maximum", "Max");
    binary(r, "Minimum", "Min");
    r.register("SquaredDifference", n -> {
      String d = n.helperNode("difference", "Sub", List.of(n.input(0), n.input(1)));
      return n.single("Mul", List.of(d, d));
    });
    r.register("BiasAdd", ArithmeticOps::biasAdd);
  }

  private static void binary(TfOpRegistry r, String tfOp, String onnxOp) {
    r.register(tfOp, n -> n.single(onnxOp, List.of(n.input(0), n.input(1))));
  }

  /**
   * NHWC adds the bias along the last axis, which is plain broadcasting; NCHW adds it along axis
   * 1, so the bias is unsqueezed to [C, 1, ..., 1] first.
   */
  private static List<String> biasAdd(TfNodeContext n) {
    String format = n.attrString("data_format", "NHWC");
    String bias = n.input(1);
    if (format.equals("NCHW")) {
      int rank = n.rank(0);
      if (rank > 2) {
        long[] axes = new long[rank - 2];
        for (int i = 0; i < axes.length; i++) {
          axes[i] = i + 1;
        }
        bias = n.helperNode("bias", "Unsqueeze", List.of(bias, n.int64s("bias_axes", axes)));
      }
    } else if (!format.equals("NHWC")) {
      throw n.fail("data_format " + format + " is not supported (NHWC, NCHW)");
    }
    return n.single("Add", List.of(n.input(0), bias));
  }
}
