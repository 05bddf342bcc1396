package org.mgm.tf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Turns the part of a GraphDef that some tensors depend on into plain graph nodes: every function
 * call on the way ({@code PartitionedCall}, {@code StatefulPartitionedCall}, or a node whose op is
 * a library function) is replaced by the function's body, recursively.
 *
 * <p>Why: TF2 and Keras SavedModels put the whole network inside functions, and TF's C++ gradient
 * of a call is a {@code SymbolicGradient} node that uses a different, smaller gradient registry
 * (measured: no gradient for {@code LeakyRelu} or {@code Conv2DBackpropInput} there) and cannot be
 * differentiated again. Inlined, every op gets the ordinary registry's gradient and can be bound,
 * frozen or made trainable like any other node.
 *
 * <p>The call node's name is kept as an {@code IdentityN} over the function's results, so that
 * {@code call:i} still names output i; the importer looks through IdentityN (it has no gradient).
 * Control inputs are dropped: the importer copies data paths only, and a pure inference path
 * needs no ordering.
 */
public final class FunctionInliner {
  private static final int MAX_DEPTH = 64;

  private final String source;
  private final Map<String, FunctionDef> library = new HashMap<>();

  public FunctionInliner(GraphDef def, String source) {
    this.source = source;
    for (FunctionDef f : def.getLibrary().getFunctionList()) {
      library.put(f.getSignature().getName(), f);
    }
  }

  /** The nodes {@code roots} depend on through data inputs, with every function call inlined. */
  public GraphDef flatten(GraphDef def, Collection<String> roots) {
    Map<String, NodeDef> nodes = new LinkedHashMap<>();
    for (NodeDef n : def.getNodeList()) {
      nodes.put(n.getName(), n);
    }
    for (int depth = 0; ; depth++) {
      List<NodeDef> calls = new ArrayList<>();
      for (String name : reachable(nodes, roots)) {
        NodeDef n = nodes.get(name);
        if (isCall(n)) {
          calls.add(n);
        }
      }
      if (calls.isEmpty()) {
        break;
      }
      if (depth == MAX_DEPTH) {
        throw new TfModelException(source + ": function calls nested deeper than " + MAX_DEPTH
            + " (recursive function '" + function(calls.get(0)).getSignature().getName() + "'?)");
      }
      for (NodeDef call : calls) {
        inline(nodes, call);
      }
    }
    GraphDef.Builder out = GraphDef.newBuilder().setVersions(def.getVersions());
    for (String name : reachable(nodes, roots)) {
      NodeDef.Builder n = nodes.get(name).toBuilder().clearInput();
      for (String in : nodes.get(name).getInputList()) {
        if (!TensorRef.isControl(in)) {
          n.addInput(in);
        }
      }
      out.addNode(n);
    }
    return out.build();
  }

  public boolean isCall(NodeDef n) {
    return n.getOp().equals("PartitionedCall") || n.getOp().equals("StatefulPartitionedCall")
        || library.containsKey(n.getOp());
  }

  private FunctionDef function(NodeDef call) {
    String name = library.containsKey(call.getOp()) ? call.getOp() : call.getAttrOrThrow("f").getFunc().getName();
    FunctionDef f = library.get(name);
    if (f == null) {
      throw new TfModelException(source + ": node '" + call.getName() + "' calls function '" + name
          + "', which the graph's library does not have");
    }
    return f;
  }

