package org.mgm.feedback;

import java.util.List;
import java.util.function.Supplier;
import org.mgm.model.AdamOptimizer;
import org.mgm.train.Phase;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * How a new agent's generator uses the mixer's feedback Lf beside its own loss La: the one
 * place MGM's update is written, as the generator phases of a schedule.
 *
 * <ul>
 *   <li>{@link Combined}: one phase {@code agent-G} on α·La + (1−α)·Lf (Table 1; α on the agent's
 *       own loss, the paper's convention; the synthetic reference code puts α on Lf);
 *   <li>{@link Alternate}: {@code agent-La} k_a times, then {@code agent-Lf} k_f times, each its own
 *       {@code Session.run} with a fresh batch (Table 4, and the few-shot "-A" variants).
 * </ul>
 */
public sealed interface FeedbackUpdate {
  record Combined(double alpha) implements FeedbackUpdate {
    public Combined {
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
      }
    }
  }

  record Alternate(int agentSteps, int feedbackSteps) implements FeedbackUpdate {
    public Alternate {
      if (agentSteps < 1 || feedbackSteps < 1) {
        throw new IllegalArgumentException("alternating steps must be at least 1, got " + agentSteps + " and "
            + feedbackSteps);
      }
    }
  }

  static FeedbackUpdate combined(double alpha) {
    return new Combined(alpha);
  }

  static FeedbackUpdate alternate(int agentSteps, int feedbackSteps) {
    return new Alternate(agentSteps, feedbackSteps);
  }

  /** The update for a mode with the run's α and step counts (each used only by its mode). */
  static FeedbackUpdate of(UpdateMode mode, double alpha, int agentSteps, int feedbackSteps) {
    return mode == UpdateMode.COMBINED ? combined(alpha) : alternate(agentSteps, feedbackSteps);
  }

  default UpdateMode mode() {
    return this instanceof Combined ? UpdateMode.COMBINED : UpdateMode.ALTERNATE;
  }

  /**
   * The generator phases.
   *
   * @param agent the agent generator's optimizer; it takes the La (or combined) step
   * @param feedback the optimizer of the Lf step, asked for only when alternating: the same as
   *     {@code agent} (one optimizer, shared slots, as in the synthetic reference) or its own
   *     (the few-shot reference's separate Adam, possibly over part of the generator)
   */
  default List<Phase> generatorPhases(Ops tf, Operand<TFloat32> la, Operand<TFloat32> lf, AdamOptimizer agent,
      Supplier<AdamOptimizer> feedback) {
    return generatorPhases(tf, la, lf, agent, feedback, 1);
  }

  /**
   * The same over {@code rounds} rounds per iteration, as the reference's slow path orders them:
   * the La (or combined) update sums its gradients over the rounds, while the alternating Lf
   * makes a full update in every round.
   */
  default List<Phase> generatorPhases(Ops tf, Operand<TFloat32> la, Operand<TFloat32> lf, AdamOptimizer agent,
      Supplier<AdamOptimizer> feedback, int rounds) {
    if (this instanceof Combined c) {
      float a = (float) c.alpha();
      Operand<TFloat32> loss = tf.math.add(tf.math.mul(tf.constant(a), la), tf.math.mul(tf.constant(1 - a), lf));
      return List.of(rounds == 1 ? Phase.minimize("agent-G", agent, loss)
          : Phase.accumulated("agent-G", agent.accumulator(), loss, rounds));
    }
    Alternate alt = (Alternate) this;
    Phase agentPhase = rounds == 1 ? Phase.minimize("agent-La", agent, la).repeated(alt.agentSteps())
        : Phase.accumulated("agent-La", agent.accumulator(), la, rounds);
    Phase feedbackPhase = Phase.minimize("agent-Lf", feedback.get(), lf).repeated(alt.feedbackSteps() * rounds);
    return List.of(agentPhase, feedbackPhase);
  }
}
