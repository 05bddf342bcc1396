package org.mgm.onnx.export.ops;

import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;

/** MatMul (TF's is 2-D; its transpose attributes become Transposes, which ORT folds into weights). */
public final class MatrixOps {
  private MatrixOps() {}

  public static void register(TfOpRegistry r) {
    r.register("MatMul", MatrixOps::matMul);
  }

  private static List<String> matMul(TfNodeContext n) {
    String a = n.input(0);
    String b = n.input(1);
    if (n.attrBool("transpose_a", false)) {
      a = n.helperNode("a_transposed", "Transpose", List.of(a), OnnxGraphBuilder.attr("perm", new long[] {1, 0}));
    }
    if (n.attrBool("transpose_b", false)) {
      b = n.helperNode("b_transposed", "Transpose", List.of(b), OnnxGraphBuilder.attr("perm", new long[] {1, 0}));
    }
    return n.single("MatMul", List.of(a, b));
  }
}
