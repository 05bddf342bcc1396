package org.mgm.onnx.export;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mgm.onnx.export.ops.ActivationOps;
import org.mgm.onnx.export.ops.ArithmeticOps;
import org.mgm.onnx.export.ops.ConvOps;
import org.mgm.onnx.export.ops.MatrixOps;
import org.mgm.onnx.export.ops.PadOps;
import org.mgm.onnx.export.ops.PoolOps;
import org.mgm.onnx.export.ops.ReduceOps;
import org.mgm.onnx.export.ops.ShapeOps;
import org.tensorflow.proto.NodeDef;

/**
 * TF op type → handler, the TF → ONNX direction of the importer's
 * {@link org.mgm.onnx.importer.OpRegistry}. Each ops class registers its family.
 */
public final class TfOpRegistry {
  /**
   * Which inputs of a node a handler reads only as constant values (axes, perms, paddings, a
   * transpose convolution's output size). The exporter does not translate what computes them,
   * so a Shape-based size that the handler replaces by TF's static shape costs no ONNX ops.
   */
  @FunctionalInterface
  public interface ConstantOperands {
    boolean test(NodeDef node, int input);

    static ConstantOperands none() {
      return (n, i) -> false;
    }

    static ConstantOperands at(int... indices) {
      return (n, i) -> {
        for (int k : indices) {
          if (k == i) {
            return true;
          }
        }
        return false;
      };
    }

    /** The last data input (ConcatV2's axis follows its N values). */
    static ConstantOperands last() {
      return (n, i) -> i == n.getInputList().stream().filter(s -> !TfNames.isControl(s)).count() - 1;
    }
  }

  public record Spec(TfOpHandler handler, ConstantOperands constants) {}

  private final Map<String, Spec> specs = new TreeMap<>();

  public void register(String op, TfOpHandler handler) {
    register(op, ConstantOperands.none(), handler);
  }

  public void register(String op, ConstantOperands constants, TfOpHandler handler) {
    if (specs.put(op, new Spec(handler, constants)) != null) {
      throw new IllegalStateException("two handlers for " + op);
    }
  }

  public Spec spec(String op) {
    return specs.get(op);
  }

  public Set<String> ops() {
    return Collections.unmodifiableSet(specs.keySet());
  }

  /** Every op family this toolkit exports. */
  public static TfOpRegistry standard() {
    TfOpRegistry r = new TfOpRegistry();
    ArithmeticOps.register(r);
    ActivationOps.register(r);
    MatrixOps.register(r);
    ConvOps.register(r);
    PoolOps.register(r);
    PadOps.register(r);
    ReduceOps.register(r);
    ShapeOps.register(r);
    return r;
  }
}
