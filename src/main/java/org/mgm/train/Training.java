package org.mgm.train;

import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/**
 * One training in one graph and one session: the schedule that one iteration runs and the
 * metrics it reports. Experiments build the graph (modules, losses, phases) and hand it here;
 * every experiment's loop is then this class's {@link #iterate()}.
 */
public final class Training implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final Schedule schedule;
  private final Metrics metrics;
  private int iteration;

  /** Takes ownership of the graph and session; the session must already be initialized. */
  public Training(Graph graph, Session session, Schedule schedule, Metrics metrics) {
    this.graph = graph;
    this.session = session;
    this.schedule = schedule;
    this.metrics = metrics;
  }

  /** One iteration: every due phase in schedule order. */
  public void iterate() {
    iteration++;
    schedule.run(session, iteration);
  }

  /** Iterations run so far. */
  public int iteration() {
    return iteration;
  }

  public Map<String, Double> metrics() {
    return metrics.read(session);
  }

  public Schedule schedule() {
    return schedule;
  }

  public Session session() {
    return session;
  }

  public Graph graph() {
    return graph;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
