package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * Second order through grouped, depthwise, dilated, 1-D and 3-D convolutions: the gradient
 * w.r.t. the weights of an R1-style penalty ‖∂ sum(conv(x)²) / ∂x‖² equals finite differences of
 * the penalty. The square makes ∂/∂x depend on x and the weights, so both the convolution's
 * gradient and the gradient of that gradient are exercised.
 */
class ConvSecondOrderTest {
  record Conv(String name, String op, long[] x, long[] w, long bias, AttributeProto... attrs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        new Conv("depthwise-dilated", "Conv", new long[] {1, 4, 6, 6}, new long[] {4, 1, 3, 3}, 4,
            attr("group", 4L), attr("dilations", new long[] {2, 2}), attr("pads", new long[] {2, 2, 2, 2})),
        new Conv("depthwise-multiplier-s2", "Conv", new long[] {1, 3, 7, 7}, new long[] {6, 1, 3, 3}, 6,
            attr("group", 3L), attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 1, 1, 1})),
        new Conv("grouped-1d-dilated", "Conv", new long[] {2, 4, 9}, new long[] {6, 2, 3}, 0,
            attr("group", 2L), attr("dilations", new long[] {2})),
        new Conv("grouped-3d", "Conv", new long[] {1, 4, 4, 5, 4}, new long[] {4, 2, 2, 3, 2}, 4,
            attr("group", 2L), attr("strides", new long[] {1, 2, 1}), attr("pads", new long[] {1, 1, 0, 0, 1, 1})),
        new Conv("transposed-grouped-dilated", "ConvTranspose", new long[] {1, 4, 3, 3}, new long[] {4, 2, 3, 3}, 4,
            attr("group", 2L), attr("strides", new long[] {2, 2}), attr("dilations", new long[] {1, 2}),
            attr("pads", new long[] {1, 0, 1, 1})),
        new Conv("transposed-3d", "ConvTranspose", new long[] {1, 2, 2, 3, 2}, new long[] {2, 2, 2, 2, 3}, 0,
            attr("strides", new long[] {2, 1, 2}), attr("output_padding", new long[] {1, 0, 0})))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void penaltyGradientEqualsFiniteDifferences(Conv k) {
    OnnxGraphBuilder b = new OnnxGraphBuilder(k.name, 13);
    b.input("x", ElementType.FLOAT32, k.x);
    b.initializer("w", OpGradientTest.random(k.w, 1, false));
    List<String> in = new ArrayList<>(List.of("x", "w"));
    if (k.bias > 0) {
      b.initializer("b", OpGradientTest.random(new long[] {k.bias}, 2, false));
      in.add("b");
    }
    String h = b.node(k.op, in, List.of(), k.attrs);
    b.node("Mul", List.of(h, h), List.of("out"));
    b.output("out", ElementType.FLOAT32);
    ImportOptions o = ImportOptions.frozen("d").withFloatType(ElementType.FLOAT64)
        .withInitializers(InitializerPolicy.allFed()).withTwiceDifferentiable(true);
    try (ImportedSession s = new ImportedSession(b.build("ConvSecondOrderTest"), o, k.name)) {
      var penalty = s.inputGradientPenalty("out", "x");
      List<String> params = new ArrayList<>(s.imported().fed().keySet());
      assertFalse(params.isEmpty());
      Map<String, HostTensor> x = Map.of("x", OpGradientTest.random(k.x, 10, false));
      for (GradientCheck.Result r : GradientCheck.run(s, penalty, x, params, HostTensor.of(new double[] {1.0}),
          12, 1e-6, 11)) {
        assertTrue(r.relativeError() < 1e-5, k.name + " d(R1)/d" + r.name() + " relative error " + r.relativeError());
      }
    }
  }
}
