package org.mgm.onnx.importer;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.mgm.onnx.importer.ops.ActivationOps;
import org.mgm.onnx.importer.ops.ConvOps;
import org.mgm.onnx.importer.ops.ElementwiseOps;
import org.mgm.onnx.importer.ops.MatrixOps;
import org.mgm.onnx.importer.ops.NormalizationOps;
import org.mgm.onnx.importer.ops.PadOps;
import org.mgm.onnx.importer.ops.ReduceOps;
import org.mgm.onnx.importer.ops.ResizeOps;
import org.mgm.onnx.importer.ops.ShapeOps;

/** ONNX op type (default domain) → handler. Each ops class registers its family. */
public final class OpRegistry {
  private final Map<String, OpHandler> handlers = new TreeMap<>();

  public void register(String opType, OpHandler handler) {
    if (handlers.put(opType, handler) != null) {
      throw new IllegalStateException("two handlers for " + opType);
    }
  }

  public OpHandler handler(String opType) {
    return handlers.get(opType);
  }

  public boolean supports(String opType) {
    return handlers.containsKey(opType);
  }

  public Map<String, OpHandler> all() {
    return Collections.unmodifiableMap(handlers);
  }

  /** Every op family this toolkit imports. */
  public static OpRegistry standard() {
    OpRegistry r = new OpRegistry();
    ElementwiseOps.register(r);
    ActivationOps.register(r);
    MatrixOps.register(r);
    ConvOps.register(r);
    PadOps.register(r);
    NormalizationOps.register(r);
    ReduceOps.register(r);
    ShapeOps.register(r);
    ResizeOps.register(r);
    return r;
  }
}
