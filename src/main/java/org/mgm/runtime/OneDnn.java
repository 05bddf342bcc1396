package org.mgm.runtime;

/**
 * Whether this process's TF runs oneDNN's kernels. The TF Java linux-x86_64 natives turn oneDNN on
 * only on CPUs with AVX-512 (on an AVX2-only AMD EPYC it was off), and TF_ENABLE_ONEDNN_OPTS=0
 * turns it off; TF's C API does not say which, so it is measured once: oneDNN is what gives TF
 * NCHW convolution kernels on the CPU, so a 1×1×2×2 NCHW Conv2D and Conv2DBackpropInput run in
 * a throwaway session exactly where it is on.
 */
public final class OneDnn {
  private static volatile Boolean enabled;

  private OneDnn() {}

  public static boolean enabled() {
    Boolean b = enabled;
    if (b == null) {
      b = !"0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS")) && probe();
      enabled = b;
    }
    return b;
  }

  private static boolean probe() {
    // Sessions.plain: the probe may be the process's first session, which sizes TF's thread pools.
    try (org.tensorflow.Graph g = new org.tensorflow.Graph(); org.tensorflow.Session s = Sessions.plain(g)) {
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
      // any failure here means oneDNN is off.
      return false;
    }
  }
}
