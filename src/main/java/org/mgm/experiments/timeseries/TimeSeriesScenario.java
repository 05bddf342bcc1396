package org.mgm.experiments.timeseries;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Which windows the modelled agent (France, column 1) trains on in Table 2.
 * <ul>
 *   <li><b>full</b>: all windows (249 of 6,000 rows);
 *   <li><b>half</b>: the first half of the hours in time, as the reference's {@code thp = 0.5}:
 *       the rows are cut to ⌊N/2⌋ after scaling and then windowed, so with 6,000 rows
 *       range(0, 3000 − 24, 24) gives 124 windows (not 125: the loader's off-by-one again). The
 *       scaling statistics stay those of all rows, as in the reference;
 *   <li><b>low-64</b>, <b>low-124</b>: a random subset of that many windows, drawn once by seed
 *       (the reference takes the first {@code lds} windows of its once-shuffled array), so the
 *       baseline and MGM runs train on the same windows.
 * </ul>
 *
 * @param name as on the command line
 * @param headFraction fraction of the rows kept from the start, 1 for all
 * @param lowSize subset size of a low scenario, 0 otherwise
 */
public record TimeSeriesScenario(String name, double headFraction, int lowSize) {
  public static final List<String> NAMES = List.of("full", "half", "low-64", "low-124");

  /** A scenario by its name, case-insensitive. */
  public static TimeSeriesScenario named(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return switch (key) {
      case "full" -> new TimeSeriesScenario(key, 1, 0);
      case "half" -> new TimeSeriesScenario(key, 0.5, 0);
      case "low-64" -> new TimeSeriesScenario(key, 1, 64);
      case "low-124" -> new TimeSeriesScenario(key, 1, 124);
      default -> throw new IllegalArgumentException(
          "unknown time-series scenario '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
    };
  }

  public boolean isLow() {
    return lowSize > 0;
  }

  /**
   * Indices into {@code data.windows()} of this scenario's windows: a prefix in time order for
   * full and half, the seeded draw (in drawn order) for low.
   */
  public int[] windowIndices(PriceDemandCsv.Windows data, long seed) {
    int all = data.count();
    if (isLow()) {
      if (lowSize > all) {
        throw new IllegalArgumentException(name + ": a subset of " + lowSize + " windows from " + data.source()
            + ", which has only " + all);
      }
      // Partial Fisher–Yates: a uniform subset without replacement.
      SplittableRandom rnd = new SplittableRandom(seed);
      int[] idx = new int[all];
      Arrays.setAll(idx, i -> i);
      for (int i = 0; i < lowSize; i++) {
        int j = i + rnd.nextInt(all - i);
        int tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
      }
      return Arrays.copyOf(idx, lowSize);
    }
    int kept = (int) Math.floor(data.rows() * headFraction);
    int count = Math.min(all, PriceDemandCsv.windowCount(kept, data.length(), data.stride()));
    if (count == 0) {
      throw new IllegalArgumentException(name + ": the first " + kept + " rows of " + data.source()
          + " hold no window of " + data.length() + " hours");
    }
    int[] idx = new int[count];
    Arrays.setAll(idx, i -> i);
    return idx;
  }

  /** This scenario's windows [n][T][4] (shared, not copied). */
  public double[][][] windows(PriceDemandCsv.Windows data, long seed) {
    int[] idx = windowIndices(data, seed);
    double[][][] out = new double[idx.length][][];
    for (int i = 0; i < idx.length; i++) {
      out[i] = data.windows()[idx[i]];
    }
    return out;
  }
}
