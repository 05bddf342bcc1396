package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
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
 * The float32 input gradient of k×k convolutions (k > 1) equals the float64 one at the input
 * channel counts that TF 2.18's oneDNN Conv2DBackpropInput gets wrong on AVX-512 CPUs: more than
 * 32 with 1–16 left over after the last block of 32 (it returned gradients 50–100 % off, which
 * broke SqueezeNet's and Inception v3's input gradients; see ConvOps.withSafeChannels). Float64
 * gradient checks cannot see this (oneDNN is float32 only), hence float32 against float64. On a
 * CPU without the fault the test passes with or without the workaround. The same kernel is
 * ConvTranspose's forward, which it got 60 % wrong at those output channel counts.
 */
class ChannelTailConvGradientTest {
  private static ModelProto conv(long c, long m, long kh, long kw, long stride, long pad, long side, long group) {
    Random r = new Random(c * 31 + kh * 7 + stride);
    float[] w = new float[(int) (m * (c / group) * kh * kw)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * 0.1f;
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder("tail", 17);
    b.input("x", ElementType.FLOAT32, 2, c, side, side);
    b.initializer("w", HostTensor.of(w, m, c / group, kh, kw));
    long ph = kh > 1 ? pad : 0;
    long pw = kw > 1 ? pad : 0;
    b.node("Conv", List.of("x", "w"), List.of("out"), OnnxGraphBuilder.attr("strides", new long[] {stride, stride}),
        OnnxGraphBuilder.attr("pads", new long[] {ph, pw, ph, pw}), OnnxGraphBuilder.attr("group", group));
    b.output("out", ElementType.FLOAT32);
    return b.build("ChannelTailConvGradientTest");
  }

  @ParameterizedTest(name = "{0}→{1} {2}×{3} stride {4} pad {5} side {6} groups {7}")
  @CsvSource({
      "48, 192, 3, 3, 1, 1, 3, 1", // SqueezeNet's fire9 expand3x3
      "40, 32, 3, 3, 1, 1, 7, 1",
      "80, 64, 5, 5, 1, 2, 9, 1",
      "104, 64, 7, 7, 2, 3, 32, 1",
      "136, 48, 3, 3, 2, 0, 16, 1",
      "48, 64, 1, 7, 1, 3, 7, 1",
      "96, 64, 3, 3, 1, 1, 7, 2"}) // 48 channels per group
  void float32InputGradientEqualsFloat64(long c, long m, long kh, long kw, long stride, long pad, long side,
      long group) {
    ModelProto model = conv(c, m, kh, kw, stride, pad, side, group);
    HostTensor x = HostTensor.standardNormal(7, 2, c, side, side);
    for (ConvLayout layout : ConvLayout.runnable()) {
      HostTensor g32 = inputGradient(model, ImportOptions.frozen("m").withConvLayout(layout), x);
      HostTensor g64 = inputGradient(model, ImportOptions.frozen("m").withConvLayout(layout)
          .withFloatType(ElementType.FLOAT64), x.asFloating(ElementType.FLOAT64));
      double err = OnnxFixtures.relativeError(g32.asFloating(ElementType.FLOAT64), g64);
      assertTrue(err < 1e-5, c + "→" + m + " " + kh + "×" + kw + " " + layout
          + ": float32 vs float64 input gradient " + err);
    }
  }

  @ParameterizedTest(name = "{0}→{1} {2}×{2} stride {3} groups {4}")
  @CsvSource({"64, 48, 3, 1, 1", "64, 40, 3, 2, 1", "32, 80, 4, 2, 1", "96, 96, 3, 2, 2"})
  void convTransposeFloat32EqualsFloat64(long c, long m, long k, long stride, long group) {
    Random r = new Random(c * 17 + m);
    float[] w = new float[(int) (c * (m / group) * k * k)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * 0.1f;
    }
    OnnxGraphBuilder b = new OnnxGraphBuilder("tail", 17);
    b.input("x", ElementType.FLOAT32, 2, c, 7, 7);
    b.initializer("w", HostTensor.of(w, c, m / group, k, k));
    b.node("ConvTranspose", List.of("x", "w"), List.of("out"), OnnxGraphBuilder.attr("strides",
        new long[] {stride, stride}), OnnxGraphBuilder.attr("pads", new long[] {1, 1, 1, 1}),
        OnnxGraphBuilder.attr("group", group));
    b.output("out", ElementType.FLOAT32);
    ModelProto model = b.build("ChannelTailConvGradientTest");
    HostTensor x = HostTensor.standardNormal(5, 2, c, 7, 7);
    for (ConvLayout layout : ConvLayout.runnable()) {
      ImportOptions o32 = ImportOptions.frozen("m").withConvLayout(layout);
      HostTensor y32 = forward(model, o32, x);
      HostTensor y64 = forward(model, o32.withFloatType(ElementType.FLOAT64), x.asFloating(ElementType.FLOAT64));
      double fwd = OnnxFixtures.relativeError(y32.asFloating(ElementType.FLOAT64), y64);
      assertTrue(fwd < 1e-5, c + "→" + m + " " + layout + ": float32 vs float64 forward " + fwd);
      HostTensor g32 = inputGradient(model, o32, x);
      HostTensor g64 = inputGradient(model, o32.withFloatType(ElementType.FLOAT64), x.asFloating(ElementType.FLOAT64));
      double err = OnnxFixtures.relativeError(g32.asFloating(ElementType.FLOAT64), g64);
      assertTrue(err < 1e-5, c + "→" + m + " " + layout + ": float32 vs float64 input gradient " + err);
    }
  }

  private static HostTensor forward(ModelProto model, ImportOptions options, HostTensor x) {
    try (ImportedSession s = new ImportedSession(model, options, "tail")) {
      return s.infer(Map.of("x", x)).get("out");
    }
  }

  private static HostTensor inputGradient(ModelProto model, ImportOptions options, HostTensor x) {
    try (ImportedSession s = new ImportedSession(model, options, "tail")) {
      Map<String, HostTensor> feeds = new HashMap<>(Map.of("x", x));
      HostTensor y = s.infer(feeds).get("out");
      HostTensor v = GradientCheck.randomCotangent(y.shape(), 3);
      if (x.type() == ElementType.FLOAT32) {
        v = v.asFloating(ElementType.FLOAT32);
      }
      return s.runVectorJacobian(s.vectorJacobian("out", List.of("x")), feeds, v).get("x");
    }
  }
}
