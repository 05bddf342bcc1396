package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * MaxPool, AveragePool, LpPool, their Global forms and MaxUnpool, over 1, 2 or 3 spatial axes.
 *
 * <p>Pools run channels-last ([N, spatial…, C]): TF's CPU pooling kernels are NHWC/NDHWC only
 * (NCHW exists only through oneDNN, and MaxPoolGradGrad not even there), and a 2-D pool between
 * channels-last convolutions then needs no transpose (ChannelsLast). Padding is an explicit Pad
 * (−∞ for max, 0 otherwise) followed by a VALID pool: TF's SAME pads differently from ONNX's pads
 * and ceil_mode. 1-D pools are 2-D pools of height 1. Dilated windows, which TF's pools lack, are
 * strided slices of the padded input, one per kernel tap, folded with Maximum or AddV2; every
 * piece has gradients of every order (MaxPoolGrad's and AvgPoolGrad's own gradients are
 * registered in org.mgm.model.SecondOrderGradients).
 */
public final class PoolingOps {
  private PoolingOps() {}

  public static void register(OpRegistry r) {
    // One handler per op: later versions only add attributes (storage_order and Indices at 8,
    // ceil_mode and dilations at 10, AveragePool's dilations at 19, LpPool's at 18) or types.
    r.register("MaxPool", 1, PoolingOps::maxPool);
    r.register("AveragePool", 1, PoolingOps::averagePool);
    r.register("LpPool", 1, PoolingOps::lpPool);
    r.register("GlobalAveragePool", 1, n -> global(n, "Mean"));
    r.register("GlobalMaxPool", 1, n -> global(n, "Max"));
    r.register("GlobalLpPool", 1, PoolingOps::globalLpPool);
    r.register("MaxUnpool", 9, PoolingOps::maxUnpool);
  }

  private static Output<?>[] maxPool(NodeContext n) {
    TfEmitter tf = n.tf();
    Shape xs = inputShape(n);
    PoolWindow w = PoolWindow.of(n, xs);
    Output<?> x = channelsLastInput(n, xs.numDimensions());
    Output<?> padded = pad(tf, x, w, lowest(n, x));
    Output<?> y = needsTaps(w, padded) ? fold(tf, taps(n, padded, w), "Maximum") : nativePool(tf, "Max", padded, w);
    Output<?>[] out = channelsLastOutput(n, y, xs.numDimensions());
    if (n.outputCount() < 2) {
      return out;
    }
    Output<?> indices = indices(n, padded, w, xs);
    return new Output<?>[] {out[0], indices};
  }

  private static Output<?>[] averagePool(NodeContext n) {
    TfEmitter tf = n.tf();
    Shape xs = inputShape(n);
    PoolWindow w = PoolWindow.of(n, xs);
    Output<?> x = channelsLastInput(n, xs.numDimensions());
    Output<?> sum = sumPool(n, pad(tf, x, w, tf.scalarLike(x, 0)), w);
    boolean includePads = n.attrInt("count_include_pad", 0) != 0;
    return channelsLastOutput(n, divideByTaps(n, sum, w, includePads), xs.numDimensions());
  }

  private static Output<?>[] lpPool(NodeContext n) {
    TfEmitter tf = n.tf();
    Shape xs = inputShape(n);
    PoolWindow w = PoolWindow.of(n, xs);
    double p = lpExponent(n);
    Output<?> x = channelsLastInput(n, xs.numDimensions());
    Output<?> sum = sumPool(n, pad(tf, power(tf, x, p), w, tf.scalarLike(x, 0)), w);
    return channelsLastOutput(n, root(tf, sum, p), xs.numDimensions());
  }

  /** v1 has a float p, v2 on an integer one; both default to 2. */
  private static double lpExponent(NodeContext n) {
    double p = n.sinceVersion() == 1 ? n.attrFloat("p", 2f) : n.attrInt("p", 2);
    if (!(p > 0)) {
      throw n.fail("p must be positive, it is " + p);
    }
    return p;
  }

  /** Reduction over every spatial axis, keeping them as 1s. */
  private static Output<?>[] global(NodeContext n, String reduce) {
    return globalReduce(n, reduce, x -> x, y -> y);
  }

  private static Output<?>[] globalLpPool(NodeContext n) {
    double p = lpExponent(n);
    return globalReduce(n, "Sum", x -> power(n.tf(), x, p), y -> root(n.tf(), y, p));
  }

