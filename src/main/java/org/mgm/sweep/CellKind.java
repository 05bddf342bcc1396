package org.mgm.sweep;

/**
 * How one kind of cell is trained: an experiment's single training, run into the cell's
 * directory so that it resumes from the checkpoint there and ends with {@code result.json}.
 * Kinds are found by name through {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/org.mgm.sweep.CellKind}), so that an engine ships only the name and a
 * worker JVM finds the code in the same jar; an implementation needs a public no-argument
 * constructor and must not keep state between cells, since one JVM may run several at once.
 */
public interface CellKind {
  /** The name cells of this kind carry. */
  String name();

  /** Trains the cell (or continues it from its newest checkpoint) and writes its result.json. */
  void run(Cell cell) throws Exception;

  /**
   * Reads the cell's parameters as {@link #run} will, without training: a cell that cannot be
   * read fails here, before any cell of its grid has started. Throws IllegalArgumentException
   * (or the config's own exception) naming the cell and what is wrong.
   */
  void check(Cell cell) throws Exception;
}
