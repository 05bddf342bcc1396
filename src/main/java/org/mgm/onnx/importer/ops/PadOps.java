package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.Arrays;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;

/** Pad in constant and reflect modes (ONNX/PyTorch reflect excludes the edge, as TF's REFLECT). */
public final class PadOps {
  private PadOps() {}

  public static void register(OpRegistry r) {
    r.register("Pad", 2, PadOps::pad);
  }

  private static Output<?>[] pad(NodeContext n) {
    TfEmitter tf = n.tf();
    // Reflect and zero pads of an NHWC input are the same pads on permuted axes (ChannelsLast).
    Output<?> nhwc = n.channelsLastInput(0);
    Output<?> x = nhwc != null ? nhwc : n.input(0);
    int rank = n.rank(x);
    long[] pads = n.opset() >= 11 ? n.constantInput(1).longs() : n.attrInts("pads");
    if (pads == null) {
      throw n.fail("has no pads");
    }
    long[] axes = null;
    if (n.opset() >= 18 && n.hasInput(3)) {
      axes = n.constantInput(3).longs();
    }
    int listed = axes == null ? rank : axes.length;
    if (pads.length != 2 * listed) {
      throw n.fail("pads " + Arrays.toString(pads) + " do not fit a rank-" + rank + " input");
    }
    long[] full = new long[2 * rank];
    for (int i = 0; i < listed; i++) {
      int axis = axes == null ? i : (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
      if (pads[i] < 0 || pads[i + listed] < 0) {
        throw n.fail("negative pads " + Arrays.toString(pads) + " are not supported");
      }
      int at = nhwc != null ? ChannelsLast.nhwcAxis(axis) : axis;
      full[2 * at] = pads[i];
      full[2 * at + 1] = pads[i + listed];
    }
    int[] full32 = new int[full.length];
    for (int i = 0; i < full.length; i++) {
      full32[i] = Math.toIntExact(full[i]);
    }
    // int32 paddings: PadV2's C++ gradient slices with int32 and fails on int64.
    Output<?> paddings = tf.constant(HostTensor.of(full32, rank, 2));
    Output<?> y = padded(n, tf, x, paddings);
    return nhwc != null ? n.channelsLastResult(y) : one(y);
  }

  private static Output<?> padded(NodeContext n, TfEmitter tf, Output<?> x, Output<?> paddings) {
    String mode = n.attrString("mode", "constant");
    switch (mode) {
      case "constant": {
        if (n.opset() >= 11 && n.hasInput(2) && n.constantInputOrNull(2) == null) {
          return tf.op("PadV2", x, paddings, tf.reshape(n.input(2), tf.int32s()));
        }
        double value = n.opset() >= 11
            ? (n.hasInput(2) ? n.constantInput(2).toDoubles()[0] : 0)
            : n.attrFloat("value", 0f);
        return value == 0 ? tf.op("Pad", x, paddings) : tf.op("PadV2", x, paddings, tf.scalarLike(x, value));
      }
      case "reflect":
        return tf.build("MirrorPad", b -> b.setAttr("mode", "REFLECT"), x, paddings).output(0);
      default:
        throw n.fail("pad mode '" + mode + "' is not supported (constant, reflect)");
    }
  }
}
