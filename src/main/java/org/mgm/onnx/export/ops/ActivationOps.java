package org.mgm.onnx.export.ops;

import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfOpRegistry;

/** Pointwise functions of one tensor. */
public final class ActivationOps {
  private ActivationOps() {}

  public static void register(TfOpRegistry r) {
    for (String op : List.of("Relu", "Tanh", "Sigmoid", "Sqrt", "Neg", "Exp", "Log", "Abs", "Erf")) {
      r.register(op, n -> n.single(op, List.of(n.input(0))));
    }
    // TF's default slope is 0.2, ONNX's 0.01: always write it.
    r.register("LeakyRelu", n -> n.single("LeakyRelu", List.of(n.input(0)),
        OnnxGraphBuilder.attr("alpha", n.attrFloat("alpha", 0.2f))));
    r.register("Rsqrt", n -> n.single("Reciprocal", List.of(n.helperNode("sqrt", "Sqrt", List.of(n.input(0))))));
    // Clip takes its bounds as inputs since opset 11, typed as the input (float here).
    r.register("Relu6", n -> n.single("Clip", List.of(n.input(0),
        n.constant("zero", org.mgm.tensor.HostTensor.of(new float[] {0f})), n.constant("six", org.mgm.tensor.HostTensor.of(new float[] {6f})))));
    // TF's Softmax is over the last axis; ONNX's (opset 13+) over the axis it is given.
    r.register("Softmax", n -> n.single("Softmax", List.of(n.input(0)), OnnxGraphBuilder.attr("axis", -1L)));
    // ONNX has Erf but no Erfc (exact GELU as Keras writes it: 0.5·x·erfc(−x/√2)).
    r.register("Erfc", n -> n.single("Sub", List.of(n.constant("one", org.mgm.tensor.HostTensor.of(new float[] {1f})),
        n.helperNode("erf", "Erf", List.of(n.input(0))))));
    r.register("Square", n -> n.single("Mul", List.of(n.input(0), n.input(0))));
  }
}
