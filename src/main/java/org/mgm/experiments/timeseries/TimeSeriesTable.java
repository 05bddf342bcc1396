package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.MetricsCsv;

/**
 * Table 2 from finished trainings: per (model, scenario) the mean and std (n − 1) over trainings
 * of each training's ACE, as table-2.md (the paper's layout, models as rows) and table-2.csv (one
 * row per cell: model, scenario, ace_mean, ace_std, runs).
 */
public final class TimeSeriesTable {
  public static final String MARKDOWN = "table-2.md";
  public static final String CSV = "table-2.csv";

  private final String data;
  private final CotGanTrainingSettings settings;
  private final int runsPerCell;
  private final Map<TimeSeriesMethod, Map<String, List<Double>>> cells = new LinkedHashMap<>();
  private final List<String> scenarios = new ArrayList<>();
  private double millis;
  private int trainings;

  public TimeSeriesTable(String data, CotGanTrainingSettings settings, int runsPerCell) {
    this.data = data;
    this.settings = settings;
    this.runsPerCell = runsPerCell;
  }

  public void add(AgentRun.Result r) {
    String sc = r.spec().scenario().name();
    if (!scenarios.contains(sc)) {
      scenarios.add(sc);
    }
    cells.computeIfAbsent(r.spec().method(), m -> new LinkedHashMap<>()).computeIfAbsent(sc, s -> new ArrayList<>())
        .add(r.ace());
    millis += r.millisPerIteration();
    trainings++;
  }

  static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  static double std(List<Double> v) {
    if (v.size() < 2) {
      return Double.NaN;
    }
    double m = mean(v);
    return Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (v.size() - 1));
  }

  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("ACE (lower is better): Σ over the 24 lags of |ρ_fake(t) − ρ_real(t)|, mean (std) over trainings, ")
        .append(String.format(Locale.ROOT, "each training's ACE the mean of its final agent over sample draws. "
            + "Data: %s; %d iterations, batch 32 + 32, Adam %.0e, α = %.2f on the feedback, Sinkhorn ε %.0f, L %d; "
            + "%d trainings per cell planned.%n%n", data, settings.iterations(), settings.generator().learningRate(),
            settings.feedbackWeight(), settings.cot().epsilon(), settings.cot().iterations(), runsPerCell));
    b.append("| Model |");
    scenarios.forEach(s -> b.append(' ').append(s).append(" |"));
    b.append("\n|---|");
    scenarios.forEach(s -> b.append("---|"));
    b.append('\n');
    for (var row : cells.entrySet()) {
      b.append("| ").append(row.getKey().model()).append(" |");
      for (String s : scenarios) {
        List<Double> v = row.getValue().get(s);
        b.append(v == null ? " – |" : String.format(Locale.ROOT, " %.3f (%.3f) n=%d |", mean(v), std(v), v.size()));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Writes both files into {@code dir}, each atomically. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve(MARKDOWN), markdown());
    List<List<String>> rows = new ArrayList<>();
    for (var row : cells.entrySet()) {
      for (String s : scenarios) {
        List<Double> v = row.getValue().get(s);
        if (v != null) {
          rows.add(List.of(row.getKey().model(), s, String.format(Locale.ROOT, "%.6f", mean(v)),
              String.format(Locale.ROOT, "%.6f", std(v)), Integer.toString(v.size())));
        }
      }
    }
    MetricsCsv.writeTable(dir.resolve(CSV), List.of("model", "scenario", "ace_mean", "ace_std", "runs"), rows);
  }

  /** Mean ms per iteration over the trainings so far. */
  public double millisPerIteration() {
    return trainings == 0 ? Double.NaN : millis / trainings;
  }
}
