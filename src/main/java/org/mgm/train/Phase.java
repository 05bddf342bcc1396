package org.mgm.train;

import java.util.ArrayList;
import java.util.List;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.ParameterList;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One named update of a training iteration: what it descends, which parameters it moves, the op
 * that does it, how often it runs and how many times in a row.
 *
 * <p>A schedule is a list of phases run in order each iteration (stylegan2-ada's
 * {@code training_loop}: G main, G reg, D main, D reg as data rather than code). Each phase is one
 * {@code Session.run} per repeat, so the in-graph random batches it reads are drawn afresh each
 * time; updates that must see the same draw are one phase ({@link #joint}).
 *
 * @param name the label in logs and in {@link Schedule#describe()}
 * @param loss what the phase descends; null for a phase that is not a gradient step (EMA)
 * @param parameters what it moves (empty for EMA, which writes its own averages)
 * @param step the op that runs the update
 * @param interval runs at iterations that are multiples of it (1: every iteration)
 * @param repeats consecutive runs each time it is due (the critic's m steps, the alternating k_f)
 * @param lazy an optional regulariser folded into this phase's step every few iterations
 * @param finish run once after the repeats (the update of gradients accumulated over them), or null
 */
public record Phase(String name, Operand<TFloat32> loss, ParameterList parameters, Op step, int interval,
    int repeats, Lazy lazy, Op finish) {

  /**
   * Lazy regularisation as the few-shot trainer does it: on iterations that are multiples of
   * {@code every}, this phase's update is one step on (loss + every·R) instead of the plain step,
   * so the regulariser costs one extra gradient every {@code every} iterations and no extra step.
   */
  public record Lazy(String name, int every, Op step) {
    public Lazy {
      if (every < 1) {
        throw new IllegalArgumentException(name + ": lazy interval must be at least 1, got " + every);
      }
    }
  }

  public Phase {
    if (interval < 1 || repeats < 1) {
      throw new IllegalArgumentException(name + ": interval and repeats must be at least 1, got " + interval
          + " and " + repeats);
    }
  }

  /** A gradient phase: one optimizer step on {@code loss} over the optimizer's own list. */
  public static Phase minimize(String name, AdamOptimizer optimizer, Operand<TFloat32> loss) {
    return new Phase(name, loss, optimizer.parameters(), optimizer.minimize(loss), 1, 1, null, null);
  }

  /**
   * One update on the gradients of {@code loss} summed over {@code rounds} runs, each on a fresh
   * batch (stylegan2-ada's rounds: a minibatch of rounds × batch on memory for one batch). A lazy
   * regulariser added with {@link #withLazy} should add into the same accumulator.
   */
  public static Phase accumulated(String name, AdamOptimizer.Accumulator accumulator, Operand<TFloat32> loss,
      int rounds) {
    return new Phase(name, loss, accumulator.optimizer().parameters(), accumulator.add(loss), 1, rounds, null,
        accumulator.finish());
  }

  /** A phase that is not a gradient step (an EMA update, a statistics refresh). */
  public static Phase of(String name, Op step) {
    return new Phase(name, null, ParameterList.empty(name), step, 1, 1, null, null);
  }

  /**
   * Several updates in one {@code Session.run}, so that they see the same random draw (the agent
   * critic and the mixer critic judge one fake batch). The loss is the sum of the parts', which
   * is what the joint step descends since the parts move disjoint lists.
   */
  public static Phase joint(Ops tf, String name, List<Phase> parts) {
    if (parts.size() == 1) {
      Phase p = parts.get(0);
      return new Phase(name, p.loss, p.parameters, p.step, 1, 1, null, null);
    }
    List<Op> steps = new ArrayList<>();
    Operand<TFloat32> loss = null;
    ParameterList params = ParameterList.empty(name);
    for (Phase p : parts) {
      steps.add(p.step);
      loss = loss == null ? p.loss : tf.math.add(loss, p.loss);
      params = params.concat(name, p.parameters);
    }
    return new Phase(name, loss, params, tf.withControlDependencies(steps).noOp(), 1, 1, null, null);
  }

  public Phase repeated(int times) {
    return new Phase(name, loss, parameters, step, interval, times, lazy, finish);
  }

  public Phase every(int iterations) {
    return new Phase(name, loss, parameters, step, iterations, repeats, lazy, finish);
  }

  public Phase withLazy(Lazy regularizer) {
    return new Phase(name, loss, parameters, step, interval, repeats, regularizer, finish);
  }

  /** Whether the phase runs at {@code iteration} (counted from 1). */
  public boolean dueAt(int iteration) {
    return iteration % interval == 0;
  }

  /** The op to run at {@code iteration}: the lazy-regularised step when that is due. */
  public Op stepAt(int iteration) {
    return lazy != null && iteration % lazy.every() == 0 ? lazy.step() : step;
  }
}
