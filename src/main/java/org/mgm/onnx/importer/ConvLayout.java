package org.mgm.onnx.importer;

/**
 * How NCHW spatial ops (Conv, ConvTranspose, Resize) are emitted.
 *
 * <p>TF's CPU kernels accept NCHW convolutions only through oneDNN. The TF Java linux-x86_64
 * natives turn oneDNN on by default only on CPUs with AVX-512 (on an AVX2-only AMD EPYC, NCHW
 * Conv2DBackpropInput fails with "only supports NHWC"), and TF_ENABLE_ONEDNN_OPTS=0 turns it off.
 * NATIVE_NCHW uses those kernels directly; TRANSPOSED_NHWC wraps each op in NCHW↔NHWC transposes,
 * which runs everywhere.
 */
public enum ConvLayout {
  NATIVE_NCHW,
  TRANSPOSED_NHWC;

  private static volatile ConvLayout probed;

  /**
   * Native NCHW when this process's TF runs NCHW convolutions, NHWC transposes otherwise. Whether
   * oneDNN is on depends on the CPU as well as on TF_ENABLE_ONEDNN_OPTS, so the answer is measured
   * once: a 1×1×2×2 NCHW Conv2D and Conv2DBackpropInput in a throwaway session.
   */
  public static ConvLayout forThisProcess() {
    ConvLayout l = probed;
    if (l == null) {
      l = "0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS")) ? TRANSPOSED_NHWC : probe();
      probed = l;
    }
    return l;
  }

  /** The layouts this process can run: both where TF has NCHW kernels, else only the transposed one. */
  public static java.util.List<ConvLayout> runnable() {
    return forThisProcess() == NATIVE_NCHW ? java.util.List.of(values()) : java.util.List.of(TRANSPOSED_NHWC);
  }

  private static ConvLayout probe() {
    try (org.tensorflow.Graph g = new org.tensorflow.Graph(); org.tensorflow.Session s = new org.tensorflow.Session(g)) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      var x = tf.zeros(tf.constant(new long[] {1, 1, 2, 2}), org.tensorflow.types.TFloat32.class);
      var w = tf.zeros(tf.constant(new long[] {1, 1, 1, 1}), org.tensorflow.types.TFloat32.class);
      java.util.List<Long> ones = java.util.List.of(1L, 1L, 1L, 1L);
      var conv = tf.nn.conv2d(x, w, ones, "VALID", org.tensorflow.op.nn.Conv2d.dataFormat("NCHW"));
      var back = tf.nn.conv2dBackpropInput(tf.constant(new int[] {1, 1, 2, 2}), w, x, ones, "VALID",
          org.tensorflow.op.nn.Conv2dBackpropInput.dataFormat("NCHW"));
      s.runner().fetch(conv).fetch(back).run().close();
      return NATIVE_NCHW;
    } catch (RuntimeException noNchwKernels) {
      // TF reports the missing kernel as TFInvalidArgumentException (an IllegalArgumentException);
      // any failure here means the layout that runs everywhere.
      return TRANSPOSED_NHWC;
    }
  }
}
