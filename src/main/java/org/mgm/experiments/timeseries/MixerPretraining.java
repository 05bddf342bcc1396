package org.mgm.experiments.timeseries;

import java.util.List;
import java.util.Map;
import org.mgm.gan.CotGanLoss;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
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
 * The mixer generator's COT-GAN pretraining on the full data (reference {@code cot_condition.py}):
 * demand generated from the real prices of the same windows, judged on demand alone (CM) or on
 * prices and demand together (CJ). Schedule: {@code mixer-C}, {@code mixer-G}, {@code next-batch}.
 */
public final class MixerPretraining implements AutoCloseable {
  public static final String W_MIXER = "w_mixer";

  private final CotGanTrainingSettings settings;
  private final Training training;
  private final MixerGenerator mixer;
  private final GeneratorSampler sampler;

  /** @param windows every window of the data [N][T][4], N ≥ 2B */
  public MixerPretraining(CotGanTrainingSettings settings, MixerVariant variant, double[][][] windows) {
    this.settings = settings;
    TimeSeriesWidths w = settings.widths();
    int b = settings.batch();
    long seed = settings.seed();
    int steps = windows[0].length;
    Graph graph = new Graph();
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, seed);
    CotGanLoss loss = new CotGanLoss(tf, settings.cot());
    mixer = TimeSeriesNetworks.mixerGenerator(tf, "mixer_g", w, TimeSeriesNetworks.mixerGeneratorInit(w, seed * 1000 + 1),
        true);
    AdamOptimizer gOpt = new AdamOptimizer(tf, "mixer_g_adam", mixer.parameters(), settings.generator());
    CotCritic critic = new CotCritic(tf, "mixer_c", w, variant.criticChannels(), loss, settings.critic(),
        seed * 1000 + 2);
    WindowBatches data = new WindowBatches(tf, "data", windows, b, seed * 1000 + 4, windows.length / (2 * b));
    Judged x = new Judged(tf, variant, data.first());
    Judged xPrime = new Judged(tf, variant, data.second());

    Operand<TFloat32> fake1 = x.judged(mixer.apply(x.prices, GeneratorNoise.draw(tf, random, b, steps, w)));
    Operand<TFloat32> fake2 = xPrime.judged(mixer.apply(xPrime.prices, GeneratorNoise.draw(tf, random, b, steps, w)));
    Phase criticPhase = critic.phase("mixer-C", critic.estimate(x.real, xPrime.real, fake1, fake2));
    Operand<TFloat32> gen3 = x.judged(mixer.apply(x.prices, GeneratorNoise.draw(tf, random, b, steps, w)));
    Operand<TFloat32> gen4 = xPrime.judged(mixer.apply(xPrime.prices, GeneratorNoise.draw(tf, random, b, steps, w)));
    Operand<TFloat32> divergence = critic.estimate(x.real, xPrime.real, gen3, gen4).divergence();
    Metrics metrics = new Metrics().add(W_MIXER, divergence);
    List<Phase> phases = List.of(criticPhase, Phase.minimize("mixer-G", gOpt, divergence),
        Phase.of("next-batch", data.advance()));

    float[][][] prices = new float[windows.length][steps][w.conditions()];
    for (int i = 0; i < windows.length; i++) {
      for (int t = 0; t < steps; t++) {
        for (int c = 0; c < w.conditions(); c++) {
          prices[i][t][c] = (float) windows[i][t][c];
        }
      }
    }
    Operand<TFloat32> allPrices = tf.constant(prices);
    sampler = new GeneratorSampler(tf, windows.length, steps, w, noise -> mixer.apply(allPrices, noise));
    Session session = Sessions.unoptimized(graph);
    Sessions.initialize(session);
    training = new Training(graph, session, new Schedule(phases), metrics);
  }

  /** A real batch as the critic sees it, and the prices the generator is conditioned on. */
  private static final class Judged {
    final Ops tf;
    final MixerVariant variant;
    final Operand<TFloat32> prices;
    final Operand<TFloat32> real;

    Judged(Ops tf, MixerVariant variant, Operand<TFloat32> batch) {
      this.tf = tf;
      this.variant = variant;
      this.prices = Channels.of(tf, batch, 0, PriceDemandCsv.DEMAND);
      this.real = variant == MixerVariant.CJ ? batch : Channels.of(tf, batch, PriceDemandCsv.DEMAND, 1);
    }

    /** Generated demand as the critic sees it: alone (CM), or after this batch's real prices (CJ). */
    Operand<TFloat32> judged(Operand<TFloat32> demand) {
      return variant == MixerVariant.CJ ? tf.concat(List.of(prices, demand), tf.constant(2)) : demand;
    }
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

  /** Demand [N][T][1] generated from the real prices of every window, with seeded noise. */
  public double[][][] sampleDemand(long seed) {
    return sampler.sample(training.session(), seed);
  }

  /** The mixer generator's weights in PyTorch's names, what MGM loads. */
  public Map<String, HostTensor> generatorWeights() {
    return StateDicts.read(training.session(), mixer.stateDict());
  }

  @Override
  public void close() {
    training.close();
  }
}
