package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * RandomUniform, RandomNormal(Like) and Bernoulli draw from the asked distribution, anew on each
 * run, and repeat their sequence of draws in a new session when seeded. Their values cannot be
 * compared with ONNX Runtime's (another generator): the checks are statistical, at bounds many
 * standard errors wide.
 */
class RandomOpsTest {
  private static final long N = 40_000;

  private static ModelProto model(String op, boolean withInput, AttributeProto... attrs) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("random", 15);
    if (withInput) {
      b.input("x", ElementType.FLOAT32, 200, 200);
    }
    b.node(op, withInput ? List.of("x") : List.of(), List.of("out"), attrs);
    b.output("out", ElementType.FLOAT32, 200, 200);
    return b.build("RandomOpsTest");
  }

  /** Two runs of one session and a first run of a second one. */
  private static double[][] draws(ModelProto m, Map<String, HostTensor> feeds) {
    double[][] d = new double[3][];
    try (ImportedSession s = new ImportedSession(m, ImportOptions.frozen("m"), "random")) {
      HostTensor first = s.infer(feeds).get("out");
      assertArrayEquals(new long[] {200, 200}, first.shape());
      d[0] = first.toDoubles();
      d[1] = s.infer(feeds).get("out").toDoubles();
    }
    try (ImportedSession s = new ImportedSession(m, ImportOptions.frozen("m"), "random")) {
      d[2] = s.infer(feeds).get("out").toDoubles();
    }
    assertFalse(Arrays.equals(d[0], d[1]), "two runs drew the same values");
    assertArrayEquals(d[0], d[2], "the seed does not repeat the first draw");
    return d;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElseThrow();
  }

  private static double std(double[] v) {
    double m = mean(v);
    return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
  }

  @Test
  void randomUniformBetweenLowAndHigh() {
    double[] u = draws(model("RandomUniform", false, attr("shape", new long[] {200, 200}), attr("low", -2f),
        attr("high", 3f), attr("seed", 5f)), Map.of())[0];
    assertTrue(Arrays.stream(u).allMatch(x -> x >= -2 && x < 3));
    // U(−2, 3): mean 0.5, standard deviation 5/√12 ≈ 1.443, standard error of the mean 0.007
    assertEquals(0.5, mean(u), 0.05);
    assertEquals(5 / Math.sqrt(12), std(u), 0.05);
  }

  @Test
  void randomNormalLikeHasTheInputsShapeMeanAndScale() {
    HostTensor x = HostTensor.standardNormal(1, 200, 200);
    double[] z = draws(model("RandomNormalLike", true, attr("mean", 1f), attr("scale", 2f), attr("seed", 3f)),
        Map.of("x", x))[0];
    assertEquals(1, mean(z), 0.06);
    assertEquals(2, std(z), 0.06);
  }

  @Test
  void bernoulliHitsWithTheInputsProbabilities() {
    float[] p = new float[(int) N];
    for (int i = 0; i < p.length; i++) {
      p[i] = i % 2 == 0 ? 0.2f : 0.9f;
    }
    double[] b = draws(model("Bernoulli", true, attr("seed", 9f)), Map.of("x", HostTensor.of(p, 200, 200)))[0];
    double even = 0;
    double odd = 0;
    for (int i = 0; i < b.length; i++) {
      assertTrue(b[i] == 0 || b[i] == 1, "value " + b[i]);
      even += i % 2 == 0 ? b[i] : 0;
      odd += i % 2 == 1 ? b[i] : 0;
    }
    // Binomial(20000, 0.2) and (20000, 0.9): standard deviations 57 and 42
    assertEquals(0.2 * N / 2, even, 400);
    assertEquals(0.9 * N / 2, odd, 400);
  }
}
