package org.mgm.experiments.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mgm.model.StateDictModule;
import org.mgm.model.TorchReference;
import org.mgm.tensor.HostTensor;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The agent generator, the critics and the mixer generator against the same networks in PyTorch
 * 1.13 (forward, and gradients of sum(output · v) w.r.t. every input and every parameter, ≤ 1e-4
 * relative), at the paper's widths and T = 24. Runs where /usr/bin/python3 has torch. Also:
 * applying a network twice shares its variables; the mixer's two input forms agree.
 */
class TimeSeriesNetworksTorchTest {
  private static final double TOLERANCE = 1e-4;
  private static final TimeSeriesWidths W = TimeSeriesWidths.defaults();
  private static final int B = 16;
  private static final int T = 24;

  private static void check(TorchReference.Errors e, String label) {
    System.out.println(e.summary(label));
    assertTrue(e.forward() <= TOLERANCE, label + " forward " + e.forward());
    e.inputs().forEach((k, v) -> assertTrue(v <= TOLERANCE, label + " gradient of input " + k + ": " + v));
    e.parameters().forEach((k, v) -> assertTrue(v <= TOLERANCE, label + " gradient of " + k + ": " + v));
    e.vanishing().forEach((k, v) -> assertTrue(v <= TOLERANCE, label + " zero gradient of " + k + ": " + v));
  }

  private static Map<String, HostTensor> noise(long seed) {
    Map<String, HostTensor> in = new LinkedHashMap<>();
    in.put("z", TorchReference.uniform(new Random(seed), -1, 1, B, T, W.noise()));
    in.put("y", TorchReference.uniform(new Random(seed + 1), -1, 1, B, W.constantNoise()));
    return in;
  }

