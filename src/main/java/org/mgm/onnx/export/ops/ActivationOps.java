package org.mgm.onnx.export.ops;

import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfOpRegistry;

/** Pointwise functions of one tensor. */
public final class ActivationOps {
  private ActivationOps() {}

  public static void register(TfOpRegistry r) {
    for (String op : List.of("Relu", "Tanh", "Sigmoid", "Sqrt")) {
      r.register(op, n -> n.single(op, List.of(n.input(0))));
    }
    // TF's default slope is 0.2, ONNX's 0.01: always write it.
    r.register("LeakyRelu", n -> n.single("LeakyRelu", List.of(n.input(0)),
        OnnxGraphBuilder.attr("alpha", n.attrFloat("alpha", 0.2f))));
    r.register("Rsqrt", n -> n.single("Reciprocal", List.of(n.helperNode("sqrt", "Sqrt", List.of(n.input(0))))));
    r.register("Square", n -> n.single("Mul", List.of(n.input(0), n.input(0))));
  }
}
