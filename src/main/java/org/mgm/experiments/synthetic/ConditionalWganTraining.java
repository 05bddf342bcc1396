package org.mgm.experiments.synthetic;

import java.util.List;
import org.mgm.gan.GradientPenalty;
import org.mgm.gan.WassersteinLosses;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.AdamSettings;
import org.mgm.model.GraphRandom;
import org.mgm.model.Mlp;
import org.mgm.model.MlpSpec;
import org.mgm.model.MlpWeights;
import org.mgm.train.Metrics;
import org.mgm.train.Phase;
import org.mgm.train.Schedule;
import org.mgm.train.Training;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The synthetic mixer's pretraining on plentiful paired data: a conditional WGAN-GP,
 * G(concat(x, z)) against C(concat(y, x)), with the joint penalty on (y, x). The schedule is
 * {@code mixer-CC} × m, then {@code mixer-G}. The generator's input order (condition first, then
 * noise) is the order the SavedModel signature records.
 */
public final class ConditionalWganTraining implements AutoCloseable {
  public static final String W_ESTIMATE = "mixer_w";

  /**
   * @param criticSteps critic steps per generator step (the reference steps G every 5th batch)
   */
  public record Settings(MlpSpec generator, MlpSpec critic, int noiseWidth, int batch, int criticSteps,
      AdamSettings adam, float gpLambda, long seed) {

    /** Defaults are the synthetic reference's: batch 64, 5 critic steps, Adam 1e-4 (0.5, 0.9), GP 10. */
    public static Builder builder() {
      return new Builder();
    }

    public static final class Builder {
      private MlpSpec generator = MlpSpec.of(6, 512, 3, 2, 0.2f);
      private MlpSpec critic = MlpSpec.of(6, 512, 3, 1, 0.2f);
      private int noiseWidth = 2;
      private int batch = 64;
      private int criticSteps = 5;
      private AdamSettings adam = AdamSettings.of(1e-4f, 0.5f, 0.9f);
      private float gpLambda = 10f;
      private long seed = 1;

      public Builder networks(MlpSpec g, MlpSpec c) {
        generator = g;
        critic = c;
        return this;
      }

      public Builder noiseWidth(int v) {
        noiseWidth = v;
        return this;
      }

      public Builder batch(int v) {
        batch = v;
        return this;
      }

      public Builder criticSteps(int v) {
        criticSteps = v;
        return this;
      }

      /** Adam of the generator and the critic. */
      public Builder adam(AdamSettings v) {
        adam = v;
        return this;
      }

      public Builder gpLambda(float v) {
        gpLambda = v;
        return this;
      }

      public Builder seed(long v) {
        seed = v;
        return this;
      }

      public Settings build() {
        return new Settings(generator, critic, noiseWidth, batch, criticSteps, adam, gpLambda, seed);
      }
    }
  }

  private final Settings settings;
  private final Training training;
  private final Mlp generator;
  private final Placeholder<TFloat32> evalCondition;
  private final Placeholder<TFloat32> evalNoise;
  private final Operand<TFloat32> evalOutput;

  public ConditionalWganTraining(Settings s, float[][] condition, float[][] target) {
    if (condition.length != target.length) {
      throw new IllegalArgumentException(condition.length + " conditions but " + target.length + " targets");
    }
    int cw = condition[0].length;
    if (s.generator().in() != cw + s.noiseWidth() || s.critic().in() != cw + target[0].length) {
      throw new IllegalArgumentException("network widths do not fit condition " + cw + ", noise "
          + s.noiseWidth() + ", target " + target[0].length);
    }
    this.settings = s;
    Graph graph = new Graph();
    Session session = org.mgm.runtime.Sessions.create(graph);
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, s.seed());
    generator = Mlp.trainable(tf, "mixer_g", s.generator(), MlpWeights.pytorchDefault(s.generator(), s.seed() * 1000 + 11));
    Mlp critic = Mlp.trainable(tf, "mixer_cc", s.critic(), MlpWeights.pytorchDefault(s.critic(), s.seed() * 1000 + 12));
    AdamOptimizer gOpt = new AdamOptimizer(tf, "mixer_g_adam", generator.parameters(), s.adam());
    AdamOptimizer cOpt = new AdamOptimizer(tf, "mixer_cc_adam", critic.parameters(), s.adam());
    Operand<TFloat32> xPool = tf.constant(condition);
    Operand<TFloat32> yPool = tf.constant(target);
    Operand<TInt32> axis0 = tf.constant(0);
    Operand<TInt32> axis1 = tf.constant(1);
    int b = s.batch();

    // Critic: the condition is the real x for both real and fake, so x̂ = x in the penalty.
    Operand<TInt32> idx = random.indices(b, condition.length);
    Operand<TFloat32> x = tf.gather(xPool, idx, axis0);
    Operand<TFloat32> yReal = tf.gather(yPool, idx, axis0);
    Operand<TFloat32> yFake = generator.apply(tf.concat(List.of(x, random.normal(b, s.noiseWidth())), axis1));
    Operand<TFloat32> wLoss = WassersteinLosses.critic(tf,
        critic.apply(tf.concat(List.of(yReal, x), axis1)), critic.apply(tf.concat(List.of(yFake, x), axis1)));
    Metrics metrics = new Metrics().add(W_ESTIMATE, tf.math.neg(wLoss));
    Operand<TFloat32> cLoss = tf.math.add(wLoss, tf.math.mul(tf.constant(s.gpLambda()),
        GradientPenalty.joint(tf, random, critic, yReal, yFake, x, x)));
    Phase criticPhase = Phase.minimize("mixer-CC", cOpt, cLoss).repeated(s.criticSteps());

    Operand<TFloat32> xg = tf.gather(xPool, random.indices(b, condition.length), axis0);
    Operand<TFloat32> yg = generator.apply(tf.concat(List.of(xg, random.normal(b, s.noiseWidth())), axis1));
    Phase generatorPhase = Phase.minimize("mixer-G", gOpt,
        WassersteinLosses.generator(tf, critic.apply(tf.concat(List.of(yg, xg), axis1))));

    evalCondition = tf.placeholder(TFloat32.class);
    evalNoise = tf.placeholder(TFloat32.class);
    evalOutput = generator.apply(tf.concat(List.of(evalCondition, evalNoise), axis1));
    org.mgm.runtime.Sessions.initialize(session);
    training = new Training(graph, session, Schedule.of(criticPhase, generatorPhase), metrics);
  }

  /** m critic steps then one generator step. */
  public void iterate() {
    training.iterate();
  }

  /** The critic's current estimate of W on a fresh batch. */
  public Training training() {
    return training;
  }

  public double wEstimate() {
    return training.metrics().get(W_ESTIMATE);
  }

  public float[][] generate(float[][] condition, float[][] noise) {
    try (TFloat32 c = TFloat32.tensorOf(StdArrays.ndCopyOf(condition));
        TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        var r = training.session().runner().feed(evalCondition, c).feed(evalNoise, z).fetch(evalOutput).run()) {
      float[][] out = new float[condition.length][settings.generator().out()];
      StdArrays.copyFrom((TFloat32) r.get(0), out);
      return out;
    }
  }

  public MlpWeights generatorWeights() {
    return generator.read(training.session());
  }

  @Override
  public void close() {
    training.close();
  }
}
