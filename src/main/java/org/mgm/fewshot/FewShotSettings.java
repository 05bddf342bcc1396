package org.mgm.fewshot;

import org.mgm.mgm.UpdateMode;

/**
 * One few-shot run's knobs (spec §4.2, §4.6 defaults in parentheses).
 *
 * @param batch images per step (4 per round in the reference)
 * @param learningRate agent G and D Adam lr (0.002), β1 0, β2 0.99
 * @param feedbackLrFactor Lf optimizer lr = learningRate × this (lrc_sys, 1.0), β1 0.5
 * @param mixerCriticLr D_B Adam lr (2e-4), β1 0.5
 * @param r1Gamma R1 weight γ (10)
 * @param r1Every lazy R1 interval in iterations (16)
 * @param emaBeta per-iteration EMA factor of G
 * @param feedback false: the FSGAN / FreezeD baseline (no mixer)
 * @param mode ALTERNATE (-A, default) or COMBINED (-C) with weight {@code alpha} on La
 * @param feedbackSteps Lf updates per iteration in ALTERNATE mode
 * @param feedbackLayers the reference's {@code --fg}: 0 lets Lf move every trainable G tensor, k ≥ 1
 *     keeps layers at resolution 2^(k+1) and above out of the Lf step (ALTERNATE mode)
 * @param frozenBlocks FreezeD: input-side D residual blocks kept frozen
 * @param resizeForMixer resize the agent's images to the mixer's resolution when they differ
 */
public record FewShotSettings(
    int batch,
    float learningRate,
    float feedbackLrFactor,
    float mixerCriticLr,
    float r1Gamma,
    int r1Every,
    float emaBeta,
    boolean feedback,
    UpdateMode mode,
    double alpha,
    int feedbackSteps,
    int feedbackLayers,
    int frozenBlocks,
    boolean resizeForMixer,
    long seed) {}
