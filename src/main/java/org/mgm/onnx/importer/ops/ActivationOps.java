package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;

/** Pointwise nonlinearities. */
public final class ActivationOps {
  private ActivationOps() {}

  public static void register(OpRegistry r) {
    r.register("Relu", ActivationOps::relu);
    // ONNX's default slope is 0.01, TF's 0.2: always set it.
    r.register("LeakyRelu", n -> one(n.tf().build("LeakyRelu",
        b -> b.setAttr("alpha", n.attrFloat("alpha", 0.01f)), n.input(0)).output(0)));
    r.register("Tanh", ActivationOps::tanh);
    r.register("Sigmoid", n -> one(n.tf().op("Sigmoid", n.input(0))));
    r.register("Softplus", n -> one(n.tf().op("Softplus", n.input(0))));
    r.register("Softmax", ActivationOps::softmax);
  }

  /** Maximum(x, 0) when gradients are differentiated twice: ReluGrad has no gradient in TF 2.18. */
  private static Output<?>[] relu(NodeContext n) {
    Output<?> x = n.input(0);
    if (n.options().twiceDifferentiable()) {
      return one(n.tf().op("Maximum", x, n.tf().scalarLike(x, 0)));
    }
    return one(n.tf().op("Relu", x));
  }

  /**
   * tanh(x) = 1 − 2 / (exp(2x) + 1) on x clipped to ±20 when differentiated twice (TanhGrad has no
   * gradient); the clip keeps exp finite, and tanh is flat to 1e-17 beyond it.
   */
  private static Output<?>[] tanh(NodeContext n) {
    Output<?> x = n.input(0);
    TfEmitter tf = n.tf();
    if (!n.options().twiceDifferentiable()) {
      return one(tf.op("Tanh", x));
    }
    Output<?> clipped = tf.op("Minimum", tf.op("Maximum", x, tf.scalarLike(x, -20)), tf.scalarLike(x, 20));
    Output<?> e = tf.op("Exp", tf.op("Mul", clipped, tf.scalarLike(x, 2)));
    Output<?> frac = tf.op("RealDiv", tf.scalarLike(x, 2), tf.op("AddV2", e, tf.scalarLike(x, 1)));
    return one(tf.op("Sub", tf.scalarLike(x, 1), frac));
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
