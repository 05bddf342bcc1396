package org.mgm.experiments.timeseries;

/**
 * The widths of the COT-GAN time-series networks. The defaults are the reference code's
 * ({@code util/gan_util.py}): per-step noise Dz = 10, time-constant noise Dy = 10, LSTM state 32,
 * critic filters 32, critic kernel 5, and the mixer's condition of 3 price series.
 *
 * @param noise Dz, width of the per-step noise z_t
 * @param constantNoise Dy, width of the time-constant noise y
 * @param state LSTM hidden size and width of the generators' hidden linear layer
 * @param filters channels of both critic convolutions (J, the critics' output width)
 * @param kernel kernel size of both critic convolutions
 * @param conditions number of price series the mixer's encoder reads
 */
public record TimeSeriesWidths(int noise, int constantNoise, int state, int filters, int kernel, int conditions) {
  public TimeSeriesWidths {
    if (noise < 1 || constantNoise < 1 || state < 1 || filters < 1 || kernel < 1 || conditions < 1) {
      throw new IllegalArgumentException("every width must be positive: " + this);
    }
  }

  public static TimeSeriesWidths defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Width of the generators' per-step noise input [z_t, y]. */
  public int noiseInput() {
    return noise + constantNoise;
  }

  public Builder toBuilder() {
    return new Builder().noise(noise).constantNoise(constantNoise).state(state).filters(filters).kernel(kernel)
        .conditions(conditions);
  }

  /** Starts from the defaults. */
  public static final class Builder {
    private int noise = 10;
    private int constantNoise = 10;
    private int state = 32;
    private int filters = 32;
    private int kernel = 5;
    private int conditions = 3;

    private Builder() {}

    public Builder noise(int v) {
      noise = v;
      return this;
    }

    public Builder constantNoise(int v) {
      constantNoise = v;
      return this;
    }

    public Builder state(int v) {
      state = v;
      return this;
    }

    public Builder filters(int v) {
      filters = v;
      return this;
    }

    public Builder kernel(int v) {
      kernel = v;
      return this;
    }

    public Builder conditions(int v) {
      conditions = v;
      return this;
    }

    public TimeSeriesWidths build() {
      return new TimeSeriesWidths(noise, constantNoise, state, filters, kernel, conditions);
    }
  }
}
