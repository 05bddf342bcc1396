package org.mgm.onnx.importer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.model.Parameter;
import org.mgm.model.ParameterList;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;

/**
 * An ONNX graph living inside a TF graph.
 *
 * @param inputs placeholders of the unbound ONNX inputs, by ONNX name
 * @param outputs the selected ONNX outputs, by ONNX name
 * @param trainable resource variables of trainable initializers, in model order
 * @param trainableByInitializer ONNX initializer name → its variable, for writing trained values back
 * @param reparameterized ONNX initializer name → the operand computing it from trainable factors
 *     (FSGAN singular values), for writing the adapted weight back
 * @param fed placeholders of FED initializers, by ONNX name, with {@link #fedValues} to feed
 * @param fedValues the initializers' stored values, converted to the graph's float type
 * @param scalesByInitializer ONNX initializer name → its trainable singular-value scales
 */
public record ImportedGraph(
    Map<String, Output<?>> inputs,
    Map<String, Output<?>> outputs,
    ParameterList trainable,
    Map<String, Parameter> trainableByInitializer,
    Map<String, Output<?>> reparameterized,
    Map<String, Output<?>> fed,
    Map<String, HostTensor> fedValues,
    Map<String, Parameter> scalesByInitializer) {

  public ImportedGraph {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    trainableByInitializer = Collections.unmodifiableMap(new LinkedHashMap<>(trainableByInitializer));
    reparameterized = Collections.unmodifiableMap(new LinkedHashMap<>(reparameterized));
    fed = Collections.unmodifiableMap(new LinkedHashMap<>(fed));
    fedValues = Collections.unmodifiableMap(new LinkedHashMap<>(fedValues));
    scalesByInitializer = Collections.unmodifiableMap(new LinkedHashMap<>(scalesByInitializer));
  }

  /**
   * The trainable parameters that stand for the initializers {@code keep} accepts (the variable,
   * or the singular-value scales of a factorised one), in model order: an optimizer over part of
   * a module, such as an Lf step that leaves the high-resolution layers alone.
   */
  public ParameterList trainableWhere(String name, java.util.function.Predicate<String> keep) {
    java.util.Set<Parameter> chosen = new java.util.HashSet<>();
    trainableByInitializer.forEach((init, p) -> {
      if (keep.test(init)) {
        chosen.add(p);
      }
    });
    scalesByInitializer.forEach((init, p) -> {
      if (keep.test(init)) {
        chosen.add(p);
      }
    });
    return new ParameterList(name, trainable.parameters().stream().filter(chosen::contains).toList());
  }

  /**
   * Every initializer that is not a constant (trainable reads, reparameterised weights, fed
   * placeholders), to pass as {@link ImportOptions#withShared} to a second application.
   */
  public Map<String, Output<?>> parameterOperands() {
    Map<String, Output<?>> m = new LinkedHashMap<>();
    trainableByInitializer.forEach((k, v) -> m.put(k, v.value().asOutput()));
    m.putAll(reparameterized);
    m.putAll(fed);
    return m;
  }

  public Output<?> output(String name) {
    Output<?> o = outputs.get(name);
    if (o == null) {
      throw new OnnxFormatException("no output '" + name + "'; outputs are " + outputs.keySet());
    }
    return o;
  }

  /** The only output; fails when there are several. */
  public Output<?> output() {
    if (outputs.size() != 1) {
      throw new OnnxFormatException("the graph has outputs " + outputs.keySet() + "; name one");
    }
    return outputs.values().iterator().next();
  }

  public Output<?> input(String name) {
    Output<?> o = inputs.get(name);
    if (o == null) {
      throw new OnnxFormatException("no unbound input '" + name + "'; unbound inputs are " + inputs.keySet());
    }
    return o;
  }
}
