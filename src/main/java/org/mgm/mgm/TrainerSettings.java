package org.mgm.mgm;

import org.mgm.model.MlpSpec;

/**
 * Everything Algorithm 1 needs besides data and the mixer.
 *
 * @param feedback false gives the baseline: the same trainer without mixer critic and Lf
 * @param alpha weight of the agent's own loss La in the combined loss a·La + (1−a)·Lf (the
 *     paper's convention; the reference code puts α on Lf instead)
 * @param sharedNoise true feeds the agent's z to the mixer as its noise, as the reference code
 *     does; false draws an independent z', as Algorithm 1 is written
 */
public record TrainerSettings(
    MlpSpec generator, MlpSpec agentCritic, MlpSpec mixerCritic,
    int batch, int criticSteps, float learningRate, float adamBeta1, float adamBeta2,
    float gpAgent, float gpMixer, boolean feedback, UpdateMode mode, double alpha,
    int feedbackLearningSteps, int agentLearningSteps, boolean sharedNoise, long seed) {

  public TrainerSettings {
    if (criticSteps < 1) {
      throw new IllegalArgumentException("critic steps must be at least 1, got " + criticSteps);
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
    }
    if (agentLearningSteps < 1 || feedbackLearningSteps < 1) {
      throw new IllegalArgumentException("alternating steps must be at least 1");
    }
  }

  public int latent() {
    return generator.in();
  }
}
