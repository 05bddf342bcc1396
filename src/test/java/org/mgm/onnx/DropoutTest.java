package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * Training-mode Dropout is a real dropout: each element is dropped (0) or scaled by 1/(1 − ratio),
 * the mask says which, about ratio of them are dropped, each run draws anew, a seed makes the
 * sequence of draws repeatable, and the gradient is the mask scaled. Its random values cannot be
 * compared with ONNX Runtime's (another generator); inference mode is (the backend suite).
 */
class DropoutTest {
  private static final long N = 20_000;
  private static final float RATIO = 0.3f;

  /** Dropout-13 of x [N] with ratio 0.3; training_mode a graph input when {@code fedMode}, else true. */
  private static ModelProto model(boolean fedMode, ElementType type) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("dropout", 13);
    b.input("x", type, N);
    b.initializer("ratio", HostTensor.of(new float[] {RATIO}));
    if (fedMode) {
      b.input("training", ElementType.BOOL);
    } else {
      b.initializer("training", HostTensor.of(new boolean[] {true}));
    }
    b.node("Dropout", List.of("x", "ratio", "training"), List.of("y", "mask"), attr("seed", 7L));
    b.output("y", type, N);
    b.output("mask", ElementType.BOOL, N);
    return b.build("DropoutTest");
  }

  private static HostTensor x() {
    return HostTensor.standardNormal(3, N);
  }

  /** Checks one draw against x and returns its mask. */
  private static boolean[] checkDraw(HostTensor x, Map<String, HostTensor> out) {
    double[] xs = x.toDoubles();
    double[] y = out.get("y").toDoubles();
    boolean[] mask = (boolean[]) out.get("mask").data();
    int dropped = 0;
    for (int i = 0; i < xs.length; i++) {
      double expected = mask[i] ? xs[i] / (1 - RATIO) : 0;
      assertEquals(expected, y[i], 1e-5 * (1 + Math.abs(expected)), "element " + i);
      dropped += mask[i] ? 0 : 1;
    }
    // Binomial(20000, 0.3): standard deviation 65, so ±600 fails only for a wrong ratio.
    assertEquals(RATIO * N, dropped, 600, "dropped elements");
    return mask;
  }

  @Test
  void trainingModeDropsScalesAndDrawsAnewEachRunRepeatablyWithItsSeed() {
    HostTensor x = x();
    boolean[] first;
    boolean[] second;
    try (ImportedSession s = new ImportedSession(model(false, ElementType.FLOAT32), ImportOptions.frozen("m"), "d")) {
      first = checkDraw(x, s.infer(Map.of("x", x)));
      second = checkDraw(x, s.infer(Map.of("x", x)));
    }
    assertFalse(java.util.Arrays.equals(first, second), "two runs drew the same mask");
    try (ImportedSession s = new ImportedSession(model(false, ElementType.FLOAT32), ImportOptions.frozen("m"), "d")) {
      assertArrayEquals(first, checkDraw(x, s.infer(Map.of("x", x))), "the seed does not repeat the first draw");
    }
  }

  @Test
  void trainingModeFedAtRunTime() {
    HostTensor x = x();
    try (ImportedSession s = new ImportedSession(model(true, ElementType.FLOAT32), ImportOptions.frozen("m"), "d")) {
      Map<String, HostTensor> off = s.infer(Map.of("x", x, "training", HostTensor.of(new boolean[] {false})));
      assertArrayEquals(x.toDoubles(), off.get("y").toDoubles(), 0);
      for (boolean m : (boolean[]) off.get("mask").data()) {
        assertTrue(m);
      }
      checkDraw(x, s.infer(Map.of("x", x, "training", HostTensor.of(new boolean[] {true}))));
    }
  }

  /** With cotangent 1, the gradient is mask/(1 − ratio), and sum(y) = x · gradient in the same run. */
  @Test
  void gradientIsTheScaledMaskOfTheSameRun() {
    HostTensor x = x().asFloating(ElementType.FLOAT64);
    try (ImportedSession s = new ImportedSession(model(false, ElementType.FLOAT64),
        ImportOptions.frozen("m").withFloatType(ElementType.FLOAT64), "d")) {
      ImportedSession.VectorJacobian vj = s.vectorJacobian("y", List.of("x"));
      double[] ones = new double[(int) N];
      java.util.Arrays.fill(ones, 1);
      Map<String, HostTensor> r = s.runVectorJacobian(vj, Map.of("x", x), HostTensor.of(ones, N));
      double[] g = r.get("x").toDoubles();
      double[] xs = x.toDoubles();
      double dot = 0;
      int dropped = 0;
      for (int i = 0; i < g.length; i++) {
        assertTrue(g[i] == 0 || Math.abs(g[i] - 1 / (1 - (double) RATIO)) < 1e-6, "gradient " + g[i]);
        dropped += g[i] == 0 ? 1 : 0;
        dot += xs[i] * g[i];
      }
      assertEquals(RATIO * N, dropped, 600, "dropped elements");
      assertEquals(r.get("loss").toDoubles()[0], dot, 1e-6 * N);
    }
  }
}
