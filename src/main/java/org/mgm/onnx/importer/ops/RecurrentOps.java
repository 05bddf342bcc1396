package org.mgm.onnx.importer.ops;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.SmoothActivations;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * RNN, GRU and LSTM (every version: 1 adds output_sequence, GRU-3 linear_before_reset, 14 layout,
 * 22 only types), unrolled over their static sequence length into MatMul, Split and pointwise ops.
 * TF's fused cells (BlockLSTM, GRUBlockCell) and its While loop have no C++ gradient; the unrolled
 * graph differentiates to any order. A zero initial state is left out of the graph (null here), so
 * that the first step needs no batch-sized zeros and no run-time shape.
 */
public final class RecurrentOps {
  private RecurrentOps() {}

  /** The cell kinds: gates per direction and their default activations (f, g, h). */
  private enum Cell {
    RNN(1, "Tanh"), GRU(3, "Sigmoid", "Tanh"), LSTM(4, "Sigmoid", "Tanh", "Tanh");

    final int gates;
    final List<String> activations;

    Cell(int gates, String... activations) {
      this.gates = gates;
      this.activations = List.of(activations);
    }
  }

  public static void register(OpRegistry r) {
    r.register("RNN", 1, n -> recurrent(n, Cell.RNN));
    r.register("GRU", 1, n -> recurrent(n, Cell.GRU));
    r.register("LSTM", 1, n -> recurrent(n, Cell.LSTM));
  }

  /** One activation with its alpha and beta, as ONNX names them. */
  private record Activation(String name, float alpha, float beta) {}

  /** What every step of one direction reads. */
  private record Direction(Output<?>[] inputTerms, Output<?> r, Output<?> recurrentBias, Output<?> peephole,
      List<Activation> f, boolean reverse) {}

  private static Output<?>[] recurrent(NodeContext n, Cell cell) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    if (n.rank(x) != 3) {
      throw n.fail("X must be rank 3, got " + x.shape());
    }
    boolean batchMajor = n.sinceVersion() >= 14 && layout(n) == 1;
    if (batchMajor) {
      x = tf.transpose(x, 1, 0, 2);
    }
    long steps = x.shape().get(0);
    if (steps < 0) {
      throw n.fail("needs a static sequence length to unroll the recurrence (X is " + n.input(0).shape()
          + "); a TF While loop would have no gradient");
    }
    String direction = n.attrString("direction", "forward");
    int dirs = switch (direction) {
      case "forward", "reverse", "foward" -> 1;  // "foward": the misspelt default of GRU-1 and RNN-1
      case "bidirectional" -> 2;
      default -> throw n.fail("direction '" + direction + "' is not one of forward, reverse, bidirectional");
    };
    long hidden = hiddenSize(n, cell, dirs);
    List<Activation> acts = activations(n, cell, dirs);
    Output<?> clip = n.hasAttr("clip") ? tf.scalarLike(x, n.attrFloat("clip", 0)) : null;
    boolean linearBeforeReset = cell == Cell.GRU && n.attrInt("linear_before_reset", 0) != 0;
    boolean inputForget = cell == Cell.LSTM && n.attrInt("input_forget", 0) != 0;

    Output<?>[] w = perDirection(n, 1, dirs);
    Output<?>[] r = perDirection(n, 2, dirs);
    Output<?>[] b = n.hasInput(3) ? perDirection(n, 3, dirs) : null;
    Output<?>[] h0 = initialState(n, 5, dirs, batchMajor);
    Output<?>[] c0 = cell == Cell.LSTM ? initialState(n, 6, dirs, batchMajor) : new Output<?>[dirs];
    Output<?>[] p = cell == Cell.LSTM && n.hasInput(7) ? perDirection(n, 7, dirs) : null;
    Output<?>[] masks = stepMasks(n, 4, steps, x.dataType());

