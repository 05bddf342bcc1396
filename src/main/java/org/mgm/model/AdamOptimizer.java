package org.mgm.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Adam over one explicit {@link ParameterList}, with its own slots (m, v) and step counter.
 *
 * <p>We own this instead of using tensorflow-framework's optimizer, which gathers every variable
 * in the graph (wrong for GANs, where G and D have separate optimizers) and uses ref-typed ops.
 * The update is TF's {@code ResourceApplyAdam}: {@code lr_t = lr·√(1−β2^t)/(1−β1^t)},
 * {@code θ −= lr_t·m/(√v + ε)}.
 *
 * <p>Several losses may be applied through one optimizer ({@link #minimize} called more than
 * once); they then share slots and the step counter, which is how the alternating MGM update with
 * a single optimizer is defined.
 */
public final class AdamOptimizer {
  private final Ops scope;
  private final String name;
  private final ParameterList params;
  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final List<Parameter> firstMoments = new ArrayList<>();
  private final List<Parameter> secondMoments = new ArrayList<>();
  private final Parameter step;
  private int updates;
  private int accumulators;
  private int decaySteps;
  private float decayFloor = 1f;

  public AdamOptimizer(
      Ops tf, String name, ParameterList params, float learningRate, float beta1, float beta2, float epsilon) {
    if (params.isEmpty()) {
      throw new IllegalArgumentException(name + ": nothing to optimise (empty parameter list)");
    }
    this.name = name;
    this.params = params;
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.scope = tf.withSubScope(name);
    for (Parameter p : params.parameters()) {
      String leaf = p.name().replace('/', '_');
      firstMoments.add(ResourceVariables.zeros(scope, name, leaf + "_m", p.shape()));
      secondMoments.add(ResourceVariables.zeros(scope, name, leaf + "_v", p.shape()));
    }
    step = ResourceVariables.zeros(scope, name, "step", Shape.scalar());
  }

  public AdamOptimizer(Ops tf, String name, ParameterList params, AdamSettings settings) {
    this(tf, name, params, settings.learningRate(), settings.beta1(), settings.beta2(), settings.epsilon());
  }

  public ParameterList parameters() {
    return params;
  }

  /**
   * Decays this optimizer's learning rate linearly with its own step counter t, lr·max(floor,
   * 1 − t/steps), computed in the graph so that nothing outside has to feed it. Call before the
   * first {@link #minimize}; a short run that needs a large first step (to get far from its
   * start) then ends with small ones.
   */
  public AdamOptimizer withLinearDecay(int steps, float floor) {
    if (steps < 1 || !(floor > 0 && floor <= 1)) {
      throw new IllegalArgumentException(name + ": decay needs steps ≥ 1 and 0 < floor ≤ 1, got " + steps + ", "
          + floor);
    }
    if (updates > 0) {
      throw new IllegalStateException(name + ": set the decay before building updates");
    }
    decaySteps = steps;
    decayFloor = floor;
    return this;
  }

  /** Builds one Adam update of this list on {@code loss}; run the returned op to step. */
  public Op minimize(Operand<TFloat32> loss) {
    return apply(Gradients.of(scope, loss, params.values()), 1f);
  }

  /**
   * Gradient sums for one update over several rounds: each {@link Accumulator#add} run adds the
   * gradient of its loss (a fresh batch each run), {@link Accumulator#finish} makes one Adam
   * update from the sum and clears it. stylegan2-ada's minibatch of 16 on a GPU of 4 is 4 adds
   * and a finish; the sum, not the mean, is what it steps on.
   */
  public Accumulator accumulator() {
    return new Accumulator("accumulate" + accumulators++);
  }

  /** One gradient sum per parameter, the update that spends it, and the adds that fill it. */
  public final class Accumulator {
    private final Ops s;
    private final List<Parameter> sums = new ArrayList<>();
    private final Op finish;
    private int adds;

    private Accumulator(String tag) {
      s = scope.withSubScope(tag);
      for (Parameter p : params.parameters()) {
        sums.add(ResourceVariables.zeros(s, name + "/" + tag, p.name().replace('/', '_') + "_sum", p.shape()));
      }
      Op update = apply(sums.stream().map(Parameter::value).toList(), 1f);
      List<Op> clear = new ArrayList<>();
      Ops after = s.withControlDependencies(List.of(update));
      for (Parameter sum : sums) {
        clear.add(after.assignVariableOp(sum.handle(), after.zeros(after.constant(sum.shape().asArray()),
            TFloat32.class)));
      }
      finish = s.withControlDependencies(clear).noOp();
    }

    /** Adds the gradient of {@code loss} to the sums; several losses may feed one accumulator. */
    public Op add(Operand<TFloat32> loss) {
      Ops a = s.withSubScope("add" + adds++);
      List<Operand<TFloat32>> grads = Gradients.of(a, loss, params.values());
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < grads.size(); i++) {
        ops.add(a.assignAddVariableOp(sums.get(i).handle(), grads.get(i)));
      }
      return a.withControlDependencies(ops).noOp();
    }

    /** The Adam update from the sums, after which they are zero again. */
    public Op finish() {
      return finish;
    }

    public AdamOptimizer optimizer() {
      return AdamOptimizer.this;
    }
  }

  /** One update from given gradients, learning rate scaled by {@code lrFactor}. */
  public Op apply(List<Operand<TFloat32>> grads, float lrFactor) {
    if (grads.size() != params.size()) {
      throw new IllegalArgumentException(
          name + ": " + grads.size() + " gradients for " + params.size() + " parameters");
    }
    Ops s = scope.withSubScope("update" + updates++);
    Operand<TFloat32> t = s.math.add(step.value(), s.constant(1f));
    Operand<TFloat32> b1 = s.constant(beta1);
    Operand<TFloat32> b2 = s.constant(beta2);
    Operand<TFloat32> b1Power = s.math.pow(b1, t);
    Operand<TFloat32> b2Power = s.math.pow(b2, t);
    Operand<TFloat32> lr = s.constant(learningRate * lrFactor);
    if (decaySteps > 0) {
      Operand<TFloat32> left = s.math.sub(s.constant(1f), s.math.div(step.value(), s.constant((float) decaySteps)));
      lr = s.math.mul(lr, s.math.maximum(left, s.constant(decayFloor)));
    }
    Operand<TFloat32> eps = s.constant(epsilon);
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      updates.add(
          s.train.resourceApplyAdam(
              params.parameters().get(i).handle(),
              firstMoments.get(i).handle(),
              secondMoments.get(i).handle(),
              b1Power, b2Power, lr, b1, b2, eps, grads.get(i)));
    }
    // The counter moves only after every parameter has used the current t.
    return s.withControlDependencies(updates).assignAddVariableOp(step.handle(), s.constant(1f));
  }
}
