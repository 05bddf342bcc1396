package org.mgm.experiments.fewshot;

import java.nio.file.Path;
import org.mgm.config.Config;
import org.mgm.sweep.Cell;
import org.mgm.sweep.CellKind;

/** One few-shot adaptation of the table (a variant, a shot count, a run) as a cell. */
public final class FewShotCell implements CellKind {
  public static final String NAME = "fewshot-adaptation";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void check(Cell cell) {
    experiment(cell);
    try {
      FewShotExperiment.variant(cell.param("method"), cell.param("variant"));
      Integer.parseInt(cell.param("shots"));
      Integer.parseInt(cell.param("run"));
    } catch (IllegalArgumentException e) { // NumberFormatException among them
      throw new IllegalArgumentException("cell " + cell.id() + ": " + e.getMessage(), e);
    }
  }

  private static FewShotExperiment experiment(Cell cell) {
    return new FewShotExperiment(Config.parse("cell " + cell.id() + " config", cell.param("config")));
  }

  @Override
  public void run(Cell cell) throws Exception {
    FewShotExperiment e = experiment(cell);
    e.runCell(FewShotExperiment.variant(cell.param("method"), cell.param("variant")),
        Integer.parseInt(cell.param("shots")), Integer.parseInt(cell.param("run")), Path.of(cell.param("table")),
        cell.path());
  }
}
