package org.mgm.onnx.importer;

/**
 * How NCHW spatial ops (Conv, ConvTranspose, Resize) are emitted.
 *
 * <p>TF's CPU kernels accept NCHW convolutions only through oneDNN (on by default in the TF Java
 * linux-x86_64 natives, off with TF_ENABLE_ONEDNN_OPTS=0). NATIVE_NCHW uses them directly;
 * TRANSPOSED_NHWC wraps each op in NCHW↔NHWC transposes, which runs everywhere.
 */
public enum ConvLayout {
  NATIVE_NCHW,
  TRANSPOSED_NHWC;

  /** NHWC transposes when oneDNN has been switched off, native NCHW otherwise. */
  public static ConvLayout forThisProcess() {
    String onednn = System.getenv("TF_ENABLE_ONEDNN_OPTS");
    return "0".equals(onednn) ? TRANSPOSED_NHWC : NATIVE_NCHW;
  }
}
