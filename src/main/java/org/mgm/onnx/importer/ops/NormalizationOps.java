package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;

/**
 * InstanceNormalization and inference-mode BatchNormalization, composed from Mean, Sub, Mul and
 * Pow(v + ε, −½): FusedBatchNormGradV3 and RsqrtGrad have no gradients, the composition has
 * gradients of every order.
 */
public final class NormalizationOps {
  private NormalizationOps() {}

  public static void register(OpRegistry r) {
    r.register("InstanceNormalization", 6, NormalizationOps::instanceNorm);
    r.register("BatchNormalization", 7, NormalizationOps::batchNorm);
  }

  /** Moments over the spatial axes; NHWC when the input is (ChannelsLast), else NC…. */
  private static Output<?>[] instanceNorm(NodeContext n) {
    Output<?> t = n.channelsLastInput(0);
    if (t != null) {
      return n.channelsLastResult(instanceNorm(n, t, new int[] {1, 2}, 3));
    }
    Output<?> x = n.input(0);
    int[] spatial = new int[n.rank(x) - 2];
    for (int i = 0; i < spatial.length; i++) {
      spatial[i] = i + 2;
    }
    return one(instanceNorm(n, x, spatial, 1));
  }

  private static Output<?> instanceNorm(NodeContext n, Output<?> x, int[] spatialAxes, int channelAxis) {
    TfEmitter tf = n.tf();
    Output<?> axes = tf.int32s(spatialAxes);
    Output<?> mean = tf.build("Mean", b -> b.setAttr("keep_dims", true), x, axes).output(0);
    Output<?> centred = tf.op("Sub", x, mean);
    Output<?> variance = tf.build("Mean", b -> b.setAttr("keep_dims", true), tf.op("Mul", centred, centred), axes)
        .output(0);
    Output<?> inv = tf.op("Pow", tf.op("AddV2", variance, tf.scalarLike(x, n.attrFloat("epsilon", 1e-5f))),
        tf.scalarLike(x, -0.5));
    return scaleAndShift(n, centred, inv, spatialAxes.length + 2, channelAxis);
  }

  private static Output<?>[] batchNorm(NodeContext n) {
    if (n.attrInt("training_mode", 0) != 0 || n.outputCount() > 1) {
      throw n.fail("training-mode BatchNormalization is not supported; export the model in eval mode");
    }
    Output<?> t = n.channelsLastInput(0);
    if (t != null) {
      return n.channelsLastResult(batchNorm(n, t, 4, 3));
    }
    Output<?> x = n.input(0);
    return one(batchNorm(n, x, n.rank(x), 1));
  }

  private static Output<?> batchNorm(NodeContext n, Output<?> x, int rank, int channelAxis) {
    TfEmitter tf = n.tf();
    Output<?> mean = perChannel(tf, n.input(3), rank, channelAxis);
    Output<?> var = perChannel(tf, n.input(4), rank, channelAxis);
    Output<?> inv = tf.op("Pow", tf.op("AddV2", var, tf.scalarLike(x, n.attrFloat("epsilon", 1e-5f))),
        tf.scalarLike(x, -0.5));
    return scaleAndShift(n, tf.op("Sub", x, mean), inv, rank, channelAxis);
  }

  /**
   * centred · (inv · scale) + bias, with scale and bias the node's inputs 1 and 2. The scale is
   * folded into the small per-channel factor, and a frozen scale of ones or bias of zeros (what
   * PyTorch exports for InstanceNorm2d(affine=False), CycleGAN's norm) is left out: each is one
   * full-size op fewer forward and backward.
   */
  private static Output<?> scaleAndShift(NodeContext n, Output<?> centred, Output<?> inv, int rank, int channelAxis) {
    TfEmitter tf = n.tf();
    Output<?> factor = isAll(n.frozenInputOrNull(1), 1) ? inv
        : tf.op("Mul", inv, perChannel(tf, n.input(1), rank, channelAxis));
    Output<?> y = tf.op("Mul", centred, factor);
    return isAll(n.frozenInputOrNull(2), 0) ? y : tf.op("AddV2", y, perChannel(tf, n.input(2), rank, channelAxis));
  }

  private static boolean isAll(org.mgm.tensor.HostTensor t, double value) {
    if (t == null) {
      return false;
    }
    for (double v : t.toDoubles()) {
      if (v != value) {
        return false;
      }
    }
    return true;
  }

  /** A [C] vector reshaped to broadcast along {@code channelAxis}: [1, C, 1, …] or [1, 1, 1, C]. */
  private static Output<?> perChannel(TfEmitter tf, Output<?> v, int rank, int channelAxis) {
    long[] shape = new long[rank];
    java.util.Arrays.fill(shape, 1);
    shape[channelAxis] = -1;
    return tf.reshape(v, tf.int64s(shape));
  }
}
