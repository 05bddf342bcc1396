package org.mgm.experiments.timeseries;

import java.util.Locale;

/**
 * How the mixer generator is pretrained (reference {@code cot_condition.py}, {@code -cond_disc}).
 * MGM then loads only the generator, so the variants differ only in the generator they give.
 */
public enum MixerVariant {
  /** COT-GAN-CJ: critics and cost on [3 prices, demand], the joint law. */
  CJ(PriceDemandCsv.COLUMNS),
  /** COT-GAN-CM: critics and cost on demand only, its marginal law. */
  CM(1);

  private final int criticChannels;

  MixerVariant(int criticChannels) {
    this.criticChannels = criticChannels;
  }

  public int criticChannels() {
    return criticChannels;
  }

  /** Lower-case, as on the command line and in file names. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static MixerVariant named(String name) {
    String key = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
    for (MixerVariant v : values()) {
      if (v.name().equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown mixer variant '" + name + "' (expected cj or cm)");
  }
}
