package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.HostTensor;
import org.mgm.tf.TfGraphImporter;
import org.mgm.tf.TfModel;
import org.tensorflow.Output;

/**
 * The model of {@code inspect}, {@code infer} and {@code gradcheck}: an ONNX file or any TF format
 * (SavedModel directory, TF1 MetaGraph + checkpoint, frozen GraphDef), told apart by layout and
 * opened once, so every command accepts every format the same way.
 */
final class ModelArg implements AutoCloseable {
  private final Path path;
  private final ModelProto onnx;
  private final TfModel tf;

  private ModelArg(Path path, ModelProto onnx, TfModel tf) {
    this.path = path;
    this.onnx = onnx;
    this.tf = tf;
  }

  static ModelArg open(Path path, String signature) throws java.io.IOException {
    if (!Files.exists(path) && !TfModel.looksLikeTf(path)) {
      throw new UsageException(path + ": no such file or directory");
    }
    if (TfModel.looksLikeTf(path)) {
      return new ModelArg(path, null, TfModel.open(path, signature));
    }
    return new ModelArg(path, OnnxModelFile.read(path), null);
  }

  boolean isTf() {
    return tf != null;
  }

  ModelProto onnx() {
    return onnx;
  }

  TfModel tf() {
    return tf;
  }

  Path path() {
    return path;
  }

  ImportedSession.Importer importer() {
    return tf != null ? (g, o) -> TfGraphImporter.importModel(g, tf, o)
        : (g, o) -> new OnnxImporter().importModel(g, onnx, o, path.toString());
  }

  /**
   * The values for an imported graph's inputs: the given ones (placeholder names may carry TF's
   * {@code :0}), standard-normal floats for the rest with unknown dimensions set to
   * {@code symbolicSize}.
   */
  static Map<String, HostTensor> complete(Map<String, Output<?>> placeholders, Map<String, HostTensor> given,
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
      var type = p.getValue().dataType();
      if (type != org.tensorflow.proto.DataType.DT_FLOAT && type != org.tensorflow.proto.DataType.DT_DOUBLE) {
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
      float[] data = new float[Math.toIntExact(HostTensor.elementCount(dims))];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) r.nextGaussian();
      }
      all.put(p.getKey(), HostTensor.of(data, dims));
    }
    return all;
  }

  @Override
  public void close() {
    if (tf != null) {
      tf.close();
    }
  }
}
