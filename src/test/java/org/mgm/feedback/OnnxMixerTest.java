package org.mgm.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.AdamSettings;
import org.mgm.model.MlpSpec;
import org.mgm.onnx.export.TfModelToOnnx;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.tf.TfModel;
import org.mgm.tf.MlpSavedModelExporter;

/**
 * The shipped mixer exported to ONNX and re-imported frozen trains the agent exactly as the
 * SavedModel mixer does: same seed, same generated points after training.
 */
class OnnxMixerTest {
  private static final Path SHIPPED = Path.of("models/synthetic/mixer-beta-0.50");
  private static final MlpSpec G = MlpSpec.of(2, 64, 2, 2, 0.2f);
  private static final MlpSpec C = MlpSpec.of(2, 64, 2, 1, 0.2f);

  private static float[][] points(int n, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][2];
    for (float[] p : x) {
      p[0] = (float) r.nextGaussian();
      p[1] = (float) r.nextGaussian();
    }
    return x;
  }

  private static float[][] trainAndSample(FrozenMixer mixer) {
    AgentSettings s = AgentSettings.builder().networks(G, C, C).batch(32).criticSteps(2).adam(AdamSettings.of(1e-3f, 0.5f, 0.9f))
        .gradientPenalties(0.1f, 1f).feedback(FeedbackUpdate.combined(0.5)).seed(5).build();
    try (mixer; AgentTraining t = new AgentTraining(s, points(64, 1), Arrays.asList(null, points(512, 2)),
        points(512, 3), 0, mixer)) {
      for (int i = 0; i < 25; i++) {
        t.iterate();
      }
      return t.generate(points(200, 4));
    }
  }

  @Test
  void onnxMixerTrainsTheAgentLikeTheSavedModelMixer(@TempDir Path tmp) throws Exception {
    Path onnx = tmp.resolve("mixer.onnx");
    try (TfModel saved = TfModel.open(SHIPPED, MlpSavedModelExporter.SIGNATURE)) {
      OnnxModelFile.write(onnx, TfModelToOnnx.convert(saved));
    }
    float[][] viaSavedModel = trainAndSample(TfMixer.load(SHIPPED, MixerSignature.DEFAULT, 4, 2));
    float[][] viaOnnx = trainAndSample(OnnxMixer.load(onnx, 4, 2));
    double maxDiff = 0;
    double scale = 0;
    for (int i = 0; i < viaOnnx.length; i++) {
      for (int j = 0; j < 2; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(viaOnnx[i][j] - viaSavedModel[i][j]));
        scale = Math.max(scale, Math.abs(viaSavedModel[i][j]));
      }
    }
    assertTrue(scale > 0.1, "generator output is degenerate");
    assertTrue(maxDiff <= 1e-4 * scale, "ONNX vs SavedModel mixer: max difference " + maxDiff);
  }

  @Test
  void aMixerOfTheWrongWidthIsRejectedNamingTheFile(@TempDir Path tmp) throws Exception {
    Path onnx = tmp.resolve("mixer.onnx");
    try (TfModel saved = TfModel.open(SHIPPED, MlpSavedModelExporter.SIGNATURE)) {
      OnnxModelFile.write(onnx, TfModelToOnnx.convert(saved));
    }
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxMixer.load(onnx, 6, 2));
    assertTrue(e.getMessage().contains("mixer.onnx") && e.getMessage().contains("width 4"), e.getMessage());
    assertEquals(4, OnnxMixer.load(onnx, 4, 2).conditionWidth());
  }
}
