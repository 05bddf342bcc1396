package org.mgm.onnx.export.ops;

import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;
import org.mgm.onnx.export.TfOpRegistry.ConstantOperands;

/** Mean over constant axes (instance norm's moments); opset 17's ReduceMean takes them as an attribute. */
public final class ReduceOps {
  private ReduceOps() {}

  public static void register(TfOpRegistry r) {
    r.register("Mean", ConstantOperands.at(1), ReduceOps::mean);
  }

  private static List<String> mean(TfNodeContext n) {
    long[] axes = n.constant(1).longs();
    if (axes.length == 0) {
      // TF reduces nothing over no axes; ONNX would reduce over all of them.
      return n.single("Identity", List.of(n.input(0)));
    }
    return n.single("ReduceMean", List.of(n.input(0)), OnnxGraphBuilder.attr("axes", axes),
        OnnxGraphBuilder.attr("keepdims", n.attrBool("keep_dims", false) ? 1L : 0L));
  }
}
