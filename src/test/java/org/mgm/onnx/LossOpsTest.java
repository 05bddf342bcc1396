package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * What ONNX's backend suite leaves out of NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss
 * (its cases all have int64 labels, static class counts and finite log-probabilities): int32
 * labels with a class count known only at run time, a log-probability of −inf at a class no label
 * picks, and labels outside [0, C) that are not ignore_index.
 */
class LossOpsTest {
  private static final ElementType F = ElementType.FLOAT32;
  private static final long[] X_SHAPE = {3, 4, 2};
  private static final long IGNORED = 1;

  /** x (3, C, 2) with C symbolic, int32 labels t (3, 2) and weight w (C) as graph inputs. */
  private static ModelProto model(String op, String reduction) {
    OnnxGraphBuilder b = new OnnxGraphBuilder("loss", 22);
    b.input("x", F, new long[] {3, -1, 2}, new String[] {null, "C", null});
    b.input("t", ElementType.INT32, 3, 2);
    b.input("w", F, new long[] {-1}, new String[] {"C"});
    b.node(op, List.of("x", "t", "w"), List.of("out"), attr("reduction", reduction),
        attr("ignore_index", IGNORED));
    b.output("out", F);
    return b.build("LossOpsTest");
  }

  /** Every label but one in range, one of them ignored. */
  private static Map<String, HostTensor> inputs(int[] labels) {
    Map<String, HostTensor> in = new LinkedHashMap<>();
    in.put("x", OpGradientTest.random(X_SHAPE, 21, false));
    in.put("t", HostTensor.of(labels, 3, 2));
    in.put("w", OpGradientTest.random(new long[] {4}, 22, true));
    return in;
  }

  private static final int[] LABELS = {0, 3, (int) IGNORED, 2, 3, 0};

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"NegativeLogLikelihoodLoss none", "NegativeLogLikelihoodLoss mean",
      "SoftmaxCrossEntropyLoss sum", "SoftmaxCrossEntropyLoss mean"})
  void int32LabelsAndRunTimeClassCountMatchOnnxRuntime(String opAndReduction, @TempDir Path dir) throws Exception {
    String[] p = opAndReduction.split(" ");
    Map<String, HostTensor> in = inputs(LABELS);
    if (p[0].equals("NegativeLogLikelihoodLoss")) {
      // log(0) at a class that no label picks: a 0/1 mask times x would make the loss NaN.
      double[] x = in.get("x").toDoubles();
      x[1 * 2 + 1] = Double.NEGATIVE_INFINITY;  // x[0, 1, 1]; t[0, 1] = 3
      in.put("x", HostTensor.of(x, X_SHAPE).convertTo(F));
    }
    Path file = dir.resolve("loss.onnx");
    OnnxModelFile.write(file, model(p[0], p[1]));
    HostTensor expected;
    try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
      expected = ort.run(in).get("out");
    }
    try (ImportedSession s = new ImportedSession(OnnxModelFile.read(file), ImportOptions.frozen("m"), p[0])) {
      HostTensor y = s.infer(in).get("out");
      assertArrayEquals(expected.shape(), y.shape(), "shape");
      double[] e = expected.toDoubles();
      double[] a = y.toDoubles();
      for (int i = 0; i < e.length; i++) {
        assertTrue(Double.isFinite(a[i]) && Math.abs(a[i] - e[i]) <= 1e-5 * Math.max(1, Math.abs(e[i])),
            opAndReduction + " element " + i + ": " + a[i] + ", ONNX Runtime " + e[i]);
      }
    }
  }

  /** The weighted mean with ignore_index, whose denominator depends on w, with C known at run time only. */
  @Test
  void gradientOfTheWeightedMeanWithIgnoreIndexEqualsFiniteDifferences() {
    ImportOptions o = ImportOptions.frozen("m").withFloatType(ElementType.FLOAT64);
    try (ImportedSession s = new ImportedSession(model("SoftmaxCrossEntropyLoss", "mean"), o, "sce")) {
      Map<String, HostTensor> in = inputs(LABELS);
      HostTensor v = GradientCheck.randomCotangent(new long[] {}, 3);
      for (GradientCheck.Result r : GradientCheck.run(s, "out", in, List.of("x", "w"), v, 24, 1e-6, 7)) {
        assertTrue(r.relativeError() < 1e-6, "d/d" + r.name() + ": relative error " + r.relativeError());
      }
    }
  }

  /**
   * ONNX leaves a label outside [0, C) undefined; here it counts as ignored (loss 0, out of the
   * mean), wherever it lies, rather than stopping the run.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"none", "mean"})
  void labelsOutsideTheClassesCountAsIgnored(String reduction) {
    int[] outside = LABELS.clone();
    outside[1] = 4;
    outside[4] = -3;
    int[] ignored = LABELS.clone();
    ignored[1] = (int) IGNORED;
    ignored[4] = (int) IGNORED;
    try (ImportedSession s = new ImportedSession(model("NegativeLogLikelihoodLoss", reduction),
        ImportOptions.frozen("m"), "nll")) {
      double[] a = s.infer(inputs(outside)).get("out").toDoubles();
      double[] b = s.infer(inputs(ignored)).get("out").toDoubles();
      double[] inRange = s.infer(inputs(LABELS)).get("out").toDoubles();
      assertArrayEquals(b, a, reduction);
      assertTrue(!java.util.Arrays.equals(a, inRange), "the labels changed the loss");
    }
  }
}
