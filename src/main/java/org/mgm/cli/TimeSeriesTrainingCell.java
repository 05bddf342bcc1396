package org.mgm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.mgm.experiments.timeseries.AgentRun;
import org.mgm.experiments.timeseries.PriceDemandCsv;
import org.mgm.experiments.timeseries.TimeSeriesData;
import org.mgm.experiments.timeseries.TimeSeriesMethod;
import org.mgm.experiments.timeseries.TimeSeriesScenario;
import org.mgm.runtime.RunDirectory;
import org.mgm.sweep.Cell;
import org.mgm.sweep.CellKind;

/**
 * One training of the time-series table (a scenario, a method, a seed) as a cell, its settings
 * the table's own training options ({@link OptionParams}), so that it trains exactly what
 * {@code timeseries run} would with those options.
 */
public final class TimeSeriesTrainingCell implements CellKind {
  public static final String NAME = "timeseries-training";
  /** Options that say where the table goes or which cells it has, not how one training runs. */
  private static final Set<String> NOT_TRAINING = Set.of("out", "mixer", "seed");
  private static final Set<String> PATHS = Set.of("data");

  @Override
  public String name() {
    return NAME;
  }

  /** The cell of one training of the table whose options are {@code cmd}, in a directory under {@code table}. */
  static Cell of(CommandLine cmd, TimeSeriesRunOptions opts, TimeSeriesScenario scenario, TimeSeriesMethod method,
      long seed, Path table) {
    Map<String, String> p = new LinkedHashMap<>(OptionParams.of(cmd, trainingOptions(), NOT_TRAINING, PATHS));
    p.put("scenario", scenario.name());
    p.put("method", method.key());
    p.put("seed", Long.toString(seed));
    AgentRun.Spec spec = opts.spec(scenario, method, opts.settings());
    if (spec.mixerDir() != null) {
      p.put("mixer", spec.mixerDir().toAbsolutePath().normalize().toString());
    }
    String id = scenario.name() + "-" + method.key() + "-seed-" + seed;
    return new Cell(id, NAME, p, table.resolve(id).toAbsolutePath().normalize().toString());
  }

  /** The training a cell describes, its options read and checked as the table read them. */
  static AgentRun.Spec spec(Cell cell) {
    TimeSeriesRunOptions opts = options(cell);
    var settings = opts.settings().toBuilder().seed(Long.parseLong(cell.param("seed"))).build();
    String mixer = cell.params().get("mixer");
    return new AgentRun.Spec(TimeSeriesScenario.named(cell.param("scenario")),
        TimeSeriesMethod.named(cell.param("method")), settings, opts.subsetSeed(), mixer == null ? null : Path.of(mixer));
  }

  @Override
  public void check(Cell cell) {
    spec(cell);
  }

  @Override
  public void run(Cell cell) throws Exception {
    TimeSeriesRunOptions opts = options(cell);
    AgentRun.Spec spec = spec(cell);
    PriceDemandCsv.Windows data = TimeSeriesData.load(opts.data());
    AgentRun.run(data, spec, AgentRun.readMixer(spec), opts.evaluation(), RunDirectory.at(cell.path()));
  }

  private static TimeSeriesRunOptions options(Cell cell) {
    try {
      return TimeSeriesRunOptions.read(OptionParams.read(cell, trainingOptions()));
    } catch (UsageException e) {
      throw new IllegalArgumentException("cell " + cell.id() + ": " + e.getMessage(), e);
    }
  }

  private static Options trainingOptions() {
    Options o = new Options();
    TimeSeriesCommands.addTrainingOptions(o);
    TimeSeriesCommands.addAgentOptions(o);
    return o;
  }
}
