package org.mgm.experiments.timeseries;

import java.nio.file.Path;

/**
 * Where the experiment's windows come from: the user's price/demand CSV (the paper's layout), or
 * the seeded synthetic stand-in, the shipped default. Both are scaled and windowed alike.
 */
public final class TimeSeriesData {
  /** What the stand-in is called in logs, results and {@link PriceDemandCsv.Windows#source()}. */
  public static final Path STAND_IN = Path.of("synthetic-market-seed-" + SyntheticMarket.SEED);

  private TimeSeriesData() {}

  /** @param csv the user's file, or null for the stand-in */
  public static PriceDemandCsv.Windows load(Path csv) {
    if (csv != null) {
      return PriceDemandCsv.load(csv);
    }
    return PriceDemandCsv.scaled(STAND_IN, SyntheticMarket.generate(SyntheticMarket.ROWS, SyntheticMarket.SEED),
        PriceDemandCsv.LENGTH, PriceDemandCsv.STRIDE);
  }
}
