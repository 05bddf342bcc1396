package org.mgm.experiments.market;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mgm.runtime.AtomicFiles;

/**
 * A paths file: one price window per row, P(t1), …, P(t1 + Δ), comma-separated, no header. Every
 * row must have the same length, every price be a positive number; a bad file is named with its
 * line and column.
 */
public final class MarketPaths {
  private MarketPaths() {}

  public static float[][] read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    List<float[]> rows = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int line = 0;
      for (String text; (text = r.readLine()) != null; ) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        String[] cells = text.split(",", -1);
        if (!rows.isEmpty() && cells.length != rows.get(0).length) {
          throw new IllegalArgumentException(file + ":" + line + ": " + cells.length + " prices, but the first row has "
              + rows.get(0).length);
        }
        float[] row = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
          double v;
          try {
            v = Double.parseDouble(cells[i].strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + line + ": column " + (i + 1) + " is not a number: '"
                + cells[i].strip() + "'");
          }
          if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(file + ":" + line + ": column " + (i + 1) + " is not a positive price: "
                + cells[i].strip());
          }
          row[i] = (float) v;
        }
        rows.add(row);
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + ": no paths");
    }
    if (rows.get(0).length < 3) {
      throw new IllegalArgumentException(file + ": paths of " + rows.get(0).length + " prices; at least 3 are needed");
    }
    return rows.toArray(new float[0][]);
  }

  public static void write(Path file, float[][] paths) throws IOException {
    StringBuilder s = new StringBuilder();
    for (float[] row : paths) {
      for (int i = 0; i < row.length; i++) {
        s.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", row[i]));
      }
      s.append('\n');
    }
    AtomicFiles.writeString(file, s.toString());
  }

  /** Where {@code simulate} records the truth beside a paths file: {@code paths.csv} → {@code paths.truth.json}. */
  public static Path truthFile(Path paths) {
    String name = paths.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return paths.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".truth.json");
  }
}
