package org.mgm.tf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * What {@code mgm inspect} says about a TF model: format, inputs, outputs, collections, the
 * variables and ops the outputs need (function calls inlined), and the nodes without gradients.
 */
public final class TfModelSummary {
  private TfModelSummary() {}

  /**
   * @param outputs names of outputs to describe (signature keys, tensors, collection entries);
   *     empty means the model's own outputs, and for a MetaGraph without any, the whole graph
   */
  public static Map<String, Object> of(TfModel model, List<String> outputs) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("format", model.format().label());
    r.put("producer", "TensorFlow (graph version " + model.graphDef().getVersions().getProducer() + ")");
    r.put("inputs", endpoints(model.inputs().values()));
    List<String> names = outputs.isEmpty() ? new ArrayList<>(model.outputs().keySet()) : outputs;
    Map<String, Object> outs = new LinkedHashMap<>();
    List<String> tensors = new ArrayList<>();
    for (String o : names) {
      String t = model.tensorOf(o);
      tensors.add(t);
      outs.put(o, t);
    }
    r.put("outputs", outs);
    r.put("collections", model.collections());
    r.put("functions", model.graphDef().getLibrary().getFunctionCount());
    GraphDef graph = tensors.isEmpty() ? model.graphDef() : model.flatten(tensors);
    r.put("scope", tensors.isEmpty() ? "whole graph (name outputs with --output)" : "what the outputs need, calls inlined");
    List<TfVariable> vars = TfModel.variablesOf(graph);
    long values = 0;
    for (TfVariable v : vars) {
      values += v.shape() == null ? 0 : Arrays.stream(v.shape()).reduce(1, (a, b) -> a * Math.max(b, 0));
    }
    r.put("variables", vars.size());
    r.put("variable_values", values);
    r.put("legacy_variables", vars.stream().filter(v -> !v.resource()).count());
    r.put("nodes", graph.getNodeCount());
    Map<String, Integer> histogram = new TreeMap<>();
    for (NodeDef n : graph.getNodeList()) {
      histogram.merge(n.getOp(), 1, Integer::sum);
    }
    r.put("ops", histogram);
    if (!tensors.isEmpty()) {
      // Over a whole training graph this would list the saved gradient ops themselves: only the
      // paths to named outputs say what training through the model would meet.
      r.put("no_gradient", GradientCoverage.missing(graph));
    }
    return r;
  }

  private static List<Object> endpoints(java.util.Collection<TfEndpoint> eps) {
    List<Object> l = new ArrayList<>();
    for (TfEndpoint e : eps) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", e.name());
      m.put("tensor", e.tensor());
      m.put("type", e.dtype().name().replace("DT_", "").toLowerCase(java.util.Locale.ROOT));
      m.put("shape", e.shape() == null ? "unknown rank" : Arrays.toString(e.shape()));
      l.add(m);
    }
    return l;
  }
}
