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
