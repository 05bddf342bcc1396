package org.mgm.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory (Linux's VmHWM), as the benchmarks report it: TF's native
 * allocations are most of it, which no JVM counter sees.
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Peak resident set size in MiB so far; NaN where /proc gives none. */
  public static double peakRssMb() {
    return statusMb("VmHWM:");
  }

  /** Resident set size in MiB now; NaN where /proc gives none. */
  public static double rssMb() {
    return statusMb("VmRSS:");
  }

  private static double statusMb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
      return Double.NaN;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
