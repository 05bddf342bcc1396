package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;

/** MatMul (2-D and batched) and Gemm. */
public final class MatrixOps {
  private MatrixOps() {}

  public static void register(OpRegistry r) {
    r.register("MatMul", 1, MatrixOps::matMul);
    r.register("Gemm", 7, MatrixOps::gemm);
  }

  private static Output<?>[] matMul(NodeContext n) {
    Output<?> a = n.input(0);
    Output<?> b = n.input(1);
    if (n.rank(a) == 2 && n.rank(b) == 2) {
      return one(n.tf().op("MatMul", a, b));
    }
    if (n.rank(a) < 2 || n.rank(b) < 2) {
      throw n.fail("MatMul with a 1-D operand is not supported");
    }
    return one(n.tf().op("BatchMatMulV2", a, b));
  }

  private static Output<?>[] gemm(NodeContext n) {
    TfEmitter tf = n.tf();
    boolean ta = n.attrInt("transA", 0) != 0;
    boolean tb = n.attrInt("transB", 0) != 0;
    float alpha = n.attrFloat("alpha", 1f);
    float beta = n.attrFloat("beta", 1f);
    Output<?> y = tf.build("MatMul", o -> o.setAttr("transpose_a", ta).setAttr("transpose_b", tb),
        n.input(0), n.input(1)).output(0);
    if (alpha != 1f) {
      y = tf.op("Mul", y, tf.scalarLike(y, alpha));
    }
    if (n.hasInput(2)) {
      Output<?> c = n.input(2);
      if (beta != 1f) {
        c = tf.op("Mul", c, tf.scalarLike(c, beta));
      }
      y = tf.op("AddV2", y, c);
    }
    return one(y);
  }
}
