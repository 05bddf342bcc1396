package org.mgm.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Session;
import org.tensorflow.op.Op;

/**
 * One training in one graph and one session: the schedule that one iteration runs and the
 * metrics it reports. Experiments build the graph (modules, losses, phases) and hand it here;
 * every experiment's loop is then this class's {@link #iterate()}.
 *
 * <p>Every {@code Session.run} that may draw random numbers goes through here and is counted per
 * target, so that a checkpoint ({@link #snapshot}) can bring a fresh session's random streams back
 * to the same place ({@link #restore}, {@link RandomReplay}).
 */
public final class Training implements AutoCloseable {
  /** The run counter of the metrics read (the other counters are keyed by step op name). */
  static final String METRICS_KEY = "metrics";

  private final Graph graph;
  private final Session session;
  private final Schedule schedule;
  private final Metrics metrics;
  private final Map<String, Long> runs = new LinkedHashMap<>();
  private final Map<String, Set<GraphOperation>> targets = new LinkedHashMap<>();
  private TrainingState state;
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
    iterate(PhaseTimes.NONE);
  }

  /** One iteration, each phase's wall time added to {@code times} (benchmarks). */
  public void iterate(PhaseTimes times) {
    iteration++;
    schedule.run(iteration, this::run, times);
  }

  /**
   * Runs one op outside the schedule (a statistics refresh, a sampler with in-graph noise), counted
   * like a phase step so that a resumed run replays its draws too.
   */
  public void run(Op op) {
    GraphOperation target = (GraphOperation) op.op();
    targets.putIfAbsent(target.name(), Set.of(target));
    runs.merge(target.name(), 1L, Long::sum);
    session.runner().addTarget(op).run();
  }

  /** Iterations run so far. */
  public int iteration() {
    return iteration;
  }

  public Map<String, Double> metrics() {
    runs.merge(METRICS_KEY, 1L, Long::sum);
    return metrics.read(session);
  }

  /** The metrics' names, in the order {@link #metrics()} returns them. */
  public java.util.List<String> metricNames() {
    return java.util.List.copyOf(metrics.names());
  }

  /** The counters a checkpoint stores: iterations, and runs per target. */
  public Snapshot snapshot() {
    return new Snapshot(iteration, Map.copyOf(runs));
  }

  /** What {@link #snapshot} returns: enough, with the variables, to continue bit-identically. */
  public record Snapshot(int iteration, Map<String, Long> runs) {}

  /** The variables a checkpoint saves (built on first use, after the whole graph exists). */
  public TrainingState state() {
    if (state == null) {
      state = new TrainingState(graph);
    }
    return state;
  }

  /**
   * Continues from a checkpoint: variables from {@code checkpointPrefix}, counters from
   * {@code snapshot}, random streams replayed. Call on a fresh, initialized training of the same
   * graph (same code, config and seed).
   */
  public void restore(String checkpointPrefix, Snapshot snapshot) {
    state().restore(session, checkpointPrefix);
    RandomReplay replay = new RandomReplay(graph);
    for (Map.Entry<String, Long> e : snapshot.runs().entrySet()) {
      replay.replay(session, e.getKey(), targetsOf(e.getKey()), e.getValue());
    }
    runs.clear();
    runs.putAll(snapshot.runs());
    iteration = snapshot.iteration();
  }

  private Set<GraphOperation> targetsOf(String key) {
    if (key.equals(METRICS_KEY)) {
      return metrics.operations();
    }
    Set<GraphOperation> t = targets.get(key);
    if (t != null) {
      return t;
    }
    GraphOperation op = graph.operation(key);
    if (op == null) {
      throw new IllegalStateException("checkpoint counts runs of '" + key + "', which this graph does not have");
    }
    return Set.of(op);
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