  private static Output<?>[] globalReduce(NodeContext n, String reduce, java.util.function.UnaryOperator<Output<?>> before,
      java.util.function.UnaryOperator<Output<?>> after) {
    TfEmitter tf = n.tf();
    Output<?> nhwc = n.channelsLastInput(0);
    Output<?> x = nhwc != null ? nhwc : n.input(0);
    int rank = n.rank(x);
    if (rank < 3) {
      throw n.fail("needs an input of rank 3 or more, it has rank " + rank);
    }
    int[] axes = new int[rank - 2];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = nhwc != null ? i + 1 : i + 2;
    }
    Output<?> y = after.apply(tf.build(reduce, b -> b.setAttr("keep_dims", true), before.apply(x), tf.int32s(axes))
        .output(0));
    return nhwc != null ? n.channelsLastResult(y) : one(y);
  }

  /**
   * MaxUnpool: the values of X scattered to the flat NC… indices I of a zero tensor of the
   * inferred shape, (in − 1)·stride + kernel − pads per spatial axis, then zero-padded at the end
   * to output_shape when given (ONNX's reference and conformance data; ONNX Runtime instead reads
   * I as indices into output_shape). Overlapping windows repeat an index with the same value:
   * ScatterNd would add the copies, so the sums are divided by the number of copies.
   */
  private static Output<?>[] maxUnpool(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    Shape xs = x.shape();
    int rank = n.rank(x);
    long[] kernel = n.attrInts("kernel_shape");
    if (kernel == null || kernel.length != rank - 2) {
      throw n.fail("kernel_shape " + Arrays.toString(kernel) + " does not fit an input of shape " + xs);
    }
    int d = kernel.length;
    long[] strides = n.attrInts("strides");
    long[] pads = n.attrInts("pads");
    long[] spatial = new long[d];
    for (int i = 0; i < d; i++) {
      if (xs.get(i + 2) < 0) {
        throw n.fail("needs static spatial sizes, the input is " + xs);
      }
      long s = strides == null ? 1 : strides[i];
      spatial[i] = (xs.get(i + 2) - 1) * s + kernel[i] - (pads == null ? 0 : pads[i] + pads[i + d]);
    }
    Output<?> batchAndChannels = tf.op("Slice", tf.shape64(x), tf.int64s(0), tf.int64s(2));
    Output<?> inferred = ConvOps.concat(tf, List.of(batchAndChannels, tf.int64s(spatial)), 0);
    Output<?> flatSize = tf.reshape(tf.build("Prod", b -> b, inferred, tf.int32(0)).output(0), tf.int64s(1));
    Output<?> indices = tf.reshape(tf.cast(n.input(1), DataType.DT_INT64), tf.int64s(-1, 1));
    Output<?> values = tf.reshape(x, tf.int64s(-1));
    Output<?> sums = tf.op("ScatterNd", indices, values, flatSize);
    // A count, not a function of X: StopGradient keeps backprop out of the ZerosLike that makes its ones.
    Output<?> ones = tf.op("AddV2", tf.op("ZerosLike", values), tf.scalarLike(values, 1));
    Output<?> copies = tf.op("StopGradient", tf.op("ScatterNd", indices, ones, flatSize));
    Output<?> y = tf.reshape(tf.op("RealDiv", sums, tf.op("Maximum", copies, tf.scalarLike(values, 1))), inferred);
    if (!n.hasInput(2)) {
      return one(y);
    }
    Output<?> grow = tf.cast(tf.op("Sub", tf.cast(n.input(2), DataType.DT_INT64), inferred), DataType.DT_INT32);
    Output<?> paddings = tf.build("Pack", b -> b.addInputList(new Output<?>[] {tf.op("ZerosLike", grow), grow})
        .setAttr("axis", 1L), new Output<?>[0]).output(0);
    return one(tf.op("Pad", y, paddings));
  }

  private static Shape inputShape(NodeContext n) {
    Shape s = n.inputShape(0);
    if (s.numDimensions() < 3) {
      throw n.fail("needs an input of known rank 3 to 5, its shape is " + s);
    }
    return s;
  }

  /** [N, C, spatial…] → [N, spatial…, C]; a rank-4 input's channels-last twin when it has one. */
  private static Output<?> channelsLastInput(NodeContext n, int rank) {
    if (rank == 4) {
      return n.inputAsChannelsLast(0);
    }
    return n.tf().transpose(n.input(0), ChannelsLast.toLastPermutation(rank));
  }

  private static Output<?>[] channelsLastOutput(NodeContext n, Output<?> y, int rank) {
    if (rank == 4) {
      return n.channelsLastResult(y);
    }
    return one(n.tf().transpose(y, ChannelsLast.toFirstPermutation(rank)));
  }

  /** The lowest value of x's type, which never wins a max over real inputs. */
  private static Output<?> lowest(NodeContext n, Output<?> x) {
    TfEmitter tf = n.tf();
    return switch (x.dataType()) {
      case DT_FLOAT, DT_DOUBLE -> tf.scalarLike(x, Double.NEGATIVE_INFINITY);
      case DT_HALF, DT_BFLOAT16 -> tf.cast(tf.constant(HostTensor.of(new float[] {Float.NEGATIVE_INFINITY})), x.dataType());
      case DT_INT64 -> tf.int64(Long.MIN_VALUE);
      case DT_INT32 -> tf.int32(Integer.MIN_VALUE);
      case DT_INT16 -> tf.cast(tf.int32(Short.MIN_VALUE), x.dataType());
      case DT_INT8 -> tf.cast(tf.int32(Byte.MIN_VALUE), x.dataType());
      case DT_UINT8, DT_UINT16, DT_UINT32, DT_UINT64 -> tf.cast(tf.int32(0), x.dataType());
      default -> throw n.fail("MaxPool of " + x.dataType() + " is not supported");
    };
  }

  /** The model's pads and ceil_mode's extra end pads, filled with {@code value}. */
  private static Output<?> pad(TfEmitter tf, Output<?> x, PoolWindow w, Output<?> value) {
    int d = w.rank();
    int[] p = new int[2 * (d + 2)];
    boolean any = false;
    for (int i = 0; i < d; i++) {
      p[2 * (i + 1)] = Math.toIntExact(w.begin()[i]);
      p[2 * (i + 1) + 1] = Math.toIntExact(w.end()[i] + w.extra()[i]);
      any |= p[2 * (i + 1)] != 0 || p[2 * (i + 1) + 1] != 0;
    }
    if (!any) {
      return x;
    }
    // int32 paddings: PadV2's C++ gradient slices with int32 and fails on int64.
    Output<?> paddings = tf.constant(HostTensor.of(p, d + 2, 2));
    return tf.op("PadV2", x, paddings, tf.reshape(value, tf.int32s()));
  }

  /**
   * TF pools have no dilations, more than 3 spatial axes have no TF pool at all, and the CPU
   * MaxPool3D/AvgPool3D kernels have no float64.
   */
  private static boolean needsTaps(PoolWindow w, Output<?> x) {
    return w.dilated() || w.rank() > 3 || w.rank() == 3 && x.dataType() == DataType.DT_DOUBLE;
  }

  /** MaxPool/AvgPool (2-D, 1-D as height 1) or MaxPool3D/AvgPool3D, VALID, channels-last. */
  private static Output<?> nativePool(TfEmitter tf, String kind, Output<?> x, PoolWindow w) {
    int d = w.rank();
    boolean oneD = d == 1;
    long[] kernel = oneD ? new long[] {1, w.kernel()[0]} : w.kernel();
    long[] strides = oneD ? new long[] {1, w.strides()[0]} : w.strides();
    Output<?> xi = oneD ? tf.op("ExpandDims", x, tf.int32(1)) : x;
    String op = kernel.length == 3 ? kind + "Pool3D" : kind + "Pool";
    Output<?> y = tf.build(op, b -> b.setAttr("ksize", around(kernel)).setAttr("strides", around(strides))
        .setAttr("padding", "VALID").setAttr("data_format", kernel.length == 3 ? "NDHWC" : "NHWC"), xi).output(0);
    return oneD ? tf.build("Squeeze", b -> b.setAttr("squeeze_dims", new long[] {1}), y).output(0) : y;
  }

  /** [1, 1, v…]: spatial sizes broadcast over NC…. */
  private static long[] channelsFirst(long[] v) {
    long[] r = new long[v.length + 2];
    Arrays.fill(r, 1);
    System.arraycopy(v, 0, r, 2, v.length);
    return r;
  }

  /** [1, v…, 1]: a spatial attribute with the batch and channel axes. */
  private static long[] around(long[] v) {
    long[] r = new long[v.length + 2];
    Arrays.fill(r, 1);
    System.arraycopy(v, 0, r, 1, v.length);
    return r;
  }

  /** The sum of each window: the native average pool times the kernel size, or the taps added. */
  private static Output<?> sumPool(NodeContext n, Output<?> padded, PoolWindow w) {
    TfEmitter tf = n.tf();
    if (needsTaps(w, padded)) {
      return fold(tf, taps(n, padded, w), "AddV2");
    }
    return tf.op("Mul", nativePool(tf, "Avg", padded, w), tf.scalarLike(padded, w.kernelSize()));
  }

  /**
   * Window sums divided by their tap counts, which differ from the kernel size only next to pads
   * (count_include_pad=0) or in ceil_mode's extra windows: a constant [1, out…, 1] factor, made at
   * import from the static geometry.
   */
  private static Output<?> divideByTaps(NodeContext n, Output<?> sum, PoolWindow w, boolean includePads) {
    TfEmitter tf = n.tf();
    int d = w.rank();
    boolean noPads = Arrays.stream(w.begin()).allMatch(v -> v == 0) && Arrays.stream(w.end()).allMatch(v -> v == 0);
    if ((includePads || noPads) && Arrays.stream(w.extra()).allMatch(v -> v == 0)) {
      return tf.op("Mul", sum, tf.scalarLike(sum, 1.0 / w.kernelSize()));
    }
    if (!w.staticOut()) {
      throw n.fail("averages next to pads need static spatial sizes");
    }
    long[][] counts = new long[d][];
    long[] shape = new long[d + 2];
    Arrays.fill(shape, 1);
    int size = 1;
    for (int i = 0; i < d; i++) {
      counts[i] = w.taps(i, includePads);
      shape[i + 1] = counts[i].length;
      size *= counts[i].length;
    }
    double[] inverse = new double[size];
    for (int flat = 0; flat < size; flat++) {
      long c = 1;
      int rest = flat;
      for (int i = d - 1; i >= 0; i--) {
        c *= counts[i][rest % counts[i].length];
        rest /= counts[i].length;
      }
      inverse[flat] = 1.0 / c;
    }
    return tf.op("Mul", sum, tf.cast(tf.constant(HostTensor.of(inverse, shape)), sum.dataType()));
  }

  /** |x|^p, as x·x for p = 2 (whose gradient 2x has no kink at 0) and |x| for p = 1. */
  private static Output<?> power(TfEmitter tf, Output<?> x, double p) {
    if (p == 2) {
      return tf.op("Mul", x, x);
    }
    Output<?> a = tf.op("Abs", x);
    return p == 1 ? a : tf.op("Pow", a, tf.scalarLike(x, p));
  }

  /** s^(1/p) through Pow: SqrtGrad has no gradient. */
  private static Output<?> root(TfEmitter tf, Output<?> s, double p) {
    return p == 1 ? s : tf.op("Pow", s, tf.scalarLike(s, 1.0 / p));
  }

  private static Output<?> fold(TfEmitter tf, List<Output<?>> xs, String op) {
    Output<?> acc = xs.get(0);
    for (int i = 1; i < xs.size(); i++) {
      acc = tf.op(op, acc, xs.get(i));
    }
    return acc;
  }

  /**
   * One strided slice of the padded channels-last input per kernel tap, in row-major tap order:
   * slice t holds, at each output position, the input value under tap t of its window.
   */
  private static List<Output<?>> taps(NodeContext n, Output<?> padded, PoolWindow w) {
    if (!w.staticOut()) {
      throw n.fail("dilated pooling needs static spatial sizes");
    }
    TfEmitter tf = n.tf();
    int d = w.rank();
    int taps = Math.toIntExact(w.kernelSize());
    List<Output<?>> slices = new ArrayList<>();
    Output<?> strides = tf.int32s(toInts(around(w.strides())));
    for (int t = 0; t < taps; t++) {
      long[] tap = tapOffsets(w, t);
      int[] begin = new int[d + 2];
      int[] end = new int[d + 2];
      for (int i = 0; i < d; i++) {
        begin[i + 1] = Math.toIntExact(tap[i] * w.dilations()[i]);
        end[i + 1] = Math.toIntExact(begin[i + 1] + (w.out()[i] - 1) * w.strides()[i] + 1);
      }
      // Masks keep the batch and channel axes whole.
      long outer = 1L | (1L << (d + 1));
      slices.add(tf.build("StridedSlice", b -> b.setAttr("begin_mask", outer).setAttr("end_mask", outer),
          padded, tf.int32s(begin), tf.int32s(end), strides).output(0));
    }
    return slices;
  }

  /** Tap t's position in the kernel, row-major. */
  private static long[] tapOffsets(PoolWindow w, long t) {
    int d = w.rank();
    long[] tap = new long[d];
    for (int i = d - 1; i >= 0; i--) {
      tap[i] = t % w.kernel()[i];
      t /= w.kernel()[i];
    }
    return tap;
  }

  private static int[] toInts(long[] v) {
    return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
  }

  /**
   * MaxPool's Indices: the flat index into the NC… input of each window's first maximum, row-major
   * over the spatial axes (storage_order 0) or column-major (1). The winning tap of each window
   * (ArgMax over the stacked taps, first on ties as ONNX's reference) is mapped to its input
   * position by import-time tables. Integer-valued, so no gradient flows through it.
   */
  private static Output<?> indices(NodeContext n, Output<?> padded, PoolWindow w, Shape xs) {
    TfEmitter tf = n.tf();
    int d = w.rank();
    for (long s : w.in()) {
      if (s < 0) {
        throw n.fail("the Indices output needs static spatial sizes, the input is " + xs);
      }
    }
    boolean columnMajor = n.attrInt("storage_order", 0) != 0;
    long[] axisStride = new long[d];
    long step = 1;
    for (int k = 0; k < d; k++) {
      int i = columnMajor ? k : d - 1 - k;
      axisStride[i] = step;
      step *= w.in()[i];
    }
    long spatialSize = step;
    int taps = Math.toIntExact(w.kernelSize());
    long[] tapIndex = new long[taps];
    for (int t = 0; t < taps; t++) {
      long[] tap = tapOffsets(w, t);
      for (int i = 0; i < d; i++) {
        tapIndex[t] += tap[i] * w.dilations()[i] * axisStride[i];
      }
    }
    // Index of each window's first tap: its start in the padded input, less the leading pads.
    int outSize = Math.toIntExact(Arrays.stream(w.out()).reduce(1, (a, b) -> a * b));
    long[] windowIndex = new long[outSize];
    for (int flat = 0; flat < outSize; flat++) {
      int rest = flat;
      for (int i = d - 1; i >= 0; i--) {
        long o = rest % w.out()[i];
        rest /= w.out()[i];
        windowIndex[flat] += (o * w.strides()[i] - w.begin()[i]) * axisStride[i];
      }
    }
    List<Output<?>> slices = taps(n, padded, w);
    Output<?> stacked = tf.build("Pack", b -> b.addInputList(slices.toArray(new Output<?>[0])).setAttr("axis", d + 2),
        new Output<?>[0]).output(0);
    Output<?> best = tf.build("ArgMax", b -> b.setAttr("output_type", DataType.DT_INT64), stacked, tf.int32(d + 2))
        .output(0);
    Output<?> tapIndices = tf.op("GatherV2", tf.int64s(tapIndex), best, tf.int32(0));
    int rank = d + 2;
    Output<?> spatial = tf.op("AddV2", tf.transpose(tapIndices, ChannelsLast.toFirstPermutation(rank)),
        tf.constant(HostTensor.of(windowIndex, channelsFirst(w.out()))));
    // Plus (n·C + c)·spatialSize, from the run-time batch and channel sizes.
    Output<?> batchAndChannels = tf.op("Slice", tf.shape64(spatial), tf.int64s(0), tf.int64s(2));
    Output<?> count = tf.build("Prod", b -> b, batchAndChannels, tf.int32(0)).output(0);
    Output<?> planes = tf.op("Range", tf.int64(0), tf.reshape(count, tf.int32s()), tf.int64(1));
    long[] ones = new long[d];
    Arrays.fill(ones, 1);
    Output<?> planeShape = tf.build("ConcatV2", b -> b.addInputList(new Output<?>[] {batchAndChannels, tf.int64s(ones)})
        .addInput(tf.int32(0)), new Output<?>[0]).output(0);
    Output<?> planeBase = tf.op("Mul", tf.reshape(planes, planeShape), tf.int64(spatialSize));
    return tf.op("AddV2", spatial, planeBase);
  }
}
