package org.mgm.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per phase over the iterations that ran it: where an iteration's time goes when its
 * phases differ in cost (a path-length step every 4 iterations beside the main updates), which a
 * whole-iteration median cannot show.
 */
public final class PhaseTimes {
  /** Records nothing: the schedule's default when no benchmark is watching. */
  public static final PhaseTimes NONE = new PhaseTimes(false);

  private final boolean recording;
  private final Map<String, long[]> byPhase = new LinkedHashMap<>();

  public PhaseTimes() {
    this(true);
  }

  private PhaseTimes(boolean recording) {
    this.recording = recording;
  }

  /** One run of {@code phase} (its repeats and finish together) took {@code nanos}. */
  public void add(String phase, long nanos) {
    if (!recording) {
      return;
    }
    long[] t = byPhase.computeIfAbsent(phase, k -> new long[2]);
    t[0] += nanos;
    t[1]++;
  }

  /** Mean milliseconds per iteration that ran it, by phase, in first-run order. */
  public Map<String, Double> meanMillis() {
    Map<String, Double> m = new LinkedHashMap<>();
    byPhase.forEach((name, t) -> m.put(name, t[0] / 1e6 / t[1]));
    return Collections.unmodifiableMap(m);
  }

  /** How many iterations ran each phase. */
  public Map<String, Long> runs() {
    Map<String, Long> m = new LinkedHashMap<>();
    byPhase.forEach((name, t) -> m.put(name, t[1]));
    return Collections.unmodifiableMap(m);
  }
}
