package org.mgm.experiments.timeseries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.feedback.FeedbackUpdate;
import org.mgm.gan.CotGanLoss;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.model.Sequential;
import org.mgm.model.StateDicts;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;
import org.mgm.train.Metrics;
import org.mgm.train.Phase;
import org.mgm.train.Schedule;
import org.mgm.train.Training;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The modelled agent (the French price) trained by COT-GAN, alone (the baseline, "COT-GAN") or
 * with the frozen pretrained mixer's feedback (MGM, "COT-GAN-CJ/-CM", the reference's
 * {@code cot_hier.py}). One graph, one schedule:
 * <ol>
 *   <li>{@code critics}: the agent critic on the agent's batch, and with feedback the fresh mixer
 *       critic on demand, both judging one draw of the agent's fakes (one {@code Session.run});
 *   <li>{@code agent-G}: the agent descends Ŵ_agent, or with feedback
 *       (1 − α)·Ŵ_agent + α·Ŵ_mixer, on fresh noise;
 *   <li>{@code next-batch}: the loaders move on.
 * </ol>
 * With feedback the mixer's condition is [real price 0, the agent's fake, real price 2] of a batch
 * of the full data, its noise the agent's own (z, y), as in the reference; the mixer stays frozen
 * but its BatchNorm normalises with batch statistics. Gradients of Ŵ_mixer flow through the frozen
 * mixer into the agent.
 */
public final class CotGanAgentTraining implements AutoCloseable {
  /** Metric names, also the columns of the run's metrics.csv. */
  public static final String W_AGENT = "w_agent";
  public static final String W_MIXER = "w_mixer";

  private final CotGanTrainingSettings settings;
  private final Training training;
  private final Sequential generator;
  private final MixerGenerator mixer;
  private final GeneratorSampler sampler;

  /**
   * @param agentWindows the agent's training windows [n][T][1] (its scenario), n ≥ 2B
   * @param fullWindows every window of the data [N][T][4]; read only with a mixer
   * @param mixerWeights the pretrained mixer generator's state dict, or null for the baseline
   * @param sampleCount the batch size of {@link #sample}: BatchNorm normalises over it
   */
  public CotGanAgentTraining(CotGanTrainingSettings settings, double[][][] agentWindows, double[][][] fullWindows,
      Map<String, HostTensor> mixerWeights, int sampleCount) {
    this.settings = settings;
    int steps = agentWindows[0].length;
    TimeSeriesWidths w = settings.widths();
    int b = settings.batch();
    long seed = settings.seed();
    Graph graph = new Graph();
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, seed);
    CotGanLoss loss = new CotGanLoss(tf, settings.cot());
    Metrics metrics = new Metrics();

    generator = TimeSeriesNetworks.agentGenerator(tf, "agent_g", w,
        TimeSeriesNetworks.agentGeneratorInit(w, seed * 1000 + 1), true);
    AdamOptimizer gOpt = new AdamOptimizer(tf, "agent_g_adam", generator.parameters(), settings.generator());
    CotCritic agentCritic = new CotCritic(tf, "agent_c", w, 1, loss, settings.critic(), seed * 1000 + 2);
    WindowBatches agentData = new WindowBatches(tf, "agent_data", agentWindows, b, seed * 1000 + 4,
        agentWindows.length / (2 * b));
    Operand<TFloat32> x = agentData.first();
    Operand<TFloat32> xPrime = agentData.second();

    Operand<TFloat32> noise1 = GeneratorNoise.draw(tf, random, b, steps, w);
    Operand<TFloat32> noise2 = GeneratorNoise.draw(tf, random, b, steps, w);
    Operand<TFloat32> fake1 = generator.apply(noise1);
    Operand<TFloat32> fake2 = generator.apply(noise2);
    List<Phase> critics = new ArrayList<>(List.of(
        agentCritic.phase("agent-C", agentCritic.estimate(x, xPrime, fake1, fake2))));

