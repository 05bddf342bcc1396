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

  /** The layout imports use unless told otherwise. */
  public static ConvLayout defaultLayout() {
    return CHANNELS_LAST;
  }

  /** Whether this process's TF runs NCHW convolutions: where oneDNN is on ({@link org.mgm.runtime.OneDnn}). */
  public static boolean nativeNchwRuns() {
    return org.mgm.runtime.OneDnn.enabled();
  }

  /** The layouts this process can run: both where TF has NCHW kernels, else only channels-last. */
  public static java.util.List<ConvLayout> runnable() {
    return nativeNchwRuns() ? java.util.List.of(values()) : java.util.List.of(CHANNELS_LAST);
  }
}
