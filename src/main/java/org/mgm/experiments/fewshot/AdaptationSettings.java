package org.mgm.experiments.fewshot;

import org.mgm.feedback.FeedbackUpdate;

/**
 * One few-shot adaptation's knobs. Builder defaults are the reference's at 256×256 (FSGAN's
 * Adam 0.002 (0, 0.99), D_B Adam 2e-4 (0.5), R1 γ 10 lazily every 16, Lf alternating once),
 * except {@code rounds} and {@code lazyScaling}, which keep the toolkit's first trainer (one
 * round, no scaling) unless set; the reference has 4 rounds and the scaling.
 *
 * @param batch images per round (4 in the reference)
 * @param rounds rounds per iteration (stylegan2-ada's minibatch / minibatch_gpu): the La and D
 *     steps sum their gradients over the rounds into one update, and the alternating Lf and the
 *     D_B steps run once per round, as the reference orders them
 * @param learningRate agent G and D Adam lr, β1 0, β2 0.99
 * @param feedbackLrFactor the alternating Lf optimizer's lr = learningRate × this (lrc_sys), β1 0.5
 * @param mixerCriticLr D_B Adam lr, β1 0.5
 * @param r1Gamma R1 weight γ
 * @param r1Every lazy R1 interval in iterations; 0 turns R1 off
 * @param emaBeta per-iteration EMA factor of G
 * @param feedback how Lf is used (alternate: -A, combined: -C); null for the FSGAN / FreezeD baseline
 * @param feedbackLayers the reference's {@code --fg}: 0 lets Lf move every trainable G tensor, k ≥ 1
 *     keeps layers at resolution 2^(k+1) and above out of the Lf step (alternating only)
 * @param frozenBlocks FreezeD: input-side D residual blocks kept frozen
 * @param resizeForMixer resize the agent's images to the mixer's resolution when they differ
 * @param lazyScaling the lazy-regularisation correction of stylegan2: with R1 every k iterations,
 *     D's Adam runs at lr·c with betas^c, c = k/(k+1)
 * @param plWeight path-length regularisation weight (the reference: 2); 0 turns it off. It needs an
 *     agent G with an output {@code w} (export-tools/convert_stylegan2.py --w-output)
 * @param plDecay the running mean of path lengths moves by this share each step (0.01)
 * @param plEvery its lazy interval in iterations (4), with the lazy scaling on G's Adam when
 *     {@code lazyScaling} is set
 * @param graphOptimizer run TF's Grappler on the training session: at 32×32, 97 instead of 140
 *     ms per iteration, for some 5 s more setup (it optimises each new fetch set once); off by
 *     default, since it also moves the last digits of every figure
 */
