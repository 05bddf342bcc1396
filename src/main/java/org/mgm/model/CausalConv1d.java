package org.mgm.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * A causal 1-D convolution over time: [B, T, C_in] → [B, T, C_out], the output at t seeing only
 * inputs up to t. As PyTorch's {@code Conv1d(C_in, C_out, k)} applied after left-padding the time
 * axis with k − 1 zeros (the COT-GAN critics).
 *
 * <p>Built as an explicit Pad followed by a VALID Conv2D over [B, 1, T, C]. Conv2D's EXPLICIT
 * padding would be one op, but TF's C++ Conv2D gradient ignores {@code explicit_paddings} (and
 * dilations), so its gradients would be wrong; Pad's gradient is an exact slice.
 *
 * <p>Weights keep PyTorch's layout: {@code weight} [C_out, C_in, k], {@code bias} [C_out]; the
 * Conv2D filter [1, k, C_in, C_out] is a transpose of it, so gradients come back in torch layout.
 */
public final class CausalConv1d extends WeightedLayer {
  private final int inChannels;
  private final int outChannels;
  private final int kernel;
  private final Operand<TFloat32> filter;
  private final Operand<TFloat32> bias;

  private CausalConv1d(ModuleScope scope, int inChannels, int outChannels, int kernel, Map<String, HostTensor> weights,
      boolean trainable) {
    super(scope, trainable, weights);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = kernel;
    Operand<TFloat32> weight = binder.bind("weight", outChannels, inChannels, kernel);
    bias = binder.bind("bias", outChannels);
    binder.requireAllBound();
    Ops s = scope.ops();
    // [out, in, k] → [k, in, out] → [1, k, in, out] (HWIO)
    filter = s.withName("filter").expandDims(s.linalg.transpose(weight, s.constant(new int[] {2, 1, 0})), s.constant(0));
  }

  /** @param weights keys weight [out, in, k] and bias [out] (see {@link #pytorchInit}) */
  public static CausalConv1d create(ModuleScope scope, int inChannels, int outChannels, int kernel,
      Map<String, HostTensor> weights, boolean trainable) {
    if (kernel < 1) {
      throw new IllegalArgumentException(scope.path() + ": kernel size " + kernel);
    }
    return new CausalConv1d(scope, inChannels, outChannels, kernel, weights, trainable);
  }

  /**
   * PyTorch's default: kaiming-uniform with a = √5, which is U(±1/√(C_in·k)) for the weight; the
   * bias uses the same bound.
   */
  public static Map<String, HostTensor> pytorchInit(int inChannels, int outChannels, int kernel, SplittableRandom rnd) {
    double bound = 1.0 / Math.sqrt((double) inChannels * kernel);
    Map<String, HostTensor> w = new LinkedHashMap<>();
    w.put("weight", TorchInit.uniform(rnd, bound, outChannels, inChannels, kernel));
    w.put("bias", TorchInit.uniform(rnd, bound, outChannels));
    return w;
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> input) {
    Shape shape = input.shape();
    if (shape.numDimensions() != 3 || shape.get(2) != inChannels) {
      throw new IllegalArgumentException(scope.path() + ": needs [B, T, " + inChannels + "], got " + shape);
    }
    // Ops of every call go straight into the module's scope (see ModuleScope for why).
    Ops s = scope.ops();
    Operand<TFloat32> image = s.expandDims(input, s.constant(1));
    Operand<TFloat32> padded = s.pad(image,
        s.constant(new int[][] {{0, 0}, {0, 0}, {kernel - 1, 0}, {0, 0}}), s.constant(0f));
    Operand<TFloat32> conv = s.nn.conv2d(padded, filter, List.of(1L, 1L, 1L, 1L), "VALID");
    return s.math.add(s.squeeze(conv, Squeeze.axis(List.of(1L))), bias);
  }

  public int kernel() {
    return kernel;
  }

  @Override
  public long inputWidth() {
    return inChannels;
  }

  @Override
  public long outputWidth() {
    return outChannels;
  }
}
