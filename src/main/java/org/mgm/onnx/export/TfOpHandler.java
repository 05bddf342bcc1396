package org.mgm.onnx.export;

import java.util.List;

/**
 * Emits the ONNX nodes for one TF op type. Handlers read attributes, inputs and static shapes
 * through the {@link TfNodeContext} and refuse forms they do not translate with
 * {@link TfNodeContext#fail}, which names the node.
 */
@FunctionalInterface
public interface TfOpHandler {
  /** The ONNX names of the node's TF outputs 0, 1, ..., in order. */
  List<String> emit(TfNodeContext node);
}
