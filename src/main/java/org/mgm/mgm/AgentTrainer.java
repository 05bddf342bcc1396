package org.mgm.mgm;

import java.util.ArrayList;
import java.util.List;
import org.mgm.gan.GradientPenalty;
import org.mgm.gan.WassersteinLosses;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.model.Mlp;
import org.mgm.model.MlpWeights;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Algorithm 1 for one newly arrived agent i0: its generator and critic, a mixer critic on y, and
 * the frozen pretrained mixer, all in one graph and one session.
 *
 * <p>One {@link #iterate()} is m critic steps (agent critic and, with feedback, mixer critic, in
 * the same session call) followed by the generator update. Data lives in the graph as constants
 * and batches, noise and interpolation weights are drawn by seeded in-graph ops, so each step is
 * a single {@code Session.run} with nothing copied through Java.
 *
 * <p>The mixer critic is a fresh unconditional critic on y, trained jointly (what the reference
 * code does; the pretrained conditional critic is not reused). It estimates W(P_y^r, P_y^g), where
 * P_y^g is y = G_mix(z', ⟨x_{-i0}, G(z)⟩) with x_{-i0} real.
 */
public final class AgentTrainer implements AutoCloseable {
  private final TrainerSettings settings;
  private final Graph graph = new Graph();
  private final Session session;
  private final Mlp generator;
  private final Op criticStep;
  private final List<Op> generatorSteps = new ArrayList<>();
  private final Operand<TFloat32> agentW;
  private final Operand<TFloat32> mixerW;
  private final Operand<TFloat32> agentLoss;
  private final Operand<TFloat32> feedbackLoss;
  private final Operand<TFloat32> sampleNoise;
  private final Operand<TFloat32> samples;

  /**
   * @param agentReal D^r_{i0}, the new agent's data [n, d_i0]
   * @param agents every agent's real data in mixer-condition order, rows paired with {@code y};
   *     the slot of i0 is ignored (may be null). Only needed with feedback.
   * @param y real mixer outputs, paired with {@code agents}. Only needed with feedback.
   * @param i0 index of the new agent in the mixer's condition
   */
  public AgentTrainer(TrainerSettings settings, float[][] agentReal, List<float[][]> agents,
      float[][] y, int i0, FrozenMixer mixer) {
    this.settings = settings;
    this.session = new Session(graph);
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, settings.seed());
    int b = settings.batch();
    int latent = settings.latent();

    generator = Mlp.trainable(tf, "agent_g", settings.generator(),
        MlpWeights.pytorchDefault(settings.generator(), settings.seed() * 1000 + 1));
    Mlp agentCritic = Mlp.trainable(tf, "agent_c", settings.agentCritic(),
        MlpWeights.pytorchDefault(settings.agentCritic(), settings.seed() * 1000 + 2));
    AdamOptimizer gOpt = adam(tf, "agent_g_adam", generator);
    AdamOptimizer aOpt = adam(tf, "agent_c_adam", agentCritic);

    Operand<TFloat32> agentPool = tf.constant(agentReal);
    // A low-data agent's whole set is one batch, as in the reference code.
    int agentBatch = Math.min(b, agentReal.length);
    Operand<TFloat32> realAgent = agentReal.length <= b
        ? agentPool
        : tf.gather(agentPool, random.indices(b, agentReal.length), tf.constant(0));

    // --- critic step: agent critic (and mixer critic) on one fresh fake batch ---
    Operand<TFloat32> fake = generator.apply(random.normal(agentBatch, latent));
    Operand<TFloat32> wLossA = WassersteinLosses.critic(tf, agentCritic.apply(realAgent), agentCritic.apply(fake));
    Operand<TFloat32> lossA = tf.math.add(wLossA, tf.math.mul(tf.constant(settings.gpAgent()),
        GradientPenalty.unconditional(tf, random, agentCritic, realAgent, fake)));
    agentW = tf.math.neg(wLossA);
    List<Op> criticUpdates = new ArrayList<>(List.of(aOpt.minimize(lossA)));

    if (settings.feedback()) {
      if (mixer == null) {
        throw new IllegalArgumentException("feedback is on but no mixer was given");
      }
      MixerBatch mb = new MixerBatch(tf, random, agents, y, i0, b);
      Mlp mixerCritic = Mlp.trainable(tf, "mixer_c", settings.mixerCritic(),
          MlpWeights.pytorchDefault(settings.mixerCritic(), settings.seed() * 1000 + 3));
      AdamOptimizer mOpt = adam(tf, "mixer_c_adam", mixerCritic);
      Operand<TFloat32> fakeForMixer = agentBatch == b ? fake : generator.apply(random.normal(b, latent));
      Operand<TFloat32> yFake = mixerOutput(tf, random, mixer, mb, fakeForMixer, latent, b);
      Operand<TFloat32> wLossM = WassersteinLosses.critic(tf, mixerCritic.apply(mb.y()), mixerCritic.apply(yFake));
      Operand<TFloat32> lossM = tf.math.add(wLossM, tf.math.mul(tf.constant(settings.gpMixer()),
          GradientPenalty.unconditional(tf, random, mixerCritic, mb.y(), yFake)));
      mixerW = tf.math.neg(wLossM);
      criticUpdates.add(mOpt.minimize(lossM));

      // --- generator step with feedback ---
      Operand<TFloat32> z = random.normal(b, latent);
      Operand<TFloat32> gOut = generator.apply(z);
      agentLoss = WassersteinLosses.generator(tf, agentCritic.apply(agentBatch == b ? gOut : slice(tf, gOut, agentBatch)));
      Operand<TFloat32> yGen = settings.sharedNoise()
          ? mixer.attach(tf, mb.condition(tf, gOut), z)
          : mixerOutput(tf, random, mixer, mb, gOut, latent, b);
      feedbackLoss = WassersteinLosses.generator(tf, mixerCritic.apply(yGen));
      if (settings.mode() == UpdateMode.COMBINED) {
        float a = (float) settings.alpha();
        generatorSteps.add(gOpt.minimize(tf.math.add(
            tf.math.mul(tf.constant(a), agentLoss), tf.math.mul(tf.constant(1 - a), feedbackLoss))));
      } else {
        Op la = gOpt.minimize(agentLoss);
        Op lf = gOpt.minimize(feedbackLoss);
        for (int i = 0; i < settings.agentLearningSteps(); i++) {
          generatorSteps.add(la);
        }
        for (int i = 0; i < settings.feedbackLearningSteps(); i++) {
          generatorSteps.add(lf);
        }
      }
    } else {
      mixerW = null;
      feedbackLoss = null;
      agentLoss = WassersteinLosses.generator(tf, agentCritic.apply(generator.apply(random.normal(agentBatch, latent))));
      generatorSteps.add(gOpt.minimize(agentLoss));
    }
    criticStep = tf.withControlDependencies(criticUpdates).noOp();
    sampleNoise = tf.placeholder(TFloat32.class);
    samples = generator.apply(sampleNoise);
    session.initialize();
  }

  private AdamOptimizer adam(Ops tf, String name, Mlp net) {
    return new AdamOptimizer(tf, name, net.trainable(), settings.learningRate(),
        settings.adamBeta1(), settings.adamBeta2(), 1e-8f);
  }

  private static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> x, int rows) {
    return tf.slice(x, tf.constant(new int[] {0, 0}), tf.constant(new int[] {rows, -1}));
  }

  private Operand<TFloat32> mixerOutput(Ops tf, GraphRandom random, FrozenMixer mixer, MixerBatch mb,
      Operand<TFloat32> agentFake, int latent, int b) {
    Operand<TFloat32> noise = settings.sharedNoise() ? random.normal(b, latent) : random.normal(b, mixer.noiseWidth());
    return mixer.attach(tf, mb.condition(tf, agentFake), noise);
  }

  /** One generator iteration: m critic steps, then the generator update(s). */
  public void iterate() {
    for (int i = 0; i < settings.criticSteps(); i++) {
      session.run(criticStep);
    }
    for (Op step : generatorSteps) {
      session.run(step);
    }
  }

  /** Current estimates: agent critic's W, mixer critic's W (NaN without feedback), La, Lf. */
  public double[] monitor() {
    Session.Runner r = session.runner().fetch(agentW).fetch(agentLoss);
    if (mixerW != null) {
      r.fetch(mixerW).fetch(feedbackLoss);
    }
    try (var res = r.run()) {
      double wa = ((TFloat32) res.get(0)).getFloat();
      double la = ((TFloat32) res.get(1)).getFloat();
      double wm = mixerW == null ? Double.NaN : ((TFloat32) res.get(2)).getFloat();
      double lf = mixerW == null ? Double.NaN : ((TFloat32) res.get(3)).getFloat();
      return new double[] {wa, wm, la, lf};
    }
  }

  /** G(z) for given latents (evaluation draws its own seeded z). */
  public float[][] generate(float[][] z) {
    try (TFloat32 zt = TFloat32.tensorOf(StdArrays.ndCopyOf(z));
        var res = session.runner().feed(sampleNoise, zt).fetch(samples).run()) {
      float[][] out = new float[z.length][(int) generator.outputWidth()];
      StdArrays.copyFrom((TFloat32) res.get(0), out);
      return out;
    }
  }

  public MlpWeights generatorWeights() {
    return generator.read(session);
  }

  public TrainerSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  /**
   * One batch of the other agents' real data and the paired real y, drawn with shared indices so
   * rows stay paired, plus how to splice the new agent's output into the mixer condition.
   */
  private static final class MixerBatch {
    private final List<Operand<TFloat32>> agentColumns = new ArrayList<>();
    private final Operand<TFloat32> y;
    private final int i0;

    MixerBatch(Ops tf, GraphRandom random, List<float[][]> agents, float[][] y, int i0, int b) {
      if (y == null || agents == null) {
        throw new IllegalArgumentException("feedback needs the other agents' data and the mixer's y");
      }
      this.i0 = i0;
      Operand<TInt32> idx = random.indices(b, y.length);
      Operand<TInt32> axis = tf.constant(0);
      for (int j = 0; j < agents.size(); j++) {
        if (j == i0) {
          agentColumns.add(null);
        } else {
          if (agents.get(j).length != y.length) {
            throw new IllegalArgumentException("agent " + j + " has " + agents.get(j).length
                + " rows but y has " + y.length + "; rows must be paired");
          }
          agentColumns.add(tf.gather(tf.constant(agents.get(j)), idx, axis));
        }
      }
      this.y = tf.gather(tf.constant(y), idx, axis);
    }

    Operand<TFloat32> y() {
      return y;
    }

    Operand<TFloat32> condition(Ops tf, Operand<TFloat32> agentFake) {
      List<Operand<TFloat32>> parts = new ArrayList<>(agentColumns);
      parts.set(i0, agentFake);
      return tf.concat(parts, tf.constant(1));
    }
  }
}
