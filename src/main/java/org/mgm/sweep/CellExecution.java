package org.mgm.sweep;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** What every engine does with one cell, wherever it runs: skip it if done, else run and confirm it. */
public final class CellExecution {
  private static final Logger LOG = LogManager.getLogger(CellExecution.class);

  /** How a cell's turn ended. */
  public enum Outcome { SKIPPED_DONE, RAN }

  private CellExecution() {}

  public static Outcome runOne(Cell cell) throws Exception {
    if (CellCompletion.isDone(cell.path())) {
      LOG.info("cell {}: finished before; its result is kept", cell.id());
      return Outcome.SKIPPED_DONE;
    }
    org.mgm.runtime.Sessions.useThreads(Integer.parseInt(cell.params().getOrDefault(Cell.THREADS, "0")));
    CellCompletion.clearUnconfirmed(cell.path());
    CellKinds.named(cell.kind()).run(cell);
    CellCompletion.markDone(cell.path());
    return Outcome.RAN;
  }
}
