package org.mgm.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * A one-layer LSTM as {@code torch.nn.LSTM(F, H, batch_first=True)} computes it: input [B, T, F],
 * the hidden state of every step [B, T, H], zero initial state.
 *
 * <p>The sequence is unrolled over its static length T instead of using a TF while loop: TF's
 * C++ gradient registry has no gradient for While/If, while every op here has one (MatMul,
 * Add, Sigmoid, Tanh, Mul, Split, Unpack, Pack, Reshape). The time series are 24 hours long, so
 * the unrolled graph stays small.
 *
 * <p>Weights keep PyTorch's layout and gate order (i, f, g, o): {@code weight_ih_l0} [4H, F],
 * {@code weight_hh_l0} [4H, H], {@code bias_ih_l0} and {@code bias_hh_l0} [4H].
 */
public final class Lstm extends WeightedLayer {
  private final int inputSize;
  private final int hiddenSize;
  private final Operand<TFloat32> weightIh;
  private final Operand<TFloat32> weightHh;
  private final Operand<TFloat32> biasIh;
  private final Operand<TFloat32> biasHh;

  private Lstm(ModuleScope scope, int inputSize, int hiddenSize, Map<String, HostTensor> weights, boolean trainable) {
    super(scope, trainable, weights);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    weightIh = binder.bind("weight_ih_l0", 4L * hiddenSize, inputSize);
    weightHh = binder.bind("weight_hh_l0", 4L * hiddenSize, hiddenSize);
    biasIh = binder.bind("bias_ih_l0", 4L * hiddenSize);
    biasHh = binder.bind("bias_hh_l0", 4L * hiddenSize);
    binder.requireAllBound();
  }

  /** @param weights keys weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (see {@link #pytorchInit}) */
  public static Lstm create(ModuleScope scope, int inputSize, int hiddenSize, Map<String, HostTensor> weights,
      boolean trainable) {
    return new Lstm(scope, inputSize, hiddenSize, weights, trainable);
  }

  /** PyTorch's default: every weight and bias U(−1/√H, 1/√H), drawn in state-dict order. */
  public static Map<String, HostTensor> pytorchInit(int inputSize, int hiddenSize, SplittableRandom rnd) {
    double bound = 1.0 / Math.sqrt(hiddenSize);
    Map<String, HostTensor> w = new LinkedHashMap<>();
    w.put("weight_ih_l0", TorchInit.uniform(rnd, bound, 4L * hiddenSize, inputSize));
    w.put("weight_hh_l0", TorchInit.uniform(rnd, bound, 4L * hiddenSize, hiddenSize));
    w.put("bias_ih_l0", TorchInit.uniform(rnd, bound, 4L * hiddenSize));
    w.put("bias_hh_l0", TorchInit.uniform(rnd, bound, 4L * hiddenSize));
    return w;
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> input) {
    Shape shape = input.shape();
    if (shape.numDimensions() != 3 || shape.get(1) < 0 || shape.get(2) != inputSize) {
      throw new IllegalArgumentException(scope.path() + ": needs [B, T, " + inputSize
          + "] with a static T, got " + shape);
    }
    int steps = Math.toIntExact(shape.get(1));
    long gates = 4L * hiddenSize;
    // Ops of every call go straight into the module's scope (see ModuleScope for why).
    Ops s = scope.ops();
    // The input projection of all steps in one MatMul; both biases folded in, as PyTorch adds both.
    Operand<TFloat32> flat = s.reshape(input, s.constant(new long[] {-1, inputSize}));
    Operand<TFloat32> projected = s.math.add(
        s.linalg.matMul(flat, weightIh, MatMul.transposeB(true)), s.math.add(biasIh, biasHh));
    Operand<TFloat32> perStep = s.reshape(projected, s.constant(new long[] {-1, steps, gates}));
    List<Operand<TFloat32>> xs = new ArrayList<>(s.unstack(perStep, (long) steps, Unstack.axis(1L)).output());
    Operand<TFloat32> h = null;
    Operand<TFloat32> c = null;
    List<Operand<TFloat32>> hs = new ArrayList<>(steps);
    for (int t = 0; t < steps; t++) {
      Ops st = s;
      // With zero initial state the recurrent term and f·c vanish at t = 0; leaving them out is
      // exact, for the values and for the gradients.
      Operand<TFloat32> z = t == 0 ? xs.get(0)
          : st.math.add(xs.get(t), st.linalg.matMul(h, weightHh, MatMul.transposeB(true)));
      Split<TFloat32> parts = st.split(st.constant(1), z, 4L);
      Operand<TFloat32> i = st.math.sigmoid(parts.output().get(0));
      Operand<TFloat32> f = st.math.sigmoid(parts.output().get(1));
      Operand<TFloat32> g = st.math.tanh(parts.output().get(2));
      Operand<TFloat32> o = st.math.sigmoid(parts.output().get(3));
      Operand<TFloat32> ig = st.math.mul(i, g);
      c = t == 0 ? ig : st.math.add(st.math.mul(f, c), ig);
      h = st.math.mul(o, st.math.tanh(c));
      hs.add(h);
    }
    return s.stack(hs, Stack.axis(1L));
  }

  @Override
  public long inputWidth() {
    return inputSize;
  }

  @Override
  public long outputWidth() {
    return hiddenSize;
  }
}
