package org.mgm.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.runtime.ProcessMemory;

/**
 * Wall time per phase over the iterations that ran it: where an iteration's time goes when its
 * phases differ in cost (a path-length step every 4 iterations beside the main updates), which a
 * whole-iteration median cannot show. Also how far each phase raised the process's peak resident
 * memory: TF's allocators keep what a phase grew, so the phase that sets the peak is the one to
 * look at when a training uses more memory than another engine's.
 */
public final class PhaseTimes {
  /** Records nothing: the schedule's default when no benchmark is watching. */
  public static final PhaseTimes NONE = new PhaseTimes(false);

  private final boolean recording;
  private final Map<String, long[]> byPhase = new LinkedHashMap<>();
  private final Map<String, Double> peakRiseMb = new LinkedHashMap<>();
  private double lastPeakMb;

  public PhaseTimes() {
    this(true);
  }

  private PhaseTimes(boolean recording) {
    this.recording = recording;
    this.lastPeakMb = recording ? ProcessMemory.peakRssMb() : Double.NaN;
  }

  /** One run of {@code phase} (its repeats and finish together) took {@code nanos}. */
  public void add(String phase, long nanos) {
    if (!recording) {
      return;
    }
    long[] t = byPhase.computeIfAbsent(phase, k -> new long[2]);
    t[0] += nanos;
    t[1]++;
    // The peak can only have risen since the last phase ended; what it rose by is this phase's.
    double peak = ProcessMemory.peakRssMb();
    peakRiseMb.merge(phase, peak - lastPeakMb, Double::sum);
    lastPeakMb = peak;
  }

  /** Mean milliseconds per iteration that ran it, by phase, in first-run order. */
  public Map<String, Double> meanMillis() {
    Map<String, Double> m = new LinkedHashMap<>();
    byPhase.forEach((name, t) -> m.put(name, t[0] / 1e6 / t[1]));
    return Collections.unmodifiableMap(m);
  }

  /** MiB the process's peak resident memory rose by while each phase ran, over all its runs. */
  public Map<String, Double> peakRiseMb() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(peakRiseMb));
  }

  /** How many iterations ran each phase. */
  public Map<String, Long> runs() {
    Map<String, Long> m = new LinkedHashMap<>();
    byPhase.forEach((name, t) -> m.put(name, t[1]));
    return Collections.unmodifiableMap(m);
  }
}
