package org.mgm.experiments.synthetic;

import java.nio.file.Path;
import java.util.List;
import org.mgm.config.Config;
import org.mgm.gan.ConditionalWganTrainer;
import org.mgm.mgm.MixerSignature;
import org.mgm.mgm.TrainerSettings;
import org.mgm.mgm.UpdateMode;
import org.mgm.model.MlpSpec;

/** The resolved synthetic protocol, read once from the config so a bad key fails before any work. */
public record SyntheticSetup(
    Config config, DataRecipe recipe, List<Double> betas, long subsetSeed, int biasBatch,
    int hidden, int depth, float leaky, int latent,
    ConditionalWganTrainer.Settings mixer, int mixerIterations, Path modelsDir, MixerSignature mixerSignature,
    int agentIterations, int criticSteps, float lr, float beta1, float beta2,
    float gpAgent, float gpMixer, double alpha, int agentSteps, int feedbackSteps, boolean sharedNoise,
    long agentSeed, int evalRuns, int evalSamples, long evalSeed, boolean sinkhorn, int logEvery) {

  /** Agent 1 and agent 2 are 2-D, the mixer output y too. */
  public static final int DIM = 2;

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
    List<Double> mb = c.getDoubleList("mixer.adam_betas");
    // Mixer: G(x1 ⊕ x2 ⊕ z') → y; conditional critic C(y ⊕ x1 ⊕ x2).
    var mixer = new ConditionalWganTrainer.Settings(
        MlpSpec.of(2 * DIM + latent, hidden, depth, DIM, leaky),
        MlpSpec.of(3 * DIM, hidden, depth, 1, leaky),
        latent, c.getInt("mixer.batch"), c.getInt("mixer.critic_steps"),
        (float) c.getDouble("mixer.learning_rate"), mb.get(0).floatValue(), mb.get(1).floatValue(),
        (float) c.getDouble("mixer.gp_lambda"), c.getLong("mixer.seed"));
    List<Double> ab = c.getDoubleList("agent.adam_betas");
    List<Double> betas = c.getDoubleList("betas");
    for (double b : betas) {
      checkBeta(b);
    }
    return new SyntheticSetup(c, recipe, betas, c.getLong("scenarios.subset_seed"), c.getInt("scenarios.bias_batch"),
        hidden, depth, leaky, latent, mixer, c.getInt("mixer.iterations"), Path.of(c.getString("mixer.models_dir")),
        MixerSignature.builder().signature(c.getString("mixer.signature.key")).noise(c.getString("mixer.signature.noise"))
            .condition(c.getString("mixer.signature.condition")).output(c.getString("mixer.signature.output")).build(),
        c.getInt("agent.iterations"), c.getInt("agent.critic_steps"), (float) c.getDouble("agent.learning_rate"),
        ab.get(0).floatValue(), ab.get(1).floatValue(),
        (float) c.getDouble("agent.gp_lambda_agent"), (float) c.getDouble("agent.gp_lambda_mixer"),
        c.getDouble("agent.alpha"), c.getInt("agent.alternate.agent_steps"), c.getInt("agent.alternate.feedback_steps"),
        c.getBoolean("agent.shared_noise"), c.getLong("agent.seed"),
        c.getInt("eval.runs"), c.getInt("eval.samples"), c.getLong("eval.seed"), c.getBoolean("eval.sinkhorn"),
        c.getInt("eval.log_every"));
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

  /** Trainer settings for one agent run; feedback off gives the baseline. */
  public TrainerSettings trainer(Scenario scenario, boolean feedback, UpdateMode mode) {
    return new TrainerSettings(
        MlpSpec.of(latent, hidden, depth, DIM, leaky),
        MlpSpec.of(DIM, hidden, depth, 1, leaky),
        MlpSpec.of(DIM, hidden, depth, 1, leaky),
        scenario.batch(), criticSteps, lr, beta1, beta2, gpAgent, gpMixer, feedback, mode, alpha,
        feedbackSteps, agentSteps, sharedNoise, agentSeed);
  }
}
