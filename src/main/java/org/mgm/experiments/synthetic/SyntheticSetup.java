package org.mgm.experiments.synthetic;

import java.nio.file.Path;
import java.util.List;
import org.mgm.config.Config;
import org.mgm.feedback.AgentSettings;
import org.mgm.feedback.FeedbackUpdate;
import org.mgm.feedback.MixerSignature;
import org.mgm.feedback.UpdateMode;
import org.mgm.model.AdamSettings;
import org.mgm.model.MlpSpec;

/**
 * The resolved synthetic protocol, read once from the config so a bad key fails before any work.
 *
 * @param agent the agent training's settings for a baseline run; {@link #agentSettings} sets the
 *     scenario's batch and the feedback of a run
 * @param combined the {@code combined} mode's update (α from {@code agent.alpha})
 * @param alternate the {@code alternate} mode's update ({@code agent.alternate.*})
 */
public record SyntheticSetup(
    Config config, DataRecipe recipe, List<Double> betas, long subsetSeed, int biasBatch, int latent,
    ConditionalWganTraining.Settings mixer, int mixerIterations, Path modelsDir, MixerSignature mixerSignature,
    AgentSettings agent, FeedbackUpdate combined, FeedbackUpdate alternate, int agentIterations, Evaluation eval,
    int checkpointEvery) {

  /** Agent 1 and agent 2 are 2-D, the mixer output y too. */
  public static final int DIM = 2;

  /**
   * @param runs W1 repeats, each with fresh latents
   * @param samples generated points per repeat
   * @param sinkhorn also report the reference code's entropic W1
   * @param logEvery iterations between monitored metrics
   */
  public record Evaluation(int runs, int samples, long seed, boolean sinkhorn, int logEvery) {}

  public static SyntheticSetup from(Config c) {
    List<Double> mean = c.getDoubleList("data.gaussian.mean");
    List<Double> std = c.getDoubleList("data.gaussian.std");
    DataRecipe recipe = new DataRecipe(c.getInt("data.rows"), c.getInt("data.test_rows"), c.getLong("data.seed"),
        c.getDouble("data.swiss_roll.t_min_pi"), c.getDouble("data.swiss_roll.t_max_pi"),
        c.getDouble("data.swiss_roll.noise"),
        mean.stream().mapToDouble(Double::doubleValue).toArray(),
        std.stream().mapToDouble(Double::doubleValue).toArray(),
        c.getDouble("data.gaussian.correlation"));
    int hidden = c.getInt("networks.hidden");
    int depth = c.getInt("networks.depth");
    float leaky = (float) c.getDouble("networks.leaky_slope");
    int latent = c.getInt("networks.latent");
    // Mixer: G(x1 ⊕ x2 ⊕ z') → y; conditional critic C(y ⊕ x1 ⊕ x2).
    var mixer = ConditionalWganTraining.Settings.builder()
        .networks(MlpSpec.of(2 * DIM + latent, hidden, depth, DIM, leaky), MlpSpec.of(3 * DIM, hidden, depth, 1, leaky))
        .noiseWidth(latent).batch(c.getInt("mixer.batch")).criticSteps(c.getInt("mixer.critic_steps"))
        .adam(adam(c, "mixer"))
        .gpLambda((float) c.getDouble("mixer.gp_lambda")).seed(c.getLong("mixer.seed")).build();
    List<Double> betas = c.getDoubleList("betas");
    for (double b : betas) {
      checkBeta(b);
    }
    AgentSettings agent = AgentSettings.builder()
        .networks(MlpSpec.of(latent, hidden, depth, DIM, leaky), MlpSpec.of(DIM, hidden, depth, 1, leaky),
            MlpSpec.of(DIM, hidden, depth, 1, leaky))
        .criticSteps(c.getInt("agent.critic_steps"))
        .adam(adam(c, "agent"))
        .gradientPenalties((float) c.getDouble("agent.gp_lambda_agent"), (float) c.getDouble("agent.gp_lambda_mixer"))
        .feedback(null).sharedNoise(c.getBoolean("agent.shared_noise")).seed(c.getLong("agent.seed")).build();
    FeedbackUpdate combined;
    FeedbackUpdate alternate;
    try {
      combined = FeedbackUpdate.combined(c.getDouble("agent.alpha"));
      alternate = FeedbackUpdate.alternate(c.getInt("agent.alternate.agent_steps"),
          c.getInt("agent.alternate.feedback_steps"));
    } catch (IllegalArgumentException e) {
      throw new org.mgm.config.ConfigException(c.source() + ": agent: " + e.getMessage());
    }
    MixerSignature signature = MixerSignature.builder().signature(c.getString("mixer.signature.key"))
        .noise(c.getString("mixer.signature.noise")).condition(c.getString("mixer.signature.condition"))
        .output(c.getString("mixer.signature.output")).build();
    Evaluation eval = new Evaluation(c.getInt("eval.runs"), c.getInt("eval.samples"), c.getLong("eval.seed"),
        c.getBoolean("eval.sinkhorn"), c.getInt("eval.log_every"));
    return new SyntheticSetup(c, recipe, betas, c.getLong("scenarios.subset_seed"), c.getInt("scenarios.bias_batch"),
        latent, mixer, c.getInt("mixer.iterations"), Path.of(c.getString("mixer.models_dir")), signature, agent,
        combined, alternate, c.getInt("agent.iterations"), eval, checkpointEvery(c));
  }

  /** Iterations between checkpoints of every training (agent runs and mixer pretraining). */
  static int checkpointEvery(Config c) {
    int every = c.getInt("checkpoint_every");
    if (every < 1) {
      throw new org.mgm.config.ConfigException(c.source() + ": key 'checkpoint_every': expected a positive number of"
          + " iterations, got " + every);
    }
    return every;
  }

  /** {@code <section>.learning_rate} and {@code <section>.adam_betas: [β1, β2]}. */
  private static AdamSettings adam(Config c, String section) {
    List<Double> betas = c.getDoubleList(section + ".adam_betas");
    if (betas.size() != 2) {
      throw new org.mgm.config.ConfigException(c.source() + ": key '" + section + ".adam_betas': expected [beta1, beta2], got "
          + betas);
    }
    try {
      return AdamSettings.of((float) c.getDouble(section + ".learning_rate"), betas.get(0).floatValue(),
          betas.get(1).floatValue());
    } catch (IllegalArgumentException e) {
      throw new org.mgm.config.ConfigException(c.source() + ": " + section + ": " + e.getMessage());
    }
  }

  public static void checkBeta(double beta) {
    if (!(beta >= 0 && beta <= 1)) {
      throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
    }
  }

  public Scenario scenario(String name) {
    return Scenario.named(name, biasBatch);
  }

  /** Where the pretrained mixer for β lives (a SavedModel directory). */
  public Path mixerDir(double beta) {
    return modelsDir.resolve("mixer-beta-" + betaLabel(beta));
  }

  public static String betaLabel(double beta) {
    return String.format(java.util.Locale.ROOT, "%.2f", beta);
  }

  /** The configured update of a mode. */
  public FeedbackUpdate feedback(UpdateMode mode) {
    return mode == UpdateMode.COMBINED ? combined : alternate;
  }

  /** One agent run's settings: the scenario's batch; a null mode gives the baseline. */
  public AgentSettings agentSettings(Scenario scenario, UpdateMode mode) {
    return agent.toBuilder().batch(scenario.batch()).feedback(mode == null ? null : feedback(mode)).build();
  }
}
