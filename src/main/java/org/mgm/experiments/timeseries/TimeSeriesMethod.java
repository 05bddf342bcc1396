package org.mgm.experiments.timeseries;

import java.util.List;
import java.util.Locale;

/** The rows of Table 2: the agent alone, or with the feedback of a CJ- or CM-pretrained mixer. */
public enum TimeSeriesMethod {
  BASELINE("COT-GAN", null),
  CJ("COT-GAN-CJ", MixerVariant.CJ),
  CM("COT-GAN-CM", MixerVariant.CM);

  public static final List<String> NAMES = List.of("baseline", "cj", "cm");

  private final String model;
  private final MixerVariant mixer;

  TimeSeriesMethod(String model, MixerVariant mixer) {
    this.model = model;
    this.mixer = mixer;
  }

  /** The model's name in Table 2. */
  public String model() {
    return model;
  }

  /** The mixer variant whose feedback it uses, null for the baseline. */
  public MixerVariant mixer() {
    return mixer;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TimeSeriesMethod named(String name) {
    String key = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
    for (TimeSeriesMethod m : values()) {
      if (m.name().equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown time-series method '" + name + "' (expected one of "
        + String.join(", ", NAMES) + ")");
  }
}
