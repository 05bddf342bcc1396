package org.mgm.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.mgm.model.Parameter;
import org.mgm.model.ParameterList;
import org.mgm.model.ResourceVariables;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * G_ema ← β·G_ema + (1 − β)·G over one parameter list (StyleGAN's G_s), with the averages held in
 * their own variables. Sampling and export use the averages by swapping them into the live
 * variables and back, so every op built on the live parameters (sampler, ONNX write-back) serves
 * the EMA generator without a second copy of the network.
 */
public final class ExponentialMovingAverage {
  private final Op update;
  private final Op initialize;
  private final Op swapIn;
  private final Op swapOut;

  public ExponentialMovingAverage(Ops tf, String scope, ParameterList params, float beta) {
    Ops ema = tf.withSubScope(scope);
    List<Op> updates = new ArrayList<>();
    List<Op> in = new ArrayList<>();
    List<Op> out = new ArrayList<>();
    List<Op> init = new ArrayList<>();
    for (Parameter p : params.parameters()) {
      String leaf = p.name().replaceAll("[^A-Za-z0-9_.-]", "_");
      Parameter avg = ResourceVariables.zeros(ema, scope, leaf, p.shape());
      Parameter backup = ResourceVariables.zeros(ema, scope + "_backup", leaf, p.shape());
      Operand<TFloat32> next = tf.math.add(tf.math.mul(tf.constant(beta), avg.value()),
          tf.math.mul(tf.constant(1f - beta), p.value()));
      updates.add(tf.assignVariableOp(avg.handle(), next));
      Op saved = tf.assignVariableOp(backup.handle(), p.value());
      in.add(saved);
      in.add(tf.withControlDependencies(List.of(saved)).assignVariableOp(p.handle(), avg.value()));
      out.add(tf.assignVariableOp(p.handle(), backup.value()));
      init.add(tf.assignVariableOp(avg.handle(), p.value()));
    }
    update = tf.withControlDependencies(updates).noOp();
    swapIn = tf.withControlDependencies(in).noOp();
    swapOut = tf.withControlDependencies(out).noOp();
    initialize = tf.withControlDependencies(init).noOp();
  }

  /** The op of the {@code ema} phase. */
  public Op update() {
    return update;
  }

  /** Sets the averages to the current parameters; run once after the session is initialized. */
  public void initialize(Session session) {
    session.runner().addTarget(initialize).run();
  }

  /** Runs {@code action} with the averages in the live variables, then puts the parameters back. */
  public <T> T withAverages(Session session, Supplier<T> action) {
    session.runner().addTarget(swapIn).run();
    try {
      return action.get();
    } finally {
      session.runner().addTarget(swapOut).run();
    }
  }
}
