package org.mgm.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * {@code torch.nn.Linear(in, out)} on the last axis of a tensor of any rank ≥ 2, e.g. per time
 * step on [B, T, in].
 *
 * <p>{@link Mlp} is not reused: its MatMul takes rank 2 only and its weights are [in, out]. Here
 * the leading axes are folded into one by a Reshape, which needs every axis but the first static,
 * and the weight keeps PyTorch's [out, in] layout (multiplied with transpose_b).
 */
public final class Linear extends WeightedLayer {
  private final int in;
  private final int out;
  private final Operand<TFloat32> weight;
  private final Operand<TFloat32> bias;

  private Linear(ModuleScope scope, int in, int out, Map<String, HostTensor> weights, boolean trainable) {
    super(scope, trainable, weights);
    this.in = in;
    this.out = out;
    weight = binder.bind("weight", out, in);
    bias = binder.bind("bias", out);
    binder.requireAllBound();
  }

  /** @param weights keys weight [out, in] and bias [out] (see {@link #pytorchInit}) */
  public static Linear create(ModuleScope scope, int in, int out, Map<String, HostTensor> weights, boolean trainable) {
    return new Linear(scope, in, out, weights, trainable);
  }

  /** PyTorch's default: U(±1/√in) for weight and bias (kaiming-uniform with a = √5). */
  public static Map<String, HostTensor> pytorchInit(int in, int out, SplittableRandom rnd) {
    double bound = 1.0 / Math.sqrt(in);
    Map<String, HostTensor> w = new LinkedHashMap<>();
    w.put("weight", TorchInit.uniform(rnd, bound, out, in));
    w.put("bias", TorchInit.uniform(rnd, bound, out));
    return w;
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> input) {
    Shape shape = input.shape();
    int rank = shape.numDimensions();
    if (rank < 2 || shape.get(rank - 1) != in) {
      throw new IllegalArgumentException(scope.path() + ": needs [..., " + in + "], got " + shape);
    }
    // Ops of every call go straight into the module's scope (see ModuleScope for why).
    Ops s = scope.ops();
    if (rank == 2) {
      return s.math.add(s.linalg.matMul(input, weight, MatMul.transposeB(true)), bias);
    }
    long[] outShape = shape.asArray();
    outShape[0] = -1;
    outShape[rank - 1] = out;
    for (int a = 1; a < rank - 1; a++) {
      if (outShape[a] < 0) {
        throw new IllegalArgumentException(scope.path() + ": axis " + a + " of " + shape + " must be static");
      }
    }
    Operand<TFloat32> flat = s.reshape(input, s.constant(new long[] {-1, in}));
    Operand<TFloat32> y = s.math.add(s.linalg.matMul(flat, weight, MatMul.transposeB(true)), bias);
    return s.reshape(y, s.constant(outShape));
  }

  @Override
  public long inputWidth() {
    return in;
  }

  @Override
  public long outputWidth() {
    return out;
  }
}
