package org.mgm.onnx.importer;

import org.tensorflow.Output;

/**
 * Emits the TF ops for one ONNX op type. Handlers read attributes and inputs through the
 * {@link NodeContext}, which also knows the model's opset, so one handler covers every opset
 * version of its op that this toolkit supports (13–17 and the older forms torch still emits).
 */
@FunctionalInterface
public interface OpHandler {
  /** The TF outputs for the node's ONNX outputs, in order. */
  Output<?>[] emit(NodeContext node);
}
