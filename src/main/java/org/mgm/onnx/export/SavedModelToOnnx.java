package org.mgm.onnx.export;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.savedmodel.FrozenSavedModel;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.NodeDef;

/**
 * Emits an ONNX graph for a SavedModel built in Java (the synthetic experiment's MLP mixers and
 * agents): the ops on the path from the signature's outputs back to its inputs, translated one
 * by one. It covers the ops those modules use; anything else is named in the error.
 */
public final class SavedModelToOnnx {
  public static final int OPSET = 17;

  private SavedModelToOnnx() {}

  public static ModelProto convert(FrozenSavedModel model) {
    Map<String, NodeDef> nodes = new HashMap<>();
    for (NodeDef n : model.graphDef().getNodeList()) {
      nodes.put(n.getName(), n);
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder("savedmodel", OPSET);
    Map<String, String> inputNodes = new HashMap<>();
    for (Map.Entry<String, String> in : model.signatureTensors(true).entrySet()) {
      long[] shape = model.inputShape(in.getKey()).asArray();
      b.input(in.getKey(), ElementType.FLOAT32, shape);
      inputNodes.put(FrozenSavedModel.nodeName(in.getValue()), in.getKey());
    }
    Map<String, String> emitted = new HashMap<>();
    for (Map.Entry<String, String> out : model.signatureTensors(false).entrySet()) {
      String tensor = emitPostOrder(model, nodes, FrozenSavedModel.nodeName(out.getValue()), inputNodes, emitted, b);
      b.node("Identity", List.of(tensor), List.of(out.getKey()));
      b.output(out.getKey(), ElementType.FLOAT32, -1, -1);
    }
    return b.build("mgm-toolkit SavedModelToOnnx");
  }

  private static String emitPostOrder(FrozenSavedModel model, Map<String, NodeDef> nodes, String root,
      Map<String, String> inputNodes, Map<String, String> emitted, OnnxGraphBuilder b) {
    Deque<String> stack = new ArrayDeque<>();
    Set<String> expanded = new HashSet<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      String name = stack.peek();
      if (emitted.containsKey(name)) {
        stack.pop();
        continue;
      }
      NodeDef n = nodes.get(name);
      if (n == null) {
        throw new OnnxFormatException(model.source() + ": graph has no node '" + name + "'");
      }
      if (inputNodes.containsKey(name)) {
        emitted.put(name, inputNodes.get(name));
        stack.pop();
        continue;
      }
      if (n.getOp().equals("Const") || n.getOp().equals("ReadVariableOp")) {
        b.initializer(name + ":0", model.evaluate(name + ":0"));
        emitted.put(name, name + ":0");
        stack.pop();
        continue;
      }
      if (expanded.add(name)) {
        for (String in : n.getInputList()) {
          if (!in.startsWith("^") && !emitted.containsKey(FrozenSavedModel.nodeName(in))) {
            stack.push(FrozenSavedModel.nodeName(in));
          }
        }
        continue;
      }
      emitted.put(name, translate(model, n, emitted, b));
      stack.pop();
    }
    return emitted.get(root);
  }

  private static String translate(FrozenSavedModel model, NodeDef n, Map<String, String> emitted, OnnxGraphBuilder b) {
    List<String> in = n.getInputList().stream().filter(s -> !s.startsWith("^"))
        .map(s -> emitted.get(FrozenSavedModel.nodeName(s))).toList();
    // TF tensor names ("node:0") cannot clash with the signature's output names.
    String out = n.getName() + ":0";
    switch (n.getOp()) {
      case "Identity":
        return b.node("Identity", in, List.of(out));
      case "MatMul": {
        String a = attrBool(n, "transpose_a") ? b.node("Transpose", List.of(in.get(0)), List.of()) : in.get(0);
        String c = attrBool(n, "transpose_b") ? b.node("Transpose", List.of(in.get(1)), List.of()) : in.get(1);
        return b.node("MatMul", List.of(a, c), List.of(out));
      }
      case "Add":
      case "AddV2":
      case "BiasAdd":
        return b.node("Add", in, List.of(out));
      case "Sub":
      case "Mul":
      case "Relu":
      case "Tanh":
      case "Sigmoid":
        return b.node(n.getOp(), in, List.of(out));
      case "LeakyRelu":
        return b.node("LeakyRelu", in, List.of(out),
            OnnxGraphBuilder.attr("alpha", n.getAttrOrDefault("alpha", AttrValue.newBuilder().setF(0.2f).build()).getF()));
      case "ConcatV2": {
        String axisNode = FrozenSavedModel.nodeName(n.getInput(n.getInputCount() - 1));
        HostTensor axis = model.evaluate(axisNode + ":0");
        return b.node("Concat", in.subList(0, in.size() - 1), List.of(out),
            OnnxGraphBuilder.attr("axis", (long) axis.toDoubles()[0]));
      }
      default:
        throw new OnnxFormatException(model.source() + ": node '" + n.getName() + "' has op " + n.getOp()
            + ", which the ONNX exporter does not translate (it covers MLP graphs: MatMul, Add, LeakyRelu, "
            + "Relu, Tanh, Sigmoid, ConcatV2, Identity)");
    }
  }

  private static boolean attrBool(NodeDef n, String name) {
    return n.containsAttr(name) && n.getAttrOrThrow(name).getB();
  }
}
