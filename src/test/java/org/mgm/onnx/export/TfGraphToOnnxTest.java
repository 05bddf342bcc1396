package org.mgm.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.runtime.Json;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Frozen graphs made by real TensorFlow (an MLP, a Keras 3 conv model, a CycleGAN-style TF1
 * generator, and one graph of the remaining layouts and indexing forms), exported to ONNX and run
 * in ONNX Runtime: outputs equal TF's, declared shapes are TF's, initializers keep the Consts'
 * names, and graphs with ops the exporter does not translate are refused naming the node.
 */
class TfGraphToOnnxTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir
  static Path fixtures;

  @BeforeAll
  static void makeFixtures() throws Exception {
    TfExportFixtures.make(fixtures, "mlp", "keras-conv", "keras-mobile", "reductions", "cyclegan", "layouts", "refused");
  }

  @Test
  void tf1MlpMatchesTensorFlow(@TempDir Path tmp) throws Exception {
    ModelProto m = exportAndCompare("mlp", tmp);
    assertDims(m.getGraph().getInput(0), "batch", 6);
    assertDims(m.getGraph().getOutput(0), "batch", 2);
    // Every float Const of the frozen graph (the variables) is an initializer of the same name.
    assertEquals(floatConsts(graph("mlp")), floatInitializers(m));
    assertTrue(floatInitializers(m).contains("net/dense0/kernel"), floatInitializers(m).toString());
    // Integer Consts keep their names too; ONNX's int64 shapes are a converted copy beside them.
    Set<String> initializers = m.getGraph().getInitializerList().stream().map(TensorProto::getName)
        .collect(Collectors.toSet());
    for (NodeDef n : graph("mlp").getNodeList()) {
      if (n.getOp().equals("Reshape")) {
        assertTrue(initializers.contains(n.getInput(1) + ":int64"), n.getInput(1) + " in " + initializers);
      }
    }
  }

  @Test
  void keras3ConvModelMatchesTensorFlow(@TempDir Path tmp) throws Exception {
    ModelProto m = exportAndCompare("keras-conv", tmp);
    assertDims(m.getGraph().getInput(0), "batch", 16, 16, 3);
    assertDims(m.getGraph().getOutput(0), "batch", 16, 16, 4);
    // The transpose convolution's size comes from TF's static shape: Keras' Shape → Pack path
    // for the dynamic batch is not exported.
    assertEquals(Set.of(), ops(m).stream().filter(o -> o.equals("Shape")).collect(Collectors.toSet()));
    assertTrue(ops(m).contains("ConvTranspose") && ops(m).contains("Conv"), ops(m).toString());
  }

  @Test
  void mobileNetBlockWithDepthwiseConvRelu6PoolingAndSoftmaxMatchesTensorFlow(@TempDir Path tmp) throws Exception {
    ModelProto m = exportAndCompare("keras-mobile", tmp);
    assertDims(m.getGraph().getOutput(0), "batch", 5);
    // The depthwise convolution is a grouped Conv (one group per channel: 8), ReLU6 a Clip.
    assertTrue(ops(m).containsAll(Set.of("Clip", "Softmax", "MaxPool", "AveragePool")), ops(m).toString());
    assertTrue(m.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Conv")
        && n.getAttributeList().stream().anyMatch(a -> a.getName().equals("group") && a.getI() == 8)),
        "a grouped Conv with one group per input channel");
  }

  @Test
  void reductionsGatherAndErfcMatchTensorFlow(@TempDir Path tmp) throws Exception {
    ModelProto m = exportAndCompare("reductions", tmp);
    assertDims(m.getGraph().getOutput(0), "batch", 22);
    assertTrue(ops(m).containsAll(Set.of("ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "Gather", "Erf")),
        ops(m).toString());
  }

  @Test
  void cycleganStyleTf1GeneratorMatchesTensorFlow(@TempDir Path tmp) throws Exception {
    ModelProto m = exportAndCompare("cyclegan", tmp);
    assertDims(m.getGraph().getOutput(0), 2, 16, 16, 3);
    assertEquals(floatConsts(graph("cyclegan")), floatInitializers(m));
  }

  @Test
  void layoutsAndIndexingFormsMatchTensorFlow(@TempDir Path tmp) throws Exception {
    ModelProto m = exportAndCompare("layouts", tmp);
    assertDims(m.getGraph().getOutput(0), "batch", 3);
    assertDims(m.getGraph().getOutput(1), "batch", 9, 10, 6);
  }

  @Test
  void unsupportedOpsAndFormsAreRefusedNamingTheNode() throws Exception {
    for (String name : List.of("refused-cumsum", "refused-symmetric", "refused-ellipsis", "refused-dynamic-transpose")) {
      Path dir = fixtures.resolve(name);
      Map<String, Object> refused = Json.parseFlat(Files.readString(dir.resolve("refused.json")));
      OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> export(name), name);
      String message = e.getMessage();
      System.out.println(name + ": " + message);
      assertEquals(1, message.lines().count(), message);
      assertTrue(message.contains("'" + refused.get("node") + "'") && message.contains((String) refused.get("op"))
          && message.contains(dir.toString()), name + ": " + message);
    }
  }

  @Test
  void aPlaceholderOutsideTheInputsAndAWrongInputAreNamed() throws Exception {
    GraphDef g = graph("mlp");
    OnnxFormatException missing = assertThrows(OnnxFormatException.class,
        () -> new TfGraphToOnnx().convert(g, Map.of(), Map.of("y", "y:0"), "mlp.pb"));
    assertTrue(missing.getMessage().contains("'x'") && missing.getMessage().contains("Placeholder"),
        missing.getMessage());
    OnnxFormatException notPlaceholder = assertThrows(OnnxFormatException.class,
        () -> new TfGraphToOnnx().convert(g, Map.of("x", "y:0"), Map.of("y", "y:0"), "mlp.pb"));
    assertTrue(notPlaceholder.getMessage().contains("y:0") && notPlaceholder.getMessage().contains("Identity"),
        notPlaceholder.getMessage());
  }

  /** Exports a fixture, runs it in ORT on the saved input and compares every output with TF's. */
  private static ModelProto exportAndCompare(String name, Path tmp) throws Exception {
    Path dir = fixtures.resolve(name);
    ModelProto model = export(name);
    Path file = tmp.resolve(name + ".onnx");
    OnnxModelFile.write(file, model);
    Map<String, HostTensor> feeds = new LinkedHashMap<>();
    for (String in : TfExportFixtures.names(dir, "inputs.json").keySet()) {
      feeds.put(in, Npy.read(dir.resolve("input_" + in + ".npy")));
    }
    try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
      Map<String, HostTensor> got = ort.run(feeds);
      for (String out : TfExportFixtures.names(dir, "outputs.json").keySet()) {
        HostTensor expected = Npy.read(dir.resolve("output_" + out + ".npy"));
        HostTensor actual = got.get(out);
        assertArrayEquals(expected.shape(), actual.shape(), name + "/" + out);
        double err = maxAbsError(actual, expected);
        System.out.printf("%s/%s: max abs error vs TensorFlow %.3g (output scale %.3g)%n", name, out, err,
            maxAbs(expected));
        assertTrue(maxAbs(expected) > 1e-2, name + "/" + out + " is degenerate");
        assertTrue(err <= TOLERANCE, name + "/" + out + ": max abs error " + err);
      }
    }
    return model;
  }

  private static ModelProto export(String name) throws Exception {
    Path dir = fixtures.resolve(name);
    return new TfGraphToOnnx().convert(graph(name), TfExportFixtures.names(dir, "inputs.json"),
        TfExportFixtures.names(dir, "outputs.json"), dir.toString());
  }

  private static GraphDef graph(String name) throws Exception {
    return GraphDef.parseFrom(Files.readAllBytes(fixtures.resolve(name).resolve("graph.pb")));
  }

  private static Set<String> floatConsts(GraphDef g) {
    Set<String> names = new TreeSet<>();
    for (NodeDef n : g.getNodeList()) {
      if (n.getOp().equals("Const") && n.getAttrOrThrow("dtype").getType() == org.tensorflow.proto.DataType.DT_FLOAT
          && n.getAttrOrThrow("value").getTensor().getTensorShape().getDimCount() > 0) {
        names.add(n.getName());
      }
    }
    return names;
  }

  private static Set<String> floatInitializers(ModelProto m) {
    Set<String> names = new TreeSet<>();
    for (TensorProto t : m.getGraph().getInitializerList()) {
      if (t.getDataType() == org.mgm.tensor.ElementType.FLOAT32.onnxCode() && t.getDimsCount() > 0) {
        names.add(t.getName());
      }
    }
    return names;
  }

  private static List<String> ops(ModelProto m) {
    List<String> ops = new ArrayList<>();
    for (NodeProto n : m.getGraph().getNodeList()) {
      ops.add(n.getOpType());
    }
    return ops;
  }

  /** Each expected dimension is a size (Integer) or a symbolic name (String). */
  static void assertDims(ValueInfoProto v, Object... expected) {
    List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
    List<Object> actual = new ArrayList<>();
    for (TensorShapeProto.Dimension d : dims) {
      actual.add(d.hasDimValue() ? (Object) (int) d.getDimValue() : d.getDimParam());
    }
    assertEquals(List.of(expected), actual, v.getName());
    assertFalse(dims.stream().anyMatch(d -> !d.hasDimValue() && d.getDimParam().isEmpty()), v.getName());
  }

  private static double maxAbsError(HostTensor a, HostTensor b) {
    double[] x = a.toDoubles();
    double[] y = b.toDoubles();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  private static double maxAbs(HostTensor a) {
    double m = 0;
    for (double v : a.toDoubles()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
