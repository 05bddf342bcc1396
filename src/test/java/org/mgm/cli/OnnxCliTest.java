package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.cli.CliRunner.assertUsageError;
import static org.mgm.cli.CliRunner.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.OperatorSetIdProto;
import org.mgm.onnx.proto.OnnxModelProto.StringStringEntryProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.tf.TfGraphImporter;
import org.mgm.tf.TfModel;
import org.mgm.tf.MlpSavedModelExporter;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/** The ONNX commands on real files: fixtures made by PyTorch, shipped SavedModels, broken files. */
class OnnxCliTest {
  private static final String RESNET = OnnxFixtures.model("cyclegan-resnet", 13).toString();
  private static final String PATCHGAN = OnnxFixtures.model("cyclegan-patchgan", 17).toString();

  @Test
  void inspectReportsOpsAndGradientCoverage() {
    CliRunner.Outcome o = run("inspect", RESNET, "--json");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("\"ConvTranspose\": 2"), o.out());
    assertTrue(o.out().contains("\"gradients_first_order\": \"ok\""), o.out());
    assertTrue(o.out().contains("\"gradients_second_order\": \"ok\""), o.out());
  }

  @Test
  void inferWithBothEnginesReproducesTorch(@TempDir Path tmp) throws Exception {
    HostTensor expected = Npy.read(OnnxFixtures.file("cyclegan-resnet", "output.npy"));
    for (String engine : List.of("ort", "tf")) {
      Path out = tmp.resolve(engine + ".npy");
      CliRunner.Outcome o = run("infer", RESNET, "--input", "input=" + OnnxFixtures.file("cyclegan-resnet", "input.npy"),
          "--output", out.toString(), "--engine", engine);
      assertEquals(0, o.code(), o.err());
      assertTrue(org.mgm.onnx.OnnxFixtures.relativeError(Npy.read(out), expected) < 1e-5, engine);
    }
  }

  @Test
  void gradcheckPassesAndSavedGradientsEqualTorchAutograd(@TempDir Path tmp) throws Exception {
    CliRunner.Outcome o = run("gradcheck", PATCHGAN, "--samples", "8");
    assertEquals(0, o.code(), o.out() + o.err());
    assertTrue(o.out().contains("max relative error"), o.out());
    Path grads = tmp.resolve("grads");
    o = run("gradcheck", PATCHGAN, "--input", "input=" + OnnxFixtures.file("cyclegan-patchgan", "input.npy"),
        "--cotangent", OnnxFixtures.file("cyclegan-patchgan", "cotangent.npy").toString(),
        "--save-grad", grads.toString(), "--samples", "2");
    assertEquals(0, o.code(), o.out() + o.err());
    HostTensor mine = Npy.read(grads.resolve("grad_input.npy"));
    HostTensor torch = Npy.read(OnnxFixtures.file("cyclegan-patchgan", "grad_input.npy"));
    assertTrue(OnnxFixtures.relativeError(mine, torch) < 1e-4);
    assertTrue(OnnxFixtures.relativeError(Npy.read(grads.resolve("grad_model.0.weight.npy")),
        Npy.read(OnnxFixtures.file("cyclegan-patchgan", "grad_param__model.0.weight.npy"))) < 1e-4);
    o = run("gradcheck", PATCHGAN, "--second-order", "--samples", "3");
    assertEquals(0, o.code(), o.out() + o.err());
  }

  @Test
  void exportedSavedModelMixerRunsInOrtWithTheSameOutputs(@TempDir Path tmp) throws Exception {
    Path mixer = Path.of("models/synthetic/mixer-beta-0.50");
    Path onnx = tmp.resolve("mixer.onnx");
    CliRunner.Outcome o = run("export", "--savedmodel", mixer.toString(), "--out", onnx.toString());
    assertEquals(0, o.code(), o.err());
    HostTensor condition = random(new long[] {7, 4}, 1);
    HostTensor noise = random(new long[] {7, 2}, 2);
    HostTensor viaOrt;
    try (OrtModel m = OrtModel.open(onnx, OrtModel.Device.CPU)) {
      viaOrt = m.run(Map.of("condition", condition, "noise", noise)).get("y");
    }
    HostTensor viaTf;
    try (TfModel saved = TfModel.open(mixer, MlpSavedModelExporter.SIGNATURE);
        org.tensorflow.Graph g = new org.tensorflow.Graph(); org.tensorflow.Session s = new org.tensorflow.Session(g)) {
      var tf = org.tensorflow.op.Ops.create(g);
      var c = tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(to2d(condition)));
      var z = tf.constant(org.tensorflow.ndarray.StdArrays.ndCopyOf(to2d(noise)));
      var y = TfGraphImporter.importModel(g, saved, ImportOptions.frozen("m")
          .withBindings(Map.of("condition", c, "noise", z))).output("y");
      try (var r = s.runner().fetch(y).run()) {
        viaTf = HostTensor.fromTf(r.get(0));
      }
    }
    assertArrayEquals(viaTf.shape(), viaOrt.shape());
    assertTrue(OnnxFixtures.relativeError(viaOrt, viaTf) < 1e-5);
  }

  /**
   * The user's command: the declared output shape was [batch, batch] and the initializers were
   * named after tensors ("net/dense0_kernel:0", or a ReadVariableOp's output) instead of the
   * weights. Expected values come from the SavedModel itself: its signature's output shape and
   * its float Consts (the frozen mixer's weights).
   */
  @Test
  void exportedMixerDeclaresTheSignatureShapeAndNamesWeightsAfterTheVariables(@TempDir Path tmp) throws Exception {
    Path mixer = Path.of("models/synthetic/mixer-beta-0.70");
    Path onnx = tmp.resolve("mixer.onnx");
    CliRunner.Outcome o = run("export", "--savedmodel", mixer.toString(), "--out", onnx.toString());
    assertEquals(0, o.code(), o.err());
    ModelProto m = OnnxModelFile.read(onnx);
    java.util.Set<String> weights = new java.util.TreeSet<>();
    long[] signatureShape;
    try (TfModel saved = TfModel.open(mixer, MlpSavedModelExporter.SIGNATURE)) {
      for (org.tensorflow.proto.NodeDef n : saved.graphDef().getNodeList()) {
        if (n.getOp().equals("Const") && n.getAttrOrThrow("dtype").getType() == org.tensorflow.proto.DataType.DT_FLOAT) {
          weights.add(n.getName());
        }
      }
      signatureShape = saved.outputs().get("y").shape();
    }
    assertEquals(-1, signatureShape[0]);
    var y = m.getGraph().getOutputList().stream().filter(v -> v.getName().equals("y")).findFirst().orElseThrow();
    var dims = y.getType().getTensorType().getShape().getDimList();
    assertEquals(2, dims.size(), y.toString());
    assertEquals("batch", dims.get(0).getDimParam(), y.toString());
    assertEquals(signatureShape[1], dims.get(1).getDimValue(), y.toString());
    java.util.Set<String> initializers = new java.util.TreeSet<>();
    m.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    assertEquals(weights, initializers);
  }

  @Test
  void anExportOrtCannotOpenLeavesTheEarlierFileInPlace(@TempDir Path tmp) throws Exception {
    OnnxGraphBuilder b = new OnnxGraphBuilder("g", 17).input("x", ElementType.FLOAT32, 2, 2);
    b.node("Foo", List.of("x"), List.of("out"));
    ModelProto custom = b.output("out", ElementType.FLOAT32).build("test");
    custom = custom.toBuilder().setGraph(custom.getGraph().toBuilder().setNode(0,
        custom.getGraph().getNode(0).toBuilder().setDomain("com.example"))).build();
    Path source = tmp.resolve("custom.onnx");
    OnnxModelFile.write(source, custom);
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Path out = Files.writeString(outDir.resolve("model.onnx"), "the earlier export");
    Path weights = Files.createDirectories(tmp.resolve("w"));
    assertUsageError(run("export", "--onnx", source.toString(), "--weights", weights.toString(), "--out", out.toString()),
        out.toString(), "ONNX Runtime");
    assertEquals("the earlier export", Files.readString(out));
    try (var files = Files.list(outDir)) {
      assertEquals(List.of(out), files.toList(), "temporary files left behind");
    }
  }

  @Test
  void sampleWritesSamplesAndAnImageGrid(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("samples");
    CliRunner.Outcome o = run("sample", RESNET, "--n", "4", "--seed", "3", "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    assertArrayEquals(new long[] {4, 3, 16, 16}, Npy.read(out.resolve("samples_output.npy")).shape());
    assertTrue(Files.size(out.resolve("grid_output.png")) > 100);
  }

  @Test
  void exportWritesTrainedInitializersBack(@TempDir Path tmp) throws Exception {
    Path weights = Files.createDirectories(tmp.resolve("w"));
    HostTensor w0 = Npy.read(OnnxFixtures.file("mlp", "grad_param__0.weight.npy")).asFloating(ElementType.FLOAT32);
    Npy.write(weights.resolve("0.weight.npy"), w0);
    Path out = tmp.resolve("mlp.onnx");
    CliRunner.Outcome o = run("export", "--onnx", OnnxFixtures.model("mlp", 17).toString(), "--weights",
        weights.toString(), "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    ModelProto m = OnnxModelFile.read(out);
    TensorProto t = m.getGraph().getInitializerList().stream().filter(i -> i.getName().equals("0.weight")).findFirst()
        .orElseThrow();
    assertArrayEquals(w0.floats(), org.mgm.onnx.io.OnnxTensors.decode(t, "x").floats());
    Npy.write(weights.resolve("0.weight.npy"), HostTensor.of(new float[] {1f}, 1));
    assertUsageError(run("export", "--onnx", OnnxFixtures.model("mlp", 17).toString(), "--weights", weights.toString(),
        "--out", tmp.resolve("bad.onnx").toString()), "0.weight");
    assertFalse(Files.exists(tmp.resolve("bad.onnx")));
  }

  @Test
  void badModelsAreOneLineErrorsWithExitTwo(@TempDir Path tmp) throws Exception {
    Path garbage = Files.write(tmp.resolve("garbage.onnx"), "this is not a protobuf \u0000\u0001\u0002".getBytes());
    assertUsageError(run("inspect", garbage.toString()), "garbage.onnx");
    byte[] real = Files.readAllBytes(Path.of(RESNET));
    Path truncated = Files.write(tmp.resolve("truncated.onnx"), java.util.Arrays.copyOf(real, real.length / 3));
    assertUsageError(run("inspect", truncated.toString()), "truncated.onnx");
    assertUsageError(run("inspect", tmp.resolve("missing.onnx").toString()), "missing.onnx");

    ModelProto model = OnnxModelFile.read(Path.of(RESNET));
    Path future = tmp.resolve("future.onnx");
    OnnxModelFile.write(future, model.toBuilder().setOpsetImport(0,
        OperatorSetIdProto.newBuilder().setDomain("").setVersion(99)).build());
    Path x = tmp.resolve("x.npy");
    Npy.write(x, Npy.read(OnnxFixtures.file("cyclegan-resnet", "input.npy")));
    Path y = tmp.resolve("y.npy");
    assertUsageError(run("infer", future.toString(), "--input", "input=" + x, "--output", y.toString(), "--engine", "tf"),
        "opset 99");
    assertFalse(Files.exists(y));

    OnnxGraphBuilder b = new OnnxGraphBuilder("g", 17).input("x", ElementType.FLOAT32, 2, 2);
    // Strings are out of scope for a differentiable float graph: this op stays refused.
    b.node("StringNormalizer", List.of("x"), List.of("out"));
    Path unsupported = tmp.resolve("strings.onnx");
    OnnxModelFile.write(unsupported, b.output("out", ElementType.FLOAT32).build("test"));
    assertUsageError(run("gradcheck", unsupported.toString()), "StringNormalizer_0", "StringNormalizer");

    OnnxGraphBuilder d = new OnnxGraphBuilder("g", 17).input("x", ElementType.FLOAT32, 2, 2);
    d.node("Foo", List.of("x"), List.of("out"));
    ModelProto custom = d.output("out", ElementType.FLOAT32).build("test");
    custom = custom.toBuilder().setGraph(custom.getGraph().toBuilder().setNode(0,
        custom.getGraph().getNode(0).toBuilder().setDomain("com.example"))).build();
    Path domain = tmp.resolve("domain.onnx");
    OnnxModelFile.write(domain, custom);
    assertUsageError(run("gradcheck", domain.toString()), "com.example::Foo");

    Path badNpy = Files.write(tmp.resolve("bad.npy"), new byte[] {1, 2, 3});
    assertUsageError(run("infer", RESNET, "--input", "input=" + badNpy, "--output", y.toString()), "bad.npy");
    assertFalse(Files.exists(y));
  }

  @Test
  void externalDataIsReadAndAMissingFileIsNamed(@TempDir Path tmp) throws Exception {
    ModelProto model = OnnxModelFile.read(OnnxFixtures.model("mlp", 17));
    var g = model.getGraph().toBuilder();
    TensorProto w = g.getInitializer(0);
    Files.write(tmp.resolve("weights.bin"), w.getRawData().toByteArray());
    g.setInitializer(0, w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
        .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0")));
    Path external = tmp.resolve("external.onnx");
    OnnxModelFile.write(external, model.toBuilder().setGraph(g).build());
    Path out = tmp.resolve("y.npy");
    CliRunner.Outcome o = run("infer", external.toString(), "--input", "input=" + OnnxFixtures.file("mlp", "input.npy"),
        "--output", out.toString(), "--engine", "tf");
    assertEquals(0, o.code(), o.err());
    assertTrue(OnnxFixtures.relativeError(Npy.read(out), Npy.read(OnnxFixtures.file("mlp", "output.npy"))) < 1e-5);
    Files.delete(tmp.resolve("weights.bin"));
    assertUsageError(run("inspect", external.toString()), "weights.bin", w.getName());
  }

  private static HostTensor random(long[] shape, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] v = new float[(int) HostTensor.elementCount(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return HostTensor.of(v, shape);
  }

  private static float[][] to2d(HostTensor t) {
    long[] s = t.shape();
    float[][] a = new float[(int) s[0]][(int) s[1]];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(t.floats(), i * a[i].length, a[i], 0, a[i].length);
    }
    return a;
  }
}
