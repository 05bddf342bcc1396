package org.mgm.model;

import java.util.Arrays;

/**
 * Shape of a fully connected network: layer widths from input to output, LeakyReLU between
 * layers, linear output (the paper's 3×512 LeakyReLU(0.2) generators and critics).
 */
public record MlpSpec(int[] widths, float leakySlope) {
  public MlpSpec {
    if (widths.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least input and output widths");
    }
    widths = widths.clone();
  }

  /** {@code in → hidden × depth → out}, the paper's layout. */
  public static MlpSpec of(int in, int hidden, int depth, int out, float leakySlope) {
    int[] w = new int[depth + 2];
    w[0] = in;
    Arrays.fill(w, 1, depth + 1, hidden);
    w[depth + 1] = out;
    return new MlpSpec(w, leakySlope);
  }

  public int layers() {
    return widths.length - 1;
  }

  public int in() {
    return widths[0];
  }

  public int out() {
    return widths[widths.length - 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MlpSpec s && Arrays.equals(widths, s.widths) && leakySlope == s.leakySlope;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(widths) * 31 + Float.hashCode(leakySlope);
  }

  @Override
  public String toString() {
    return "MLP" + Arrays.toString(widths) + " leaky=" + leakySlope;
  }
}
