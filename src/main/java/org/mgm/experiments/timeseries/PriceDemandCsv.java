package org.mgm.experiments.timeseries;

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
 * The electricity data in the paper's layout, loaded as the reference code's
 * {@code real_data_loading(method='z_score')} does with the paper's settings (T = 24, stride 24).
 *
 * <p>Layout: one header row, then one row per hour with 4 comma-separated numbers: columns 0–2
 * are the day-ahead prices (Spain, France, Portugal; column 1, France, is the modelled agent)
 * and column 3 is the Spanish demand (the mixer's output). Blank lines are skipped, as
 * {@code np.loadtxt} does; line numbers in messages count them.
 *
 * <p>Scaling: per column over all hours, x ← tanh((x − mean)/(3·std)) with numpy's default
 * population std (ddof = 0, {@code np.std}), as the reference. The tanh maps into (−1, 1) and
 * squashes rare price spikes; 3·std leaves the bulk of the data nearly linear.
 *
 * <p>Windows: {@code data[i:i+T]} for i in {@code range(0, N − T, stride)}. The reference's bound
 * N − T (not N − T + 1) drops the last window when it would end exactly at the last row, so 6,000
 * rows (250 days) give 249 windows, as the paper reports; we keep that off-by-one.
 */
public final class PriceDemandCsv {
  public static final int COLUMNS = 4;
  public static final int DEMAND = 3;
  /** The modelled agent's price column (France). */
  public static final int AGENT = 1;
  public static final int LENGTH = 24;
  public static final int STRIDE = 24;
  public static final String HEADER = "price_spain,price_france,price_portugal,demand_spain";

  private PriceDemandCsv() {}

  /**
   * Scaled windows of one file.
   *
   * @param rows N, the hourly rows of the file (before windowing)
   * @param windows [n][T][4], in time order
   */
  public record Windows(Path source, int rows, int length, int stride, double[][][] windows) {
    public int count() {
      return windows.length;
    }

    /** One column of every window, [n][T] (for ACE on the agent or the demand). */
    public double[][] column(int c) {
      double[][] out = new double[windows.length][length];
      for (int i = 0; i < windows.length; i++) {
        for (int t = 0; t < length; t++) {
          out[i][t] = windows[i][t][c];
        }
      }
      return out;
    }
  }

  /** Reads, scales and windows a file with the paper's T = 24, stride 24. */
  public static Windows load(Path file) {
    return load(file, LENGTH, STRIDE);
  }

  public static Windows load(Path file, int length, int stride) {
    if (length < 1 || stride < 1) {
      throw new IllegalArgumentException("window length and stride must be ≥ 1, got " + length + " and " + stride);
    }
    Raw raw = readRaw(file);
    if (windowCount(raw.rows.length, length, stride) == 0) {
      throw new CsvFormatException(file, raw.lastLine, raw.rows.length + " data rows, need at least " + (length + 1)
          + " for one window of " + length + " hours (the reference windows range(0, N − T, stride))");
    }
    return scaled(file, raw.rows, length, stride);
  }

  /**
   * Rows [N][4] already in memory (the synthetic stand-in), scaled and windowed as a file is.
   *
   * @param source what the rows are, for messages and {@link Windows#source()}
   */
  public static Windows scaled(Path source, double[][] rows, int length, int stride) {
    double[][] scaled = scale(source, rows);
    return new Windows(source, scaled.length, length, stride, windows(scaled, length, stride));
  }

  /** The unscaled rows [N][4] of a file, checked. */
  public static double[][] read(Path file) {
    return readRaw(file).rows;
  }

  private record Raw(double[][] rows, int lastLine) {}

  private static Raw readRaw(Path file) {
    List<double[]> rows = new ArrayList<>();
    int lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      boolean header = true;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (header) {
          // A header of another width means another layout (an index or date column, say).
          if (cells.length != COLUMNS) {
            throw new CsvFormatException(file, lineNumber, "header has " + cells.length + " columns, expected "
                + COLUMNS + " (3 prices, then demand)");
          }
          // The reference skips the first row unread; a numeric one would be a lost hour.
          if (allNumeric(cells)) {
            throw new CsvFormatException(file, lineNumber, "the first row is numbers, expected a header row"
                + " (the layout has one, e.g. " + HEADER + ")");
          }
          header = false;
          continue;
        }
        if (cells.length != COLUMNS) {
          throw new CsvFormatException(file, lineNumber, cells.length + " columns, expected " + COLUMNS
              + " (3 prices, then demand)");
        }
        double[] row = new double[COLUMNS];
        for (int c = 0; c < COLUMNS; c++) {
          row[c] = number(file, lineNumber, c, cells[c]);
        }
        rows.add(row);
      }
      if (header) {
        throw new CsvFormatException(file, Math.max(1, lineNumber), "no header row: the file is empty");
      }
    } catch (IOException e) {
      throw new CsvFormatException(file, "cannot read: " + e.getMessage());
    }
    return new Raw(rows.toArray(new double[0][]), lineNumber);
  }

  private static boolean allNumeric(String[] cells) {
    for (String c : cells) {
      try {
        Double.parseDouble(c.strip());
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  private static double number(Path file, int line, int column, String cell) {
    String s = cell.strip();
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new CsvFormatException(file, line, "column " + (column + 1) + " value '" + s + "' is not a number");
    }
    if (!Double.isFinite(v)) {
      // NaN or ±Infinity would poison the mean and std of the whole column.
      throw new CsvFormatException(file, line, "column " + (column + 1) + " value '" + s + "' is not a finite number");
    }
    return v;
  }

  /** tanh((x − mean)/(3·std)) per column, population std; a new array. */
  static double[][] scale(Path file, double[][] rows) {
    int n = rows.length;
    double[][] out = new double[n][COLUMNS];
    for (int c = 0; c < COLUMNS; c++) {
      double mean = 0;
      for (double[] r : rows) {
        mean += r[c];
      }
      mean /= n;
      double ss = 0;
      for (double[] r : rows) {
        ss += (r[c] - mean) * (r[c] - mean);
      }
      double std = Math.sqrt(ss / n);
      if (!(std > 0)) {
        throw new CsvFormatException(file, "column " + (c + 1) + " is constant (" + rows[0][c]
            + " in every row), it cannot be scaled by its std");
      }
      for (int i = 0; i < n; i++) {
        out[i][c] = Math.tanh((rows[i][c] - mean) / (3 * std));
      }
    }
    return out;
  }

  /** len(range(0, N − T, stride)): 0 when N ≤ T. */
  public static int windowCount(int rows, int length, int stride) {
    int span = rows - length;
    return span <= 0 ? 0 : (span + stride - 1) / stride;
  }

  /** {@code data[i:i+T]} for i in range(0, N − T, stride), copies. */
  public static double[][][] windows(double[][] rows, int length, int stride) {
    int n = windowCount(rows.length, length, stride);
    double[][][] out = new double[n][length][];
    for (int w = 0; w < n; w++) {
      for (int t = 0; t < length; t++) {
        out[w][t] = rows[w * stride + t].clone();
      }
    }
    return out;
  }

  /** Writes rows [N][4] in this layout, with {@link #HEADER}; atomically. */
  public static void write(Path file, double[][] rows) throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (double[] r : rows) {
      if (r.length != COLUMNS) {
        throw new IllegalArgumentException("a price/demand row has " + COLUMNS + " values, got " + r.length);
      }
      b.append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f\n", r[0], r[1], r[2], r[3]));
    }
    AtomicFiles.writeString(file, b.toString());
  }
}
