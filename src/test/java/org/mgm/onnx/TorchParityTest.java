package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ConvLayout;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/** TF forward and gradients of every PyTorch fixture equal PyTorch's, at both opsets and layouts. */
class TorchParityTest {
  static Stream<Arguments> cases() throws Exception {
    List<Arguments> a = new ArrayList<>();
    for (String name : OnnxFixtures.names()) {
      for (int opset : new int[] {13, 17}) {
        // Native NCHW only where this CPU's TF has the kernels (oneDNN; see ConvLayout).
        for (ConvLayout layout : ConvLayout.runnable()) {
          a.add(Arguments.of(name, opset, layout));
        }
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0} opset {1} {2}")
  @MethodSource("cases")
  void forwardMatchesTorch(String name, int opset, ConvLayout layout) throws Exception {
    ModelProto model = OnnxModelFile.read(OnnxFixtures.model(name, opset));
    HostTensor x = Npy.read(OnnxFixtures.file(name, "input.npy"));
    HostTensor expected = Npy.read(OnnxFixtures.file(name, "output.npy"));
    try (ImportedSession s = new ImportedSession(model, ImportOptions.frozen("m").withConvLayout(layout), name)) {
      HostTensor y = s.infer(Map.of("input", x)).get("output");
      assertArrayEquals(expected.shape(), y.shape());
      double err = OnnxFixtures.relativeError(y, expected);
      System.out.printf("PARITY forward %s opset %d %s: %.2e%n", name, opset, layout, err);
      assertTrue(err < 1e-5, name + " forward relative error " + err);
    }
  }

  @ParameterizedTest(name = "{0} opset {1} {2}")
  @MethodSource("cases")
  void gradientsMatchTorchAutograd(String name, int opset, ConvLayout layout) throws Exception {
    ModelProto model = OnnxModelFile.read(OnnxFixtures.model(name, opset));
    HostTensor x = Npy.read(OnnxFixtures.file(name, "input.npy"));
    HostTensor v = Npy.read(OnnxFixtures.file(name, "cotangent.npy"));
    ImportOptions o = ImportOptions.frozen("m").withConvLayout(layout).withFloatType(ElementType.FLOAT64)
        .withInitializers(InitializerPolicy.allFed());
    try (ImportedSession s = new ImportedSession(model, o, name)) {
      List<String> wrt = new ArrayList<>(List.of("input"));
      List<String> params = OnnxFixtures.parameterNames(name);
      params.stream().filter(p -> s.imported().fed().containsKey(p)).forEach(wrt::add);
      assertFalse(wrt.size() == 1, name + ": no parameter gradient could be matched to an initializer");
      var vj = s.vectorJacobian("output", wrt);
      Map<String, HostTensor> g = s.runVectorJacobian(vj, Map.of("input", x), v);
      double err = OnnxFixtures.relativeError(g.get("input"), Npy.read(OnnxFixtures.file(name, "grad_input.npy")));
      assertTrue(err < 1e-4, name + " input gradient relative error " + err);
      double worst = 0;
      for (String p : wrt.subList(1, wrt.size())) {
        double e = OnnxFixtures.relativeError(g.get(p), Npy.read(OnnxFixtures.file(name, "grad_param__" + p + ".npy")));
        worst = Math.max(worst, e);
        assertTrue(e < 1e-4, name + " gradient of " + p + " relative error " + e);
      }
      System.out.printf("PARITY gradient %s opset %d %s: input %.2e, %d parameters max %.2e%n", name, opset, layout,
          err, wrt.size() - 1, worst);
    }
  }
}
