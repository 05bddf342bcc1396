package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;

/**
 * Reductions. The axes are an attribute until opset 13 for ReduceSum and until 18 for the others,
 * an input afterwards; no axes means all axes unless noop_with_empty_axes is set.
 */
public final class ReduceOps {
  private ReduceOps() {}

  public static void register(OpRegistry r) {
    r.register("ReduceMean", 1, n -> reduce(n, "Mean", 18));
    r.register("ReduceSum", 1, n -> reduce(n, "Sum", 13));
    r.register("ReduceMax", 1, n -> reduce(n, "Max", 18));
    r.register("ReduceMin", 1, n -> reduce(n, "Min", 18));
    r.register("ReduceProd", 1, n -> reduce(n, "Prod", 18));
  }

  private static Output<?>[] reduce(NodeContext n, String tfOp, int axesInputSince) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    long[] axes = n.intsFromAttrOrInput("axes", 1, axesInputSince);
    boolean keep = n.attrInt("keepdims", 1) != 0;
    if (axes == null || axes.length == 0) {
      if (n.attrInt("noop_with_empty_axes", 0) != 0) {
        return one(tf.op("Identity", x));
      }
      int rank = n.rank(x);
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    // Non-negative int32 axes: the C++ gradient of Mean/Sum crashed the JVM (Node::output_type)
    // on int64 axes with a negative entry in a probe.
    int rank = n.rank(x);
    int[] normalized = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      normalized[i] = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
    }
    Output<?> axisTensor = tf.int32s(normalized);
    return one(tf.build(tfOp, b -> b.setAttr("keep_dims", keep), x, axisTensor).output(0));
  }
}
