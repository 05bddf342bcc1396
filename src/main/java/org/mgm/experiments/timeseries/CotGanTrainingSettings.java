package org.mgm.experiments.timeseries;

import org.mgm.gan.CotGanSettings;
import org.mgm.model.AdamSettings;

/**
 * One COT-GAN training of the time-series experiment: an agent (baseline or MGM) or the mixer's
 * pretraining. Defaults are the reference code's where it has one (batch 32 + 32, Adam 1e-3 with
 * β = (0.9, 0.999), ε = 100, L = 100, λ_M = 10, evaluation every 100 iterations).
 *
 * @param iterations generator iterations (one critic step, then one generator step, each)
 * @param batch B: each real batch holds 2B windows, split into x and x′
 * @param generator Adam of the generator being trained (agent or mixer)
 * @param critic Adam of its h, M critic
 * @param mixerCritic Adam of MGM's fresh mixer critic ({@code lr_sys})
 * @param feedbackWeight α of MGM's generator loss (1 − α)·Ŵ_agent + α·Ŵ_mixer: α weighs the
 *     feedback, as in the reference's {@code cot_hier.py} (the paper's Algorithm 1 puts it on the
 *     agent's own loss)
 * @param evaluateEvery iterations between ACE readings in metrics.csv
 * @param checkpointEvery iterations between checkpoints (default 500: some 20 s of training here)
 */
public record CotGanTrainingSettings(int iterations, int batch, AdamSettings generator, AdamSettings critic,
    AdamSettings mixerCritic, double feedbackWeight, CotGanSettings cot, TimeSeriesWidths widths,
    int evaluateEvery, int checkpointEvery, long seed) {

  public CotGanTrainingSettings {
    if (iterations < 1 || batch < 2 || evaluateEvery < 1 || checkpointEvery < 1) {
      throw new IllegalArgumentException("iterations, evaluate-every and checkpoint-every must be at least 1 and batch"
          + " at least 2, got " + iterations + ", " + evaluateEvery + ", " + checkpointEvery + " and " + batch);
    }
    if (!(feedbackWeight >= 0 && feedbackWeight <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1], got " + feedbackWeight);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().iterations(iterations).batch(batch).generator(generator).critic(critic)
        .mixerCritic(mixerCritic).feedbackWeight(feedbackWeight).cot(cot).widths(widths)
        .evaluateEvery(evaluateEvery).checkpointEvery(checkpointEvery).seed(seed);
  }

  public static final class Builder {
    private static final AdamSettings REFERENCE_ADAM = AdamSettings.of(1e-3f, 0.9f, 0.999f);
    private int iterations = 1000;
    private int batch = 32;
    private AdamSettings generator = REFERENCE_ADAM;
    private AdamSettings critic = REFERENCE_ADAM;
    private AdamSettings mixerCritic = REFERENCE_ADAM;
    private double feedbackWeight = 0.5;
    private CotGanSettings cot = CotGanSettings.DEFAULT;
    private TimeSeriesWidths widths = TimeSeriesWidths.defaults();
    private int evaluateEvery = 100;
    private int checkpointEvery = 500;
    private long seed = 1;

    public Builder iterations(int v) {
      iterations = v;
      return this;
    }

    public Builder batch(int v) {
      batch = v;
      return this;
    }

    public Builder generator(AdamSettings v) {
      generator = v;
      return this;
    }

    public Builder critic(AdamSettings v) {
      critic = v;
      return this;
    }

    public Builder mixerCritic(AdamSettings v) {
      mixerCritic = v;
      return this;
    }

    /** The same learning rate for every optimizer. */
    public Builder learningRate(float lr) {
      generator = generator.withLearningRate(lr);
      critic = critic.withLearningRate(lr);
      mixerCritic = mixerCritic.withLearningRate(lr);
      return this;
    }

    public Builder feedbackWeight(double v) {
      feedbackWeight = v;
      return this;
    }

    public Builder cot(CotGanSettings v) {
      cot = v;
      return this;
    }

    public Builder widths(TimeSeriesWidths v) {
      widths = v;
      return this;
    }

    public Builder evaluateEvery(int v) {
      evaluateEvery = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public CotGanTrainingSettings build() {
      return new CotGanTrainingSettings(iterations, batch, generator, critic, mixerCritic, feedbackWeight, cot,
          widths, evaluateEvery, checkpointEvery, seed);
    }
  }
}
