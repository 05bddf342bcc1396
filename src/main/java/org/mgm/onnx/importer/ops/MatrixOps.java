package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;

/** MatMul (numpy.matmul semantics: 1-D operands, batch broadcasting) and Gemm. */
public final class MatrixOps {
  private MatrixOps() {}

  public static void register(OpRegistry r) {
    r.register("MatMul", 1, MatrixOps::matMul);
    // Gemm-1/6's broadcast attribute only allowed what version 7 broadcasts anyway; C optional
    // from 11 is an absent input here in every version.
    r.register("Gemm", 1, MatrixOps::gemm);
  }

  /**
   * As numpy.matmul: a 1-D left operand is a row [1, k], a 1-D right one a column [k, 1], and
   * the added axis is removed from the result.
   */
  private static Output<?>[] matMul(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> a = n.input(0);
    Output<?> b = n.input(1);
    int ra = n.rank(a);
    int rb = n.rank(b);
    if (ra == 2 && rb == 2) {
      return one(tf.op("MatMul", a, b));
    }
    if (ra == 1) {
      a = tf.op("ExpandDims", a, tf.int32(0));
    }
    if (rb == 1) {
      b = tf.op("ExpandDims", b, tf.int32(1));
    }
    Output<?> y = tf.op("BatchMatMulV2", a, b);
    if (ra == 1 && rb == 1) {
      return one(tf.reshape(y, tf.int32s()));
    }
    if (ra == 1 || rb == 1) {
      int axis = ra == 1 ? -2 : -1;
      y = tf.build("Squeeze", o -> o.setAttr("squeeze_dims", new long[] {axis}), y).output(0);
    }
    return one(y);
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
