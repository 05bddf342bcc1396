package org.mgm.onnx.export;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.TfTensorProtos;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Translates a flat, frozen TensorFlow GraphDef (no function calls, every variable a Const) into
 * an ONNX model: the ops on the path from the outputs back to the inputs, one {@link TfOpHandler}
 * per TF op type (see {@link TfOpRegistry}). A graph with any other op is refused, naming the
 * node and its op.
 *
 * <p>Float and integer Consts become initializers named after the Const node (a frozen graph's
 * variable names). Input shapes come from the Placeholders' {@code shape} attributes, output
 * shapes and types from TF's shape inference; an unknown leading dimension is the symbolic
 * "batch", any other unknown one "NAME_dimI".
 */
public final class TfGraphToOnnx {
  public static final int OPSET = 17;

  private final TfOpRegistry registry;

  public TfGraphToOnnx() {
    this(TfOpRegistry.standard());
  }

  public TfGraphToOnnx(TfOpRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param inputs ONNX input name → TF placeholder tensor ("x:0"), in declaration order
   * @param outputs ONNX output name → TF tensor, in declaration order
   * @param source what the graph came from, for error messages (a file or directory)
   */
  public ModelProto convert(GraphDef def, Map<String, String> inputs, Map<String, String> outputs, String source) {
    if (def.getLibrary().getFunctionCount() > 0) {
      throw new OnnxFormatException(source + ": the graph defines " + def.getLibrary().getFunctionCount()
          + " functions; the exporter takes a flat graph (freeze it with its function calls inlined)");
    }
    Map<String, NodeDef> nodes = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      if (nodes.put(n.getName(), n) != null) {
        throw new OnnxFormatException(source + ": two nodes are named '" + n.getName() + "'");
      }
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder(graphName(source), OPSET);
    try (TfShapes shapes = new TfShapes(def, source)) {
      TfConversion conv = new TfConversion(source, nodes, shapes, b);
      Set<String> inputNodes = declareInputs(conv, inputs, b);
      List<NodeDef> order = reachableInPostOrder(conv, outputs.values(), inputNodes);
      for (NodeDef n : order) {
        List<String> outs = registry.spec(n.getOp()).handler().emit(new TfNodeContext(n, conv));
        for (int i = 0; i < outs.size(); i++) {
          conv.define(n.getName() + ":" + i, outs.get(i));
        }
      }
      for (Map.Entry<String, String> out : outputs.entrySet()) {
        String tensor = TfNames.tensor(out.getValue());
        b.namedNode("output:" + out.getKey(), "Identity", List.of(conv.value(tensor)), List.of(out.getKey()));
        ElementType type = TfTensorProtos.elementType(shapes.dtype(tensor));
        if (type == null) {
          throw new OnnxFormatException(source + ": output '" + out.getKey() + "' (" + tensor + ") is "
              + shapes.dtype(tensor) + ", which has no element type here (float, double, int64, int32, bool)");
        }
        long[] shape = shapes.shape(tensor);
        b.output(out.getKey(), type, shape, dimParams(out.getKey(), shape));
      }
    }
    ModelProto model = b.build("mgm-toolkit TfGraphToOnnx");
    checkUniqueNames(model.getGraph(), source);
    return model;
  }

  private static Set<String> declareInputs(TfConversion conv, Map<String, String> inputs, OnnxGraphBuilder b) {
    Set<String> inputNodes = new HashSet<>();
    for (Map.Entry<String, String> in : inputs.entrySet()) {
      String tensor = TfNames.tensor(in.getValue());
      NodeDef p = conv.node(TfNames.node(tensor));
      if (p == null || !p.getOp().equals("Placeholder") || TfNames.index(tensor) != 0) {
        throw new OnnxFormatException(conv.source + ": input '" + in.getKey() + "' names " + tensor + ", which is "
            + (p == null ? "not in the graph" : "not a Placeholder (node '" + p.getName() + "' is " + p.getOp() + ")"));
      }
      ElementType type = TfTensorProtos.elementType(p.getAttrOrDefault("dtype", AttrValue.getDefaultInstance()).getType());
      if (type == null) {
        throw new OnnxFormatException(conv.source + ": placeholder '" + p.getName() + "' has dtype "
            + p.getAttrOrThrow("dtype").getType() + ", which has no element type here (float, double, int64, int32, bool)");
      }
      long[] shape = placeholderShape(p);
      b.input(in.getKey(), type, shape, dimParams(in.getKey(), shape));
      conv.define(tensor, in.getKey());
      inputNodes.add(p.getName());
    }
    return inputNodes;
  }

  /** The Placeholder's declared shape, or null for unknown rank. */
  private static long[] placeholderShape(NodeDef p) {
    AttrValue a = p.getAttrMap().get("shape");
    if (a == null || a.getShape().getUnknownRank()) {
      return null;
    }
    TensorShapeProto s = a.getShape();
    long[] d = new long[s.getDimCount()];
    for (int i = 0; i < d.length; i++) {
      d[i] = s.getDim(i).getSize();
    }
    return d;
  }

  /**
   * Every node the outputs need, inputs first. Inputs a handler reads only as constants are not
   * followed. Unsupported ops are collected over the whole reachable graph first, so the error
   * names the first one and lists the others.
   */
  private List<NodeDef> reachableInPostOrder(TfConversion conv, Iterable<String> outputs, Set<String> inputNodes) {
    List<NodeDef> order = new ArrayList<>();
    Map<String, String> unsupported = new LinkedHashMap<>();
    Set<String> done = new HashSet<>();
    Set<String> expanded = new HashSet<>();
    Deque<String> stack = new ArrayDeque<>();
    Map<String, String> neededBy = new HashMap<>();
    for (String out : outputs) {
      stack.push(TfNames.node(out));
    }
    while (!stack.isEmpty()) {
      String name = stack.peek();
      if (done.contains(name)) {
        stack.pop();
        continue;
      }
      NodeDef n = conv.node(name);
      if (n == null) {
        throw new OnnxFormatException(conv.source + ": the graph has no node '" + name + "'"
            + (neededBy.containsKey(name) ? " (an input of '" + neededBy.get(name) + "')" : ""));
      }
      if (inputNodes.contains(name) || conv.isConstant(n)) {
        done.add(name);
        stack.pop();
        continue;
      }
      if (n.getOp().equals("Placeholder")) {
        throw new OnnxFormatException(conv.source + ": node '" + name + "' is a Placeholder that is not one of the "
            + "inputs, but the outputs depend on it (an input of '" + neededBy.get(name) + "')");
      }
      TfOpRegistry.Spec spec = registry.spec(n.getOp());
      if (!expanded.add(name)) {
        done.add(name);
        stack.pop();
        if (spec != null) {
          order.add(n);
        }
        continue;
      }
      if (spec == null) {
        unsupported.putIfAbsent(n.getOp(), name);
      }
      int i = 0;
      for (String in : n.getInputList()) {
        if (TfNames.isControl(in)) {
          continue;
        }
        if ((spec == null || !spec.constants().test(n, i)) && !done.contains(TfNames.node(in))) {
          neededBy.putIfAbsent(TfNames.node(in), name);
          stack.push(TfNames.node(in));
        }
        i++;
      }
    }
    if (!unsupported.isEmpty()) {
      Map.Entry<String, String> first = unsupported.entrySet().iterator().next();
      List<String> others = new ArrayList<>(unsupported.keySet());
      others.remove(first.getKey());
      throw new OnnxFormatException(conv.source + ": node '" + first.getValue() + "' has op " + first.getKey()
          + ", which the ONNX exporter does not translate" + (others.isEmpty() ? "" : " (nor " + others + ")")
          + "; it translates " + String.join(", ", registry.ops()));
    }
    return order;
  }

  /** Symbolic names for unknown dimensions: the leading one is the batch. */
  static String[] dimParams(String tensor, long[] shape) {
    if (shape == null) {
      return null;
    }
    String[] p = new String[shape.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = i == 0 ? "batch" : tensor + "_dim" + i;
    }
    return p;
  }

  /** A user-chosen input or output name could equal a Const's name; ONNX needs each defined once. */
  private static void checkUniqueNames(GraphProto g, String source) {
    Set<String> seen = new HashSet<>();
    List<String> names = new ArrayList<>();
    g.getInputList().stream().map(ValueInfoProto::getName).forEach(names::add);
    g.getInitializerList().stream().map(TensorProto::getName).forEach(names::add);
    for (NodeProto n : g.getNodeList()) {
      names.addAll(n.getOutputList());
    }
    for (String name : names) {
      if (!seen.add(name)) {
        throw new OnnxFormatException(source + ": the ONNX name '" + name + "' would be defined twice "
            + "(an input or output is named like a node of the graph; choose another name)");
      }
    }
  }

  private static String graphName(String source) {
    String s = source.replace('\\', '/');
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    int slash = s.lastIndexOf('/');
    return slash < 0 ? s : s.substring(slash + 1);
  }
}