    Operand<TFloat32> noise3 = GeneratorNoise.draw(tf, random, b, steps, w);
    Operand<TFloat32> noise4 = GeneratorNoise.draw(tf, random, b, steps, w);
    Operand<TFloat32> gen3 = generator.apply(noise3);
    Operand<TFloat32> gen4 = generator.apply(noise4);
    Operand<TFloat32> wAgent = agentCritic.estimate(x, xPrime, gen3, gen4).divergence();
    metrics.add(W_AGENT, wAgent);
    List<Phase> generatorPhases;
    List<org.tensorflow.op.Op> advances = new ArrayList<>(List.of(agentData.advance()));
    if (mixerWeights != null) {
      mixer = TimeSeriesNetworks.mixerGenerator(tf, "mixer_g", w, mixerWeights, false);
      CotCritic mixerCritic = new CotCritic(tf, "mixer_c", w, 1, loss, settings.mixerCritic(), seed * 1000 + 5);
      // The full-data loader restarts with the agent's, as the reference's loop resets both.
      WindowBatches full = new WindowBatches(tf, "full_data", fullWindows, b, seed * 1000 + 6, agentData.count());
      advances.add(full.advance());
      Operand<TFloat32> full1 = full.first();
      Operand<TFloat32> full2 = full.second();
      Operand<TFloat32> demand1 = Channels.of(tf, full1, PriceDemandCsv.DEMAND, 1);
      Operand<TFloat32> demand2 = Channels.of(tf, full2, PriceDemandCsv.DEMAND, 1);
      // The critic judges the mixer's output as data: no gradient into the agent from this step.
      Operand<TFloat32> mix1 = tf.stopGradient(mixer.apply(condition(tf, full1, fake1), noise1));
      Operand<TFloat32> mix2 = tf.stopGradient(mixer.apply(condition(tf, full2, fake2), noise2));
      critics.add(mixerCritic.phase("mixer-C", mixerCritic.estimate(demand1, demand2, mix1, mix2)));
      Operand<TFloat32> wMixer = mixerCritic.estimate(demand1, demand2,
          mixer.apply(condition(tf, full1, gen3), noise3), mixer.apply(condition(tf, full2, gen4), noise4))
          .divergence();
      metrics.add(W_MIXER, wMixer);
      // FeedbackUpdate.combined(a) weighs the agent's own loss by a; α here weighs the feedback.
      generatorPhases = FeedbackUpdate.combined(1 - settings.feedbackWeight())
          .generatorPhases(tf, wAgent, wMixer, gOpt, () -> gOpt);
    } else {
      mixer = null;
      generatorPhases = List.of(Phase.minimize("agent-G", gOpt, wAgent));
    }
    List<Phase> phases = new ArrayList<>();
    phases.add(Phase.joint(tf, "critics", critics));
    phases.addAll(generatorPhases);
    phases.add(Phase.of("next-batch", tf.withControlDependencies(advances).noOp()));

    sampler = new GeneratorSampler(tf, sampleCount, steps, w, generator::apply);
    Session session = Sessions.unoptimized(graph);
    Sessions.initialize(session);
    training = new Training(graph, session, new Schedule(phases), metrics);
  }

  /** [real price 0, the agent's price, real price 2]: the agent's fake in its condition slot. */
  private static Operand<TFloat32> condition(Ops tf, Operand<TFloat32> full, Operand<TFloat32> agent) {
    return tf.concat(List.of(Channels.of(tf, full, 0, 1), agent, Channels.of(tf, full, 2, 1)), tf.constant(2));
  }

  public void iterate() {
    training.iterate();
  }

  public Training training() {
    return training;
  }

  public Map<String, Double> metrics() {
    return training.metrics();
  }

  /** {@code sampleCount} generated days [n][T][1] from a seeded noise draw. */
  public double[][][] sample(long seed) {
    return sampler.sample(training.session(), seed);
  }

  /** The agent generator's weights in PyTorch's names. */
  public Map<String, HostTensor> generatorWeights() {
    return StateDicts.read(training.session(), generator.stateDict());
  }

  /** The frozen mixer's weights as the session holds them (they never change), null for the baseline. */
  public Map<String, HostTensor> mixerWeights() {
    return mixer == null ? null : StateDicts.read(training.session(), mixer.stateDict());
  }

  public CotGanTrainingSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    training.close();
  }
}
