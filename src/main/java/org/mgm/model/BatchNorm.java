package org.mgm.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Batch normalisation over the last (channel) axis in training mode: mean and biased variance
 * over every other axis (batch and time for [B, T, C]), {@code (x − μ)/√(σ² + ε)·γ + β} with
 * ε = 1e-5. As PyTorch's {@code BatchNorm1d(C)} in train mode applied to the [B, C, T] permute,
 * which is what the reference networks do.
 *
 * <p>There are no running statistics. The experiment only ever normalises with batch statistics:
 * the agent and the critics train in train mode, and the pre-trained mixer, although frozen,
 * stays in train mode inside MGM as the reference code leaves it, so its BN too uses the
 * statistics of the batch it sees. Running averages would never be read.
 *
 * <p>Composed from Mean, Sub, Square, Add, Rsqrt and Mul (all with C++ gradients), not
 * FusedBatchNormV3, so the gradient through the statistics is the plain chain rule.
 */
public final class BatchNorm extends WeightedLayer {
  public static final float EPSILON = 1e-5f;
  private final int channels;
  private final Operand<TFloat32> gamma;
  private final Operand<TFloat32> beta;

  private BatchNorm(ModuleScope scope, int channels, Map<String, HostTensor> weights, boolean trainable) {
    super(scope, trainable, weights);
    this.channels = channels;
    gamma = binder.bind("weight", channels);
    beta = binder.bind("bias", channels);
    binder.requireAllBound();
  }

  /** @param weights keys weight (γ) and bias (β), both [C] */
  public static BatchNorm create(ModuleScope scope, int channels, Map<String, HostTensor> weights, boolean trainable) {
    return new BatchNorm(scope, channels, weights, trainable);
  }

  /** PyTorch's default: γ = 1, β = 0. */
  public static Map<String, HostTensor> pytorchInit(int channels) {
    Map<String, HostTensor> w = new LinkedHashMap<>();
    w.put("weight", TorchInit.filled(1f, channels));
    w.put("bias", TorchInit.filled(0f, channels));
    return w;
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> input) {
    Shape shape = input.shape();
    int rank = shape.numDimensions();
    if (rank < 2 || shape.get(rank - 1) != channels) {
      throw new IllegalArgumentException(scope.path() + ": needs [..., " + channels + "], got " + shape);
    }
    // Ops of every call go straight into the module's scope (see ModuleScope for why).
    Ops s = scope.ops();
    int[] axes = new int[rank - 1];
    for (int a = 0; a < axes.length; a++) {
      axes[a] = a;
    }
    Operand<TInt32> reduce = s.constant(axes);
    Operand<TFloat32> mean = s.math.mean(input, reduce, Mean.keepDims(true));
    Operand<TFloat32> centred = s.math.sub(input, mean);
    Operand<TFloat32> variance = s.math.mean(s.math.square(centred), reduce, Mean.keepDims(true));
    Operand<TFloat32> normalised = s.math.mul(centred, s.math.rsqrt(s.math.add(variance, s.constant(EPSILON))));
    return s.math.add(s.math.mul(normalised, gamma), beta);
  }

  @Override
  public long inputWidth() {
    return channels;
  }

  @Override
  public long outputWidth() {
    return channels;
  }
}
