package org.mgm.experiments.market;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * H, what the discriminator sees of a price window [B, Δ + 1]. The paper's H is the identity on
 * the raw prices; with prices near 100 that moved by well under 1 % a step, measured here it left
 * the discriminator at chance (loss 2 ln 2) for hundreds of iterations and c drifted to 0 (see
 * docs/market.md), so the returns are offered beside it.
 */
public enum PathFeatures {
  /** The raw prices P(t1 … t1 + Δ): the paper's H = identity. */
  PRICES("prices"),
  /** The Δ one-step returns in percent, 100·(P(t)/P(t−1) − 1). */
  RETURNS("returns"),
  /**
   * Each path's own return moments ({@link PathStatistics#MOMENT_NAMES}): H as a summary of the
   * path, so that a 2×32 discriminator compares the distributions of autocorrelations and tails
   * across paths instead of having to learn them from 50 raw returns.
   */
  STATISTICS("statistics");

  public static final List<String> NAMES = Arrays.stream(values()).map(PathFeatures::key).toList();
  private final String key;

  PathFeatures(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static PathFeatures named(String name) {
    for (PathFeatures f : values()) {
      if (f.key.equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown discriminator input '" + name + "' (valid: " + String.join(", ", NAMES)
        + ")");
  }

  /** Features per path. */
  public int width(int pathLength) {
    return switch (this) {
      case PRICES -> pathLength;
      case RETURNS -> pathLength - 1;
      case STATISTICS -> PathStatistics.MOMENT_NAMES.size();
    };
  }

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> paths, int pathLength) {
    return switch (this) {
      case PRICES -> paths;
      case RETURNS -> PathStatistics.percentReturns(tf, paths, pathLength);
      case STATISTICS -> PathStatistics.perPathMoments(tf, paths, pathLength);
    };
  }
}
