package org.mgm.onnx.importer.ops;

import org.mgm.onnx.importer.ConvLayout;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;

/**
 * Where channels and spatial axes sit for one emitted spatial op. In NHWC the op reads its input's
 * channels-last form (transposing only an input that has none) and leaves its result channels-last
 * for the next op (see {@link ChannelsLast}); in NCHW it reads and writes ONNX's layout directly.
 */
final class SpatialLayout {
  final boolean nhwc;

  /** Convolutions other than float32 always go through NHWC: oneDNN (and so NCHW on CPU) is float32 only. */
  SpatialLayout(ConvLayout layout, org.tensorflow.proto.DataType dtype) {
    this.nhwc = layout == ConvLayout.CHANNELS_LAST || dtype != org.tensorflow.proto.DataType.DT_FLOAT;
  }

  /** The layout for a spatial op over input i, by its element type (read without making its NCHW form). */
  static SpatialLayout forInput(NodeContext n, int i) {
    Output<?> nhwcForm = n.channelsLastInput(i);
    return new SpatialLayout(n.options().convLayout(), (nhwcForm != null ? nhwcForm : n.input(i)).dataType());
  }

  /** NHWC-only ops (Resize) always need the transposes. */
  static SpatialLayout nhwcOnly() {
    return new SpatialLayout(ConvLayout.CHANNELS_LAST, org.tensorflow.proto.DataType.DT_FLOAT);
  }

  int channelAxis() {
    return nhwc ? 3 : 1;
  }

  int heightAxis() {
    return nhwc ? 1 : 2;
  }

  String dataFormat() {
    return nhwc ? "NHWC" : "NCHW";
  }

  long[] strides(long sh, long sw) {
    return nhwc ? new long[] {1, sh, sw, 1} : new long[] {1, 1, sh, sw};
  }

  /** Input i of the node in this layout. */
  Output<?> in(NodeContext n, int i) {
    return nhwc ? n.inputAsChannelsLast(i) : n.input(i);
  }

  /** The node's result, given in this layout. */
  Output<?>[] out(NodeContext n, Output<?> internal) {
    return nhwc ? n.channelsLastResult(internal) : new Output<?>[] {internal};
  }

  /** A [C] bias added along the channel axis. */
  Output<?> addBias(TfEmitter tf, Output<?> y, Output<?> bias) {
    return tf.op("AddV2", y, tf.reshape(bias, nhwc ? tf.int64s(1, 1, 1, -1) : tf.int64s(1, -1, 1, 1)));
  }

  /** A static shape [n, c, h, w] in this layout's axis order. */
  long[] dims(long batch, long channels, long h, long w) {
    return nhwc ? new long[] {batch, h, w, channels} : new long[] {batch, channels, h, w};
  }

  /** Zero-pad the two spatial axes: [top, left, bottom, right] in ONNX order [h_b, w_b, h_e, w_e]. */
  Output<?> padSpatial(TfEmitter tf, Output<?> x, long[] pads) {
    if (pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0) {
      return x;
    }
    int h = heightAxis();
    int[] p = new int[8];
    p[2 * h] = (int) pads[0];
    p[2 * h + 1] = (int) pads[2];
    p[2 * (h + 1)] = (int) pads[1];
    p[2 * (h + 1) + 1] = (int) pads[3];
    return tf.op("Pad", x, tf.reshape(tf.int32s(p), tf.int32s(4, 2)));
  }
}
