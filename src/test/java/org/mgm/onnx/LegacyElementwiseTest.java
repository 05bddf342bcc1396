package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * Semantics ONNX Runtime cannot check because it does not run them: the legacy broadcasting of
 * Add-6 (and PRelu-6's per-channel slope), and Mod-28's fmod=0 on floats, checked against the
 * formulas of the ONNX spec computed here.
 */
class LegacyElementwiseTest {
  private static final ElementType F = ElementType.FLOAT32;

  private static ModelProto model(int opset, String op, long[] x, long[] y, AttributeProto... a) {
    OnnxGraphBuilder b = new OnnxGraphBuilder(op, opset);
    b.input("x", F, x);
    b.input("y", F, y);
    b.node(op, List.of("x", "y"), List.of("out"), a);
    b.output("out", F);
    return b.build("LegacyElementwiseTest");
  }

  private static double[] run(ModelProto m, HostTensor x, HostTensor y) {
    try (ImportedSession s = new ImportedSession(m, ImportOptions.frozen("m"), "legacy")) {
      return s.infer(Map.of("x", x, "y", y)).get("out").toDoubles();
    }
  }

  @Test
  void add6BroadcastsAlongTheGivenAxis() {
    HostTensor x = OpGradientTest.random(new long[] {2, 3, 4}, 1, false);
    HostTensor y = OpGradientTest.random(new long[] {3}, 2, false);
    double[] got = run(model(6, "Add", x.shape(), y.shape(), attr("broadcast", 1L), attr("axis", 1L)), x, y);
    double[] xs = x.toDoubles();
    double[] ys = y.toDoubles();
    for (int i = 0; i < xs.length; i++) {
      assertEquals(xs[i] + ys[(i / 4) % 3], got[i], 1e-6, "element " + i);
    }
  }

  @Test
  void add6WithoutBroadcastRefusesTwoShapes() {
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> run(model(6, "Add", new long[] {2, 3}, new long[] {3}), HostTensor.of(new float[6], 2, 3),
            HostTensor.of(new float[3], 3)));
    assertTrue(e.getMessage().contains("(Add)") && e.getMessage().contains("broadcast=1"), e.getMessage());
  }

  @Test
  void prelu6SlopeIsPerChannel() {
    HostTensor x = OpGradientTest.random(new long[] {2, 3, 4}, 1, false);
    HostTensor slope = OpGradientTest.random(new long[] {3}, 2, true);
    double[] got = run(model(6, "PRelu", x.shape(), slope.shape()), x, slope);
    double[] xs = x.toDoubles();
    double[] s = slope.toDoubles();
    for (int i = 0; i < xs.length; i++) {
      assertEquals(xs[i] >= 0 ? xs[i] : s[(i / 4) % 3] * xs[i], got[i], 1e-6, "element " + i);
    }
  }

  @Test
  void floatMod28WithFmod0TakesTheDivisorsSign() {
    HostTensor x = HostTensor.of(new float[] {-4.5f, 4.5f, -4.5f, 4.5f, 0.75f, -0.75f}, 6);
    HostTensor y = HostTensor.of(new float[] {2f, 2f, -2f, -2f, 0.5f, 0.5f}, 6);
    double[] got = run(model(28, "Mod", x.shape(), y.shape()), x, y);
    double[] xs = x.toDoubles();
    double[] ys = y.toDoubles();
    for (int i = 0; i < xs.length; i++) {
      assertEquals(xs[i] - Math.floor(xs[i] / ys[i]) * ys[i], got[i], 1e-6, "element " + i);
    }
    // Before Mod-28 ONNX requires fmod=1 on floats.
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> run(model(13, "Mod", x.shape(), y.shape()), x, y));
    assertTrue(e.getMessage().contains("fmod"), e.getMessage());
  }

  @Test
  void floatMod28GradientEqualsFiniteDifferences() {
    ModelProto m = model(28, "Mod", new long[] {2, 3}, new long[] {3});
    ImportOptions o = ImportOptions.frozen("m").withFloatType(ElementType.FLOAT64);
    try (ImportedSession s = new ImportedSession(m, o, "mod")) {
      Map<String, HostTensor> in = Map.of("x", OpGradientTest.random(new long[] {2, 3}, 1, false),
          "y", OpGradientTest.random(new long[] {3}, 2, true));
      for (GradientCheck.Result r : GradientCheck.run(s, "out", in, List.of("x", "y"),
          GradientCheck.randomCotangent(new long[] {2, 3}, 3), 6, 1e-6, 7)) {
        assertTrue(r.relativeError() < 1e-6, "d/d" + r.name() + ": relative error " + r.relativeError());
      }
    }
  }
}
