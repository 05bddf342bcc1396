package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mgm.cli.CliRunner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * R1 through imported TF graphs: the gradient of ‖∂y/∂x‖² w.r.t. every variable (a second-order
 * gradient through Relu, Tanh, Sigmoid, LeakyRelu, Conv2D and Conv2DBackpropInput, imported
 * twice-differentiable) against finite differences of the penalty, in float64.
 */
class TfSecondOrderTest {
  @TempDir static Path fixtures;

  @BeforeAll
  static void makeFixtures() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    TfPython.Run r = TfPython.run("export-tools/make_tf_fixtures.py", "--out", fixtures.toString(), "--only",
        "keras3-mlp", "keras3-conv", "keras3-saved-model-save", "tf1-savedmodel-variablev2", "keras3-critic",
        "tf1-batchnorm-critic");
    assertEquals(0, r.code(), r.output());
  }

  @Test
  void gradcheckThroughABatchNormComputesItInFloat32AndSaysSo() {
    String model = fixtures.resolve("tf1-batchnorm-critic/model").toString();
    for (String[] extra : List.of(new String[0], new String[] {"--second-order"})) {
      List<String> args = new ArrayList<>(List.of("gradcheck", model, "--samples", "6"));
      args.addAll(List.of(extra));
      CliRunner.Outcome o = CliRunner.run(args.toArray(String[]::new));
      System.out.println(o.out());
      assertEquals(0, o.code(), o.out() + o.err());
      assertTrue(o.out().contains("note: no float64 kernel for 1 node(s)"), o.out());
      assertTrue(o.out().contains("tolerance 1e-2"), o.out());
      // The moving statistics get no gradient from TF's FusedBatchNorm: frozen, not checked.
      assertFalse(o.out().contains("moving_mean") || o.out().contains("moving_variance"), o.out());
      assertTrue(o.out().contains("scale"), o.out());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"keras3-mlp", "keras3-conv", "keras3-saved-model-save", "tf1-savedmodel-variablev2",
      "keras3-critic", "tf1-batchnorm-critic"})
  void penaltyGradientEqualsFiniteDifferences(String name) throws Exception {
    TfFixture f = TfFixture.read(fixtures.resolve(name));
    ImportOptions o = ImportOptions.frozen("d").withFloatType(ElementType.FLOAT64)
        .withInitializers(InitializerPolicy.allFed()).withTwiceDifferentiable(true);
    try (TfModel model = TfModel.open(f.model(), TfModel.DEFAULT_SIGNATURE);
        ImportedSession s = new ImportedSession((g, opt) -> TfGraphImporter.importModel(g, model, opt), o)) {
      Map<String, HostTensor> inputs = f.inputs();
      String input = inputs.keySet().iterator().next();
      var penalty = s.inputGradientPenalty(f.outputs().keySet().iterator().next(), input);
      List<String> params = new ArrayList<>(s.imported().fed().keySet());
      assertFalse(params.isEmpty());
      // FusedBatchNormV3 has float32 kernels only: computed in float32 inside the float64 graph,
      // it needs float32's step and tolerance (the gradcheck command's).
      boolean float32 = !TfGraphImporter.float32Nodes(model).isEmpty();
      assertEquals(name.contains("batchnorm"), float32);
      double step = float32 ? 1e-3 : 1e-6;
      double tolerance = float32 ? 1e-2 : 1e-5;
      for (GradientCheck.Result r : GradientCheck.run(s, penalty, inputs, params, HostTensor.of(new double[] {1.0}), 6,
          step, 11)) {
        System.out.printf(Locale.ROOT, "%s d(R1)/d %s: relative error %.2e%n", name, r.name(), r.relativeError());
        assertTrue(r.relativeError() < tolerance, name + " d(R1)/d" + r.name() + " relative error " + r.relativeError());
      }
    }
  }
}
