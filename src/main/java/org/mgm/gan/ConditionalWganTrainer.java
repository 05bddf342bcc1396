package org.mgm.gan;

import java.util.List;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.model.Mlp;
import org.mgm.model.MlpSpec;
import org.mgm.model.MlpWeights;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A conditional WGAN-GP, G(concat(x, z)) against C(concat(y, x)), with the joint penalty on
 * (y, x): the mixer's pretraining on plentiful paired data. The generator's input order
 * (condition first, then noise) is the order the SavedModel signature records.
 */
public final class ConditionalWganTrainer implements AutoCloseable {
  /**
   * @param criticSteps critic steps per generator step (the reference steps G every 5th batch)
   */
  public record Settings(MlpSpec generator, MlpSpec critic, int noiseWidth, int batch, int criticSteps,
      float learningRate, float adamBeta1, float adamBeta2, float gpLambda, long seed) {}

  private final Settings settings;
  private final Graph graph = new Graph();
  private final Session session;
  private final Mlp generator;
  private final Op criticStep;
  private final Op generatorStep;
  private final Operand<TFloat32> wEstimate;
  private final Placeholder<TFloat32> evalCondition;
  private final Placeholder<TFloat32> evalNoise;
  private final Operand<TFloat32> evalOutput;

  public ConditionalWganTrainer(Settings s, float[][] condition, float[][] target) {
    if (condition.length != target.length) {
      throw new IllegalArgumentException(condition.length + " conditions but " + target.length + " targets");
    }
    int cw = condition[0].length;
    if (s.generator().in() != cw + s.noiseWidth() || s.critic().in() != cw + target[0].length) {
      throw new IllegalArgumentException("network widths do not fit condition " + cw + ", noise "
          + s.noiseWidth() + ", target " + target[0].length);
    }
    this.settings = s;
    this.session = new Session(graph);
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, s.seed());
    generator = Mlp.trainable(tf, "mixer_g", s.generator(), MlpWeights.pytorchDefault(s.generator(), s.seed() * 1000 + 11));
    Mlp critic = Mlp.trainable(tf, "mixer_cc", s.critic(), MlpWeights.pytorchDefault(s.critic(), s.seed() * 1000 + 12));
    AdamOptimizer gOpt = new AdamOptimizer(tf, "mixer_g_adam", generator.trainable(),
        s.learningRate(), s.adamBeta1(), s.adamBeta2(), 1e-8f);
    AdamOptimizer cOpt = new AdamOptimizer(tf, "mixer_cc_adam", critic.trainable(),
        s.learningRate(), s.adamBeta1(), s.adamBeta2(), 1e-8f);
    Operand<TFloat32> xPool = tf.constant(condition);
    Operand<TFloat32> yPool = tf.constant(target);
    Operand<TInt32> axis0 = tf.constant(0);
    Operand<TInt32> axis1 = tf.constant(1);
    int b = s.batch();

    // Critic step: the condition is the real x for both real and fake, so x̂ = x in the penalty.
    Operand<TInt32> idx = random.indices(b, condition.length);
    Operand<TFloat32> x = tf.gather(xPool, idx, axis0);
    Operand<TFloat32> yReal = tf.gather(yPool, idx, axis0);
    Operand<TFloat32> yFake = generator.apply(tf.concat(List.of(x, random.normal(b, s.noiseWidth())), axis1));
    Operand<TFloat32> wLoss = WassersteinLosses.critic(tf,
        critic.apply(tf.concat(List.of(yReal, x), axis1)), critic.apply(tf.concat(List.of(yFake, x), axis1)));
    wEstimate = tf.math.neg(wLoss);
    Operand<TFloat32> cLoss = tf.math.add(wLoss, tf.math.mul(tf.constant(s.gpLambda()),
        GradientPenalty.joint(tf, random, critic, yReal, yFake, x, x)));
    criticStep = cOpt.minimize(cLoss);

    Operand<TFloat32> xg = tf.gather(xPool, random.indices(b, condition.length), axis0);
    Operand<TFloat32> yg = generator.apply(tf.concat(List.of(xg, random.normal(b, s.noiseWidth())), axis1));
    generatorStep = gOpt.minimize(WassersteinLosses.generator(tf, critic.apply(tf.concat(List.of(yg, xg), axis1))));

    evalCondition = tf.placeholder(TFloat32.class);
    evalNoise = tf.placeholder(TFloat32.class);
    evalOutput = generator.apply(tf.concat(List.of(evalCondition, evalNoise), axis1));
    session.initialize();
  }

  /** m critic steps then one generator step. */
  public void iterate() {
    for (int i = 0; i < settings.criticSteps(); i++) {
      session.run(criticStep);
    }
    session.run(generatorStep);
  }

  /** The critic's current estimate of W on a fresh batch. */
  public double wEstimate() {
    try (var r = session.runner().fetch(wEstimate).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  public float[][] generate(float[][] condition, float[][] noise) {
    try (TFloat32 c = TFloat32.tensorOf(StdArrays.ndCopyOf(condition));
        TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        var r = session.runner().feed(evalCondition, c).feed(evalNoise, z).fetch(evalOutput).run()) {
      float[][] out = new float[condition.length][settings.generator().out()];
      StdArrays.copyFrom((TFloat32) r.get(0), out);
      return out;
    }
  }

  public MlpWeights generatorWeights() {
    return generator.read(session);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
