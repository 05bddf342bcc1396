package org.mgm.experiments.market;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mgm.gan.LogisticLosses;
import org.mgm.model.Activation;
import org.mgm.model.AdamOptimizer;
import org.mgm.model.GraphRandom;
import org.mgm.model.Linear;
import org.mgm.model.ModuleScope;
import org.mgm.model.Sequential;
import org.mgm.runtime.Sessions;
import org.mgm.train.ExponentialMovingAverage;
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
 * Fits the simulator's trader parameters to observed price windows, in one graph and one
 * schedule on the training core:
 * <ul>
 *   <li>GAN: {@code discriminator} (ascend log D(real) + log(1 − D(fake)) on a fresh simulated
 *       batch), then {@code simulator} (descend log(1 − D(fake)), the minimax loss as the paper
 *       states it, on another fresh batch, through the simulator into b, c, d);
 *   <li>moments: {@code simulator} descends Σ_k (m_k(simulated) − m_k(observed))² over the
 *       moments of {@link PathStatistics}.
 * </ul>
 * Each update simulates fresh noise in the graph; the observed windows are a constant. A last
 * phase, {@code average}, keeps the iterate average that the run reports.
 */
public final class Calibration implements AutoCloseable {
  /** Metric names (also metrics.csv columns besides the parameters). */
  public static final String LOSS_D = "loss_d";
  public static final String LOSS_G = "loss_g";
  public static final String MOMENT_GAP = "moment_gap";

  private final MarketSettings market;
  private final CalibrationSettings settings;
  private final MarketSimulator simulator;
  private final Training training;
  private final ExponentialMovingAverage average;
  private final List<String> parameterNames = new ArrayList<>();

  /** @param observed price windows [n][Δ + 1], n ≥ batch */
  public Calibration(MarketSettings market, CalibrationSettings settings, float[][] observed) {
    this.market = market;
    this.settings = settings;
    int length = market.pathLength();
    if (observed.length < settings.batch()) {
      throw new IllegalArgumentException(observed.length + " observed paths, fewer than one batch of "
          + settings.batch());
    }
    Graph graph = new Graph();
    Ops tf = Ops.create(graph);
    GraphRandom random = new GraphRandom(tf, settings.seed());
    simulator = MarketSimulator.trainable(tf, "simulator", market,
        TraderParameters.standardNormal(market, settings.initSeed()));
    AdamOptimizer simOpt = new AdamOptimizer(tf, "simulator_adam", simulator.parameters(), settings.simulator());
    if (settings.decayFloor() < 1) {
      simOpt.withLinearDecay(settings.iterations(), settings.decayFloor());
    }
    Operand<TFloat32> all = tf.constant(StdArrays.ndCopyOf(observed));
    // The paper's batch is the whole set; a larger set is sampled with replacement each update.
    Operand<TFloat32> real = observed.length == settings.batch() ? all
        : tf.gather(all, random.indices(settings.batch(), observed.length), tf.constant(0));
    Metrics metrics = new Metrics();
    List<Phase> phases = new ArrayList<>();
    if (settings.method() == CalibrationMethod.GAN) {
      Sequential critic = discriminator(tf, settings, settings.features().width(length));
      AdamOptimizer dOpt = new AdamOptimizer(tf, "discriminator_adam", critic.parameters(), settings.discriminator());
      Operand<TFloat32> fakeForD = tf.stopGradient(simulator.apply(MarketNoise.draw(tf, random, market,
          settings.batch())));
      Operand<TFloat32> lossD = LogisticLosses.critic(tf, critic.apply(settings.features().apply(tf, real, length)),
          critic.apply(settings.features().apply(tf, fakeForD, length)));
      Operand<TFloat32> fake = simulator.apply(MarketNoise.draw(tf, random, market, settings.batch()));
      Operand<TFloat32> lossG = LogisticLosses.minimaxGenerator(tf,
          critic.apply(settings.features().apply(tf, fake, length)));
      phases.add(Phase.minimize("discriminator", dOpt, lossD));
      phases.add(Phase.minimize("simulator", simOpt, lossG));
      metrics.add(LOSS_D, lossD).add(LOSS_G, lossG);
    } else {
      Operand<TFloat32> target = tf.stopGradient(PathStatistics.moments(tf, all, length));
      Operand<TFloat32> simulated = PathStatistics.moments(tf,
          simulator.apply(MarketNoise.draw(tf, random, market, settings.batch())), length);
      Operand<TFloat32> gap = tf.sum(tf.math.square(tf.math.sub(simulated, target)), tf.constant(0));
      phases.add(Phase.minimize("simulator", simOpt, gap));
      metrics.add(MOMENT_GAP, gap);
    }
    average = new ExponentialMovingAverage(tf, "simulator_average", simulator.parameters(), settings.averageDecay());
    phases.add(Phase.of("average", average.update()));
    addParameterMetrics(tf, metrics);
    Session session = Sessions.unoptimized(graph);
    Sessions.initialize(session);
    average.initialize(session);
    training = new Training(graph, session, new Schedule(phases), metrics);
  }

