package org.mgm.onnx.io;

import java.util.HashSet;
import java.util.Set;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;

/**
 * A model's data inputs: graph inputs that are not initializers (exporters at IR &lt; 4 list every
 * weight as an input too).
 */
public final class OnnxInputs {
  private OnnxInputs() {}

  /** The first data input's name, the one a single-input module binds. */
  public static String first(ModelProto m) {
    return firstInfo(m).getName();
  }

  /** The first data input's static shape, -1 where the size is symbolic. */
  public static long[] firstShape(ModelProto m) {
    return firstInfo(m).getType().getTensorType().getShape().getDimList().stream()
        .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray();
  }

  private static ValueInfoProto firstInfo(ModelProto m) {
    Set<String> inits = new HashSet<>();
    m.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
    return m.getGraph().getInputList().stream().filter(v -> !inits.contains(v.getName())).findFirst()
        .orElseThrow(() -> new OnnxFormatException("the model has no data input"));
  }

  /** The graph's output names, in order (a generator's image first; w beside it when exported). */
  public static java.util.List<String> outputNames(ModelProto m) {
    return m.getGraph().getOutputList().stream().map(o -> o.getName()).toList();
  }
}
