package org.mgm.experiments.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mgm.eval.Ace;
import org.mgm.gan.CotGanSettings;
import org.mgm.model.StateDicts;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The time-series trainings on small networks and the synthetic stand-in: what each schedule
 * moves, what it keeps fixed, and that training improves the agent's autocorrelation.
 */
class CotGanTrainingTest {
  private static PriceDemandCsv.Windows data;
  private static final TimeSeriesWidths SMALL = TimeSeriesWidths.builder().state(8).filters(8).build();

  @BeforeAll
  static void load() {
    data = TimeSeriesData.load(null);
  }

  private static CotGanTrainingSettings settings(int iterations, double alpha) {
    return CotGanTrainingSettings.builder().iterations(iterations).batch(32).widths(SMALL).feedbackWeight(alpha)
        .cot(CotGanSettings.builder().iterations(5).build()).seed(3).build();
  }

  private static double[][][] agentColumn(double[][][] windows) {
    return TimeSeriesArrays.channel(windows, PriceDemandCsv.AGENT);
  }

  @Test
  void standInHasThePapersWindowCount() {
    assertEquals(249, data.count());
    assertEquals(24, data.length());
    for (double[][] w : data.windows()) {
      for (double[] hour : w) {
        for (double v : hour) {
          assertTrue(v > -1 && v < 1, "tanh scaling keeps values in (-1, 1)");
        }
      }
    }
  }

  @Test
  void batchesCycleAndBothPhasesOfAnIterationSeeTheSameOne() {
    double[][][] windows = data.windows();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      WindowBatches b = new WindowBatches(tf, "data", windows, 32, 9, 3);
      assertEquals(3, b.count(), "249 windows in batches of 64, remainder dropped");
      var current = b.current();
      var advance = b.advance();
      s.initialize();
      float[] first = fetch(s, current);
      assertArrayEquals(first, fetch(s, current), "unchanged until advanced");
      s.runner().addTarget(advance).run();
      float[] second = fetch(s, current);
      assertFalse(java.util.Arrays.equals(first, second));
      s.runner().addTarget(advance).run();
      s.runner().addTarget(advance).run();
      assertArrayEquals(first, fetch(s, current), "after 3 batches the loader starts again");
    }
  }

  private static float[] fetch(Session s, org.tensorflow.Operand<TFloat32> x) {
    try (var r = s.runner().fetch(x).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] out = new float[(int) t.shape().size()];
      t.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  @Test
  void baselineTrainingBringsTheAutocorrelationCloser() {
    double[][][] agent = agentColumn(data.windows());
    // The experiment's own widths: the small test networks learn too little in a few hundred steps.
    // ACE swings between readings, so this asks what a run keeps: the best of its readings.
    CotGanTrainingSettings s = settings(200, 0.5).toBuilder().widths(TimeSeriesWidths.defaults())
        .cot(CotGanSettings.builder().iterations(10).build()).seed(1).build();
    try (CotGanAgentTraining t = new CotGanAgentTraining(s, agent, data.windows(), null, 249)) {
      double before = Ace.error(t.sample(5), agent);
      double best = Double.POSITIVE_INFINITY;
      List<Double> readings = new java.util.ArrayList<>();
      for (int i = 1; i <= 200; i++) {
        t.iterate();
        if (i % 25 == 0) {
          readings.add(Ace.error(t.sample(5), agent));
          best = Math.min(best, readings.get(readings.size() - 1));
        }
      }
      assertTrue(best < 0.6 * before, "ACE before " + before + ", every 25 iterations " + readings);
      assertEquals(List.of("critics", "agent-G", "next-batch"), t.training().schedule().names());
    }
  }

  @Test
  void feedbackMovesTheAgentThroughTheFrozenMixerAndLeavesTheMixerAlone() {
    Map<String, HostTensor> mixer = TimeSeriesNetworks.mixerGeneratorInit(SMALL, 11);
    double[][][] agent = agentColumn(new TimeSeriesScenario("low-64", 1, 64).windows(data, 1));
    // α = 1: the agent's step descends the mixer's divergence only, so any change in the agent
    // comes through the frozen mixer.
    try (CotGanAgentTraining t = new CotGanAgentTraining(settings(5, 1.0), agent, data.windows(), mixer, 249)) {
      Map<String, HostTensor> before = t.generatorWeights();
      for (int i = 0; i < 5; i++) {
        t.iterate();
      }
      Map<String, HostTensor> after = t.generatorWeights();
      for (String k : before.keySet()) {
        assertFalse(java.util.Arrays.equals(before.get(k).floats(), after.get(k).floats()), k + " did not move");
      }
      Map<String, Double> m = t.metrics();
      assertTrue(Double.isFinite(m.get(CotGanAgentTraining.W_MIXER)), m.toString());
      assertEquals(List.of("critics", "agent-G", "next-batch"), t.training().schedule().names());
      // The mixer's variables are not in any optimizer's list: the graph's mixer values are the loaded ones.
      Map<String, HostTensor> loaded = t.mixerWeights();
      for (String k : mixer.keySet()) {
        assertArrayEquals(mixer.get(k).floats(), loaded.get(k).floats(), k + " of the frozen mixer changed");
      }
    }
  }

  @Test
  void mixerPretrainingMovesOnlyTheMixerAndItsWeightsLoadBack(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    for (MixerVariant v : MixerVariant.values()) {
      try (MixerPretraining p = new MixerPretraining(settings(3, 0.5), v, data.windows())) {
        Map<String, HostTensor> before = p.generatorWeights();
        for (int i = 0; i < 3; i++) {
          p.iterate();
        }
        Map<String, HostTensor> after = p.generatorWeights();
        assertNotEquals(before.get("fc2.weight").floats()[0], after.get("fc2.weight").floats()[0], v.key());
        double[][][] demand = p.sampleDemand(1);
        assertEquals(249, demand.length);
        Path dir = tmp.resolve(v.key());
        StateDicts.writeNpy(dir, after);
        Map<String, HostTensor> back = StateDicts.readNpy(dir);
        assertEquals(after.keySet(), back.keySet());
        assertArrayEquals(after.get("fc2.weight").floats(), back.get("fc2.weight").floats());
        AgentRun.Spec spec = new AgentRun.Spec(TimeSeriesScenario.named("full"), v == MixerVariant.CJ
            ? TimeSeriesMethod.CJ : TimeSeriesMethod.CM, settings(1, 0.5), 1, dir);
        assertEquals(after.keySet(), AgentRun.readMixer(spec).keySet());
      }
    }
  }

  @Test
  void shippedMixersLoadAsTheExperimentsMixerGenerator() throws Exception {
    for (TimeSeriesMethod m : List.of(TimeSeriesMethod.CJ, TimeSeriesMethod.CM)) {
      Path dir = AgentRun.shippedMixer(m.mixer());
      AgentRun.Spec spec = new AgentRun.Spec(TimeSeriesScenario.named("full"), m,
          CotGanTrainingSettings.builder().build(), 1, dir);
      Map<String, HostTensor> w = AgentRun.readMixer(spec);
      assertEquals(14, w.size(), dir + ": " + w.keySet());
      assertArrayEquals(new long[] {128, 52}, w.get("decoder.weight_ih_l0").shape(), dir.toString());
    }
  }

  @Test
  void tooFewWindowsForOneBatchIsNamed() {
    double[][][] agent = agentColumn(java.util.Arrays.copyOf(data.windows(), 40));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CotGanAgentTraining(settings(1, 0.5), agent, data.windows(), null, 10).close());
    assertTrue(e.getMessage().contains("40 windows"), e.getMessage());
  }
}
