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
    r.register("InstanceNormalization", NormalizationOps::instanceNorm);
    r.register("BatchNormalization", NormalizationOps::batchNorm);
  }

  private static Output<?>[] instanceNorm(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    int[] spatial = new int[rank - 2];
    for (int i = 0; i < spatial.length; i++) {
      spatial[i] = i + 2;
    }
    Output<?> axes = tf.int32s(spatial);
    Output<?> mean = tf.build("Mean", b -> b.setAttr("keep_dims", true), x, axes).output(0);
    Output<?> centred = tf.op("Sub", x, mean);
    Output<?> variance = tf.build("Mean", b -> b.setAttr("keep_dims", true), tf.op("Mul", centred, centred), axes)
        .output(0);
    Output<?> inv = tf.op("Pow", tf.op("AddV2", variance, tf.scalarLike(x, n.attrFloat("epsilon", 1e-5f))),
        tf.scalarLike(x, -0.5));
    Output<?> y = tf.op("Mul", centred, inv);
    return one(affine(n, tf, y, rank, 1, 2));
  }

  private static Output<?>[] batchNorm(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    if (n.attrInt("training_mode", 0) != 0 || n.outputCount() > 1) {
      throw n.fail("training-mode BatchNormalization is not supported; export the model in eval mode");
    }
    Output<?> mean = perChannel(tf, n.input(3), rank);
    Output<?> var = perChannel(tf, n.input(4), rank);
    Output<?> inv = tf.op("Pow", tf.op("AddV2", var, tf.scalarLike(x, n.attrFloat("epsilon", 1e-5f))),
        tf.scalarLike(x, -0.5));
    Output<?> y = tf.op("Mul", tf.op("Sub", x, mean), inv);
    return one(affine(n, tf, y, rank, 1, 2));
  }

  private static Output<?> affine(NodeContext n, TfEmitter tf, Output<?> y, int rank, int scaleInput, int biasInput) {
    Output<?> out = tf.op("Mul", y, perChannel(tf, n.input(scaleInput), rank));
    return tf.op("AddV2", out, perChannel(tf, n.input(biasInput), rank));
  }

  /** A [C] vector reshaped to [1, C, 1, ...] so it broadcasts over NC... tensors. */
  private static Output<?> perChannel(TfEmitter tf, Output<?> v, int rank) {
    long[] shape = new long[rank];
    java.util.Arrays.fill(shape, 1);
    shape[1] = -1;
    return tf.reshape(v, tf.int64s(shape));
  }
}
