package org.mgm.experiments.synthetic;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.config.Config;
import org.mgm.feedback.UpdateMode;
import org.mgm.runtime.RunDirectory;
import org.mgm.sweep.Cell;
import org.mgm.sweep.CellKind;

/**
 * A synthetic table's cell: one agent training ({@link AgentRun}) of the baseline or of MGM at
 * one β. The cell carries the resolved config as YAML and the mixer as an absolute path, so a
 * worker needs neither the config file nor the table's working directory.
 */
public final class SyntheticAgentCell implements CellKind {
  public static final String NAME = "synthetic-agent";

  @Override
  public String name() {
    return NAME;
  }

  /** The cell of {@code spec} in {@code dir}, named {@code id}. */
  public static Cell of(String id, SyntheticSetup setup, AgentRun.Spec spec, Path dir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("config", setup.config().toYaml());
    p.put("scenario", spec.scenario());
    p.put("beta", Double.toString(spec.beta()));
    p.put("feedback", Boolean.toString(spec.feedback()));
    p.put("mode", spec.mode().name());
    if (spec.feedback()) {
      Path mixer = spec.mixer() != null ? spec.mixer() : setup.mixerDir(spec.beta());
      p.put("mixer", mixer.toAbsolutePath().normalize().toString());
    }
    return new Cell(id, NAME, p, dir.toAbsolutePath().normalize().toString());
  }

  /** The training a cell describes. */
  public static AgentRun.Spec spec(Cell cell) {
    boolean feedback = Boolean.parseBoolean(cell.param("feedback"));
    return new AgentRun.Spec(cell.param("scenario"), Double.parseDouble(cell.param("beta")), feedback,
        UpdateMode.valueOf(cell.param("mode")), feedback ? Path.of(cell.param("mixer")) : null);
  }

  public static SyntheticSetup setup(Cell cell) {
    return SyntheticSetup.from(Config.parse("cell " + cell.id() + " config", cell.param("config")));
  }

  @Override
  public void check(Cell cell) {
    setup(cell);
    spec(cell);
  }

  @Override
  public void run(Cell cell) throws Exception {
    AgentRun.run(setup(cell), spec(cell), RunDirectory.at(cell.path()));
  }
}