  private void inline(Map<String, NodeDef> nodes, NodeDef call) {
    FunctionDef f = function(call);
    OpDef sig = f.getSignature();
    List<String> args = call.getInputList().stream().filter(i -> !TensorRef.isControl(i)).toList();
    if (args.size() != sig.getInputArgCount()) {
      throw new TfModelException(source + ": node '" + call.getName() + "' passes " + args.size()
          + " inputs to function '" + sig.getName() + "', which takes " + sig.getInputArgCount());
    }
    Map<String, String> argTensors = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      argTensors.put(sig.getInputArg(i).getName(), args.get(i));
    }
    String prefix = uniquePrefix(nodes, call.getName());
    Map<String, NodeDef> body = new HashMap<>();
    for (NodeDef n : f.getNodeDefList()) {
      body.put(n.getName(), n);
    }
    nodes.remove(call.getName());
    for (NodeDef n : f.getNodeDefList()) {
      NodeDef.Builder b = n.toBuilder().setName(prefix + n.getName()).clearInput();
      for (String in : n.getInputList()) {
        if (!TensorRef.isControl(in)) {
          b.addInput(translate(in, argTensors, body, prefix, sig.getName()));
        }
      }
      for (Map.Entry<String, AttrValue> a : n.getAttrMap().entrySet()) {
        if (!a.getValue().getPlaceholder().isEmpty()) {
          throw new TfModelException(source + ": function '" + sig.getName() + "' is generic (node '" + n.getName()
              + "' attribute " + a.getKey() + " = $" + a.getValue().getPlaceholder() + "); export a concrete function");
        }
      }
      nodes.put(b.getName(), b.build());
    }
    NodeDef.Builder results = NodeDef.newBuilder().setName(call.getName()).setOp("IdentityN");
    AttrValue.ListValue.Builder types = AttrValue.ListValue.newBuilder();
    for (OpDef.ArgDef out : sig.getOutputArgList()) {
      String ret = f.getRetOrThrow(out.getName());
      results.addInput(translate(ret, argTensors, body, prefix, sig.getName()));
      types.addType(out.getType() != DataType.DT_INVALID ? out.getType() : outputType(call, results.getInputCount() - 1));
    }
    results.putAttr("T", AttrValue.newBuilder().setList(types).build());
    nodes.put(call.getName(), results.build());
  }

  private static DataType outputType(NodeDef call, int i) {
    AttrValue tout = call.getAttrMap().get("Tout");
    return tout != null && tout.getList().getTypeCount() > i ? tout.getList().getType(i) : DataType.DT_FLOAT;
  }

  /** A function-body tensor reference ({@code arg}, {@code node:outarg:i}) as a graph tensor name. */
  private String translate(String ref, Map<String, String> argTensors, Map<String, NodeDef> body, String prefix,
      String fn) {
    String[] parts = ref.split(":");
    if (parts.length == 1) {
      String outer = argTensors.get(ref);
      if (outer != null) {
        return outer;
      }
      if (body.containsKey(ref)) {
        return prefix + ref + ":0";
      }
      throw new TfModelException(source + ": function '" + fn + "' refers to '" + ref + "', which it does not define");
    }
    NodeDef inner = body.get(parts[0]);
    if (inner == null) {
      throw new TfModelException(source + ": function '" + fn + "' refers to node '" + parts[0] + "', which it does not have");
    }
    int index = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
    if (parts[1].matches("\\d+") && parts.length == 2) {
      return prefix + parts[0] + ":" + parts[1]; // already a flat index
    }
    return prefix + parts[0] + ":" + flatIndex(inner, parts[1], index, fn);
  }

  private int flatIndex(NodeDef inner, String arg, int index, String fn) {
    FunctionDef called = library.get(inner.getOp());
    if (called != null) {
      List<OpDef.ArgDef> outs = called.getSignature().getOutputArgList();
      for (int i = 0; i < outs.size(); i++) {
        if (outs.get(i).getName().equals(arg)) {
          return i + index;
        }
      }
      throw new TfModelException(source + ": function '" + inner.getOp() + "' has no output '" + arg + "'");
    }
    OpDef def = OpDefs.of(inner.getOp());
    if (def == null) {
      throw new TfModelException(source + ": function '" + fn + "' node '" + inner.getName() + "' has op "
          + inner.getOp() + ", which this TensorFlow runtime does not know");
    }
    return OpDefs.outputIndex(def, inner, arg, index);
  }

  private static String uniquePrefix(Map<String, NodeDef> nodes, String callName) {
    String prefix = callName + "/";
    for (int k = 1; clashes(nodes, prefix); k++) {
      prefix = callName + "_inlined" + k + "/";
    }
    return prefix;
  }

  private static boolean clashes(Map<String, NodeDef> nodes, String prefix) {
    for (String n : nodes.keySet()) {
      if (n.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Names of the nodes {@code roots} depend on through data inputs, in a stable order. */
  static List<String> reachable(Map<String, NodeDef> nodes, Collection<String> roots) {
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String r : roots) {
      todo.add(TensorRef.parse(r).node());
    }
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef n = nodes.get(name);
      if (n == null || !seen.add(name)) {
        continue;
      }
      order.add(name);
      for (String in : n.getInputList()) {
        if (!TensorRef.isControl(in)) {
          todo.add(TensorRef.parse(in).node());
        }
      }
    }
    return order;
  }
}
