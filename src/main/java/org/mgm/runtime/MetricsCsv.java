package org.mgm.runtime;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * metrics.csv of a run: a fixed header and one row per record, flushed at once so that a run
 * that dies still leaves the metrics it had.
 */
public final class MetricsCsv implements AutoCloseable {
  private final BufferedWriter out;
  private final int columns;

  public MetricsCsv(Path file, List<String> header) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.columns = header.size();
    out.write(String.join(",", header));
    out.newLine();
    out.flush();
  }

  private MetricsCsv(BufferedWriter out, int columns) {
    this.out = out;
    this.columns = columns;
  }

  /**
   * Reopens a resumed run's metrics.csv: keeps the header and the rows up to {@code iteration}
   * (first column), drops what the killed run logged after its checkpoint (rewritten atomically),
   * and appends from there. The kept rows come back through {@code kept}.
   */
  public static MetricsCsv resume(Path file, List<String> header, int iteration, List<double[]> kept)
      throws IOException {
    List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    if (lines.isEmpty() || !lines.get(0).equals(String.join(",", header))) {
      throw new IOException(file + ": its header is not " + String.join(",", header) + "; cannot resume into it");
    }
    StringBuilder sb = new StringBuilder(lines.get(0)).append('\n');
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length != header.size()) {
        break; // the half-written last line of a killed run
      }
      double[] row = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        row[i] = f[i].isEmpty() || f[i].equals("NaN") ? Double.NaN : Double.parseDouble(f[i]);
      }
      if (row[0] > iteration) {
        break;
      }
      kept.add(row);
      sb.append(line).append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
    return new MetricsCsv(Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND),
        header.size());
  }

  public void append(double... values) throws IOException {
    if (values.length != columns) {
      throw new IllegalArgumentException(values.length + " values for " + columns + " columns");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      double v = values[i];
      sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v));
    }
    out.write(sb.toString());
    out.newLine();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** A whole table at once, written atomically, fields quoted where CSV needs it. */
  public static void writeTable(Path file, List<String> header, List<List<String>> rows) throws IOException {
    StringBuilder sb = new StringBuilder();
    line(sb, header);
    for (List<String> r : rows) {
      if (r.size() != header.size()) {
        throw new IllegalArgumentException("row of " + r.size() + " fields for " + header.size() + " columns");
      }
      line(sb, r);
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  private static void line(StringBuilder sb, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      String f = fields.get(i);
      if (f.contains(",") || f.contains("\"") || f.contains("\n")) {
        sb.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(f);
      }
    }
    sb.append('\n');
  }
}
