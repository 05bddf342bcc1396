package org.mgm.onnx.export;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.mgm.model.Parameter;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxTensors;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * Exports a trained ONNX-sourced module: the original graph, node for node, with the trained
 * initializer values written back. Everything else (opsets, metadata, fields this toolkit does
 * not model) is kept as it was.
 */
public final class OnnxWriteBack {
  private OnnxWriteBack() {}

  /** Replaces the named initializers; every name must exist with the same shape and type. */
  public static ModelProto withInitializers(ModelProto original, Map<String, HostTensor> values) {
    GraphProto.Builder g = original.getGraph().toBuilder();
    Set<String> written = new HashSet<>();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      HostTensor v = values.get(t.getName());
      if (v == null) {
        continue;
      }
      HostTensor old = OnnxTensors.decode(t, "initializer");
      if (!java.util.Arrays.equals(old.shape(), v.shape()) || old.type() != v.type()) {
        throw new OnnxFormatException("initializer '" + t.getName() + "' is " + old + ", the new value is " + v);
      }
      g.setInitializer(i, OnnxTensors.encode(t.getName(), v));
      written.add(t.getName());
    }
    for (String name : values.keySet()) {
      if (!written.contains(name)) {
        throw new OnnxFormatException("the model has no initializer '" + name + "'");
      }
    }
    return original.toBuilder().setGraph(g).build();
  }

  /**
   * Reads the trained values of an import from a session (variables, and weights rebuilt from
   * trainable factors) and writes them back.
   */
  public static ModelProto fromSession(ModelProto original, ImportedGraph imported, Session session) {
    Map<String, org.tensorflow.Operand<?>> sources = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Parameter> p : imported.trainableByInitializer().entrySet()) {
      sources.put(p.getKey(), p.getValue().value());
    }
    sources.putAll(imported.reparameterized());
    if (sources.isEmpty()) {
      return original;
    }
    Session.Runner r = session.runner();
    sources.values().forEach(r::fetch);
    Map<String, HostTensor> values = new java.util.LinkedHashMap<>();
    try (Result result = r.run()) {
      int i = 0;
      for (String name : sources.keySet()) {
        values.put(name, HostTensor.fromTf(result.get(i++)));
      }
    }
    return withInitializers(original, values);
  }
}
