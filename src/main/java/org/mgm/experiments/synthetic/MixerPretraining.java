package org.mgm.experiments.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.eval.ExactW1;
import java.util.List;
import org.mgm.train.TrainingLoop;
import org.mgm.tf.MlpSavedModelExporter;
import org.mgm.feedback.MixerSignature;

/**
 * Trains the conditional mixer G_mix(z', x1 ⊕ x2) → y on the full, paired data for one β and
 * saves it as a SavedModel. The final generator is kept; no checkpoint is selected on test data.
 */
public final class MixerPretraining {
  private static final Logger LOG = LogManager.getLogger(MixerPretraining.class);

  /** @param testW1 exact W1 between G_mix(z', x_test) and y_test, z-scored units */
  public record Result(Path savedModel, double beta, int iterations, double testW1, double millisPerIteration) {}

  private MixerPretraining() {}

  /**
   * @param out where the SavedModel goes
   * @param runDir the run directory: metrics.csv and checkpoints
   */
  public static Result run(SyntheticSetup setup, double beta, Path out, Path runDir) throws IOException {
    SyntheticSetup.checkBeta(beta);
    SyntheticData data = SyntheticData.generate(setup.recipe(), beta);
    int iterations = setup.mixerIterations();
    LOG.info("pretraining mixer for beta={} ({} generator iterations, batch {})", beta, iterations, setup.mixer().batch());
    try (ConditionalWganTraining t = new ConditionalWganTraining(setup.mixer(),
        data.train(SyntheticData.X1, 2 * SyntheticSetup.DIM), data.train(SyntheticData.Y))) {
      double ms = new TrainingLoop(TrainingLoop.Settings.builder(iterations)
          .logEvery(Math.max(1, setup.eval().logEvery())).checkpointEvery(setup.checkpointEvery()).build(),
          runDir, "mixer beta=" + SyntheticSetup.betaLabel(beta), List.of(ConditionalWganTraining.W_ESTIMATE))
          .withProgressText(row -> String.format("W~%.4f", row[1]))
          .run(t.training()).millisPerIteration();
      float[][] xTest = data.test(SyntheticData.X1, 2 * SyntheticSetup.DIM);
      float[][] y = t.generate(xTest, W1Evaluation.normal(xTest.length, setup.latent(), setup.eval().seed()));
      double w1 = ExactW1.distance(W1Evaluation.toDouble(y), W1Evaluation.toDouble(data.test(SyntheticData.Y)));
      LOG.info("mixer beta={}: test W1(G_mix(z', x_test), y_test) = {} ({} ms/iteration)",
          beta, String.format("%.4f", w1), String.format("%.1f", ms));
      LinkedHashMap<String, Integer> inputs = new LinkedHashMap<>();
      inputs.put(MixerSignature.DEFAULT.condition(), 2 * SyntheticSetup.DIM);
      inputs.put(MixerSignature.DEFAULT.noise(), setup.latent());
      String info = String.format(java.util.Locale.ROOT,
          "{\"beta\": %s, \"iterations\": %d, \"test_w1\": %.6f, \"seed\": %d}%n",
          beta, iterations, w1, setup.mixer().seed());
      MlpSavedModelExporter.export(out, t.generatorWeights(), inputs, MixerSignature.DEFAULT.output(), Map.of("mgm-mixer.json", info));
      LOG.info("saved mixer to {}", out);
      return new Result(out, beta, iterations, w1, ms);
    }
  }
}
