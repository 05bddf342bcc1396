package org.mgm.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The numbers of an MLP, outside any graph: used to initialise variables deterministically from a
 * seed, to read trained values back, and to rebuild a network in another graph (export).
 *
 * @param kernels per layer, [in][out]
 * @param biases per layer, [out]
 */
public record MlpWeights(MlpSpec spec, List<float[][]> kernels, List<float[]> biases) {

  /**
   * PyTorch's nn.Linear default (kaiming-uniform with a = √5 reduces to U(±1/√fan_in) for the
   * kernel; the bias uses the same bound). Matching it keeps our runs comparable to the paper's
   * PyTorch code, which never overrides the default.
   */
  public static MlpWeights pytorchDefault(MlpSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<float[][]> kernels = new ArrayList<>();
    List<float[]> biases = new ArrayList<>();
    for (int l = 0; l < spec.layers(); l++) {
      int in = spec.widths()[l];
      int out = spec.widths()[l + 1];
      double bound = 1.0 / Math.sqrt(in);
      float[][] k = new float[in][out];
      for (float[] row : k) {
        for (int j = 0; j < out; j++) {
          row[j] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
      }
      float[] b = new float[out];
      for (int j = 0; j < out; j++) {
        b[j] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      kernels.add(k);
      biases.add(b);
    }
    return new MlpWeights(spec, kernels, biases);
  }
}
