package org.mgm.gan;

/**
 * The numbers of the COT-GAN objective ({@link CotGanLoss}). The defaults are those of both
 * reference codes, which the paper calls "COT-GAN defaults".
 *
 * @param epsilon entropic regularisation ε of the Sinkhorn iteration ({@code sinkhorn_eps}, 100).
 *     Large on purpose: with costs of order 10 the plan stays close to uniform, which keeps the
 *     gradients smooth
 * @param iterations Sinkhorn iterations L ({@code sinkhorn_l}, 100), always all of them: they are
 *     unrolled in the graph so that gradients flow through every update
 * @param martingaleWeight λ_M of the martingale penalty ({@code reg_penalty}, 10)
 */
public record CotGanSettings(double epsilon, int iterations, double martingaleWeight) {
  public static final CotGanSettings DEFAULT = builder().build();

  public CotGanSettings {
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("sinkhorn epsilon must be a positive number, got " + epsilon);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("sinkhorn iterations must be at least 1, got " + iterations);
    }
    if (!(martingaleWeight >= 0) || Double.isInfinite(martingaleWeight)) {
      throw new IllegalArgumentException("martingale penalty weight must be ≥ 0, got " + martingaleWeight);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().epsilon(epsilon).iterations(iterations).martingaleWeight(martingaleWeight);
  }

  public static final class Builder {
    private double epsilon = 100;
    private int iterations = 100;
    private double martingaleWeight = 10;

    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    public Builder iterations(int v) {
      iterations = v;
      return this;
    }

    public Builder martingaleWeight(double v) {
      martingaleWeight = v;
      return this;
    }

    public CotGanSettings build() {
      return new CotGanSettings(epsilon, iterations, martingaleWeight);
    }
  }
}
