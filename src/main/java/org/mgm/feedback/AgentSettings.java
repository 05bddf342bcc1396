package org.mgm.feedback;

import org.mgm.model.AdamSettings;
import org.mgm.model.MlpSpec;

/**
 * Everything Algorithm 1 needs for one synthetic agent besides data and the mixer. The builder's
 * defaults are the paper's (3 × 512 LeakyReLU 0.2 networks, z ∈ R², Adam 1e-4 (0.5, 0.9), five
 * critic steps, GP 0.1 / 1.0, α = 0.5 on La).
 *
 * @param feedback null gives the baseline: the same training without mixer critic and Lf
 * @param sharedNoise true feeds the agent's z to the mixer as its noise, as the reference code
 *     does; false draws an independent z', as Algorithm 1 is written
 */
public record AgentSettings(
    MlpSpec generator, MlpSpec agentCritic, MlpSpec mixerCritic,
    int batch, int criticSteps, AdamSettings adam,
    float gpAgent, float gpMixer, FeedbackUpdate feedback, boolean sharedNoise, long seed) {

  public AgentSettings {
    if (criticSteps < 1) {
      throw new IllegalArgumentException("critic steps must be at least 1, got " + criticSteps);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().networks(generator, agentCritic, mixerCritic).batch(batch).criticSteps(criticSteps)
        .adam(adam).gradientPenalties(gpAgent, gpMixer).feedback(feedback)
        .sharedNoise(sharedNoise).seed(seed);
  }

  public int latent() {
    return generator.in();
  }

  public boolean hasFeedback() {
    return feedback != null;
  }

  public static final class Builder {
    private static final int DIM = 2;
    private MlpSpec generator = MlpSpec.of(2, 512, 3, DIM, 0.2f);
    private MlpSpec agentCritic = MlpSpec.of(DIM, 512, 3, 1, 0.2f);
    private MlpSpec mixerCritic = MlpSpec.of(DIM, 512, 3, 1, 0.2f);
    private int batch = 256;
    private int criticSteps = 5;
    private AdamSettings adam = AdamSettings.of(1e-4f, 0.5f, 0.9f);
    private float gpAgent = 0.1f;
    private float gpMixer = 1f;
    private FeedbackUpdate feedback = FeedbackUpdate.combined(0.5);
    private boolean sharedNoise;
    private long seed = 1;

    /** The three networks: generator z → x, and critics on x and on the mixer's y. */
    public Builder networks(MlpSpec generator, MlpSpec agentCritic, MlpSpec mixerCritic) {
      this.generator = generator;
      this.agentCritic = agentCritic;
      this.mixerCritic = mixerCritic;
      return this;
    }

    public Builder batch(int v) {
      batch = v;
      return this;
    }

    public Builder criticSteps(int v) {
      criticSteps = v;
      return this;
    }

    /** Adam of all three networks. */
    public Builder adam(AdamSettings v) {
      adam = v;
      return this;
    }

    public Builder gradientPenalties(float agent, float mixer) {
      gpAgent = agent;
      gpMixer = mixer;
      return this;
    }

    /** How Lf is used; null for the baseline. */
    public Builder feedback(FeedbackUpdate v) {
      feedback = v;
      return this;
    }

    public Builder sharedNoise(boolean v) {
      sharedNoise = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public AgentSettings build() {
      return new AgentSettings(generator, agentCritic, mixerCritic, batch, criticSteps, adam, gpAgent, gpMixer, feedback, sharedNoise, seed);
    }
  }
}
