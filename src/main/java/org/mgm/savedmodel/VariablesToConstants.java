package org.mgm.savedmodel;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.TfTensorProtos;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Freezes the part of a loaded graph that some outputs need: every variable becomes a Const of
 * its current value, named as the variable's node, so a frozen graph's weights keep the
 * variables' names (what an exported ONNX initializer is then called).
 *
 * <p>Resource variables ({@code VarHandleOp}) become Consts and their {@code ReadVariableOp}s
 * Identities of them; legacy {@code VariableV2}s become Consts in place. Only the nodes the
 * outputs reach (through data and control inputs) are kept: the rest of a SavedModel's graph
 * (initializers, savers) assigns to the handles, which a Const cannot take.
 */
final class VariablesToConstants {
  private VariablesToConstants() {}

  /**
   * @param read evaluates a tensor ("node:0") of the loaded graph in its session
   */
  static GraphDef freeze(GraphDef def, Collection<String> outputNodes, Function<String, HostTensor> read, String source) {
    Map<String, NodeDef> nodes = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      nodes.put(n.getName(), n);
    }
    Set<String> kept = reachable(nodes, outputNodes, source);
    Map<String, String> readOfHandle = new HashMap<>();
    for (String name : kept) {
      NodeDef n = nodes.get(name);
      if (n.getOp().equals("ReadVariableOp")) {
        readOfHandle.putIfAbsent(FrozenSavedModel.nodeName(n.getInput(0)), name);
      }
    }
    GraphDef.Builder out = def.toBuilder().clearNode();
    for (NodeDef n : def.getNodeList()) {
      if (!kept.contains(n.getName())) {
        continue;
      }
      switch (n.getOp()) {
        case "VarHandleOp" -> {
          String reader = readOfHandle.get(n.getName());
          if (reader == null) {
            throw new SavedModelLoadException(source + ": variable '" + n.getName() + "' is used, but never read");
          }
          out.addNode(constant(n.getName(), read.apply(reader + ":0")));
        }
        case "VariableV2", "Variable" -> out.addNode(constant(n.getName(), read.apply(n.getName() + ":0")));
        case "ReadVariableOp" -> out.addNode(NodeDef.newBuilder().setName(n.getName()).setOp("Identity")
            .addInput(FrozenSavedModel.nodeName(n.getInput(0)))
            .putAttr("T", n.getAttrOrThrow("dtype")));
        default -> {
          for (String in : n.getInputList()) {
            NodeDef from = nodes.get(FrozenSavedModel.nodeName(in));
            if (!in.startsWith("^") && from.getOp().equals("VarHandleOp")) {
              throw new SavedModelLoadException(source + ": node '" + n.getName() + "' (" + n.getOp()
                  + ") uses variable '" + from.getName() + "' other than by reading it; it cannot be frozen");
            }
          }
          out.addNode(n);
        }
      }
    }
    return out.build();
  }

  private static NodeDef constant(String name, HostTensor value) {
    return NodeDef.newBuilder().setName(name).setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(TfTensorProtos.dataType(value.type())).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(TfTensorProtos.encode(value)).build())
        .build();
  }

  private static Set<String> reachable(Map<String, NodeDef> nodes, Collection<String> roots, String source) {
    Set<String> seen = new HashSet<>();
    Deque<String> stack = new ArrayDeque<>(roots);
    while (!stack.isEmpty()) {
      String name = stack.pop();
      if (!seen.add(name)) {
        continue;
      }
      NodeDef n = nodes.get(name);
      if (n == null) {
        throw new SavedModelLoadException(source + ": graph has no node '" + name + "'");
      }
      for (String in : n.getInputList()) {
        stack.push(FrozenSavedModel.nodeName(in));
      }
    }
    return seen;
  }
}
