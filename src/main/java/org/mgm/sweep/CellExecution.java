package org.mgm.sweep;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** What every engine does with one cell, wherever it runs: skip it if done, else run and confirm it. */
public final class CellExecution {
  private static final Logger LOG = LogManager.getLogger(CellExecution.class);

  /** How a cell's turn ended. */
  public enum Outcome { SKIPPED_DONE, RAN }

  private CellExecution() {}

  /**
   * Every cell of a grid read as its kind will read it, before any runs; an engine calls this
   * first, so that one bad cell stops the table with nothing trained and nothing half-written.
   */
  public static void checkAll(java.util.List<Cell> cells) throws Exception {
    java.util.Set<String> ids = new java.util.HashSet<>();
    java.util.Set<String> dirs = new java.util.HashSet<>();
    for (Cell c : cells) {
      if (!ids.add(c.id()) || !dirs.add(c.dir())) {
        throw new IllegalArgumentException("cell " + c.id() + ": its name or directory is another cell's (" + c.dir() + ")");
      }
      try {
        Integer.parseInt(c.params().getOrDefault(Cell.THREADS, "0"));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("cell " + c.id() + ": parameter " + Cell.THREADS + " is not an integer", e);
      }
      CellKinds.named(c.kind()).check(c);
    }
  }

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