  /** FC hidden × depth, ReLU, one logit (the paper's sigmoid is inside the logistic losses). */
  static Sequential discriminator(Ops tf, CalibrationSettings s, int inputs) {
    ModuleScope scope = ModuleScope.root(tf, "discriminator");
    SplittableRandom rnd = new SplittableRandom(s.seed() * 1000 + 3);
    List<Sequential.Part> parts = new ArrayList<>();
    int in = inputs;
    for (int l = 0; l < s.depth(); l++) {
      parts.add(new Sequential.Part("fc" + l, Linear.create(scope.child("fc" + l), in, s.hidden(),
          Linear.pytorchInit(in, s.hidden(), rnd), true)));
      parts.add(new Sequential.Part("relu" + l, Activation.create(scope.child("relu" + l), Activation.Kind.RELU,
          s.hidden())));
      in = s.hidden();
    }
    parts.add(new Sequential.Part("out", Linear.create(scope.child("out"), in, 1, Linear.pytorchInit(in, 1, rnd),
        true)));
    return new Sequential(scope.path(), parts);
  }

  /** One scalar metric per trader parameter entry: b, c, d when tied, else b_1 … b_N1, …. */
  private void addParameterMetrics(Ops tf, Metrics metrics) {
    String[] names = {"b", "c", "d"};
    List<Operand<TFloat32>> values = simulator.values();
    for (int k = 0; k < 3; k++) {
      long n = values.get(k).shape().get(0);
      for (int i = 0; i < n; i++) {
        String name = n == 1 ? names[k] : names[k] + "_" + (i + 1);
        parameterNames.add(name);
        metrics.add(name, tf.reshape(tf.gather(values.get(k), tf.constant(i), tf.constant(0)),
            tf.constant(new long[0])));
      }
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

  /** The parameter metrics' names, in metrics order. */
  public List<String> parameterNames() {
    return List.copyOf(parameterNames);
  }

  /** The iterate average of b, c, d ({@link CalibrationSettings#averageHorizon()}): what a run reports. */
  public TraderParameters averagedParameters() {
    return average.withAverages(training.session(), this::parameters);
  }

  /** b, c, d as they stand now (the last iterate). */
  public TraderParameters parameters() {
    Session.Runner r = training.session().runner();
    simulator.values().forEach(r::fetch);
    try (var out = r.run()) {
      double[][] v = new double[3][];
      for (int k = 0; k < 3; k++) {
        TFloat32 t = (TFloat32) out.get(k);
        v[k] = new double[(int) t.shape().get(0)];
        for (int i = 0; i < v[k].length; i++) {
          v[k][i] = t.getFloat(i);
        }
      }
      return new TraderParameters(v[0], v[1], v[2]);
    }
  }

  public MarketSettings market() {
    return market;
  }

  public CalibrationSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    training.close();
  }
}
