package org.mgm.onnx.importer;

/**
 * How the NCHW tensors of an ONNX model meet TF's convolutions (Conv, ConvTranspose, Resize).
 *
 * <p>CHANNELS_LAST, the default, runs convolutions in NHWC and keeps their results NHWC through
 * the ops that can follow that layout (pointwise ops, InstanceNorm, Pad; see
 * {@code ops.ChannelsLast}), so that a CycleGAN generator is transposed only at its input and
 * output. It runs on every CPU build. NATIVE_NCHW uses TF's NCHW kernels, which on CPU exist
 * only through oneDNN: the TF Java linux-x86_64 natives turn oneDNN on only on CPUs with AVX-512
 * (on an AVX2-only AMD EPYC, NCHW Conv2DBackpropInput fails with "only supports NHWC"), and
 * TF_ENABLE_ONEDNN_OPTS=0 turns it off. It is kept for comparison: on the full-size CycleGAN
 * generator its Conv2DBackpropInput alone took 870 ms against NHWC's 327 ms.
 */
public enum ConvLayout {
  CHANNELS_LAST,
  NATIVE_NCHW;

  private static volatile Boolean nativeNchw;

  /** The layout imports use unless told otherwise. */
  public static ConvLayout defaultLayout() {
    return CHANNELS_LAST;
  }

  /**
   * Whether this process's TF runs NCHW convolutions. That depends on the CPU as well as on
   * TF_ENABLE_ONEDNN_OPTS, so it is measured once: a 1×1×2×2 NCHW Conv2D and
   * Conv2DBackpropInput in a throwaway session.
   */
  public static boolean nativeNchwRuns() {
    Boolean b = nativeNchw;
    if (b == null) {
      b = !"0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS")) && probe();
      nativeNchw = b;
    }
    return b;
  }

  /** The layouts this process can run: both where TF has NCHW kernels, else only channels-last. */
  public static java.util.List<ConvLayout> runnable() {
    return nativeNchwRuns() ? java.util.List.of(values()) : java.util.List.of(CHANNELS_LAST);
  }

  private static boolean probe() {
    try (org.tensorflow.Graph g = new org.tensorflow.Graph(); org.tensorflow.Session s = new org.tensorflow.Session(g)) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      var x = tf.zeros(tf.constant(new long[] {1, 1, 2, 2}), org.tensorflow.types.TFloat32.class);
      var w = tf.zeros(tf.constant(new long[] {1, 1, 1, 1}), org.tensorflow.types.TFloat32.class);
      java.util.List<Long> ones = java.util.List.of(1L, 1L, 1L, 1L);
      var conv = tf.nn.conv2d(x, w, ones, "VALID", org.tensorflow.op.nn.Conv2d.dataFormat("NCHW"));
      var back = tf.nn.conv2dBackpropInput(tf.constant(new int[] {1, 1, 2, 2}), w, x, ones, "VALID",
          org.tensorflow.op.nn.Conv2dBackpropInput.dataFormat("NCHW"));
      s.runner().fetch(conv).fetch(back).run().close();
      return true;
    } catch (RuntimeException noNchwKernels) {
      // TF reports the missing kernel as TFInvalidArgumentException (an IllegalArgumentException);
      // any failure here means the layout that runs everywhere.
      return false;
    }
  }
}
