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
  /** One row per training: model, scenario, seed, ace, kept_iteration, ms_per_iteration. */
  public static final String TRAININGS = "trainings.csv";

  private final String data;
  private final CotGanTrainingSettings settings;
  private final Map<TimeSeriesMethod, Map<String, List<Double>>> cells = new LinkedHashMap<>();
  private final List<String> scenarios = new ArrayList<>();
  private final List<List<String>> trainingRows = new ArrayList<>();
  private double millis;
  private int trainings;

  public TimeSeriesTable(String data, CotGanTrainingSettings settings) {
    this.data = data;
    this.settings = settings;
  }

  public void add(AgentRun.Result r) {
    add(r.spec().method(), r.spec().scenario().name(), r.spec().settings().seed(), r.ace(), r.keptIteration(),
        r.millisPerIteration());
  }

  private void add(TimeSeriesMethod method, String scenario, long seed, double ace, int kept, double ms) {
    trainingRows.add(List.of(method.model(), scenario, Long.toString(seed), String.format(Locale.ROOT, "%.6f", ace),
        Integer.toString(kept), String.format(Locale.ROOT, "%.1f", ms)));
    if (!scenarios.contains(scenario)) {
      scenarios.add(scenario);
    }
    cells.computeIfAbsent(method, m -> new LinkedHashMap<>()).computeIfAbsent(scenario, s -> new ArrayList<>())
        .add(ace);
    millis += ms;
    trainings++;
  }

  /**
   * The table of a finished or interrupted {@code mgm timeseries table} run, rebuilt from the
   * result.json of each training under {@code tableRun}, in the order they ran.
   */
  public static TimeSeriesTable fromRuns(Path tableRun) throws IOException {
    List<Path> results = new ArrayList<>();
    try (var dirs = Files.list(tableRun)) {
      for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
        if (Files.isRegularFile(d.resolve("result.json"))) {
          results.add(d.resolve("result.json"));
        }
      }
    }
    if (results.isEmpty()) {
      throw new IllegalArgumentException(tableRun + ": no training result.json under it");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Path f : results) {
      try {
        rows.add(org.mgm.runtime.Json.parseFlat(Files.readString(f)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(f + ": not a time-series result (" + e.getMessage() + ")", e);
      }
    }
    // The grid's order, as the table command lays it out: scenario, method, seed.
    rows.sort(java.util.Comparator.<Map<String, Object>>comparingInt(
            r -> TimeSeriesScenario.NAMES.indexOf(String.valueOf(r.get("scenario"))))
        .thenComparingInt(r -> TimeSeriesMethod.NAMES.indexOf(String.valueOf(r.get("method"))))
        .thenComparingDouble(r -> r.get("seed") instanceof Number n ? n.doubleValue() : 0));
    Map<String, Object> first = rows.get(0);
    Object alpha = first.get("alpha_on_feedback");
    CotGanTrainingSettings settings = CotGanTrainingSettings.builder()
        .iterations(number(first, "iterations", results.get(0)).intValue())
        .learningRate(number(first, "learning_rate", results.get(0)).floatValue())
        .cot(org.mgm.gan.CotGanSettings.builder().iterations(number(first, "sinkhorn_iterations", results.get(0)).intValue())
            .build())
        .build();
    for (Map<String, Object> r : rows) {
      if (r.get("alpha_on_feedback") instanceof Double a && !a.isNaN()) {
        settings = settings.toBuilder().feedbackWeight(a).build();
      }
    }
    TimeSeriesTable t = new TimeSeriesTable(String.valueOf(first.get("data")), settings);
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> r = rows.get(i);
      Path f = results.get(i);
      t.add(TimeSeriesMethod.named(String.valueOf(r.get("method"))), String.valueOf(r.get("scenario")),
          number(r, "seed", f).longValue(), number(r, "ace", f), number(r, "kept_iteration", f).intValue(),
          number(r, "ms_per_iteration", f));
    }
    return t;
  }

  private static Double number(Map<String, Object> r, String key, Path file) {
    if (!(r.get(key) instanceof Double d)) {
      throw new IllegalArgumentException(file + ": no number '" + key + "'");
    }
    return d;
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
        .append(String.format(Locale.ROOT, "each training's ACE that of the agent it kept (best ACE on its own "
            + "training windows), averaged over sample draws against all windows. "
            + "Data: %s; %d iterations, batch 32 + 32, Adam %.0e, α = %.2f on the feedback, Sinkhorn ε %.0f, L %d; "
            + "n trainings per cell.%n%n", data, settings.iterations(), settings.generator().learningRate(),
            settings.feedbackWeight(), settings.cot().epsilon(), settings.cot().iterations()));
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
    MetricsCsv.writeTable(dir.resolve(TRAININGS),
        List.of("model", "scenario", "seed", "ace", "kept_iteration", "ms_per_iteration"), trainingRows);
  }

  /** Mean ms per iteration over the trainings so far. */
  public double millisPerIteration() {
    return trainings == 0 ? Double.NaN : millis / trainings;
  }
}
