package org.mgm.experiments.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.adapt.AdaptationMethod;
import org.mgm.feedback.FeedbackUpdate;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * The few-shot phases on the PyTorch-made tiny StyleGAN2 and CycleGAN fixtures (16×16): every
 * phase runs, the right tensors move, and the adapted agent exports to ONNX Runtime.
 */
class AdaptationTrainingTest {
  private static HostTensor images(int n, int size, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * 3 * size * size];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.tanh(r.nextGaussian());
    }
    return HostTensor.of(v, n, 3, size, size);
  }

  private static FewShotModels models() throws Exception {
    return new FewShotModels(OnnxModelFile.read(OnnxFixtures.model("stylegan2-generator", 17)),
        OnnxModelFile.read(OnnxFixtures.model("stylegan2-discriminator", 17)),
        OnnxModelFile.read(OnnxFixtures.model("cyclegan-resnet", 17)), OnnxFixtures.smallPatchCritic(16));
  }

  private static AdaptationSettings settings(FeedbackUpdate feedback) {
    return AdaptationSettings.builder().batch(4).r1(10f, 2).emaBeta(0.9f).feedback(feedback).frozenBlocks(1).seed(7)
        .build();
  }

  @Test
  void fsganWithAlternatingFeedbackRunsEveryPhaseAndExports(@TempDir Path tmp) throws Exception {
    HostTensor z = HostTensor.of(new float[2 * 16], 2, 16);
    try (AdaptationTraining t = new AdaptationTraining(settings(FeedbackUpdate.alternate(1, 1)), AdaptationMethod.FSGAN, models(),
        images(5, 16, 1), images(8, 16, 2))) {
      HostTensor before = t.sample(z);
      Map<String, Double> first = t.metrics();
      assertEquals(List.of(AdaptationTraining.LOSS_AGENT, AdaptationTraining.LOSS_CRITIC,
          AdaptationTraining.LOSS_FEEDBACK, AdaptationTraining.LOSS_MIXER_CRITIC), List.copyOf(first.keySet()));
      assertEquals(List.of("agent-La", "agent-Lf", "mixer-D", "agent-D", "ema"), t.training().schedule().names());
      for (int i = 0; i < 4; i++) {
        t.iterate();
      }
      Map<String, Double> later = t.metrics();
      for (double v : later.values()) {
        assertTrue(Double.isFinite(v), later.toString());
      }
      HostTensor after = t.sample(z);
      assertArrayEquals(new long[] {2, 3, 16, 16}, after.shape());
      assertTrue(OnnxFixtures.relativeError(after, before) > 1e-6, "the singular-value scales must have moved G");
      Path file = tmp.resolve("agent.onnx");
      OnnxModelFile.write(file, t.exportGenerator());
      try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
        HostTensor viaOrt = ort.run(Map.of("input", z)).get("output");
        assertTrue(OnnxFixtures.relativeError(viaOrt, after) < 1e-4, "exported EMA agent = sampled EMA agent");
      }
    }
  }

  @Test
  void freezeDBaselineAndCombinedModeRun() throws Exception {
    for (AdaptationSettings s : List.of(settings(null), settings(FeedbackUpdate.combined(0.5)))) {
      try (AdaptationTraining t = new AdaptationTraining(s, AdaptationMethod.FREEZED, models(), images(5, 16, 1),
          images(8, 16, 2))) {
        t.iterate();
        t.iterate();
        assertEquals(s.hasFeedback() ? 4 : 2, t.metrics().size());
        assertEquals(s.hasFeedback() ? List.of("agent-G", "mixer-D", "agent-D", "ema") : List.of("agent-G", "agent-D",
            "ema"), t.training().schedule().names());
      }
    }
  }

  @Test
  void theReferenceScheduleAccumulatesRoundsAndRegularisesApart() throws Exception {
    AdaptationSettings s = settings(FeedbackUpdate.alternate(1, 1)).toBuilder().batch(4).rounds(2).lazyScaling(true)
        .build();
    assertEquals(8, s.minibatch());
    assertEquals(2 / 3f, s.lazyRatio(), 1e-7f);
    try (AdaptationTraining t = new AdaptationTraining(s, AdaptationMethod.FSGAN, models(), images(5, 16, 1),
        images(8, 16, 2))) {
      assertEquals(List.of("agent-La", "agent-Lf", "mixer-D", "agent-D", "agent-D-R1", "ema"),
          t.training().schedule().names());
      List<String> lines = t.training().schedule().describe();
      assertTrue(lines.get(0).contains("accumulated over 2 rounds"), lines.toString());
      assertTrue(lines.get(1).endsWith("x2") && lines.get(2).endsWith("x2"), "Lf and D_B once per round: " + lines);
      assertTrue(lines.get(4).contains("accumulated over 2 rounds, every 2 iterations"), lines.toString());
      HostTensor z = HostTensor.of(new float[2 * 16], 2, 16);
      HostTensor before = t.sample(z);
      for (int i = 0; i < 4; i++) {
        t.iterate();
      }
      for (double v : t.metrics().values()) {
        assertTrue(Double.isFinite(v), t.metrics().toString());
      }
      assertTrue(OnnxFixtures.relativeError(t.sample(z), before) > 1e-6, "the accumulated updates moved G");
    }
    // Half-life in images: 10 kimg at a minibatch of 16 is stylegan2's 0.5^(16/10000).
    assertEquals(Math.pow(0.5, 16 / 10_000.0), AdaptationSettings.emaBetaForHalfLife(10_000, 16), 1e-7);
  }

  /** The tiny StyleGAN2 G, with w as a second output, as export-tools writes it. */
  private static ModelProto generatorWithW(Path dir) throws Exception {
    Path file = dir.resolve("g-w.onnx");
    Process p = new ProcessBuilder(org.mgm.model.TorchReference.PYTHON, "export-tools/convert_stylegan2.py", "--random",
        "--tiny", "--size", "16", "--style-dim", "16", "--n-mlp", "2", "--w-output", "--out-generator", file.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), log);
    return OnnxModelFile.read(file);
  }

  @Test
  void pathLengthRegularisationMovesGAndItsRunningMean(@TempDir Path tmp) throws Exception {
    FewShotModels m = models();
    FewShotModels withW = new FewShotModels(generatorWithW(tmp), m.agentD(), m.mixer());
    AdaptationSettings s = settings(null).toBuilder().pathLength(2f, 0.01f, 2).lazyScaling(true).build();
    assertEquals(2 / 3f, s.pathLengthRatio(), 1e-7f);
    try (AdaptationTraining t = new AdaptationTraining(s, AdaptationMethod.FREEZED, withW, images(5, 16, 1),
        images(8, 16, 2))) {
      assertEquals(List.of("agent-G", "agent-G-PL", "agent-D", "agent-D-R1", "ema"), t.training().schedule().names());
      var mean = t.training().graph().operation("path_length/mean_read");
      float before = readScalar(t, mean);
      t.iterate(); // iteration 1: no path-length step (every 2)
      assertEquals(before, readScalar(t, mean));
      HostTensor z = HostTensor.of(new float[2 * 16], 2, 16);
      HostTensor g1 = t.sample(z);
      t.iterate(); // iteration 2: the path-length step, second order through G
      float after = readScalar(t, mean);
      assertTrue(after > 0 && Float.isFinite(after), "the running mean of path lengths moved: " + after);
      assertTrue(OnnxFixtures.relativeError(t.sample(z), g1) > 1e-7, "G moved");
    }
    // The first demo's kind of G (image only) cannot be path-length regularised: one named error.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdaptationTraining(s,
        AdaptationMethod.FREEZED, m, images(5, 16, 1), images(8, 16, 2)));
    assertTrue(e.getMessage().contains("needs an output 'w'") && e.getMessage().contains("--w-output"), e.getMessage());
  }

  private static float readScalar(AdaptationTraining t, org.tensorflow.GraphOperation op) {
    try (var r = t.training().session().runner().fetch(op.output(0)).run()) {
      return ((org.tensorflow.types.TFloat32) r.get(0)).getFloat();
    }
  }

  @Test
  void mixerOfAnotherResolutionNeedsTheResizeOption() throws Exception {
    FewShotModels m = models();
    FewShotModels bigMixer = new FewShotModels(m.agentG(), m.agentD(),
        OnnxModelFile.read(OnnxFixtures.model("cyclegan-patchgan", 17)), OnnxFixtures.smallPatchCritic(2));
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new AdaptationTraining(
        settings(FeedbackUpdate.alternate(1, 1)), AdaptationMethod.FSGAN, bigMixer, images(5, 16, 1), images(8, 16, 2)));
    assertTrue(e.getMessage().contains("32, 32") && e.getMessage().contains("16, 16")
        && e.getMessage().contains("resize"), e.getMessage());
  }
}
