package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * Ops an R1 penalty differentiates twice, each on its own: D = sum(op(conv(x))³) (or op(x)³ where
 * the op is not 2-D), penalty P = ‖∂D/∂x‖², and ∂P/∂(x, weights) against central finite
 * differences of P. The cube makes ∂D/∂op depend on x, so P's gradient goes through the
 * gradient of the op's own gradient (MaxPoolGrad, AvgPoolGrad, StridedSliceGrad, …); a square
 * would not do for normalisations, whose sum of squares is nearly constant.
 */
class OpSecondOrderGradientTest {
  /** {@code op} maps its input's name to the op's output name. */
  record Case(String name, int opset, long[] x, boolean conv, Function<OnnxGraphBuilder, Function<String, String>> op) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case node(String name, int opset, long[] x, boolean conv, String op,
      org.mgm.onnx.proto.OnnxModelProto.AttributeProto... a) {
    return new Case(name, opset, x, conv, b -> in -> b.node(op, List.of(in), List.of(), a));
  }

  static Stream<Arguments> cases() {
    List<Case> c = new ArrayList<>();
    long[] image = {1, 2, 6, 6};
    c.add(node("MaxPool-k3s2p1", 13, image, true, "MaxPool", attr("kernel_shape", new long[] {3, 3}),
        attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 1, 1, 1})));
    c.add(node("MaxPool-dilated", 13, image, true, "MaxPool", attr("kernel_shape", new long[] {2, 2}),
        attr("dilations", new long[] {2, 2})));
    c.add(node("MaxPool-1d-ceil", 13, new long[] {2, 3, 7}, false, "MaxPool", attr("kernel_shape", new long[] {2}),
        attr("strides", new long[] {2}), attr("ceil_mode", 1L)));
    c.add(node("MaxPool-3d", 13, new long[] {1, 2, 4, 4, 3}, false, "MaxPool",
        attr("kernel_shape", new long[] {2, 2, 2}), attr("strides", new long[] {2, 2, 1})));
    c.add(node("AveragePool-pads-excluded", 13, image, true, "AveragePool", attr("kernel_shape", new long[] {3, 3}),
        attr("strides", new long[] {2, 2}), attr("pads", new long[] {1, 1, 1, 1})));
    c.add(node("AveragePool-1d", 13, new long[] {2, 3, 7}, false, "AveragePool", attr("kernel_shape", new long[] {3}),
        attr("pads", new long[] {1, 0})));
    c.add(node("LpPool-p2", 13, image, true, "LpPool", attr("kernel_shape", new long[] {2, 2}),
        attr("strides", new long[] {2, 2})));
    c.add(node("GlobalAveragePool", 13, image, true, "GlobalAveragePool"));
    c.add(node("GlobalMaxPool", 13, image, true, "GlobalMaxPool"));
    long[] tokens = {2, 3, 4};
    c.add(new Case("LayerNormalization", 17, tokens, false, b -> in -> b.node("LayerNormalization",
        List.of(in, NormalizationCases.weight(b, "s", new long[] {4}, 2, true),
            NormalizationCases.weight(b, "t", new long[] {4}, 3, false)), List.of())));
    c.add(new Case("GroupNormalization-v21", 21, image, true, b -> in -> b.node("GroupNormalization",
        List.of(in, NormalizationCases.weight(b, "s", new long[] {3}, 2, true),
            NormalizationCases.weight(b, "t", new long[] {3}, 3, false)), List.of(), attr("num_groups", 3L))));
    c.add(new Case("GroupNormalization-v18", 18, new long[] {2, 4, 3}, false, b -> in -> b.node("GroupNormalization",
        List.of(in, NormalizationCases.weight(b, "s", new long[] {2}, 2, true),
            NormalizationCases.weight(b, "t", new long[] {2}, 3, false)), List.of(), attr("num_groups", 2L))));
    c.add(new Case("RMSNormalization", 23, tokens, false, b -> in -> b.node("RMSNormalization",
        List.of(in, NormalizationCases.weight(b, "s", new long[] {3, 4}, 2, true)), List.of(), attr("axis", 1L))));
    c.add(new Case("BatchNormalization-training", 15, image, true, b -> in -> b.node("BatchNormalization",
        List.of(in, NormalizationCases.weight(b, "s", new long[] {3}, 2, true),
            NormalizationCases.weight(b, "t", new long[] {3}, 3, false),
            NormalizationCases.weight(b, "m", new long[] {3}, 4, false),
            NormalizationCases.weight(b, "v", new long[] {3}, 5, true)), List.of(), attr("training_mode", 1L))));
    c.add(new Case("InstanceNormalization", 13, image, true, b -> in -> b.node("InstanceNormalization",
        List.of(in, NormalizationCases.weight(b, "s", new long[] {3}, 2, true),
            NormalizationCases.weight(b, "t", new long[] {3}, 3, false)), List.of())));
    c.add(node("MeanVarianceNormalization", 13, image, true, "MeanVarianceNormalization"));
    c.add(node("LpNormalization", 13, tokens, false, "LpNormalization"));
    c.add(node("LRN-size4", 13, image, true, "LRN", attr("size", 4L)));
    c.addAll(ActivationMathCases.secondOrder());
    return c.stream().map(Arguments::of);
  }

  private static OnnxGraphBuilder model(Case k) {
    OnnxGraphBuilder b = new OnnxGraphBuilder(k.name, k.opset);
    b.input("x", ElementType.FLOAT32, k.x);
    String h = "x";
    if (k.conv) {
      b.initializer("w", OpGradientTest.random(new long[] {3, k.x[1], 3, 3}, 1, false));
      h = b.node("Conv", List.of("x", "w"), List.of(), attr("pads", new long[] {1, 1, 1, 1}));
    }
    String y = k.op.apply(b).apply(h);
    b.node("Mul", List.of(b.node("Mul", List.of(y, y), List.of()), y), List.of("out"));
    b.output("out", ElementType.FLOAT32);
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void penaltyGradientEqualsFiniteDifferences(Case k) {
    ImportOptions o = ImportOptions.frozen("d").withFloatType(ElementType.FLOAT64)
        .withInitializers(InitializerPolicy.allFed()).withTwiceDifferentiable(true);
    try (ImportedSession s = new ImportedSession(model(k).build("OpSecondOrderGradientTest"), o, k.name)) {
      var penalty = s.inputGradientPenalty("out", "x");
      List<String> wrt = new ArrayList<>(List.of("x"));
      wrt.addAll(s.imported().fed().keySet());
      Map<String, HostTensor> in = Map.of("x", OpGradientTest.random(k.x, 5, false));
      for (GradientCheck.Result r : GradientCheck.run(s, penalty, in, wrt, HostTensor.of(new double[] {1.0}), 30,
          1e-6, 13)) {
        assertTrue(r.relativeError() < 1e-5, k.name + " d(P)/d" + r.name() + ": relative error " + r.relativeError()
            + " (scale " + r.scale() + ")");
      }
    }
  }
}
