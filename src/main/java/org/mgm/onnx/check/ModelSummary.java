package org.mgm.onnx.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.onnx.proto.OnnxModelProto.OperatorSetIdProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.tensor.ElementType;

/** What `mgm inspect` reports about a model, as a JSON-ready map. */
public final class ModelSummary {
  private ModelSummary() {}

  public static Map<String, Object> of(ModelProto m) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("producer", (m.getProducerName() + " " + m.getProducerVersion()).trim());
    r.put("ir_version", m.getIrVersion());
    Map<String, Object> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      opsets.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion());
    }
    r.put("opsets", opsets);
    java.util.Set<String> initializers = new java.util.HashSet<>();
    long parameters = 0;
    long constants = 0;
    for (TensorProto t : m.getGraph().getInitializerList()) {
      initializers.add(t.getName());
      long n = t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
      ElementType type = ElementType.fromOnnx(t.getDataType());
      if (type != null && type.isFloating()) {
        parameters += n;
      } else {
        constants += n;
      }
    }
    r.put("inputs", values(m.getGraph().getInputList(), initializers));
    r.put("outputs", values(m.getGraph().getOutputList(), java.util.Set.of()));
    r.put("float_parameters", parameters);
    r.put("integer_constants", constants);
    r.put("initializers", m.getGraph().getInitializerCount());
    r.put("nodes", m.getGraph().getNodeCount());
    Map<String, Object> histogram = new TreeMap<>();
    for (NodeProto n : m.getGraph().getNodeList()) {
      histogram.merge(n.getOpType(), 1, (a, b) -> (Integer) a + (Integer) b);
    }
    r.put("ops", histogram);
    Map<String, Object> unsupported = new LinkedHashMap<>();
    new OnnxImporter().unsupportedOps(m).forEach((op, nodes) -> unsupported.put(op, nodes));
    r.put("unsupported", unsupported);
    return r;
  }

  private static List<Object> values(List<ValueInfoProto> infos, java.util.Set<String> skip) {
    List<Object> out = new ArrayList<>();
    for (ValueInfoProto v : infos) {
      if (skip.contains(v.getName())) {
        continue;
      }
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", v.getName());
      e.put("type", ElementType.onnxName(v.getType().getTensorType().getElemType()));
      e.put("shape", shape(v));
      out.add(e);
    }
    return out;
  }

  /** "[batch, 3, 256, 256]": symbolic dimensions by name, unknown ones as "?". */
  public static String shape(ValueInfoProto v) {
    if (!v.getType().getTensorType().hasShape()) {
      return "unknown";
    }
    List<String> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
      dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.hasDimParam() ? d.getDimParam() : "?");
    }
    return "[" + String.join(", ", dims) + "]";
  }
}