    List<Output<?>> ys = new ArrayList<>();
    List<Output<?>> lastH = new ArrayList<>();
    List<Output<?>> lastC = new ArrayList<>();
    for (int d = 0; d < dirs; d++) {
      Output<?>[] bias = b == null ? new Output<?>[2] : split(tf, b[d], 2, 0);
      // GRU's recurrent bias of the h gate sits inside the reset product (linear_before_reset):
      // GRU keeps Rb with the recurrence.
      boolean keepRb = cell == Cell.GRU;
      Output<?> inputBias = keepRb ? bias[0] : add(tf, bias[0], bias[1]);
      Output<?> xw = tf.build("BatchMatMulV2", o -> o.setAttr("adj_y", true), x, w[d]).output(0);
      xw = add(tf, xw, inputBias);
      Operation unpacked = tf.build("Unpack", o -> o.setAttr("num", steps).setAttr("axis", 0L), xw);
      Output<?>[] terms = new Output<?>[(int) steps];
      for (int t = 0; t < steps; t++) {
        terms[t] = unpacked.output(t);
      }
      boolean reverse = direction.equals("reverse") || d == 1;
      Direction dir = new Direction(terms, r[d], keepRb ? bias[1] : null, p == null ? null : p[d],
          acts.subList(d * cell.activations.size(), (d + 1) * cell.activations.size()), reverse);
      Output<?>[] outs = new Output<?>[(int) steps];
      Output<?> h = h0[d];
      Output<?> c = c0[d];
      for (int k = 0; k < steps; k++) {
        int t = reverse ? (int) steps - 1 - k : k;
        Output<?>[] next = switch (cell) {
          case RNN -> new Output<?>[] {rnnStep(n, dir, t, h, clip)};
          case GRU -> new Output<?>[] {gruStep(n, dir, t, h, clip, hidden, linearBeforeReset)};
          case LSTM -> lstmStep(n, dir, t, h, c, clip, inputForget);
        };
        if (masks != null) {
          // Past a batch entry's length the state holds and the output is zero (ONNX sequence_lens).
          outs[t] = tf.op("SelectV2", masks[t], next[0], tf.scalarLike(next[0], 0));
          next[0] = select(tf, masks[t], next[0], h);
          if (cell == Cell.LSTM) {
            next[1] = select(tf, masks[t], next[1], c);
          }
        } else {
          outs[t] = next[0];
        }
        h = next[0];
        c = cell == Cell.LSTM ? next[1] : null;
      }
      ys.add(pack(tf, List.of(outs), 0));
      lastH.add(h);
      lastC.add(c);
    }
    Output<?> y = pack(tf, ys, 1);             // [T, dirs, B, H]
    Output<?> yh = pack(tf, lastH, 0);         // [dirs, B, H]
    Output<?> yc = cell == Cell.LSTM ? pack(tf, lastC, 0) : null;
    if (batchMajor) {
      y = tf.transpose(y, 2, 0, 1, 3);
      yh = tf.transpose(yh, 1, 0, 2);
      yc = yc == null ? null : tf.transpose(yc, 1, 0, 2);
    }
    return cell == Cell.LSTM ? new Output<?>[] {y, yh, yc} : new Output<?>[] {y, yh};
  }

  private static long layout(NodeContext n) {
    long layout = n.attrInt("layout", 0);
    if (layout != 0 && layout != 1) {
      throw n.fail("layout " + layout + " is not 0 or 1");
    }
    return layout;
  }

  private static long hiddenSize(NodeContext n, Cell cell, int dirs) {
    Shape rs = n.inputShape(2);
    if (rs.numDimensions() != 3 || rs.get(0) >= 0 && rs.get(0) != dirs) {
      throw n.fail("R must be [" + dirs + ", " + cell.gates + "*hidden_size, hidden_size], got " + rs);
    }
    long hidden = n.attrInt("hidden_size", rs.get(2));
    if (hidden <= 0 || rs.get(2) >= 0 && rs.get(2) != hidden || rs.get(1) >= 0 && rs.get(1) != cell.gates * hidden) {
      throw n.fail("hidden_size " + hidden + " does not fit R " + rs);
    }
    return hidden;
  }

  /**
   * The activations of each direction in order, with alpha and beta as ONNX Runtime reads them:
   * RNN's by direction (one activation each), GRU's and LSTM's from the lists in order by the
   * activations that take them; missing ones get ONNX's defaults.
   */
  private static List<Activation> activations(NodeContext n, Cell cell, int dirs) {
    List<String> names = n.attrStrings("activations");
    int wanted = cell.activations.size() * dirs;
    if (names == null || names.isEmpty()) {
      names = new ArrayList<>();
      for (int d = 0; d < dirs; d++) {
        names.addAll(cell.activations);
      }
    } else if (names.size() < wanted) {
      throw n.fail(wanted + " activations needed (" + cell.activations.size() + " per direction), got " + names);
    }
    List<Float> alphas = n.attrFloats("activation_alpha");
    List<Float> betas = n.attrFloats("activation_beta");
    Iterator<Float> a = alphas == null ? List.<Float>of().iterator() : alphas.iterator();
    Iterator<Float> b = betas == null ? List.<Float>of().iterator() : betas.iterator();
    List<Activation> out = new ArrayList<>();
    for (String name : names.subList(0, wanted)) {
      if (cell == Cell.RNN) {
        int d = out.size();
        a = alphas == null || d >= alphas.size() ? List.<Float>of().iterator() : List.of(alphas.get(d)).iterator();
        b = betas == null || d >= betas.size() ? List.<Float>of().iterator() : List.of(betas.get(d)).iterator();
      }
      String key = name.toLowerCase(Locale.ROOT);
      float[] defaults = switch (key) {
        case "affine", "thresholdedrelu", "elu" -> new float[] {1f, 0f};
        case "scaledtanh" -> new float[] {1f, 1f};
        case "leakyrelu" -> new float[] {0.01f, 0f};
        case "hardsigmoid" -> new float[] {0.2f, 0.5f};
        case "relu", "tanh", "sigmoid", "softsign", "softplus" -> null;
        default -> throw n.fail("activation '" + name + "' is not supported (Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
            + "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus)");
      };
      float alpha = defaults != null && a.hasNext() ? a.next() : defaults == null ? 0f : defaults[0];
      boolean usesBeta = key.equals("affine") || key.equals("scaledtanh") || key.equals("hardsigmoid");
      float beta = usesBeta && b.hasNext() ? b.next() : defaults == null ? 0f : defaults[1];
      out.add(new Activation(key, alpha, beta));
    }
    return out;
  }

  private static Output<?> activate(NodeContext n, Activation f, Output<?> x) {
    TfEmitter tf = n.tf();
    boolean twice = n.options().twiceDifferentiable();
    Output<?> zero = tf.scalarLike(x, 0);
    return switch (f.name()) {
      case "tanh" -> twice ? SmoothActivations.tanh(tf, x) : tf.op("Tanh", x);
      case "sigmoid" -> twice ? SmoothActivations.sigmoid(tf, x) : tf.op("Sigmoid", x);
      case "relu" -> twice ? SmoothActivations.relu(tf, x) : tf.op("Relu", x);
      case "affine" -> tf.op("AddV2", tf.op("Mul", x, tf.scalarLike(x, f.alpha())), tf.scalarLike(x, f.beta()));
      case "leakyrelu" -> tf.op("SelectV2", tf.op("GreaterEqual", x, zero), x, tf.op("Mul", x, tf.scalarLike(x, f.alpha())));
      case "thresholdedrelu" -> tf.op("SelectV2", tf.op("GreaterEqual", x, tf.scalarLike(x, f.alpha())), x, zero);
      case "scaledtanh" -> tf.op("Mul", tf.scalarLike(x, f.alpha()),
          activate(n, new Activation("tanh", 0, 0), tf.op("Mul", x, tf.scalarLike(x, f.beta()))));
      case "hardsigmoid" -> tf.op("Minimum", tf.op("Maximum", tf.op("AddV2",
          tf.op("Mul", x, tf.scalarLike(x, f.alpha())), tf.scalarLike(x, f.beta())), zero), tf.scalarLike(x, 1));
      // Exp of the negative part only, so that a large x cannot overflow the unused branch.
      case "elu" -> tf.op("SelectV2", tf.op("GreaterEqual", x, zero), x, tf.op("Mul", tf.scalarLike(x, f.alpha()),
          tf.op("Sub", tf.op("Exp", tf.op("Minimum", x, zero)), tf.scalarLike(x, 1))));
      case "softsign" -> tf.op("RealDiv", x, tf.op("AddV2", tf.op("Abs", x), tf.scalarLike(x, 1)));
      case "softplus" -> tf.op("Softplus", x);
      default -> throw n.fail("activation " + f.name() + " is not supported");
    };
  }

  /** Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb). */
  private static Output<?> rnnStep(NodeContext n, Direction d, int t, Output<?> h, Output<?> clip) {
    Output<?> pre = add(n.tf(), d.inputTerms()[t], matMulT(n.tf(), h, d.r()));
    return activate(n, d.f().get(0), clip(n.tf(), pre, clip));
  }

  /** ONNX's GRU (gates z, r, h), with the reset gate applied before or after the recurrent product. */
  private static Output<?> gruStep(NodeContext n, Direction d, int t, Output<?> h, Output<?> clip, long hidden,
      boolean linearBeforeReset) {
    TfEmitter tf = n.tf();
    Output<?>[] x = split(tf, d.inputTerms()[t], 3, 1);
    Output<?>[] rb = d.recurrentBias() == null ? new Output<?>[3] : split(tf, d.recurrentBias(), 3, 0);
    Output<?>[] rw = splitRows(tf, d.r(), 2 * hidden, hidden);  // [Rz;Rr], Rh
    Output<?> hzr = matMulT(tf, h, rw[0]);
    Output<?>[] hs = hzr == null ? new Output<?>[2] : split(tf, hzr, 2, 1);
    Output<?> z = activate(n, d.f().get(0), clip(tf, add(tf, add(tf, x[0], hs[0]), rb[0]), clip));
    Output<?> r = activate(n, d.f().get(0), clip(tf, add(tf, add(tf, x[1], hs[1]), rb[1]), clip));
    Output<?> recurrent = linearBeforeReset ? mul(tf, r, add(tf, matMulT(tf, h, rw[1]), rb[2]))
        : add(tf, matMulT(tf, mul(tf, r, h), rw[1]), rb[2]);
    Output<?> candidate = activate(n, d.f().get(1), clip(tf, add(tf, x[2], recurrent), clip));
    // Ht = (1 − z)·h̃ + z·Ht-1
    Output<?> keep = mul(tf, z, h);
    return add(tf, tf.op("Mul", tf.op("Sub", tf.scalarLike(z, 1), z), candidate), keep);
  }

  /** ONNX's LSTM (gates i, o, f, c; peepholes P = [Pi, Po, Pf]); returns {Ht, Ct}. */
  private static Output<?>[] lstmStep(NodeContext n, Direction d, int t, Output<?> h, Output<?> c, Output<?> clip,
      boolean inputForget) {
    TfEmitter tf = n.tf();
    Output<?>[] g = split(tf, add(tf, d.inputTerms()[t], matMulT(tf, h, d.r())), 4, 1);
    Output<?>[] p = d.peephole() == null ? new Output<?>[3] : split(tf, d.peephole(), 3, 0);
    Output<?> i = activate(n, d.f().get(0), clip(tf, add(tf, g[0], mul(tf, p[0], c)), clip));
    // input_forget couples the gates: f = 1 − i (as ONNX Runtime computes it).
    Output<?> f = inputForget ? tf.op("Sub", tf.scalarLike(i, 1), i)
        : activate(n, d.f().get(0), clip(tf, add(tf, g[2], mul(tf, p[2], c)), clip));
    Output<?> cand = activate(n, d.f().get(1), clip(tf, g[3], clip));
    Output<?> ct = add(tf, mul(tf, f, c), tf.op("Mul", i, cand));
    Output<?> o = activate(n, d.f().get(0), clip(tf, add(tf, g[1], mul(tf, p[1], ct)), clip));
    return new Output<?>[] {tf.op("Mul", o, activate(n, d.f().get(2), ct)), ct};
  }

  /** Input i ([dirs, ...]) as one tensor per direction. */
  private static Output<?>[] perDirection(NodeContext n, int i, int dirs) {
    Output<?> v = n.input(i);
    Shape s = v.shape();
    if (s.numDimensions() < 1 || s.get(0) >= 0 && s.get(0) != dirs) {
      throw n.fail("input " + i + " must have " + dirs + " direction(s) in its first dimension, got " + s);
    }
    Operation u = n.tf().build("Unpack", o -> o.setAttr("num", (long) dirs).setAttr("axis", 0L), v);
    Output<?>[] out = new Output<?>[dirs];
    for (int d = 0; d < dirs; d++) {
      out[d] = u.output(d);
    }
    return out;
  }

  /** initial_h / initial_c per direction ([B, H] each), or nulls for the zero state. */
  private static Output<?>[] initialState(NodeContext n, int i, int dirs, boolean batchMajor) {
    if (!n.hasInput(i)) {
      return new Output<?>[dirs];
    }
    Output<?> v = n.input(i);
    if (batchMajor) {
      v = n.tf().transpose(v, 1, 0, 2);
    }
    Operation u = n.tf().build("Unpack", o -> o.setAttr("num", (long) dirs).setAttr("axis", 0L), v);
    Output<?>[] out = new Output<?>[dirs];
    for (int d = 0; d < dirs; d++) {
      out[d] = u.output(d);
    }
    return out;
  }

  /**
   * Per step t, a [B, 1] mask "t < sequence_lens[b]"; null when there is no sequence_lens or it is
   * known to be the full length everywhere.
   */
  private static Output<?>[] stepMasks(NodeContext n, int i, long steps, DataType type) {
    if (!n.hasInput(i)) {
      return null;
    }
    HostTensor known = n.frozenInputOrNull(i);
    if (known != null && java.util.Arrays.stream(known.longs()).allMatch(v -> v == steps)) {
      return null;
    }
    TfEmitter tf = n.tf();
    Output<?> lens = tf.op("ExpandDims", tf.cast(n.input(i), DataType.DT_INT64), tf.int32(-1));
    Output<?>[] masks = new Output<?>[(int) steps];
    for (int t = 0; t < steps; t++) {
      masks[t] = tf.op("Less", tf.int64(t), lens);
    }
    return masks;
  }

  private static Output<?> clip(TfEmitter tf, Output<?> x, Output<?> threshold) {
    if (threshold == null) {
      return x;
    }
    return tf.op("Minimum", tf.op("Maximum", x, tf.op("Neg", threshold)), threshold);
  }

  // Null stands for a zero tensor (the zero initial state, an absent bias or peephole).

  private static Output<?> add(TfEmitter tf, Output<?> a, Output<?> b) {
    return a == null ? b : b == null ? a : tf.op("AddV2", a, b);
  }

  private static Output<?> mul(TfEmitter tf, Output<?> a, Output<?> b) {
    return a == null || b == null ? null : tf.op("Mul", a, b);
  }

  private static Output<?> matMulT(TfEmitter tf, Output<?> h, Output<?> r) {
    return h == null ? null : tf.build("MatMul", o -> o.setAttr("transpose_b", true), h, r).output(0);
  }

  private static Output<?> select(TfEmitter tf, Output<?> mask, Output<?> now, Output<?> before) {
    return tf.op("SelectV2", mask, now, before == null ? tf.scalarLike(now, 0) : before);
  }

  private static Output<?>[] split(TfEmitter tf, Output<?> x, int parts, int axis) {
    Operation s = tf.build("Split", o -> o.setAttr("num_split", (long) parts), tf.int32(axis), x);
    Output<?>[] out = new Output<?>[parts];
    for (int k = 0; k < parts; k++) {
      out[k] = s.output(k);
    }
    return out;
  }

  /** Blocks of rows of a matrix, of the given heights. */
  private static Output<?>[] splitRows(TfEmitter tf, Output<?> x, long... sizes) {
    Operation s = tf.build("SplitV", o -> o.setAttr("num_split", (long) sizes.length), x, tf.int64s(sizes), tf.int32(0));
    Output<?>[] out = new Output<?>[sizes.length];
    for (int k = 0; k < sizes.length; k++) {
      out[k] = s.output(k);
    }
    return out;
  }

  private static Output<?> pack(TfEmitter tf, List<Output<?>> xs, long axis) {
    return tf.build("Pack", o -> o.addInputList(xs.toArray(new Output<?>[0])).setAttr("axis", axis)).output(0);
  }
}
