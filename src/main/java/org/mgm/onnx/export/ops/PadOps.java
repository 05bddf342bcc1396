package org.mgm.onnx.export.ops;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;
import org.mgm.onnx.export.TfOpRegistry.ConstantOperands;

/**
 * Pad, PadV2 and MirrorPad with constant paddings. TF's REFLECT excludes the edge, as ONNX's
 * reflect does; SYMMETRIC repeats the edge, which no ONNX Pad mode does, so it is refused.
 */
public final class PadOps {
  private PadOps() {}

  public static void register(TfOpRegistry r) {
    r.register("Pad", ConstantOperands.at(1), n -> pad(n, "constant", false));
    r.register("PadV2", ConstantOperands.at(1), n -> pad(n, "constant", true));
    r.register("MirrorPad", ConstantOperands.at(1), PadOps::mirrorPad);
  }

  private static List<String> mirrorPad(TfNodeContext n) {
    String mode = n.attrString("mode", "");
    if (!mode.equals("REFLECT")) {
      throw n.fail("mode " + mode + " has no ONNX Pad mode (only REFLECT, ONNX's reflect, is translated)");
    }
    return pad(n, "reflect", false);
  }

  /** TF's paddings [[before, after] per axis] become ONNX's [all befores, all afters]. */
  private static List<String> pad(TfNodeContext n, String mode, boolean withValue) {
    long[] p = n.constant(1).longs();
    long[] s = n.constant(1).shape();
    if (s.length != 2 || s[1] != 2) {
      throw n.fail("paddings of shape " + java.util.Arrays.toString(s) + " are not [rank, 2]");
    }
    int rank = (int) s[0];
    long[] pads = new long[2 * rank];
    for (int i = 0; i < rank; i++) {
      pads[i] = p[2 * i];
      pads[i + rank] = p[2 * i + 1];
    }
    List<String> inputs = new ArrayList<>(List.of(n.input(0), n.int64s("pads", pads)));
    if (withValue) {
      inputs.add(n.input(2));
    }
    return n.single("Pad", inputs, OnnxGraphBuilder.attr("mode", mode));
  }
}
