package org.mgm.experiments.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mgm.runtime.AtomicFiles;
import org.mgm.runtime.MetricsCsv;

/**
 * A Table-1-shaped result for one scenario: the baseline once (it does not depend on β) and MGM
 * at every β, with the relative gain (base − MGM)/base, averaged over all β as the paper does.
 */
public final class SweepTable {
  private final String scenario;
  private final String mode;
  private final AgentRun.Result baseline;
  private final List<AgentRun.Result> mgm;

  public SweepTable(String scenario, String mode, AgentRun.Result baseline, List<AgentRun.Result> mgm) {
    this.scenario = scenario;
    this.mode = mode;
    this.baseline = baseline;
    this.mgm = List.copyOf(mgm);
  }

  public double gain(AgentRun.Result r) {
    double base = baseline.w1().exact().mean();
    return (base - r.w1().exact().mean()) / base;
  }

  public double meanGain() {
    return mgm.stream().mapToDouble(this::gain).average().orElse(Double.NaN);
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("W1 (exact, z-scored units), mean (std) over runs; scenario ").append(scenario)
        .append(", MGM mode ").append(mode).append("\n\n");
    sb.append("| Scenario | Baseline |");
    for (AgentRun.Result r : mgm) {
      sb.append(" β=").append(trim(r.spec().beta())).append(" |");
    }
    sb.append(" mean gain |\n|---|---|");
    sb.append("---|".repeat(mgm.size())).append("---|\n");
    sb.append("| ").append(scenario).append(" | ").append(baseline.w1().exact().format()).append(" |");
    for (AgentRun.Result r : mgm) {
      sb.append(' ').append(r.w1().exact().format()).append(" |");
    }
    sb.append(String.format(Locale.ROOT, " %.1f %% |%n", 100 * meanGain()));
    sb.append("| gain | |");
    for (AgentRun.Result r : mgm) {
      sb.append(String.format(Locale.ROOT, " %.1f %% |", 100 * gain(r)));
    }
    sb.append(" |\n");
    if (baseline.w1().entropic() != null) {
      sb.append("| entropic (sinkhorn reg 0.1) | ").append(baseline.w1().entropic().format()).append(" |");
      for (AgentRun.Result r : mgm) {
        sb.append(' ').append(r.w1().entropic() == null ? "" : r.w1().entropic().format()).append(" |");
      }
      sb.append(" |\n");
    }
    return sb.toString();
  }

  public void write(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve("table-" + scenario + "-" + mode + ".md"), markdown());
    List<List<String>> rows = new ArrayList<>();
    rows.add(row(baseline, "baseline", Double.NaN));
    for (AgentRun.Result r : mgm) {
      rows.add(row(r, "mgm-" + mode, gain(r)));
    }
    MetricsCsv.writeTable(dir.resolve("table-" + scenario + "-" + mode + ".csv"),
        List.of("scenario", "method", "beta", "w1_mean", "w1_std", "entropic_mean", "entropic_std", "gain", "run_dir"), rows);
  }

  private List<String> row(AgentRun.Result r, String method, double gain) {
    var e = r.w1().entropic();
    return List.of(scenario, method, method.equals("baseline") ? "" : trim(r.spec().beta()),
        fmt(r.w1().exact().mean()), fmt(r.w1().exact().std()),
        e == null ? "" : fmt(e.mean()), e == null ? "" : fmt(e.std()),
        Double.isNaN(gain) ? "" : fmt(gain), r.runDir().toString());
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("mode", mode);
    m.put("baseline", baseline.w1().exact().toMap());
    List<Object> rows = new ArrayList<>();
    for (AgentRun.Result r : mgm) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("beta", r.spec().beta());
      row.put("w1", r.w1().exact().toMap());
      row.put("gain", gain(r));
      rows.add(row);
    }
    m.put("mgm", rows);
    m.put("mean_gain", meanGain());
    return m;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  private static String trim(double beta) {
    return new java.math.BigDecimal(Double.toString(beta)).stripTrailingZeros().toPlainString();
  }
}
