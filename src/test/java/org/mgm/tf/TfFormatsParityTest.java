package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.TfModelToOnnx;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.tensor.HostTensor;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * Every TF format, written by real TensorFlow 2.21 (export-tools/make_tf_fixtures.py and the TF1
 * CycleGAN of export-tools/tf1_cyclegan.py): imported here, its outputs and the gradients of
 * sum(output · v) with respect to its inputs agree with TF Python's own.
 */
class TfFormatsParityTest {
  static final double TOLERANCE = 1e-4;
  @TempDir static Path fixtures;

  @BeforeAll
  static void makeFixtures() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    TfPython.Run r = TfPython.run("export-tools/make_tf_fixtures.py", "--out", fixtures.toString());
    assertEquals(0, r.code(), r.output());
    r = TfPython.run("export-tools/tf1_cyclegan.py", "--fixture", "--out", fixtures.resolve("tf1-cyclegan").toString());
    assertEquals(0, r.code(), r.output());
  }

  static Stream<String> fixtureNames() {
    return Stream.of("keras3-mlp", "keras3-conv", "keras3-saved-model-save", "tfmodule-mixer", "tf1-savedmodel-variablev2", "frozen-graphdef",
        "tf1-cyclegan");
  }

  @ParameterizedTest
  @MethodSource("fixtureNames")
  void outputsAndInputGradientsMatchTensorFlow(String name) throws Exception {
    TfFixture f = TfFixture.read(fixtures.resolve(name));
    Map<String, HostTensor> tfOutputs = f.outputs();
    try (TfModel model = TfModel.open(f.model(), TfModel.DEFAULT_SIGNATURE);
        ImportedSession s = new ImportedSession((g, o) -> TfGraphImporter.importModel(g, model, o),
            ImportOptions.frozen("m").withOutputs(new ArrayList<>(tfOutputs.keySet())))) {
      Map<String, HostTensor> inputs = f.inputs();
      Map<String, HostTensor> ours = s.infer(inputs);
      for (Map.Entry<String, HostTensor> e : tfOutputs.entrySet()) {
        double err = OnnxFixtures.relativeError(ours.get(e.getKey()), e.getValue());
        System.out.printf(Locale.ROOT, "%s output %s: max relative error %.2e%n", name, e.getKey(), err);
        assertTrue(err <= TOLERANCE, name + " output " + e.getKey() + ": " + err);
      }
      for (TfFixture.GradientCase c : f.gradients()) {
        var vj = s.vectorJacobian(c.output(), List.of(c.input()));
        HostTensor grad = s.runVectorJacobian(vj, inputs, c.cotangent()).get(c.input());
        double err = OnnxFixtures.relativeError(grad, c.gradient());
        System.out.printf(Locale.ROOT, "%s d sum(%s · v)/d %s: max relative error %.2e%n", name, c.output(), c.input(), err);
        assertTrue(err <= TOLERANCE, name + " gradient of " + c.output() + " w.r.t. " + c.input() + ": " + err);
      }
    }
  }

  /** The same model frozen and exported to ONNX runs in ONNX Runtime with TF's outputs. */
  @ParameterizedTest
  @MethodSource("fixtureNames")
  void exportedToOnnxRunsInOrtWithTensorFlowsOutputs(String name, @TempDir Path tmp) throws Exception {
    TfFixture f = TfFixture.read(fixtures.resolve(name));
    Map<String, HostTensor> tfOutputs = f.outputs();
    Path onnx = tmp.resolve(name + ".onnx");
    try (TfModel model = TfModel.open(f.model(), TfModel.DEFAULT_SIGNATURE)) {
      OnnxModelFile.write(onnx, TfModelToOnnx.convert(model, new ArrayList<>(tfOutputs.keySet())));
    }
    try (OrtModel ort = OrtModel.open(onnx, OrtModel.Device.CPU)) {
      Map<String, HostTensor> ours = ort.run(f.inputs());
      for (Map.Entry<String, HostTensor> e : tfOutputs.entrySet()) {
        double err = OnnxFixtures.relativeError(ours.get(TfFixture.loaderName(e.getKey())), e.getValue());
        System.out.printf(Locale.ROOT, "%s exported, ONNX Runtime %s: max relative error %.2e%n", name, e.getKey(), err);
        assertTrue(err <= TOLERANCE, name + " ONNX output " + e.getKey() + ": " + err);
      }
    }
  }
}
