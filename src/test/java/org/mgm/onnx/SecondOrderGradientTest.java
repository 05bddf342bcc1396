package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/**
 * The fused StyleGAN2 generator's input reaches its filters (modulation), so its case also needs
 * the Java-registered gradient of Conv2DBackpropFilter.
 *
 * <p>R1 needs the gradient of ‖∂D/∂x‖² w.r.t. D's parameters: a second-order gradient through the
 * whole discriminator. It is checked against finite differences of the penalty itself.
 */
class SecondOrderGradientTest {
  @ParameterizedTest
  @ValueSource(strings = {"cyclegan-patchgan", "mlp", "stylegan2-discriminator", "stylegan2-generator-fused"})
  void penaltyGradientEqualsFiniteDifferences(String name) throws Exception {
    ImportOptions o = ImportOptions.frozen("d").withFloatType(ElementType.FLOAT64)
        .withInitializers(InitializerPolicy.allFed()).withTwiceDifferentiable(true);
    try (ImportedSession s = new ImportedSession(OnnxModelFile.read(OnnxFixtures.model(name, 17)), o, name)) {
      HostTensor x = Npy.read(OnnxFixtures.file(name, "input.npy"));
      var penalty = s.inputGradientPenalty("output", "input");
      List<String> params = new ArrayList<>(s.imported().fed().keySet());
      assertFalse(params.isEmpty());
      var results = GradientCheck.run(s, penalty, Map.of("input", x), params,
          HostTensor.of(new double[] {1.0}), 6, 1e-6, 11);
      for (GradientCheck.Result r : results) {
        assertTrue(r.relativeError() < 1e-5, name + " d(R1)/d" + r.name() + " relative error " + r.relativeError());
      }
    }
  }
}
