package org.mgm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.tensorflow.Output;

/** {@code --input NAME=FILE.npy} values, and random stand-ins for inputs that are not given. */
final class TensorArgs {
  private TensorArgs() {}

  static Map<String, HostTensor> read(String[] specs) throws IOException {
    Map<String, HostTensor> m = new LinkedHashMap<>();
    if (specs == null) {
      return m;
    }
    for (String s : specs) {
      int eq = s.indexOf('=');
      if (eq <= 0 || eq == s.length() - 1) {
        throw new UsageException("--input: expected NAME=FILE.npy, got '" + s + "'");
      }
      m.put(s.substring(0, eq), Npy.read(Path.of(s.substring(eq + 1))));
    }
    return m;
  }

  /**
   * Standard-normal float inputs of the declared shape for every graph input not given, with
   * symbolic dimensions set to {@code symbolicSize}; given inputs are checked by name.
   */
  static Map<String, HostTensor> completeWithRandom(ModelProto model, Map<String, HostTensor> given, long symbolicSize,
      long seed) {
    java.util.Set<String> initializers = new java.util.HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    Map<String, HostTensor> all = new LinkedHashMap<>();
    List<ValueInfoProto> inputs = model.getGraph().getInputList().stream()
        .filter(v -> !initializers.contains(v.getName())).toList();
    for (String name : given.keySet()) {
      if (inputs.stream().noneMatch(v -> v.getName().equals(name))) {
        throw new UsageException("--input: the model has no input '" + name + "' (inputs: "
            + inputs.stream().map(ValueInfoProto::getName).toList() + ")");
      }
    }
    Random r = new Random(seed);
    for (ValueInfoProto v : inputs) {
      if (given.containsKey(v.getName())) {
        all.put(v.getName(), given.get(v.getName()));
        continue;
      }
      ElementType t = ElementType.fromOnnx(v.getType().getTensorType().getElemType());
      if (t == null || !t.isFloating()) {
        throw new UsageException("input '" + v.getName() + "' is not a float tensor; give it with --input");
      }
      List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
      long[] shape = dims.stream().mapToLong(d -> d.hasDimValue() ? d.getDimValue() : symbolicSize).toArray();
      all.put(v.getName(), HostTensor.standardNormal(shape, r));
    }
    return all;
  }

  /**
   * The values for an imported graph's inputs: the given ones (placeholder names may carry TF's
   * {@code :0}), standard-normal floats for the rest with unknown dimensions set to
   * {@code symbolicSize}.
   */
  static Map<String, HostTensor> completeWithRandom(Map<String, Output<?>> placeholders, Map<String, HostTensor> given,
      long symbolicSize, long seed) {
    Map<String, HostTensor> byName = new LinkedHashMap<>();
    given.forEach((k, v) -> byName.put(k.endsWith(":0") && !placeholders.containsKey(k) ? k.substring(0, k.length() - 2) : k, v));
    for (String name : byName.keySet()) {
      if (!placeholders.containsKey(name)) {
        throw new UsageException("--input: the model has no input '" + name + "' that the outputs need (inputs: "
            + placeholders.keySet() + ")");
      }
    }
    Map<String, HostTensor> all = new LinkedHashMap<>();
    Random r = new Random(seed);
    for (Map.Entry<String, Output<?>> p : placeholders.entrySet()) {
      if (byName.containsKey(p.getKey())) {
        all.put(p.getKey(), byName.get(p.getKey()));
        continue;
      }
      ElementType type = ElementType.fromTf(p.getValue().dataType());
      if (type == null || !type.isFloating()) {
        throw new UsageException("input '" + p.getKey() + "' is not a float tensor; give it with --input");
      }
      var shape = p.getValue().shape();
      if (shape.isUnknown()) {
        throw new UsageException("input '" + p.getKey() + "' has no declared shape; give it with --input");
      }
      long[] dims = new long[shape.numDimensions()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = shape.get(i) < 0 ? symbolicSize : shape.get(i);
      }
      all.put(p.getKey(), HostTensor.standardNormal(dims, r));
    }
    return all;
  }
}
