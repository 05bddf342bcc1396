package org.mgm.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.MlpSpec;
import org.mgm.model.MlpWeights;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.runtime.Json;
import org.mgm.tf.TfModel;
import org.mgm.tf.MlpSavedModelExporter;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * SavedModel signatures through {@link TfGraphToOnnx}: a Java-built MLP (weights as Consts) and a
 * TF1 SavedModel with resource variables made by real TensorFlow. Initializers are named after
 * the variables, and the declared output shape is TF's.
 */
class TfModelToOnnxTest {
  @Test
  void javaBuiltMlpDeclaresTfShapesAndKeepsTheWeightNames(@TempDir Path tmp) throws Exception {
    MlpSpec spec = MlpSpec.of(5, 16, 3, 2, 0.2f);
    LinkedHashMap<String, Integer> inputs = new LinkedHashMap<>();
    inputs.put("condition", 3);
    inputs.put("noise", 2);
    Path dir = tmp.resolve("mixer");
    MlpSavedModelExporter.export(dir, MlpWeights.pytorchDefault(spec, 4), inputs, "y");
    try (TfModel saved = TfModel.open(dir, MlpSavedModelExporter.SIGNATURE)) {
      ModelProto m = TfModelToOnnx.convert(saved);
      TfGraphToOnnxTest.assertDims(output(m, "y"), "batch", (int) spec.out());
      Set<String> weights = new TreeSet<>();
      for (NodeDef n : saved.graphDef().getNodeList()) {
        if (n.getOp().equals("Const") && n.getAttrOrThrow("dtype").getType() == DataType.DT_FLOAT) {
          weights.add(n.getName());
        }
      }
      assertEquals(2 * spec.layers(), weights.size(), weights.toString());
      assertEquals(weights, initializerNames(m));
    }
  }

  @Test
  void tf1ResourceVariablesBecomeInitializersNamedAfterTheVariables(@TempDir Path tmp) throws Exception {
    TfExportFixtures.make(tmp, "savedmodel-mlp");
    Path fixture = tmp.resolve("savedmodel-mlp");
    ModelProto m;
    try (TfModel saved = TfModel.open(fixture.resolve("model"), "serving_default")) {
      m = TfModelToOnnx.convert(saved);
    }
    String names = (String) Json.parseFlat(java.nio.file.Files.readString(fixture.resolve("variables.json"))).get("names");
    assertEquals(new TreeSet<>(Arrays.asList(names.split(" "))), initializerNames(m));
    TfGraphToOnnxTest.assertDims(output(m, "y"), "batch", 2);
    Path file = tmp.resolve("mlp.onnx");
    OnnxModelFile.write(file, m);
    HostTensor expected = Npy.read(fixture.resolve("output_y.npy"));
    try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
      HostTensor y = ort.run(Map.of("x", Npy.read(fixture.resolve("input_x.npy")))).get("y");
      assertArrayEquals(expected.shape(), y.shape());
      double err = 0;
      for (int i = 0; i < y.floats().length; i++) {
        err = Math.max(err, Math.abs(y.floats()[i] - expected.floats()[i]));
      }
      System.out.printf("savedmodel-mlp/y: max abs error vs TensorFlow %.3g%n", err);
      assertTrue(err <= 1e-4, "max abs error " + err);
      assertTrue(OnnxFixtures.relativeError(y, expected) < 1e-5);
    }
  }

  private static org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto output(ModelProto m, String name) {
    return m.getGraph().getOutputList().stream().filter(o -> o.getName().equals(name)).findFirst().orElseThrow();
  }

  private static Set<String> initializerNames(ModelProto m) {
    Set<String> names = new TreeSet<>();
    for (TensorProto t : m.getGraph().getInitializerList()) {
      if (t.getDataType() == org.mgm.tensor.ElementType.FLOAT32.onnxCode()) {
        names.add(t.getName());
      }
    }
    return names;
  }
}
