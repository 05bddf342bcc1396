package org.mgm.onnx.export.ops;

import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;
import org.mgm.onnx.export.TfOpRegistry.ConstantOperands;

/**
 * Reductions over constant axes. At opset 17 ReduceSum takes its axes as an input and the others
 * as an attribute.
 */
public final class ReduceOps {
  private ReduceOps() {}

  public static void register(TfOpRegistry r) {
    r.register("Mean", ConstantOperands.at(1), n -> reduce(n, "ReduceMean"));
    r.register("Prod", ConstantOperands.at(1), n -> reduce(n, "ReduceProd"));
    r.register("Max", ConstantOperands.at(1), n -> reduce(n, "ReduceMax"));
    r.register("Min", ConstantOperands.at(1), n -> reduce(n, "ReduceMin"));
    r.register("Sum", ConstantOperands.at(1), n -> reduce(n, "ReduceSum"));
  }

  private static List<String> reduce(TfNodeContext n, String onnxOp) {
    long[] axes = n.constant(1).longs();
    if (axes.length == 0) {
      // TF reduces nothing over no axes; ONNX would reduce over all of them.
      return n.single("Identity", List.of(n.input(0)));
    }
    var keepdims = OnnxGraphBuilder.attr("keepdims", n.attrBool("keep_dims", false) ? 1L : 0L);
    if (onnxOp.equals("ReduceSum")) {
      return n.single(onnxOp, List.of(n.input(0), n.int64s("axes", axes)), keepdims);
    }
    return n.single(onnxOp, List.of(n.input(0)), OnnxGraphBuilder.attr("axes", axes), keepdims);
  }
}
