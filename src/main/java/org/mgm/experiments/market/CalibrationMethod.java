package org.mgm.experiments.market;

import java.util.Arrays;
import java.util.List;

/** How the simulator's parameters are fitted to observed paths. */
public enum CalibrationMethod {
  /** GAN-MAS: a discriminator on the paths, the minimax GAN loss through the simulator. */
  GAN("gan"),
  /** Method of simulated moments: the squared gap of return moments, through the same simulator. */
  MOMENTS("moments");

  public static final List<String> NAMES = Arrays.stream(values()).map(CalibrationMethod::key).toList();
  private final String key;

  CalibrationMethod(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static CalibrationMethod named(String name) {
    for (CalibrationMethod m : values()) {
      if (m.key.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown calibration method '" + name + "' (valid: " + String.join(", ", NAMES)
        + ")");
  }
}
