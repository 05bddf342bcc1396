package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.SmoothActivations;
import org.tensorflow.Output;

/** Pointwise nonlinearities. */
public final class ActivationOps {
  private ActivationOps() {}

  public static void register(OpRegistry r) {
    // Pointwise: computed in NHWC where the input already is (ChannelsLast).
    r.register("Relu", 6, n -> ChannelsLast.unary(n, x -> relu(n, x)));
    // ONNX's default slope is 0.01, TF's 0.2: always set it.
    r.register("LeakyRelu", 6, n -> ChannelsLast.unary(n, x -> n.tf().build("LeakyRelu",
        b -> b.setAttr("alpha", n.attrFloat("alpha", 0.01f)), x).output(0)));
    r.register("Tanh", 6, n -> ChannelsLast.unary(n, x -> tanh(n, x)));
    r.register("Sigmoid", 6, n -> ChannelsLast.unary(n, x -> n.tf().op("Sigmoid", x)));
    r.register("Softplus", 1, n -> ChannelsLast.unary(n, x -> n.tf().op("Softplus", x)));
    r.register("Softmax", 1, ActivationOps::softmax);
  }

  /** Maximum(x, 0) when gradients are differentiated twice: ReluGrad has no gradient in TF 2.18. */
  private static Output<?> relu(NodeContext n, Output<?> x) {
    return n.options().twiceDifferentiable() ? SmoothActivations.relu(n.tf(), x) : n.tf().op("Relu", x);
  }

  /** Through Exp when differentiated twice (TanhGrad has no gradient), see {@link SmoothActivations#tanh}. */
  private static Output<?> tanh(NodeContext n, Output<?> x) {
    return n.options().twiceDifferentiable() ? SmoothActivations.tanh(n.tf(), x) : n.tf().op("Tanh", x);
  }

  private static Output<?>[] softmax(NodeContext n) {
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long axis = n.attrInt("axis", n.opset() >= 13 ? -1 : 1);
    if (axis < 0) {
      axis += rank;
    }
    if (axis != rank - 1 || n.opset() < 13 && rank != 2) {
      throw n.fail("softmax over axis " + axis + " of a rank-" + rank + " tensor is not supported (last axis only)");
    }
    return one(n.tf().op("Softmax", x));
  }
}
