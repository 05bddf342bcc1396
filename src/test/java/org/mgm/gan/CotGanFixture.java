package org.mgm.gan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mgm.model.Gradients;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.TensorErrors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The ten inputs of one COT-GAN loss evaluation (x, x′, y, y′ and the six critic outputs the
 * divergence uses), the graph of Ŵ and p_M on placeholders, and their gradients w.r.t. every
 * input: shared by the exact-answer test and the PyTorch cross-check.
 */
final class CotGanFixture {
  static final List<String> SEQUENCES = List.of("x", "xp", "y", "yp");
  static final List<String> CRITICS = List.of("h_y", "h_yp", "h_xp", "m_x", "m_xp", "m_y");

  /** Input values by name: [B,T,D] for sequences, [B,T,J] for critic outputs. */
  final Map<String, HostTensor> inputs = new LinkedHashMap<>();

  static List<String> names() {
    List<String> all = new ArrayList<>(SEQUENCES);
    all.addAll(CRITICS);
    return all;
  }

  /**
   * A batch like the time-series experiment's at the start of training: real sequences
   * tanh(daily curve + noise) as the loader's tanh scaling gives, fake ones small noise (an
   * untrained generator), critic outputs tanh of noise (the critics end in tanh).
   */
  static CotGanFixture typical(int batch, int steps, int dims, int channels, long seed) {
    Random r = new Random(seed);
    CotGanFixture f = new CotGanFixture();
    for (String name : SEQUENCES) {
      boolean real = name.startsWith("x");
      float[] v = new float[batch * steps * dims];
      for (int i = 0; i < batch; i++) {
        double phase = r.nextDouble() * 0.5;
        for (int t = 0; t < steps; t++) {
          for (int d = 0; d < dims; d++) {
            double value = real
                ? 0.8 * Math.sin(2 * Math.PI * t / 24.0 + phase + d) + 0.3 * r.nextGaussian()
                : 0.3 * r.nextGaussian();
            v[(i * steps + t) * dims + d] = (float) Math.tanh(value);
          }
        }
      }
      f.inputs.put(name, HostTensor.of(v, batch, steps, dims));
    }
    for (String name : CRITICS) {
      float[] v = new float[batch * steps * channels];
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) Math.tanh(r.nextGaussian());
      }
      f.inputs.put(name, HostTensor.of(v, batch, steps, channels));
    }
    return f;
  }

  /** The divergence, the penalty on M(x) and all gradients, evaluated once. */
  static final class Result {
    double divergence;
    double penalty;
    final Map<String, HostTensor> divergenceGradients = new LinkedHashMap<>();
    HostTensor penaltyGradient;
  }

  /** The fixture's inputs evaluated once, in a graph built for them. */
  Result evaluate(CotGanSettings settings) {
    try (Evaluator e = new Evaluator(this, settings)) {
      return e.run();
    }
  }

  /**
   * The graph of Ŵ, p_M and their gradients on placeholders shaped like the fixture's inputs,
   * evaluated on their current values as often as needed (finite differences change them in
   * place). Grappler is off ({@link org.mgm.runtime.Sessions#unoptimized}): on the 4 × 100
   * unrolled iterations and their gradients it spent 75 s of the first run against 7 s without it.
   */
  static final class Evaluator implements AutoCloseable {
    private final CotGanFixture fixture;
    private final Graph g = new Graph();
    private final Session s = org.mgm.runtime.Sessions.unoptimized(g);
    private final Map<String, Placeholder<TFloat32>> in = new LinkedHashMap<>();
    private final Operand<TFloat32> div;
    private final Operand<TFloat32> pen;
    private final List<Operand<TFloat32>> dDiv;
    private final Operand<TFloat32> dPen;

    Evaluator(CotGanFixture fixture, CotGanSettings settings) {
      this.fixture = fixture;
      Ops tf = Ops.create(g);
      for (Map.Entry<String, HostTensor> e : fixture.inputs.entrySet()) {
        in.put(e.getKey(), tf.withName(e.getKey()).placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(e.getValue().shape()))));
      }
      CotGanLoss loss = new CotGanLoss(tf, settings);
      div = loss.mixedDivergence(
          new CotGanLoss.Critiqued(in.get("x"), null, in.get("m_x")),
          new CotGanLoss.Critiqued(in.get("xp"), in.get("h_xp"), in.get("m_xp")),
          new CotGanLoss.Critiqued(in.get("y"), in.get("h_y"), in.get("m_y")),
          new CotGanLoss.Critiqued(in.get("yp"), in.get("h_yp"), null));
      pen = loss.martingalePenalty(in.get("m_x"));
      dDiv = Gradients.of(tf, div, new ArrayList<>(in.values()));
      dPen = Gradients.of(tf, pen, List.of(in.get("m_x"))).get(0);
    }

    Result run() {
      List<Tensor> fed = new ArrayList<>();
      try {
        Session.Runner runner = s.runner();
        for (Map.Entry<String, HostTensor> e : fixture.inputs.entrySet()) {
          Tensor t = e.getValue().toTf();
          fed.add(t);
          runner.feed(in.get(e.getKey()), t);
        }
        runner.fetch(div).fetch(pen).fetch(dPen);
        dDiv.forEach(runner::fetch);
        try (org.tensorflow.Result out = runner.run()) {
          Result r = new Result();
          r.divergence = ((TFloat32) out.get(0)).getFloat();
          r.penalty = ((TFloat32) out.get(1)).getFloat();
          r.penaltyGradient = HostTensor.fromTf(out.get(2));
          int k = 3;
          for (String name : in.keySet()) {
            r.divergenceGradients.put(name, HostTensor.fromTf(out.get(k++)));
          }
          return r;
        }
      } finally {
        fed.forEach(Tensor::close);
      }
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  /** max |a − b| / max |b|, the project's relative error of a whole tensor. */
  static double relativeError(HostTensor actual, HostTensor expected) {
    return TensorErrors.relative(actual, expected, 1e-30);
  }
}
