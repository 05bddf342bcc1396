package org.mgm.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Readings a run takes on the host at each logged row, beyond the graph's metrics (an ACE of
 * samples drawn with Java-side noise), and the state they keep from row to row (the best agent
 * seen so far). That state is host memory the TF checkpoint cannot see, so every checkpoint
 * carries it, for a resumed run to choose what the uninterrupted one would. Their time is
 * evaluation, not training: {@link TrainingLoop} leaves it out of ms/iteration. A reading must
 * not run the graph's random ops (those are counted and replayed only through {@link Training}).
 */
public interface HostReadings {
  /** The metrics.csv columns after the graph's metrics. */
  List<String> columns();

  /** One value per column at a logged row; {@code metrics} are the graph's at that row. */
  double[] read(int iteration, Map<String, Double> metrics) throws IOException;

  /** Writes the kept state into a checkpoint being built (a directory of its own). */
  void save(Path checkpointDir) throws IOException;

  /** Reads back what {@link #save} wrote; called once, before the first iteration of a resume. */
  void restore(Path checkpointDir) throws IOException;

  /** No readings: the loop's default. */
  HostReadings NONE = new HostReadings() {
    @Override
    public List<String> columns() {
      return List.of();
    }

    @Override
    public double[] read(int iteration, Map<String, Double> metrics) {
      return new double[0];
    }

    @Override
    public void save(Path checkpointDir) {}

    @Override
    public void restore(Path checkpointDir) {}
  };
}
