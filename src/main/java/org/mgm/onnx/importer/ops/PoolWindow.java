package org.mgm.onnx.importer.ops;

import java.util.Arrays;
import org.mgm.onnx.importer.NodeContext;
import org.tensorflow.ndarray.Shape;

/**
 * The window geometry of one pooling node along its spatial axes, in ONNX's rules: explicit pads
 * or auto_pad, dilations, and ceil_mode, whose extra windows are padded at the end only (as
 * PyTorch and ONNX Runtime do; the last window must start inside the input or its leading pad).
 *
 * @param in spatial input sizes, −1 where unknown at import
 * @param begin leading pads
 * @param end trailing pads given by the model (explicit or auto_pad)
 * @param extra trailing pads that only ceil_mode adds
 * @param out spatial output sizes, −1 where unknown at import
 */
record PoolWindow(long[] in, long[] kernel, long[] strides, long[] dilations, long[] begin, long[] end,
    long[] extra, long[] out) {

  static PoolWindow of(NodeContext n, Shape x) {
    int rank = x.numDimensions();
    long[] kernel = n.attrInts("kernel_shape");
    if (kernel == null) {
      throw n.fail("has no kernel_shape");
    }
    int d = kernel.length;
    if (rank != d + 2) {
      throw n.fail("kernel_shape " + Arrays.toString(kernel) + " does not fit an input of shape " + x);
    }
    long[] strides = orOnes(n, "strides", d);
    long[] dilations = orOnes(n, "dilations", d);
    long[] pads = n.attrInts("pads");
    if (pads == null) {
      pads = new long[2 * d];
    }
    if (pads.length != 2 * d) {
      throw n.fail("pads " + Arrays.toString(pads) + " do not fit " + d + " spatial axes");
    }
    long[] in = new long[d];
    for (int i = 0; i < d; i++) {
      in[i] = x.get(i + 2);
      if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 || pads[i + d] < 0) {
        throw n.fail("kernel_shape, strides and dilations must be positive and pads non-negative");
      }
    }
    long[] begin = Arrays.copyOf(pads, d);
    long[] end = Arrays.copyOfRange(pads, d, 2 * d);
    String autoPad = n.attrString("auto_pad", "NOTSET");
    boolean ceil = n.attrInt("ceil_mode", 0) != 0;
    switch (autoPad) {
      case "NOTSET", "" -> { }
      case "VALID" -> {
        Arrays.fill(begin, 0);
        Arrays.fill(end, 0);
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        requireStatic(n, in, "auto_pad " + autoPad);
        for (int i = 0; i < d; i++) {
          long outSize = (in[i] + strides[i] - 1) / strides[i];
          long total = Math.max((outSize - 1) * strides[i] + span(kernel[i], dilations[i]) - in[i], 0);
          begin[i] = autoPad.equals("SAME_LOWER") ? total - total / 2 : total / 2;
          end[i] = total - begin[i];
        }
      }
      default -> throw n.fail("auto_pad '" + autoPad + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
    }
    if (ceil) {
      requireStatic(n, in, "ceil_mode");
    }
    long[] out = new long[d];
    long[] extra = new long[d];
    for (int i = 0; i < d; i++) {
      if (in[i] < 0) {
        out[i] = -1;
        continue;
      }
      long room = in[i] + begin[i] + end[i] - span(kernel[i], dilations[i]);
      if (room < 0) {
        throw n.fail("the window (" + span(kernel[i], dilations[i]) + ") is larger than the padded input ("
            + (in[i] + begin[i] + end[i]) + ") along spatial axis " + i);
      }
      out[i] = (ceil ? (room + strides[i] - 1) / strides[i] : room / strides[i]) + 1;
      if (ceil && (out[i] - 1) * strides[i] >= in[i] + begin[i]) {
        out[i]--;
      }
      extra[i] = Math.max(0, (out[i] - 1) * strides[i] + span(kernel[i], dilations[i]) - in[i] - begin[i] - end[i]);
    }
    return new PoolWindow(in, kernel, strides, dilations, begin, end, extra, out);
  }

  private static long[] orOnes(NodeContext n, String attr, int d) {
    long[] v = n.attrInts(attr);
    if (v == null) {
      v = new long[d];
      Arrays.fill(v, 1);
    }
    if (v.length != d) {
      throw n.fail(attr + " " + Arrays.toString(v) + " do not fit " + d + " spatial axes");
    }
    return v;
  }

  private static void requireStatic(NodeContext n, long[] in, String what) {
    for (long s : in) {
      if (s < 0) {
        throw n.fail(what + " needs static spatial sizes, they are " + Arrays.toString(in));
      }
    }
  }

  /** The extent of a dilated kernel. */
  static long span(long kernel, long dilation) {
    return (kernel - 1) * dilation + 1;
  }

  int rank() {
    return kernel.length;
  }

  boolean dilated() {
    return Arrays.stream(dilations).anyMatch(v -> v != 1);
  }

  boolean staticOut() {
    return Arrays.stream(out).allMatch(v -> v >= 0);
  }

  long kernelSize() {
    return Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
  }

  /**
   * Per output position along axis i, how many of its window's taps fall in [lo, hi) of the
   * padded axis: the divisor of an average. {@code includePads}: the model's pads count, ceil_mode's
   * extra pad does not (count_include_pad=1); else only input positions count.
   */
  long[] taps(int i, boolean includePads) {
    long lo = includePads ? 0 : begin[i];
    long hi = includePads ? in[i] + begin[i] + end[i] : in[i] + begin[i];
    long[] c = new long[(int) out[i]];
    for (int o = 0; o < c.length; o++) {
      for (long j = 0; j < kernel[i]; j++) {
        long p = o * strides[i] + j * dilations[i];
        if (p >= lo && p < hi) {
          c[o]++;
        }
      }
    }
    return c;
  }
}
