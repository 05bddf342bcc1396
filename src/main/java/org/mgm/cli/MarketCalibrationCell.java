package org.mgm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.mgm.experiments.market.CalibrationRun;
import org.mgm.runtime.RunDirectory;
import org.mgm.sweep.Cell;
import org.mgm.sweep.CellKind;

/**
 * One calibration of a market sweep (one initialisation) as a cell, its settings the calibrate
 * command's own options ({@link OptionParams}).
 */
public final class MarketCalibrationCell implements CellKind {
  public static final String NAME = "market-calibration";
  /** calibrations.csv: one row per initialisation; the errors are empty without a truth file. */
  static final List<String> COLUMNS = List.of("init_seed", "b", "c", "d", "relative_error_b", "relative_error_c",
      "relative_error_d", "path_error_max", "path_error_mean", "seconds");
  /** Options that say where the sweep goes or which cells it has, not how one calibration runs. */
  private static final Set<String> NOT_CALIBRATION = Set.of("out", "init-seed", "json", "engine", "master",
      "cell-threads", "executor-wait");

  @Override
  public String name() {
    return NAME;
  }

  static Cell of(CommandLine cmd, long initSeed, Path sweep) {
    Map<String, String> p = new LinkedHashMap<>(OptionParams.of(cmd, new MarketCommands.CalibrateCommand().options(),
        NOT_CALIBRATION, Set.of("data")));
    p.put("init_seed", Long.toString(initSeed));
    String id = "init-" + initSeed;
    return new Cell(id, NAME, p, sweep.resolve(id).toAbsolutePath().normalize().toString());
  }

  @Override
  public void check(Cell cell) throws Exception {
    request(cell);
  }

  @Override
  public void run(Cell cell) throws Exception {
    MarketCommands.CalibrateCommand.Request req = request(cell);
    CalibrationRun.run(req.market(), req.settings(), req.observed(), req.truth(), RunDirectory.at(cell.path()));
  }

  private static MarketCommands.CalibrateCommand.Request request(Cell cell) throws java.io.IOException {
    CommandLine cmd = OptionParams.read(cell, new MarketCommands.CalibrateCommand().options());
    try {
      return MarketCommands.CalibrateCommand.request(cmd, Long.parseLong(cell.param("init_seed")));
    } catch (UsageException | NumberFormatException e) {
      throw new IllegalArgumentException("cell " + cell.id() + ": " + e.getMessage(), e);
    }
  }

  /** A calibrations.csv row from one cell's result.json. */
  @SuppressWarnings("unchecked")
  static List<String> row(long initSeed, Map<String, Object> result, Path file) {
    List<String> row = new ArrayList<>(List.of(Long.toString(initSeed)));
    Map<String, Object> params = (Map<String, Object>) result.get("parameters");
    if (params == null) {
      throw new IllegalArgumentException(file + ": no 'parameters'");
    }
    for (String k : List.of("b", "c", "d")) {
      row.add(text(((Map<String, Object>) params.get(k)).get("recovered")));
    }
    for (String k : List.of("b", "c", "d")) {
      row.add(text(((Map<String, Object>) params.get(k)).get("relative_error")));
    }
    Map<String, Object> error = (Map<String, Object>) result.get("path_error");
    row.add(error == null ? "" : text(error.get("max")));
    row.add(error == null ? "" : text(error.get("mean")));
    row.add(text(result.get("seconds")));
    return row;
  }

  /** A number as %.6g, a list (one value per trader) space-separated, nothing as empty. */
  private static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof List<?> list) {
      return String.join(" ", list.stream().map(MarketCalibrationCell::text).toList());
    }
    return v instanceof Number n ? String.format(Locale.ROOT, "%.6g", n.doubleValue()) : v.toString();
  }
}
