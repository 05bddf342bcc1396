package org.mgm.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.gan.GradientPenalty;
import org.mgm.gan.WassersteinLosses;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.model.Mlp;
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
import org.tensorflow.types.TFloat32;

/**
 * Algorithm 1 for one newly arrived synthetic agent i0: its generator and critic, a mixer critic
 * on y, and the frozen pretrained mixer, in one graph, as the schedule
 * <ol>
 *   <li>{@code critics} × m: agent critic {@code agent-C} and, with feedback, mixer critic
 *       {@code mixer-C}, in one {@code Session.run} so both judge the same fake batch;
 *   <li>the generator phases of the run's {@link org.mgm.feedback.FeedbackUpdate} ({@code agent-G},
 *       or {@code agent-La} then {@code agent-Lf}); the baseline has {@code agent-G} on La alone.
 * </ol>
 * Data lives in the graph as constants; batches, noise and interpolation weights are seeded
 * in-graph draws, so each phase is one {@code Session.run} with nothing copied through Java.
 *
 * <p>The mixer critic is a fresh unconditional critic on y, trained jointly (what the reference
 * code does; the pretrained conditional critic is not reused). It estimates W(P_y^r, P_y^g), where
 * P_y^g is y = G_mix(z', ⟨x_{-i0}, G(z)⟩) with x_{-i0} real.
 */
public final class AgentTraining implements AutoCloseable {
  /** Metric names, also the columns of the run's metrics.csv. */
  public static final String AGENT_W = "agent_w";
  public static final String MIXER_W = "mixer_w";
  public static final String LOSS_AGENT = "loss_agent";
  public static final String LOSS_FEEDBACK = "loss_feedback";

  private final AgentSettings settings;
  private final Training training;
  private final Mlp generator;
  private final Operand<TFloat32> sampleNoise;
  private final Operand<TFloat32> samples;

  /**
   * @param agentReal D^r_{i0}, the new agent's data [n, d_i0]
   * @param agents every agent's real data in mixer-condition order, rows paired with {@code y};
   *     the slot of i0 is ignored (may be null). Only needed with feedback.
   * @param y real mixer outputs, paired with {@code agents}. Only needed with feedback.
   * @param i0 index of the new agent in the mixer's condition
   */
  public AgentTraining(AgentSettings settings, float[][] agentReal, List<float[][]> agents, float[][] y, int i0,
      FrozenMixer mixer) {
    if (settings.hasFeedback() && mixer == null) {
      throw new IllegalArgumentException("feedback is on but no mixer was given");
    }
    this.settings = settings;
    Graph graph = new Graph();
    Session session = org.mgm.runtime.Sessions.create(graph);
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, settings.seed());
    int b = settings.batch();
    int latent = settings.latent();
    Metrics metrics = new Metrics();

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

    // Critics: the agent critic (and the mixer critic) on one fresh fake batch. The random draws
    // below are made in the order of the toolkit's first trainer, which fixes every stream.
    Operand<TFloat32> fake = generator.apply(random.normal(agentBatch, latent));
    Operand<TFloat32> wLossA = WassersteinLosses.critic(tf, agentCritic.apply(realAgent), agentCritic.apply(fake));
    Operand<TFloat32> lossA = tf.math.add(wLossA, tf.math.mul(tf.constant(settings.gpAgent()),
        GradientPenalty.unconditional(tf, random, agentCritic, realAgent, fake)));
    metrics.add(AGENT_W, tf.math.neg(wLossA));
    List<Phase> critics = new ArrayList<>(List.of(Phase.minimize("agent-C", aOpt, lossA)));
    List<Phase> generatorPhases;