public record AdaptationSettings(int batch, float learningRate, float feedbackLrFactor, float mixerCriticLr,
    float r1Gamma, int r1Every, float emaBeta, FeedbackUpdate feedback, int feedbackLayers, int frozenBlocks,
    boolean resizeForMixer, long seed, int rounds, boolean lazyScaling, boolean graphOptimizer, float plWeight,
    float plDecay, int plEvery) {

  public AdaptationSettings {
    if (plWeight < 0 || !(plDecay > 0 && plDecay <= 1) || plEvery < 1) {
      throw new IllegalArgumentException("path length: weight must be ≥ 0, decay in (0, 1], interval ≥ 1; got "
          + plWeight + ", " + plDecay + ", " + plEvery);
    }
    if (batch < 1 || rounds < 1 || r1Every < 0 || feedbackLayers < 0 || frozenBlocks < 0) {
      throw new IllegalArgumentException(
          "batch and rounds must be ≥ 1 and r1_every, feedback_layers, frozen blocks ≥ 0");
    }
  }

  /** Images per update: batch × rounds. */
  public int minibatch() {
    return batch * rounds;
  }

  /**
   * The per-iteration EMA factor for a half-life in images, as stylegan2 sets it:
   * β = 0.5^(minibatch / half-life), so that the average forgets at the same pace in images
   * whatever the minibatch.
   */
  public static float emaBetaForHalfLife(double halfLifeImages, int minibatch) {
    if (!(halfLifeImages > 0) || minibatch < 1) {
      throw new IllegalArgumentException("EMA half-life and minibatch must be positive, got " + halfLifeImages + ", "
          + minibatch);
    }
    return (float) Math.pow(0.5, minibatch / halfLifeImages);
  }

  public boolean hasPathLength() {
    return plWeight > 0;
  }

  /** G's lr and betas exponent under lazy path-length regularisation, as {@link #lazyRatio} for D. */
  public float pathLengthRatio() {
    return lazyScaling && hasPathLength() ? plEvery / (plEvery + 1f) : 1f;
  }

  /** D's lr and betas exponent under lazy R1: k/(k+1), or 1 without the scaling or without R1. */
  public float lazyRatio() {
    return lazyScaling && r1Every > 0 ? r1Every / (r1Every + 1f) : 1f;
  }

  public boolean hasFeedback() {
    return feedback != null;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().batch(batch).learningRate(learningRate).feedbackLrFactor(feedbackLrFactor)
        .mixerCriticLr(mixerCriticLr).r1(r1Gamma, r1Every).emaBeta(emaBeta).feedback(feedback)
        .feedbackLayers(feedbackLayers).frozenBlocks(frozenBlocks).resizeForMixer(resizeForMixer).seed(seed)
        .rounds(rounds).lazyScaling(lazyScaling).graphOptimizer(graphOptimizer).pathLength(plWeight, plDecay, plEvery);
  }

  public static final class Builder {
    private int batch = 4;
    private float learningRate = 0.002f;
    private float feedbackLrFactor = 1f;
    private float mixerCriticLr = 2e-4f;
    private float r1Gamma = 10f;
    private int r1Every = 16;
    private float emaBeta = 0.99f;
    private FeedbackUpdate feedback = FeedbackUpdate.alternate(1, 1);
    private int feedbackLayers;
    private int frozenBlocks = 1;
    private boolean resizeForMixer;
    private long seed;
    private int rounds = 1;
    private boolean lazyScaling;
    private boolean graphOptimizer;
    private float plWeight;
    private float plDecay = 0.01f;
    private int plEvery = 4;

    /** Path-length regularisation: weight (0: off), running-mean decay, lazy interval. */
    public Builder pathLength(float weight, float decay, int every) {
      plWeight = weight;
      plDecay = decay;
      plEvery = every;
      return this;
    }

    public Builder graphOptimizer(boolean v) {
      graphOptimizer = v;
      return this;
    }

    public Builder rounds(int v) {
      rounds = v;
      return this;
    }

    public Builder lazyScaling(boolean v) {
      lazyScaling = v;
      return this;
    }

    public Builder batch(int v) {
      batch = v;
      return this;
    }

    public Builder learningRate(float v) {
      learningRate = v;
      return this;
    }

    public Builder feedbackLrFactor(float v) {
      feedbackLrFactor = v;
      return this;
    }

    public Builder mixerCriticLr(float v) {
      mixerCriticLr = v;
      return this;
    }

    public Builder r1(float gamma, int every) {
      r1Gamma = gamma;
      r1Every = every;
      return this;
    }

    public Builder emaBeta(float v) {
      emaBeta = v;
      return this;
    }

    /** Null for the baseline. */
    public Builder feedback(FeedbackUpdate v) {
      feedback = v;
      return this;
    }

    public Builder feedbackLayers(int v) {
      feedbackLayers = v;
      return this;
    }

    public Builder frozenBlocks(int v) {
      frozenBlocks = v;
      return this;
    }

    public Builder resizeForMixer(boolean v) {
      resizeForMixer = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public AdaptationSettings build() {
      return new AdaptationSettings(batch, learningRate, feedbackLrFactor, mixerCriticLr, r1Gamma, r1Every, emaBeta,
          feedback, feedbackLayers, frozenBlocks, resizeForMixer, seed, rounds, lazyScaling, graphOptimizer, plWeight,
          plDecay, plEvery);
    }
  }
}
