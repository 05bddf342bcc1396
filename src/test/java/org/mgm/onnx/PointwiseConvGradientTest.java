package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ConvLayout;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * The float32 input gradient of 1×1 convolutions equals the float64 one. Float64 gradient checks
 * cannot see this: TF's oneDNN Conv2DBackpropInput (float32 only) gave input gradients off by
 * 30–100 % for 1×1 filters at some channel counts (104, 40, 200...) on AVX-512 CPUs, which is why
 * the importer writes them as matrix products.
 */
class PointwiseConvGradientTest {
  private static ModelProto conv(long c, long m, long stride) {
    Random r = new Random(c * 31 + stride);
    float[] w = new float[(int) (m * c)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * 0.1f;
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder("pointwise", 17);
    b.input("x", ElementType.FLOAT32, 2, c, 9, 9);
    b.initializer("w", HostTensor.of(w, m, c, 1, 1));
    b.node("Conv", List.of("x", "w"), List.of("out"), OnnxGraphBuilder.attr("strides", new long[] {stride, stride}));
    b.output("out", ElementType.FLOAT32);
    return b.build("PointwiseConvGradientTest");
  }

  @ParameterizedTest
  @CsvSource({"104, 12, 1", "40, 8, 1", "200, 16, 2", "72, 24, 1"})
  void float32InputGradientEqualsFloat64(long c, long m, long stride) {
    ModelProto model = conv(c, m, stride);
    HostTensor x = HostTensor.standardNormal(7, 2, c, 9, 9);
    for (ConvLayout layout : ConvLayout.runnable()) {
      HostTensor g32 = inputGradient(model, ImportOptions.frozen("m").withConvLayout(layout), x);
      HostTensor g64 = inputGradient(model, ImportOptions.frozen("m").withConvLayout(layout)
          .withFloatType(ElementType.FLOAT64), x.asFloating(ElementType.FLOAT64));
      double err = OnnxFixtures.relativeError(g32.asFloating(ElementType.FLOAT64), g64);
      assertTrue(err < 1e-5, c + "→" + m + " stride " + stride + " " + layout + ": float32 vs float64 input gradient "
          + err);
    }
  }

  private static HostTensor inputGradient(ModelProto model, ImportOptions options, HostTensor x) {
    try (ImportedSession s = new ImportedSession(model, options, "pointwise")) {
      Map<String, HostTensor> feeds = Map.of("x", x);
      HostTensor y = s.infer(feeds).get("out");
      HostTensor v = GradientCheck.randomCotangent(y.shape(), 3);
      if (x.type() == ElementType.FLOAT32) {
        v = v.asFloating(ElementType.FLOAT32);
      }
      return s.runVectorJacobian(s.vectorJacobian("out", List.of("x")), new java.util.HashMap<>(feeds), v).get("x");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