    if (settings.hasFeedback()) {
      PairedBatch mb = new PairedBatch(tf, random, agents, y, i0, b);
      Mlp mixerCritic = Mlp.trainable(tf, "mixer_c", settings.mixerCritic(),
          MlpWeights.pytorchDefault(settings.mixerCritic(), settings.seed() * 1000 + 3));
      AdamOptimizer mOpt = adam(tf, "mixer_c_adam", mixerCritic);
      Operand<TFloat32> fakeForMixer = agentBatch == b ? fake : generator.apply(random.normal(b, latent));
      Operand<TFloat32> yFake = mixerOutput(tf, random, mixer, mb, fakeForMixer, latent, b);
      Operand<TFloat32> wLossM = WassersteinLosses.critic(tf, mixerCritic.apply(mb.y()), mixerCritic.apply(yFake));
      Operand<TFloat32> lossM = tf.math.add(wLossM, tf.math.mul(tf.constant(settings.gpMixer()),
          GradientPenalty.unconditional(tf, random, mixerCritic, mb.y(), yFake)));
      metrics.add(MIXER_W, tf.math.neg(wLossM));
      critics.add(Phase.minimize("mixer-C", mOpt, lossM));

      // Generator: La through the agent critic, Lf through the frozen mixer and its critic.
      Operand<TFloat32> z = random.normal(b, latent);
      Operand<TFloat32> gOut = generator.apply(z);
      Operand<TFloat32> agentLoss = WassersteinLosses.generator(tf,
          agentCritic.apply(agentBatch == b ? gOut : slice(tf, gOut, agentBatch)));
      Operand<TFloat32> yGen = settings.sharedNoise()
          ? mixer.attach(tf, mb.condition(tf, gOut), z)
          : mixerOutput(tf, random, mixer, mb, gOut, latent, b);
      Operand<TFloat32> feedbackLoss = WassersteinLosses.generator(tf, mixerCritic.apply(yGen));
      metrics.add(LOSS_AGENT, agentLoss).add(LOSS_FEEDBACK, feedbackLoss);
      // The synthetic reference alternates through one optimizer: La and Lf share Adam's slots.
      generatorPhases = settings.feedback().generatorPhases(tf, agentLoss, feedbackLoss, gOpt, () -> gOpt);
    } else {
      Operand<TFloat32> agentLoss = WassersteinLosses.generator(tf,
          agentCritic.apply(generator.apply(random.normal(agentBatch, latent))));
      metrics.add(LOSS_AGENT, agentLoss);
      generatorPhases = List.of(Phase.minimize("agent-G", gOpt, agentLoss));
    }
    List<Phase> phases = new ArrayList<>();
    phases.add(Phase.joint(tf, "critics", critics).repeated(settings.criticSteps()));
    phases.addAll(generatorPhases);
    sampleNoise = tf.placeholder(TFloat32.class);
    samples = generator.apply(sampleNoise);
    org.mgm.runtime.Sessions.initialize(session);
    training = new Training(graph, session, new Schedule(phases), metrics);
  }

  private AdamOptimizer adam(Ops tf, String name, Mlp net) {
    return new AdamOptimizer(tf, name, net.parameters(), settings.adam());
  }

  private static Operand<TFloat32> slice(Ops tf, Operand<TFloat32> x, int rows) {
    return tf.slice(x, tf.constant(new int[] {0, 0}), tf.constant(new int[] {rows, -1}));
  }

  private Operand<TFloat32> mixerOutput(Ops tf, GraphRandom random, FrozenMixer mixer, PairedBatch mb,
      Operand<TFloat32> agentFake, int latent, int b) {
    Operand<TFloat32> noise = settings.sharedNoise() ? random.normal(b, latent) : random.normal(b, mixer.noiseWidth());
    return mixer.attach(tf, mb.condition(tf, agentFake), noise);
  }

  /** One generator iteration: the schedule's critic steps, then the generator update(s). */
  public void iterate() {
    training.iterate();
  }

  /** Current estimates on a fresh batch, by name ({@link #AGENT_W} …; the mixer's only with feedback). */
  public Map<String, Double> metrics() {
    return training.metrics();
  }

  public Training training() {
    return training;
  }

  /** G(z) for given latents (evaluation draws its own seeded z). */
  public float[][] generate(float[][] z) {
    try (TFloat32 zt = TFloat32.tensorOf(StdArrays.ndCopyOf(z));
        var res = training.session().runner().feed(sampleNoise, zt).fetch(samples).run()) {
      float[][] out = new float[z.length][(int) generator.outputWidth()];
      StdArrays.copyFrom((TFloat32) res.get(0), out);
      return out;
    }
  }

  public MlpWeights generatorWeights() {
    return generator.read(training.session());
  }

  public AgentSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    training.close();
  }
}