  private static Map<String, Integer> sizes(Object... kv) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Integer) kv[i + 1]);
    }
    return m;
  }

  @Test
  void agentGeneratorMatchesTorch(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    var weights = TimeSeriesNetworks.agentGeneratorInit(W, 21);
    var e = TorchReference.compare(tmp, "agent", sizes("dz", W.noise(), "dy", W.constantNoise(), "state", W.state()),
        noise(22), (tf, in) -> {
          var g = TimeSeriesNetworks.agentGenerator(tf, "agent_g", W, weights, true);
          return new TorchReference.Built(g.apply(GeneratorNoise.perStep(tf, in.get(0), in.get(1))), g.stateDict());
        }, 23);
    check(e, "agent G");
  }

  @ParameterizedTest(name = "critic D_in={0}")
  @ValueSource(ints = {1, 4})
  void criticMatchesTorch(int inputChannels, @TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    var weights = TimeSeriesNetworks.criticInit(W, inputChannels, 31);
    Map<String, HostTensor> in = new LinkedHashMap<>();
    in.put("input", TorchReference.uniform(new Random(32), -1, 1, B, T, inputChannels));
    var e = TorchReference.compare(tmp, "critic", sizes("din", inputChannels, "filters", W.filters(), "k", W.kernel()),
        in, (tf, x) -> {
          var h = TimeSeriesNetworks.critic(tf, "critic_h", W, inputChannels, weights, true);
          return new TorchReference.Built(h.apply(x.get(0)), h.stateDict());
        }, 33);
    check(e, "critic D_in=" + inputChannels);
  }

  @ParameterizedTest(name = "mixer trainable={0}")
  @ValueSource(booleans = {true, false})
  void mixerGeneratorMatchesTorch(boolean trainable, @TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    var weights = TimeSeriesNetworks.mixerGeneratorInit(W, 41);
    Map<String, HostTensor> in = new LinkedHashMap<>();
    in.put("prices", TorchReference.uniform(new Random(42), -1, 1, B, T, W.conditions()));
    in.putAll(noise(43));
    var e = TorchReference.compare(tmp, "mixer",
        sizes("cond", W.conditions(), "dz", W.noise(), "dy", W.constantNoise(), "state", W.state()), in, (tf, x) -> {
          var g = TimeSeriesNetworks.mixerGenerator(tf, "mixer_g", W, weights, trainable);
          assertEquals(trainable ? 14 : 0, g.parameters().size());
          // Frozen: the state dict is constants, and gradients w.r.t. them still say whether the
          // mixer computes what torch computes; in MGM only the price gradient is used.
          return new TorchReference.Built(g.apply(x.get(0), GeneratorNoise.perStep(tf, x.get(1), x.get(2))),
              g.stateDict());
        }, 44);
    check(e, "mixer G " + (trainable ? "trainable" : "frozen"));
  }

  private static long variables(Graph g) {
    long n = 0;
    for (var it = g.operations(); it.hasNext(); ) {
      if (((GraphOperation) it.next()).type().equals("VarHandleOp")) {
        n++;
      }
    }
    return n;
  }

  private static Operand<TFloat32> constant(Ops tf, HostTensor x) {
    return tf.constant(Shape.of(x.shape()), DataBuffers.of(x.floats(), true, false));
  }

  private static float[][] run(Session s, List<Operand<TFloat32>> outputs) {
    Session.Runner r = s.runner();
    outputs.forEach(r::fetch);
    try (var result = r.run()) {
      float[][] out = new float[outputs.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = HostTensor.fromTf(result.get(i)).floats();
      }
      return out;
    }
  }

  @Test
  void applyingANetworkTwiceSharesItsVariables() {
    Map<String, HostTensor> n = noise(51);
    HostTensor prices = TorchReference.uniform(new Random(52), -1, 1, B, T, W.conditions());
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var agent = TimeSeriesNetworks.agentGenerator(tf, "agent_g", W, TimeSeriesNetworks.agentGeneratorInit(W, 1), true);
      var critic = TimeSeriesNetworks.critic(tf, "critic_m", W, 1, TimeSeriesNetworks.criticInit(W, 1, 2), true);
      var mixer = TimeSeriesNetworks.mixerGenerator(tf, "mixer_g", W, TimeSeriesNetworks.mixerGeneratorInit(W, 3), true);
      long before = variables(g);
      for (StateDictModule m : List.<StateDictModule>of(agent, critic, mixer)) {
        assertEquals(m.stateDict().size(), m.parameters().size(), m.name());
      }
      assertEquals(10 + 6 + 14, before);
      Operand<TFloat32> noise = GeneratorNoise.perStep(tf, constant(tf, n.get("z")), constant(tf, n.get("y")));
      Operand<TFloat32> p = constant(tf, prices);
      Operand<TFloat32> fake1 = agent.apply(noise);
      Operand<TFloat32> fake2 = agent.apply(noise);
      Operand<TFloat32> h1 = critic.apply(fake1);
      Operand<TFloat32> h2 = critic.apply(fake2);
      Operand<TFloat32> d1 = mixer.apply(p, noise);
      Operand<TFloat32> d2 = mixer.apply(p, noise);
      Operand<TFloat32> joint = mixer.apply(tf.concat(List.of(p, noise), tf.constant(2)));
      assertEquals(before, variables(g), "applying created variables");
      assertArrayEquals(new long[] {B, T, W.filters()}, h1.shape().asArray());
      assertArrayEquals(new long[] {B, T, 1}, d1.shape().asArray());
      s.initialize();
      float[][] out = run(s, List.of(fake1, fake2, h1, h2, d1, d2, joint));
      assertArrayEquals(out[0], out[1]);
      assertArrayEquals(out[2], out[3]);
      assertArrayEquals(out[4], out[5]);
      assertArrayEquals(out[4], out[6], 1e-6f, "the joint operand [prices, z, y] is the two-input form");
    }
  }

  @Test
  void frozenMixerHasNoVariablesAndPassesGradientsToItsPrices() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var mixer = TimeSeriesNetworks.mixerGenerator(tf, "mixer_g", W, TimeSeriesNetworks.mixerGeneratorInit(W, 3), false);
      assertTrue(mixer.parameters().isEmpty());
      assertEquals(0, variables(g));
      Operand<TFloat32> p = constant(tf, TorchReference.uniform(new Random(61), -1, 1, B, T, W.conditions()));
      Map<String, HostTensor> n = noise(62);
      Operand<TFloat32> d = mixer.apply(p, GeneratorNoise.perStep(tf, constant(tf, n.get("z")), constant(tf, n.get("y"))));
      Operand<TFloat32> loss = tf.reduceSum(d, tf.constant(new int[] {0, 1, 2}));
      Operand<TFloat32> dp = org.mgm.model.Gradients.of(tf, loss, List.of(p)).get(0);
      float[] grad = run(s, List.of(dp))[0];
      double norm = 0;
      for (float v : grad) {
        norm += v * v;
      }
      assertTrue(norm > 0, "no gradient reaches the prices through the frozen mixer");
    }
  }

  @Test
  void initIsSeededAndKeysAreChecked() {
    var a = TimeSeriesNetworks.mixerGeneratorInit(W, 7);
    var b = TimeSeriesNetworks.mixerGeneratorInit(W, 7);
    assertEquals(List.of("encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_ih_l0", "encoder.bias_hh_l0",
        "decoder.weight_ih_l0", "decoder.weight_hh_l0", "decoder.bias_ih_l0", "decoder.bias_hh_l0", "fc1.weight",
        "fc1.bias", "bn.weight", "bn.bias", "fc2.weight", "fc2.bias"), List.copyOf(a.keySet()));
    a.forEach((k, v) -> assertArrayEquals(v.floats(), b.get(k).floats(), k));
    assertArrayEquals(new long[] {4 * 32, 52}, a.get("decoder.weight_ih_l0").shape());
    Map<String, HostTensor> extra = new LinkedHashMap<>(a);
    extra.put("head.weight", a.get("fc1.weight"));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var e = assertThrows(IllegalArgumentException.class,
          () -> TimeSeriesNetworks.mixerGenerator(tf, "mixer_g", W, extra, false));
      assertTrue(e.getMessage().contains("head.weight"), e.getMessage());
    }
  }

  @Test
  void widthsDefaultToThePapersAndBuild() {
    assertEquals(new TimeSeriesWidths(10, 10, 32, 32, 5, 3), TimeSeriesWidths.defaults());
    assertEquals(20, W.noiseInput());
    TimeSeriesWidths small = TimeSeriesWidths.builder().state(8).kernel(3).build();
    assertEquals(8, small.state());
    assertEquals(small, small.toBuilder().build());
    assertThrows(IllegalArgumentException.class, () -> TimeSeriesWidths.builder().filters(0).build());
  }
}
