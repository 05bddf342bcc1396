package org.mgm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mgm.tensor.HostTensor;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The time-series layers against PyTorch 1.13 (torch.nn.LSTM, Conv1d after left padding,
 * BatchNorm1d in train mode, Linear): forward and the gradient of sum(output · v) w.r.t. the input
 * and every parameter, ≤ 1e-4 relative. Runs where /usr/bin/python3 has torch (CI installs
 * python3-torch). Also: applying a layer twice shares its variables, frozen layers have none.
 */
class SequenceLayersTorchTest {
  private static final double TOLERANCE = 1e-4;

  private static Map<String, HostTensor> one(String name, HostTensor x) {
    Map<String, HostTensor> m = new LinkedHashMap<>();
    m.put(name, x);
    return m;
  }

  private static Map<String, Integer> sizes(Object... kv) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Integer) kv[i + 1]);
    }
    return m;
  }

  private static void check(TorchReference.Errors e, String label) {
    System.out.println(e.summary(label));
    assertTrue(e.forward() <= TOLERANCE, label + " forward " + e.forward());
    e.inputs().forEach((k, v) -> assertTrue(v <= TOLERANCE, label + " gradient of input " + k + ": " + v));
    e.parameters().forEach((k, v) -> assertTrue(v <= TOLERANCE, label + " gradient of " + k + ": " + v));
    e.vanishing().forEach((k, v) -> assertTrue(v <= TOLERANCE, label + " zero gradient of " + k + ": " + v));
  }

  @Test
  void lstmMatchesTorch(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    Map<String, HostTensor> w = Lstm.pytorchInit(20, 32, new SplittableRandom(1));
    HostTensor x = TorchReference.uniform(new Random(2), -1, 1, 8, 24, 20);
    var e = TorchReference.compare(tmp, "lstm", sizes("in", 20, "hidden", 32), one("input", x), (tf, in) -> {
      Lstm m = Lstm.create(ModuleScope.root(tf, "lstm"), 20, 32, w, true);
      return new TorchReference.Built(m.apply(in.get(0)), m.stateDict());
    }, 3);
    check(e, "lstm 20->32 T24");
  }

  @ParameterizedTest(name = "conv {0}->{1} k{2} T{3}")
  @CsvSource({"4, 32, 5, 24", "32, 32, 5, 24", "3, 6, 5, 3", "2, 3, 1, 7"})
  void causalConvMatchesTorch(int cin, int cout, int k, int steps, @TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    Map<String, HostTensor> w = CausalConv1d.pytorchInit(cin, cout, k, new SplittableRandom(4));
    HostTensor x = TorchReference.uniform(new Random(5), -1, 1, 8, steps, cin);
    var e = TorchReference.compare(tmp, "conv", sizes("cin", cin, "cout", cout, "k", k), one("input", x), (tf, in) -> {
      CausalConv1d m = CausalConv1d.create(ModuleScope.root(tf, "conv"), cin, cout, k, w, true);
      return new TorchReference.Built(m.apply(in.get(0)), m.stateDict());
    }, 6);
    check(e, "conv " + cin + "->" + cout + " k" + k + " T" + steps);
  }

  @Test
  void batchNormMatchesTorch(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    // γ and β away from 1 and 0, and inputs with an offset, so that layout mistakes show.
    Map<String, HostTensor> w = new LinkedHashMap<>();
    w.put("weight", TorchReference.uniform(new Random(7), 0.5, 1.5, 32));
    w.put("bias", TorchReference.uniform(new Random(8), -0.5, 0.5, 32));
    HostTensor x = TorchReference.uniform(new Random(9), -1, 3, 8, 24, 32);
    var e = TorchReference.compare(tmp, "bn", sizes("c", 32), one("input", x), (tf, in) -> {
      BatchNorm m = BatchNorm.create(ModuleScope.root(tf, "bn"), 32, w, true);
      return new TorchReference.Built(m.apply(in.get(0)), m.stateDict());
    }, 10);
    check(e, "batchnorm 32 [8,24,32]");
  }

  @ParameterizedTest(name = "linear {0}->{1} rank {2}")
  @CsvSource({"32, 32, 3", "32, 1, 3", "5, 4, 2"})
  void linearMatchesTorch(int in, int out, int rank, @TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    Map<String, HostTensor> w = Linear.pytorchInit(in, out, new SplittableRandom(11));
    HostTensor x = rank == 3 ? TorchReference.uniform(new Random(12), -1, 1, 8, 24, in)
        : TorchReference.uniform(new Random(12), -1, 1, 8, in);
    var e = TorchReference.compare(tmp, "linear", sizes("in", in, "out", out), one("input", x), (tf, ops) -> {
      Linear m = Linear.create(ModuleScope.root(tf, "fc"), in, out, w, true);
      return new TorchReference.Built(m.apply(ops.get(0)), m.stateDict());
    }, 13);
    check(e, "linear " + in + "->" + out + " rank " + rank);
  }

  static long count(Graph g, String type) {
    long n = 0;
    for (var it = g.operations(); it.hasNext(); ) {
      if (((GraphOperation) it.next()).type().equals(type)) {
        n++;
      }
    }
    return n;
  }

  /** Builds a layer, applies it twice to one input and returns both outputs. */
  private static float[][] twice(Function<Ops, StateDictModule> factory, HostTensor x, boolean expectTrainable) {
    try (Graph g = new Graph(); Session s = new Session(g); Tensor xt = x.toTf()) {
      Ops tf = Ops.create(g);
      StateDictModule m = factory.apply(tf);
      long variables = count(g, "VarHandleOp");
      Operand<TFloat32> in = tf.constant(TFloat32.class, xt.shape(), ((TFloat32) xt).asRawTensor().data());
      Operand<TFloat32> first = m.apply(in);
      Operand<TFloat32> second = m.apply(in);
      assertEquals(variables, count(g, "VarHandleOp"), m.name() + ": applying created variables");
      assertEquals(expectTrainable ? m.stateDict().size() : 0, variables, m.name() + ": one variable per tensor");
      assertEquals(expectTrainable ? m.stateDict().size() : 0, m.parameters().size());
      s.initialize();
      try (var r = s.runner().fetch(first).fetch(second).run()) {
        return new float[][] {HostTensor.fromTf(r.get(0)).floats(), HostTensor.fromTf(r.get(1)).floats()};
      }
    }
  }

  @Test
  void applyingTwiceSharesVariables() {
    HostTensor x = TorchReference.uniform(new Random(14), -1, 1, 4, 6, 5);
    List<Function<Ops, StateDictModule>> layers = new ArrayList<>();
    layers.add(tf -> Lstm.create(ModuleScope.root(tf, "lstm"), 5, 7, Lstm.pytorchInit(5, 7, new SplittableRandom(1)), true));
    layers.add(tf -> CausalConv1d.create(ModuleScope.root(tf, "conv"), 5, 3, 4,
        CausalConv1d.pytorchInit(5, 3, 4, new SplittableRandom(1)), true));
    layers.add(tf -> BatchNorm.create(ModuleScope.root(tf, "bn"), 5, BatchNorm.pytorchInit(5), true));
    layers.add(tf -> Linear.create(ModuleScope.root(tf, "fc"), 5, 2, Linear.pytorchInit(5, 2, new SplittableRandom(1)), true));
    for (var layer : layers) {
      float[][] y = twice(layer, x, true);
      assertArrayEquals(y[0], y[1]);
    }
  }

  @Test
  void frozenLayersHaveNoVariablesAndComputeTheSame() {
    HostTensor x = TorchReference.uniform(new Random(15), -1, 1, 4, 6, 5);
    Map<String, HostTensor> w = Lstm.pytorchInit(5, 7, new SplittableRandom(2));
    float[] trained = twice(tf -> Lstm.create(ModuleScope.root(tf, "lstm"), 5, 7, w, true), x, true)[0];
    float[][] frozen = twice(tf -> Lstm.create(ModuleScope.root(tf, "lstm"), 5, 7, w, false), x, false);
    // Not bit-equal: with constants Grappler folds b_ih + b_hh ahead of time, a rounding apart.
    assertArrayEquals(trained, frozen[0], 1e-6f);
    assertArrayEquals(frozen[0], frozen[1]);
  }

  @Test
  void nestedModulesOfTheSameShortNameGetDistinctVariables() {
    // Two "lstm" parts under different parents: distinct shared names, so distinct variables.
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Lstm a = Lstm.create(ModuleScope.root(tf, "a").child("lstm"), 2, 3, Lstm.pytorchInit(2, 3, new SplittableRandom(1)), true);
      Lstm b = Lstm.create(ModuleScope.root(tf, "b").child("lstm"), 2, 3, Lstm.pytorchInit(2, 3, new SplittableRandom(2)), true);
      assertEquals("a/lstm/weight_ih_l0", a.parameters().parameters().get(0).name());
      s.initialize();
      Operand<TFloat32> wa = a.stateDict().get("weight_ih_l0");
      Operand<TFloat32> wb = b.stateDict().get("weight_ih_l0");
      try (var r = s.runner().fetch(wa).fetch(wb).run()) {
        assertNotEquals(HostTensor.fromTf(r.get(0)).floats()[0], HostTensor.fromTf(r.get(1)).floats()[0]);
      }
    }
  }

  @Test
  void pytorchInitIsSeededAndBounded() {
    Map<String, HostTensor> a = Lstm.pytorchInit(3, 16, new SplittableRandom(5));
    Map<String, HostTensor> b = Lstm.pytorchInit(3, 16, new SplittableRandom(5));
    Map<String, HostTensor> c = Lstm.pytorchInit(3, 16, new SplittableRandom(6));
    assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), List.copyOf(a.keySet()));
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k).floats(), b.get(k).floats(), k);
      assertTrue(!java.util.Arrays.equals(a.get(k).floats(), c.get(k).floats()), k);
      for (float v : a.get(k).floats()) {
        assertTrue(Math.abs(v) <= 0.25, k + " outside ±1/√16: " + v);
      }
    }
    for (float v : CausalConv1d.pytorchInit(4, 8, 5, new SplittableRandom(1)).get("weight").floats()) {
      assertTrue(Math.abs(v) <= 1 / Math.sqrt(20), "conv weight outside ±1/√(C_in·k): " + v);
    }
  }

  @Test
  void wrongOrExtraWeightsAreRejected() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Map<String, HostTensor> w = new LinkedHashMap<>(Linear.pytorchInit(4, 2, new SplittableRandom(1)));
      var shape = assertThrows(IllegalArgumentException.class,
          () -> Linear.create(ModuleScope.root(tf, "fc"), 4, 3, w, true));
      assertTrue(shape.getMessage().contains("'weight' has shape [2, 4]"), shape.getMessage());
      w.put("weight_typo", w.get("weight"));
      var extra = assertThrows(IllegalArgumentException.class,
          () -> Linear.create(ModuleScope.root(tf, "fc2"), 4, 2, w, true));
      assertTrue(extra.getMessage().contains("weight_typo"), extra.getMessage());
      var staticT = assertThrows(IllegalArgumentException.class,
          () -> Lstm.create(ModuleScope.root(tf, "l"), 2, 3, Lstm.pytorchInit(2, 3, new SplittableRandom(1)), false)
              .apply(tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(
                  org.tensorflow.ndarray.Shape.of(-1, -1, 2)))));
      assertTrue(staticT.getMessage().contains("static T"), staticT.getMessage());
    }
  }

  @Test
  void scriptRejectsWeightsThatAreNotTheTorchParameters(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    Map<String, HostTensor> w = new LinkedHashMap<>(Linear.pytorchInit(3, 2, new SplittableRandom(1)));
    w.put("scale", w.remove("bias"));
    StateDicts.writeNpy(tmp.resolve("param"), w);
    Process p = new ProcessBuilder(TorchReference.PYTHON, "export-tools/timeseries_torch_check.py", tmp.toString(),
        "linear", "in=3", "out=2").redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), log);
    assertTrue(log.contains("scale") && log.contains("bias"), log);
  }
}
