package org.mgm.tf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedConcreteFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.types.TBool;

/**
 * Restores the variables of a TF2 SavedModel that its saver does not: those the serving functions
 * capture but the checkpoint keys by the object graph only.
 *
 * <p>{@code tf.saved_model.save} of a Keras 3 model writes two resource variables per weight: the
 * ones the saver's restore function fills ({@code Variable_7}, …) and the ones the signature's
 * function captures ({@code sequential/dense/kernel}, …). Python's loader binds the latter through
 * the SavedObjectGraph; TF's C++ loader, which TF Java uses, runs the saver only, so the captured
 * variables stay uninitialized ("Could not find variable"). Here each call node's captured inputs
 * are matched to its concrete function's {@code bound_inputs} (object-graph node ids), each node
 * id to its checkpoint key through the checkpoint's own object graph (the same node ids), and the
 * values are assigned in the loaded session.
 */
final class ObjectGraphVariables {
  private static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";

  private ObjectGraphVariables() {}

  /**
   * @return the names of the variables restored here (empty when the saver restored every one)
   */
  static List<String> restoreUninitialized(Path dir, MetaGraphDef meta, Graph graph, Session session) {
    if (!meta.hasObjectGraphDef()) {
      return List.of();
    }
    Map<String, Integer> captured = capturedVariables(meta);
    List<String> missing = uninitialized(graph, session, new ArrayList<>(captured.keySet()));
    if (missing.isEmpty()) {
      return List.of();
    }
    CheckpointReader checkpoint = new CheckpointReader(dir.resolve("variables").resolve("variables"));
    TrackableObjectGraph objects;
    try {
      objects = TrackableObjectGraph.parseFrom(checkpoint.readBytes(OBJECT_GRAPH_KEY));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new TfModelException(dir + ": the checkpoint's object graph is not readable: " + e.getMessage());
    }
    Map<String, DataType> wanted = new LinkedHashMap<>();
    Map<String, String> keyOf = new LinkedHashMap<>();
    for (String variable : missing) {
      int node = captured.get(variable);
      String key = objects.getNodesCount() > node ? variableKey(objects.getNodes(node)) : null;
      if (key == null) {
        throw new TfModelException(dir + ": variable '" + variable + "' (object " + node
            + ") has no value in the checkpoint's object graph");
      }
      keyOf.put(variable, key);
      wanted.put(key, graph.operation(variable).attributes().getAttrType("dtype"));
    }
    Map<String, HostTensor> values = checkpoint.read(wanted);
    assign(graph, session, keyOf, values);
    return missing;
  }

  /** VarHandleOp name → object-graph node id, from every call of a function the object graph knows. */
  private static Map<String, Integer> capturedVariables(MetaGraphDef meta) {
    SavedObjectGraph objects = meta.getObjectGraphDef();
    Map<String, NodeDef> nodes = new LinkedHashMap<>();
    meta.getGraphDef().getNodeList().forEach(n -> nodes.put(n.getName(), n));
    Map<String, Integer> out = new LinkedHashMap<>();
    for (NodeDef call : nodes.values()) {
      if (!call.getAttrMap().containsKey("f")) {
        continue;
      }
      SavedConcreteFunction fn = objects.getConcreteFunctionsMap().get(call.getAttrMap().get("f").getFunc().getName());
      if (fn == null) {
        continue;
      }
      List<String> inputs = call.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
      int first = inputs.size() - fn.getBoundInputsCount();
      for (int i = 0; first >= 0 && i < fn.getBoundInputsCount(); i++) {
        String name = inputs.get(first + i).split(":")[0];
        NodeDef source = nodes.get(name);
        if (source != null && source.getOp().equals("VarHandleOp")) {
          out.putIfAbsent(name, fn.getBoundInputs(i));
        }
      }
    }
    return out;
  }

  /** The checkpoint key of an object's value ({@code .ATTRIBUTES/VARIABLE_VALUE}), or null. */
  private static String variableKey(TrackableObjectGraph.TrackableObject object) {
    for (var attribute : object.getAttributesList()) {
      if (attribute.getName().equals("VARIABLE_VALUE")) {
        return attribute.getCheckpointKey();
      }
    }
    return null;
  }

  private static List<String> uninitialized(Graph graph, Session session, List<String> variables) {
    if (variables.isEmpty()) {
      return List.of();
    }
    Session.Runner runner = session.runner();
    for (String v : variables) {
      runner.fetch(probe(graph, "mgm_is_initialized/" + v, "VarIsInitializedOp", v, null).output(0));
    }
    List<String> out = new ArrayList<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        if (!((TBool) r.get(i)).getBoolean()) {
          out.add(variables.get(i));
        }
      }
    }
    return out;
  }

  private static void assign(Graph graph, Session session, Map<String, String> keyOf, Map<String, HostTensor> values) {
    Session.Runner runner = session.runner();
    List<AutoCloseable> fed = new ArrayList<>();
    try {
      for (Map.Entry<String, String> e : keyOf.entrySet()) {
        HostTensor value = values.get(e.getValue());
        GraphOperation placeholder = graph.opBuilder("Placeholder", "mgm_restore_value/" + e.getKey(), graph.baseScope())
            .setAttr("dtype", value.type().tfType()).build();
        GraphOperation assign = probe(graph, "mgm_restore/" + e.getKey(), "AssignVariableOp", e.getKey(), placeholder);
        var tensor = value.toTf();
        fed.add(tensor);
        runner.feed(placeholder.output(0), tensor).addTarget(assign);
      }
      runner.run();
    } finally {
      for (AutoCloseable c : fed) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing a host tensor does not fail
        }
      }
    }
  }

  /** An op on the variable's handle (and a value), built once under a name of the toolkit's own. */
  private static GraphOperation probe(Graph graph, String name, String op, String variable, GraphOperation value) {
    GraphOperation existing = graph.operation(name);
    if (existing != null) {
      return existing;
    }
    GraphOperation handle = graph.operation(variable);
    var b = graph.opBuilder(op, name, graph.baseScope()).addInput(handle.output(0));
    if (value != null) {
      b.addInput(value.output(0)).setAttr("dtype", value.attributes().getAttrType("dtype"));
    }
    return b.build();
  }
}
