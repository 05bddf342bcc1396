package org.mgm.feedback;

import java.util.Locale;

/**
 * How the agent generator uses the mixer's feedback. COMBINED: one step on a·La + (1−a)·Lf
 * (Table 1). ALTERNATE: La step(s), then Lf step(s), through the same optimizer (Table 4).
 */
public enum UpdateMode {
  COMBINED, ALTERNATE;

  public static UpdateMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown mode '" + s + "' (expected combined or alternate)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
