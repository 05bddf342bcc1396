package org.mgm.tf;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.TfTensorProtos;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The part of a {@link TfModel} that some outputs need as a frozen GraphDef, what an ONNX export
 * starts from: function calls inlined, every variable a Const of its value named as the
 * variable's node (so an exported initializer keeps the variable's name), and the pass-through
 * nodes that inlining leaves ({@code IdentityN}, {@code Snapshot}, {@code EnsureShape}) removed by
 * pointing their consumers at their inputs.
 */
public final class GraphFreezer {
  /** A frozen graph and the tensors its named inputs and outputs are, after pass-throughs are removed. */
  public record Frozen(GraphDef graph, Map<String, String> inputs, Map<String, String> outputs) {}

  private static final java.util.Set<String> PASS_THROUGH = java.util.Set.of("Snapshot", "EnsureShape");

  private GraphFreezer() {}

  /** @param outputs output name → tensor (as {@link TfModel#tensorOf} resolves names) */
  public static Frozen freeze(TfModel model, Map<String, String> outputs) {
    GraphDef flat = model.flatten(outputs.values());
    Map<String, NodeDef> nodes = new HashMap<>();
    flat.getNodeList().forEach(n -> nodes.put(n.getName(), n));
    Map<String, HostTensor> values = model.read(TfModel.variablesOf(flat));
    Map<String, HostTensor> byNode = new HashMap<>();
    for (TfVariable v : TfModel.variablesOf(flat)) {
      byNode.put(v.node(), values.get(v.name()));
    }
    GraphDef.Builder out = flat.toBuilder().clearNode();
    for (NodeDef n : flat.getNodeList()) {
      if (n.getOp().equals("IdentityN") || PASS_THROUGH.contains(n.getOp())) {
        continue;
      }
      if (byNode.containsKey(n.getName())) {
        out.addNode(constant(n.getName(), byNode.get(n.getName())));
        continue;
      }
      NodeDef.Builder b = n.toBuilder().clearInput();
      if (n.getOp().equals("ReadVariableOp")) {
        b.setOp("Identity").clearAttr().putAttr("T", n.getAttrOrThrow("dtype"));
      }
      for (String in : n.getInputList()) {
        String source = resolve(nodes, in);
        NodeDef from = nodes.get(TensorRef.parse(source).node());
        if (from != null && from.getOp().equals("VarHandleOp") && !n.getOp().equals("ReadVariableOp")) {
          throw new TfModelException(model.source() + ": node '" + n.getName() + "' (" + n.getOp()
              + ") uses variable '" + from.getName() + "' other than by reading it; it cannot be frozen");
        }
        b.addInput(source);
      }
      out.addNode(b);
    }
    Map<String, String> ins = new LinkedHashMap<>();
    model.inputs().forEach((k, v) -> {
      if (nodes.containsKey(TensorRef.parse(v.tensor()).node())) {
        ins.put(k, v.tensor()); // a placeholder the outputs do not need is no input of the frozen graph
      }
    });
    Map<String, String> outs = new LinkedHashMap<>();
    outputs.forEach((k, v) -> outs.put(k, resolve(nodes, v)));
    return new Frozen(out.build(), ins, outs);
  }

  /** The tensor {@code tensor} stands for once pass-through nodes are gone. */
  private static String resolve(Map<String, NodeDef> nodes, String tensor) {
    TensorRef r = TensorRef.parse(tensor);
    for (NodeDef n = nodes.get(r.node()); n != null; n = nodes.get(r.node())) {
      if (n.getOp().equals("IdentityN")) {
        r = TensorRef.parse(n.getInput(r.index()));
      } else if (PASS_THROUGH.contains(n.getOp())) {
        r = TensorRef.parse(n.getInput(0));
      } else {
        break;
      }
    }
    return r.toString();
  }

  private static NodeDef constant(String name, HostTensor value) {
    return NodeDef.newBuilder().setName(name).setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(TfTensorProtos.dataType(value.type())).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(TfTensorProtos.encode(value)).build())
        .build();
  }
}
