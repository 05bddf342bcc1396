package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Batch, instance, layer, group, RMS, mean-variance, Lp and local response normalisation,
 * composed from Mean, Sub, Mul and Pow(v + ε, −½): FusedBatchNormGradV3, LRNGrad and RsqrtGrad
 * have no gradients, the composition has gradients of every order (R1 penalties through a
 * critic's normalisation layers).
 */
public final class NormalizationOps {
  private NormalizationOps() {}

  public static void register(OpRegistry r) {
    // Version 1's consumed_inputs is a legacy optimisation hint without effect on the result.
    r.register("InstanceNormalization", 1, NormalizationOps::instanceNorm);
    r.register("BatchNormalization", 1, NormalizationOps::batchNorm);
    r.register("LayerNormalization", 17, NormalizationOps::layerNorm);
    r.register("RMSNormalization", 23, NormalizationOps::rmsNorm);
    r.register("GroupNormalization", 18, NormalizationOps::groupNorm);
    r.register("MeanVarianceNormalization", 9, NormalizationOps::meanVarianceNorm);
    r.register("LpNormalization", 1, NormalizationOps::lpNorm);
    r.register("LRN", 1, NormalizationOps::lrn);
  }

  /** Moments over the spatial axes; NHWC when the input is (ChannelsLast), else NC…. */
  private static Output<?>[] instanceNorm(NodeContext n) {
    Output<?> t = n.channelsLastInput(0);
    if (t != null) {
      return n.channelsLastResult(instanceNorm(n, t, new int[] {1, 2}, 3));
    }
    Output<?> x = n.input(0);
    return one(instanceNorm(n, x, range(2, n.rank(x)), 1));
  }

  private static Output<?> instanceNorm(NodeContext n, Output<?> x, int[] spatialAxes, int channelAxis) {
    Moments m = moments(n.tf(), x, spatialAxes, n.attrFloat("epsilon", 1e-5f));
    return scaleAndShift(n, m.centred, m.inv, spatialAxes.length + 2, channelAxis);
  }

  /** x − mean and (variance + ε)^−½ over {@code axes}, both with the axes kept. */
  private record Moments(Output<?> mean, Output<?> centred, Output<?> variance, Output<?> inv) {}

  private static Moments moments(TfEmitter tf, Output<?> x, int[] axes, double epsilon) {
    Output<?> mean = mean(tf, x, axes);
    Output<?> centred = tf.op("Sub", x, mean);
    Output<?> variance = mean(tf, tf.op("Mul", centred, centred), axes);
    Output<?> inv = tf.op("Pow", tf.op("AddV2", variance, tf.scalarLike(x, epsilon)), tf.scalarLike(x, -0.5));
    return new Moments(mean, centred, variance, inv);
  }

  private static Output<?> mean(TfEmitter tf, Output<?> x, int[] axes) {
    return tf.build("Mean", b -> b.setAttr("keep_dims", true), x, tf.int32s(axes)).output(0);
  }

  /**
   * Inference mode normalises with the running statistics (inputs 3 and 4). Training mode
   * (training_mode=1 from version 14; is_test=0 in versions 1 and 6; extra outputs before 14)
   * normalises with the batch's and outputs the updated running statistics, then (before 14) the
   * batch's mean and biased variance, as ONNX's reference. spatial=0 (versions 1–7): statistics
   * per activation, not per channel.
   */
  private static Output<?>[] batchNorm(NodeContext n) {
    int since = n.sinceVersion();
    boolean training = since >= 14 ? n.attrInt("training_mode", 0) != 0
        : since < 7 ? n.attrInt("is_test", 0) == 0 : n.outputCount() > 1;
    boolean spatial = since >= 9 || n.attrInt("spatial", 1) != 0;
    Output<?> t = spatial ? n.channelsLastInput(0) : null;
    if (t != null && !training) {
      return n.channelsLastResult(batchNorm(n, t, 4, 3));
    }
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    if (!training) {
      return one(spatial ? batchNorm(n, x, rank, 1) : perActivationBatchNorm(n, x));
    }
    TfEmitter tf = n.tf();
    int[] axes = spatial ? allBut(rank, 1) : new int[] {0};
    Moments m = moments(tf, x, axes, n.attrFloat("epsilon", 1e-5f));
    Output<?> y = spatial ? scaleAndShift(n, m.centred, m.inv, rank, 1)
        : tf.op("AddV2", tf.op("Mul", tf.op("Mul", m.centred, m.inv), batched(tf, n.input(1))), batched(tf, n.input(2)));
    // The statistics come out with the input's kept axes dropped: [C] (or [C, D…] per activation).
    Output<?> batchMean = tf.build("Squeeze", b -> b.setAttr("squeeze_dims", longs(axes)), m.mean).output(0);
    Output<?> batchVar = tf.build("Squeeze", b -> b.setAttr("squeeze_dims", longs(axes)), m.variance).output(0);
    double momentum = n.attrFloat("momentum", 0.9f);
    Output<?> runningMean = runningAverage(tf, n.input(3), batchMean, momentum);
    Output<?> runningVar = runningAverage(tf, n.input(4), batchVar, momentum);
    return since >= 14 ? new Output<?>[] {y, runningMean, runningVar}
        : new Output<?>[] {y, runningMean, runningVar, batchMean, batchVar};
  }

  private static Output<?> runningAverage(TfEmitter tf, Output<?> running, Output<?> batch, double momentum) {
    return tf.op("AddV2", tf.op("Mul", running, tf.scalarLike(running, momentum)),
        tf.op("Mul", batch, tf.scalarLike(batch, 1 - momentum)));
  }

  private static Output<?> batchNorm(NodeContext n, Output<?> x, int rank, int channelAxis) {
    TfEmitter tf = n.tf();
    Output<?> mean = perChannel(tf, n.input(3), rank, channelAxis);
    Output<?> var = perChannel(tf, n.input(4), rank, channelAxis);
    return scaleAndShift(n, tf.op("Sub", x, mean), inverseStd(n, x, var), rank, channelAxis);
  }

  /** spatial=0: scale, bias, mean and var have the shape of one input sample, [C, D…]. */
  private static Output<?> perActivationBatchNorm(NodeContext n, Output<?> x) {
    TfEmitter tf = n.tf();
    Output<?> centred = tf.op("Sub", x, batched(tf, n.input(3)));
    Output<?> factor = tf.op("Mul", inverseStd(n, x, batched(tf, n.input(4))), batched(tf, n.input(1)));
    return tf.op("AddV2", tf.op("Mul", centred, factor), batched(tf, n.input(2)));
  }

  private static Output<?> batched(TfEmitter tf, Output<?> v) {
    return tf.op("ExpandDims", v, tf.int32(0));
  }

  private static Output<?> inverseStd(NodeContext n, Output<?> x, Output<?> var) {
    TfEmitter tf = n.tf();
    return tf.op("Pow", tf.op("AddV2", var, tf.scalarLike(x, n.attrFloat("epsilon", 1e-5f))), tf.scalarLike(x, -0.5));
  }

  /**
   * LayerNormalization: moments over the axes from {@code axis} on; Y = centred · inv · Scale + B
   * (broadcast numpy-style), and the optional Mean and InvStdDev outputs. Computed in the input's
   * type, and in float32 for float16/bfloat16 inputs (stash_type 1, the default).
   */
  private static Output<?>[] layerNorm(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> input = n.input(0);
    Output<?> x = stashed(n, input);
    int rank = n.rank(x);
    int[] axes = range(axis(n, rank, -1), rank);
    Moments m = moments(tf, x, axes, n.attrFloat("epsilon", 1e-5f));
    Output<?> y = tf.op("Mul", tf.op("Mul", m.centred, m.inv), tf.cast(n.input(1), x.dataType()));
    if (n.hasInput(2)) {
      y = tf.op("AddV2", y, tf.cast(n.input(2), x.dataType()));
    }
    return new Output<?>[] {tf.cast(y, input.dataType()), m.mean, m.inv};
  }

  /** RMSNormalization: x · (mean(x²) + ε)^−½ · scale over the axes from {@code axis} on. */
  private static Output<?>[] rmsNorm(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> input = n.input(0);
    Output<?> x = stashed(n, input);
    int rank = n.rank(x);
    Output<?> meanSquare = mean(tf, tf.op("Mul", x, x), range(axis(n, rank, -1), rank));
    Output<?> inv = tf.op("Pow", tf.op("AddV2", meanSquare, tf.scalarLike(x, n.attrFloat("epsilon", 1e-5f))),
        tf.scalarLike(x, -0.5));
    Output<?> y = tf.op("Mul", tf.op("Mul", x, inv), tf.cast(n.input(1), x.dataType()));
    return one(tf.cast(y, input.dataType()));
  }

  /**
   * GroupNormalization: moments per sample over each group of C / num_groups channels and all
   * spatial positions. Version 18 scales and shifts per group ([num_groups] scale and bias),
   * version 21 per channel ([C]).
   */
  private static Output<?>[] groupNorm(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> input = n.input(0);
    Output<?> x = stashed(n, input);
    long groups = n.attrInt("num_groups", 0);
    if (groups < 1) {
      throw n.fail("num_groups must be positive, it is " + groups);
    }
    int rank = n.rank(x);
    Output<?> shape = tf.shape64(x);
    Output<?> batch = tf.op("Slice", shape, tf.int64s(0), tf.int64s(1));
    Output<?> grouped = tf.reshape(x, ConvOps.concat(tf, java.util.List.of(batch, tf.int64s(groups, -1)), 0));
    Moments m = moments(tf, grouped, new int[] {2}, n.attrFloat("epsilon", 1e-5f));
    Output<?> normed = tf.op("Mul", m.centred, m.inv);
    Output<?> scale = tf.cast(n.input(1), x.dataType());
    Output<?> bias = tf.cast(n.input(2), x.dataType());
    Output<?> y;
    if (n.sinceVersion() < 21) {
      Output<?> perGroup = tf.int64s(1, -1, 1);
      y = tf.reshape(tf.op("AddV2", tf.op("Mul", normed, tf.reshape(scale, perGroup)), tf.reshape(bias, perGroup)), shape);
    } else {
      y = tf.reshape(normed, shape);
      y = tf.op("AddV2", tf.op("Mul", y, perChannel(tf, scale, rank, 1)), perChannel(tf, bias, rank, 1));
    }
    return one(tf.cast(y, input.dataType()));
  }

  /**
   * MeanVarianceNormalization: (x − mean) / (√variance + 1e-9) over {@code axes} (default N and
   * the spatial axes of NCHW), as ONNX's function body (variance as mean of squared deviations,
   * which equals its E[x²] − E[x]² without the cancellation).
   */
  private static Output<?>[] meanVarianceNorm(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long[] given = n.attrInts("axes");
    int[] axes = given == null ? new int[] {0, 2, 3} : new int[given.length];
    for (int i = 0; given != null && i < given.length; i++) {
      axes[i] = (int) (given[i] < 0 ? given[i] + rank : given[i]);
    }
    Output<?> mean = mean(tf, x, axes);
    Output<?> centred = tf.op("Sub", x, mean);
    Output<?> std = tf.op("Pow", mean(tf, tf.op("Mul", centred, centred), axes), tf.scalarLike(x, 0.5));
    return one(tf.op("RealDiv", centred, tf.op("AddV2", std, tf.scalarLike(x, 1e-9))));
  }

  /** LpNormalization: x / ‖x‖_p along {@code axis}, p 1 or 2; 0 where the norm is 0 (ONNX's reference). */
  private static Output<?>[] lpNorm(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    long p = n.attrInt("p", 2);
    if (p != 1 && p != 2) {
      throw n.fail("p must be 1 or 2, it is " + p);
    }
    Output<?> axis = tf.int32s(axis(n, rank, -1));
    Output<?> magnitude = p == 2 ? tf.op("Mul", x, x) : tf.op("Abs", x);
    Output<?> norm = tf.build("Sum", b -> b.setAttr("keep_dims", true), magnitude, axis).output(0);
    if (p == 2) {
      norm = tf.op("Pow", norm, tf.scalarLike(x, 0.5));
    }
    // A zero norm comes only with an all-zero x; dividing by 1 there gives ONNX's 0 with a finite
    // gradient (a Select would still differentiate 0/0). The 1 is a constant for backprop.
    Output<?> zero = tf.op("StopGradient", tf.cast(tf.op("Equal", norm, tf.scalarLike(x, 0)), x.dataType()));
    return one(tf.op("RealDiv", x, tf.op("AddV2", norm, zero)));
  }

  /**
   * LRN: x · (bias + α/size · Σ x²)^−β, the sum over channels c − ⌊(size−1)/2⌋ … c + ⌈(size−1)/2⌉
   * (zero beyond the ends), as slices of the zero-padded squares: TF's LRN has a symmetric window
   * only, NHWC only, and LRNGrad no gradient.
   */
  private static Output<?>[] lrn(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> t = n.channelsLastInput(0);
    Output<?> x = t != null ? t : n.input(0);
    int rank = n.rank(x);
    int channelAxis = t != null ? 3 : 1;
    long size = n.attrInt("size", 0);
    if (size < 1) {
      throw n.fail("size must be positive, it is " + size);
    }
    int before = (int) ((size - 1) / 2);
    int after = (int) (size - 1 - before);
    int[] pads = new int[2 * rank];
    pads[2 * channelAxis] = before;
    pads[2 * channelAxis + 1] = after;
    Output<?> squares = tf.op("Pad", tf.op("Mul", x, x),
        tf.constant(org.mgm.tensor.HostTensor.of(pads, rank, 2)));
    // int32 begins and sizes: the C++ gradient of Slice pads with them, as PadV2's does.
    Output<?> channels = tf.op("Slice", tf.op("Shape", x), tf.int32s(channelAxis), tf.int32s(1));
    int[] others = new int[rank];
    java.util.Arrays.fill(others, -1);
    Output<?> sizes = ConvOps.concat(tf, java.util.List.of(tf.int32s(java.util.Arrays.copyOf(others, channelAxis)),
        channels, tf.int32s(java.util.Arrays.copyOfRange(others, channelAxis + 1, rank))), 0);
    Output<?> sum = null;
    for (int k = 0; k < size; k++) {
      int[] begin = new int[rank];
      begin[channelAxis] = k;
      Output<?> slice = tf.op("Slice", squares, tf.int32s(begin), sizes);
      sum = sum == null ? slice : tf.op("AddV2", sum, slice);
    }
    double alpha = n.attrFloat("alpha", 1e-4f);
    Output<?> base = tf.op("AddV2", tf.op("Mul", sum, tf.scalarLike(x, alpha / size)),
        tf.scalarLike(x, n.attrFloat("bias", 1f)));
    Output<?> y = tf.op("Mul", x, tf.op("Pow", base, tf.scalarLike(x, -n.attrFloat("beta", 0.75f))));
    return t != null ? n.channelsLastResult(y) : one(y);
  }

  /** Float16 and bfloat16 inputs computed in float32 (stash_type 1, the default). */
  private static Output<?> stashed(NodeContext n, Output<?> x) {
    boolean half = x.dataType() == DataType.DT_HALF || x.dataType() == DataType.DT_BFLOAT16;
    if (n.attrInt("stash_type", 1) != 1 && half) {
      throw n.fail("stash_type " + n.attrInt("stash_type", 1) + " is not supported (1: float32)");
    }
    return half ? n.tf().cast(x, DataType.DT_FLOAT) : x;
  }

  private static int axis(NodeContext n, int rank, long fallback) {
    long a = n.attrInt("axis", fallback);
    if (a < -rank || a >= rank) {
      throw n.fail("axis " + a + " is outside a rank-" + rank + " input");
    }
    return (int) (a < 0 ? a + rank : a);
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  private static int[] allBut(int rank, int axis) {
    int[] r = new int[rank - 1];
    for (int i = 0, k = 0; i < rank; i++) {
      if (i != axis) {
        r[k++] = i;
      }
    }
    return r;
  }

  private static long[] longs(int[] v) {
    return java.util.Arrays.stream(v).asLongStream().toArray();
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
