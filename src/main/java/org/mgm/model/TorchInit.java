package org.mgm.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mgm.tensor.HostTensor;

/**
 * The initial values PyTorch's layers use by default, drawn from a seeded generator.
 *
 * <p>The paper's code never overrides PyTorch's defaults, so matching their distributions keeps our
 * runs comparable. The numbers themselves differ from torch's (another generator), but they are a
 * pure function of the seed and of the order of the draws, so a run is reproducible.
 */
public final class TorchInit {
  private TorchInit() {}

  /** U(−bound, bound), filled in C order. */
  public static HostTensor uniform(SplittableRandom rnd, double bound, long... shape) {
    float[] v = new float[Math.toIntExact(HostTensor.elementCount(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
    }
    return HostTensor.of(v, shape);
  }

  public static HostTensor filled(float value, long... shape) {
    float[] v = new float[Math.toIntExact(HostTensor.elementCount(shape))];
    Arrays.fill(v, value);
    return HostTensor.of(v, shape);
  }
}
