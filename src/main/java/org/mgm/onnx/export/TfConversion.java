package org.mgm.onnx.export;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.TfTensorProtos;
import org.tensorflow.proto.NodeDef;

/**
 * The state of one GraphDef → ONNX translation: the nodes by name, TF's static shapes, the ONNX
 * graph being built, and which ONNX value stands for each TF tensor.
 *
 * <p>Consts are emitted lazily, on first use as a value: one read only for an attribute (an
 * axis, a perm) leaves no unused initializer behind, and an initializer is named after its Const
 * node, which in a frozen graph is the variable's name.
 */
final class TfConversion {
  /** Ops that pass their input through unchanged; a chain of them over a Const is a constant. */
  private static final Set<String> PASS_THROUGH = Set.of("Identity", "StopGradient", "Snapshot");

  final String source;
  final TfShapes shapes;
  final OnnxGraphBuilder builder;
  private final Map<String, NodeDef> nodes;
  private final Map<String, String> onnxNames = new HashMap<>();
  private final Map<String, HostTensor> constantValues = new HashMap<>();
  private final Set<String> int64Copies = new java.util.HashSet<>();

  TfConversion(String source, Map<String, NodeDef> nodes, TfShapes shapes, OnnxGraphBuilder builder) {
    this.source = source;
    this.nodes = nodes;
    this.shapes = shapes;
    this.builder = builder;
  }

  NodeDef node(String name) {
    return nodes.get(name);
  }

  void define(String tensor, String onnxName) {
    onnxNames.put(TfNames.tensor(tensor), onnxName);
  }

  boolean isDefined(String tensor) {
    return onnxNames.containsKey(TfNames.tensor(tensor));
  }

  /** The Const a tensor is (through Identity-like nodes), or null when it is computed. */
  NodeDef constantSource(String tensor) {
    String t = tensor;
    for (int hops = 0; hops < nodes.size(); hops++) {
      NodeDef n = nodes.get(TfNames.node(t));
      if (n == null || TfNames.index(t) != 0) {
        return null;
      }
      if (n.getOp().equals("Const")) {
        return n;
      }
      if (!PASS_THROUGH.contains(n.getOp()) || n.getInputCount() == 0 || TfNames.isControl(n.getInput(0))) {
        return null;
      }
      t = n.getInput(0);
    }
    return null;
  }

  boolean isConstant(NodeDef n) {
    return constantSource(n.getName() + ":0") != null;
  }

  /** The value of a constant tensor, or null when it is computed. */
  HostTensor constantValue(String tensor) {
    NodeDef c = constantSource(tensor);
    if (c == null) {
      return null;
    }
    return constantValues.computeIfAbsent(c.getName(), k -> {
      try {
        return TfTensorProtos.decode(c.getAttrOrThrow("value").getTensor());
      } catch (IllegalArgumentException e) {
        throw new OnnxFormatException(source + ": node '" + c.getName() + "' (Const): " + e.getMessage());
      }
    });
  }

  /**
   * A constant integer tensor as int64, which ONNX wants for shapes, pads and axes: the Const's
   * own initializer when it is int64 already, otherwise one converted copy named "CONST:int64".
   */
  String int64Constant(String tensor) {
    NodeDef c = constantSource(tensor);
    HostTensor v = constantValue(tensor);
    if (v.type() == org.mgm.tensor.ElementType.INT64) {
      return value(tensor);
    }
    String name = c.getName() + ":int64";
    if (int64Copies.add(name)) {
      builder.initializer(name, HostTensor.of(v.longs(), v.shape()));
    }
    return name;
  }

  /** The ONNX value for a TF tensor: a translated output, an input, or a Const's initializer. */
  String value(String tensor) {
    String t = TfNames.tensor(tensor);
    String name = onnxNames.get(t);
    if (name != null) {
      return name;
    }
    NodeDef c = constantSource(t);
    if (c == null) {
      throw new IllegalStateException(source + ": tensor " + t + " is used before it is translated");
    }
    String constName = c.getName() + ":0";
    name = onnxNames.get(constName);
    if (name == null) {
      name = c.getName();
      builder.initializer(name, constantValue(constName));
      onnxNames.put(constName, name);
    }
    onnxNames.put(t, name);
    return name;
  }
}
