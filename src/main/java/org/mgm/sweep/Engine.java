package org.mgm.sweep;

import java.util.List;

/**
 * Runs a grid's cells: in this process one after another ({@link LocalEngine}) or as tasks of a
 * distributed engine. Cells are independent and idempotent, so an engine may run them in any
 * order, at once, or twice; the table is assembled from their result.json files afterwards.
 */
public interface Engine extends AutoCloseable {
  /** Runs every cell not yet done; returns when all are, or throws naming a cell that failed. */
  void run(List<Cell> cells) throws Exception;

  /** Releases what the engine holds (a Spark context); the local engine holds nothing. */
  @Override
  default void close() {}
}
