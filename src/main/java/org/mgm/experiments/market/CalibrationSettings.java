package org.mgm.experiments.market;

import org.mgm.model.AdamSettings;

/**
 * One calibration. Defaults are the paper's (2,000 iterations, batch 1,000, Adam lr 0.002 for
 * both players, discriminator FC 2×32 ReLU), except where docs/market.md says why not.
 *
 * @param method GAN or simulated moments
 * @param iterations simulator updates (GAN: each after one discriminator update)
 * @param batch simulated paths per update, and real paths per discriminator update (all of them
 *     when the data holds exactly this many, as in the paper)
 * @param simulator Adam of the trader parameters
 * @param discriminator Adam of the discriminator (GAN only)
 * @param hidden discriminator width
 * @param depth discriminator hidden layers
 * @param features H, what the discriminator sees
 * @param initSeed draws γ from N(0, 1)
 * @param seed the noise draws and the discriminator's initial weights
 * @param recordEvery iterations between rows of metrics.csv
 * @param decayFloor the simulator's learning rate decays linearly over the run to this fraction of
 *     its start; 1 (the default and the paper's) keeps it constant
 * @param averageHorizon the reported parameters are an exponential moving average of the
 *     iterates over about this many iterations (β = 1 − 1/horizon), default a tenth of the run:
 *     Adam at a constant learning rate leaves the parameters jittering around the optimum, and
 *     iterate averaging (as StyleGAN's G_ema, or Yazıcı et al. 2019 for GANs) removes most of
 *     the jitter without slowing the approach
 * @param checkpointEvery iterations between checkpoints ({@code mgm resume}); default 500, about
 *     40 s of a calibration here
 */
public record CalibrationSettings(CalibrationMethod method, int iterations, int batch, AdamSettings simulator,
    AdamSettings discriminator, int hidden, int depth, PathFeatures features, long initSeed, long seed,
    int recordEvery, float decayFloor, int averageHorizon, int checkpointEvery) {

  public CalibrationSettings {
    if (!(decayFloor > 0 && decayFloor <= 1)) {
      throw new IllegalArgumentException("learning-rate decay floor must be in (0, 1], got " + decayFloor);
    }
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("checkpoint interval must be at least 1 iteration, got " + checkpointEvery);
    }
    if (iterations < 1 || batch < 2 || hidden < 1 || depth < 1 || recordEvery < 1 || averageHorizon < 1) {
      throw new IllegalArgumentException("calibration needs iterations, hidden, depth and record-every ≥ 1 and batch ≥ 2,"
          + " got " + iterations + ", " + hidden + ", " + depth + ", " + recordEvery + " and " + batch + " (average over "
          + averageHorizon + ")");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().method(method).iterations(iterations).batch(batch).simulator(simulator)
        .discriminator(discriminator).hidden(hidden).depth(depth).features(features).initSeed(initSeed).seed(seed)
        .recordEvery(recordEvery).decayFloor(decayFloor).averageHorizon(averageHorizon)
        .checkpointEvery(checkpointEvery);
  }

  /** β of the iterate average. */
  public float averageDecay() {
    return 1f - 1f / averageHorizon;
  }

  public static final class Builder {
    private CalibrationMethod method = CalibrationMethod.GAN;
    private int checkpointEvery = 500;
    private int iterations = 2000;
    private int batch = 1000;
    private AdamSettings simulator = AdamSettings.of(0.002f, 0.9f, 0.999f);
    private AdamSettings discriminator = AdamSettings.of(0.002f, 0.9f, 0.999f);
    private int hidden = 32;
    private int depth = 2;
    private PathFeatures features = PathFeatures.STATISTICS;
    private long initSeed = 1;
    private long seed = 1;
    private int recordEvery = 10;
    private int averageHorizon = 0;
    private float decayFloor = 1f;

    public Builder method(CalibrationMethod v) {
      method = v;
      return this;
    }

    public Builder iterations(int v) {
      iterations = v;
      return this;
    }

    public Builder batch(int v) {
      batch = v;
      return this;
    }

    public Builder simulator(AdamSettings v) {
      simulator = v;
      return this;
    }

    public Builder discriminator(AdamSettings v) {
      discriminator = v;
      return this;
    }

    public Builder hidden(int v) {
      hidden = v;
      return this;
    }

    public Builder depth(int v) {
      depth = v;
      return this;
    }

    public Builder features(PathFeatures v) {
      features = v;
      return this;
    }

    public Builder initSeed(long v) {
      initSeed = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder recordEvery(int v) {
      recordEvery = v;
      return this;
    }

    public Builder decayFloor(float v) {
      decayFloor = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    /** Iterations the reported average spans; unset (0): a tenth of the iterations. */
    public Builder averageHorizon(int v) {
      averageHorizon = v;
      return this;
    }

    public CalibrationSettings build() {
      return new CalibrationSettings(method, iterations, batch, simulator, discriminator, hidden, depth, features,
          initSeed, seed, recordEvery, decayFloor, averageHorizon > 0 ? averageHorizon : Math.max(1, iterations / 10),
          checkpointEvery);
    }
  }
}
