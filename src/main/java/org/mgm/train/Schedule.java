package org.mgm.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.op.Op;

/** The phases of one training iteration, in the order they run. */
public record Schedule(List<Phase> phases) {
  public Schedule {
    phases = List.copyOf(phases);
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Phase p : phases) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("two phases are named '" + p.name() + "'");
      }
    }
  }

  public static Schedule of(Phase... phases) {
    return new Schedule(List.of(phases));
  }

  /**
   * What an iteration costs on average over a long run: each phase's mean time (over the
   * iterations that ran it) divided by its interval, summed. A phase that runs one iteration in 4
   * is counted from a single run of it, where a mean over whole cycles would need 4 iterations
   * more (minutes each at full size). NaN when a phase has not been timed yet. A lazy regulariser
   * folded into a phase is costed as the phase's mean, so time it with the regulariser off.
   */
  public double millisPerIteration(PhaseTimes times) {
    var mean = times.meanMillis();
    double total = 0;
    for (Phase p : phases) {
      Double ms = mean.get(p.name());
      if (ms == null) {
        return Double.NaN;
      }
      total += ms / p.interval();
    }
    return total;
  }

  /** Runs every phase due at {@code iteration} (counted from 1), each its number of repeats. */
  public void run(Session session, int iteration) {
    run(iteration, op -> session.runner().addTarget(op).run());
  }

  /** The same, each step handed to {@code runner} (which counts runs for a checkpoint). */
  public void run(int iteration, java.util.function.Consumer<Op> runner) {
    run(iteration, runner, PhaseTimes.NONE);
  }

  /** The same, with each due phase's wall time (its repeats and its finish) added to {@code times}. */
  public void run(int iteration, java.util.function.Consumer<Op> runner, PhaseTimes times) {
    for (Phase p : phases) {
      if (!p.dueAt(iteration)) {
        continue;
      }
      long start = System.nanoTime();
      var op = p.stepAt(iteration);
      for (int r = 0; r < p.repeats(); r++) {
        runner.accept(op);
      }
      if (p.finish() != null) {
        runner.accept(p.finish());
      }
      times.add(p.name(), System.nanoTime() - start);
    }
  }

  public Phase phase(String name) {
    return phases.stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no phase '" + name + "' in " + names()));
  }

  public List<String> names() {
    return phases.stream().map(Phase::name).toList();
  }

  /** One line per phase: name, what it moves, how often; for the run log. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Phase p : phases) {
      StringBuilder s = new StringBuilder(p.name());
      if (!p.parameters().isEmpty()) {
        s.append(": ").append(p.parameters().size()).append(" tensors of ").append(p.parameters().name());
      }
      if (p.repeats() > 1) {
        s.append(p.finish() != null ? ", accumulated over " + p.repeats() + " rounds" : ", x" + p.repeats());
      }
      if (p.interval() > 1) {
        s.append(", every ").append(p.interval()).append(" iterations");
      }
      if (p.lazy() != null) {
        s.append(", with ").append(p.lazy().name()).append(" every ").append(p.lazy().every());
      }
      lines.add(s.toString());
    }
    return lines;
  }
}
