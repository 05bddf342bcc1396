package org.mgm.experiments.market;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.Json;

/**
 * What {@code mgm market simulate} records beside its paths: every market setting (so a
 * calibration of the file uses the same market: windows, traders, ρ) with the true b, c, d, and
 * the data seed. A flat JSON object of numbers and strings.
 */
public record MarketTruth(MarketSettings settings, long seed, int paths) {
  private static final String GENERATOR = "mgm market simulate";
  private static final String WINDOWS = "technical_windows";

  public void write(Path file) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generator", GENERATOR);
    m.put("seed", seed);
    m.put("paths", paths);
    settings.asMap().forEach((k, v) -> m.put(k, v instanceof Boolean bool ? bool.toString() : v));
    // Derived from windows_seed, written out for readers outside the toolkit (the PyTorch side).
    m.put(WINDOWS, TechnicalWindows.draw(settings).describe());
    AtomicFiles.writeString(file, Json.write(m) + "\n");
  }

  /** The truth beside {@code pathsFile}, or null when there is none (data not from simulate). */
  public static MarketTruth besidePaths(Path pathsFile) throws IOException {
    Path file = MarketPaths.truthFile(pathsFile);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Map<String, Object> m;
    try {
      m = Json.parseFlat(Files.readString(file).replace("\n", ""));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": not a truth file of " + GENERATOR + " (" + e.getMessage() + ")");
    }
    if (!GENERATOR.equals(m.get("generator"))) {
      throw new IllegalArgumentException(file + ": not a truth file of " + GENERATOR);
    }
    MarketSettings.Builder b = MarketSettings.builder();
    for (var e : m.entrySet()) {
      if (e.getKey().equals("generator") || e.getKey().equals("seed") || e.getKey().equals("paths")
          || e.getKey().equals(WINDOWS)) {
        continue;
      }
      try {
        b.set(e.getKey(), text(e.getValue()));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(file + ": " + bad.getMessage());
      }
    }
    try {
      return new MarketTruth(b.build(), (long) number(m, "seed", file), (int) number(m, "paths", file));
    } catch (IllegalArgumentException bad) {
      throw new IllegalArgumentException(file + ": " + bad.getMessage());
    }
  }

  private static double number(Map<String, Object> m, String key, Path file) {
    if (!(m.get(key) instanceof Double d)) {
      throw new IllegalArgumentException(file + ": '" + key + "' missing or not a number");
    }
    return d;
  }

  /** 7.0 back to "7", so integer settings parse. */
  private static String text(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(v);
  }
}
