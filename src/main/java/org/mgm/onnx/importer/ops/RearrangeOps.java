package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import java.util.List;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.tensorflow.Output;

/**
 * Ops that move elements between axes: DepthToSpace, SpaceToDepth and Einsum. The block ops run
 * on the NHWC form (TF's CPU kernels are NHWC only; see {@link ChannelsLast}), where TF's channel
 * order is ONNX's DCR; CRD is a channel permutation before or after.
 */
public final class RearrangeOps {
  private RearrangeOps() {}

  public static void register(OpRegistry r) {
    // Version 1 has no mode: DCR, as the later default.
    r.register("DepthToSpace", 1, n -> blocks(n, "DepthToSpace", true));
    // Version 28 adds the mode; before, DCR only.
    r.register("SpaceToDepth", 1, n -> blocks(n, "SpaceToDepth", false));
    r.register("Einsum", 12, RearrangeOps::einsum);
  }

  private static Output<?>[] blocks(NodeContext n, String tfOp, boolean toSpace) {
    TfEmitter tf = n.tf();
    if (n.inputShape(0).numDimensions() != 4) {
      throw n.fail("needs a rank-4 NCHW input, input is " + n.inputShape(0));
    }
    long block = n.attrInt("blocksize", 0);
    if (block < 1) {
      throw n.fail("blocksize " + block + " must be positive");
    }
    String mode = n.attrString("mode", "DCR");
    if (!mode.equals("DCR") && !mode.equals("CRD")) {
      throw n.fail("mode '" + mode + "' is not supported (DCR, CRD)");
    }
    boolean crd = mode.equals("CRD");
    Output<?> x = n.inputAsChannelsLast(0);
    if (crd && toSpace) {
      x = swapChannelFactors(tf, x, -1, block * block);
    }
    Output<?> y = tf.build(tfOp, b -> b.setAttr("block_size", block), x).output(0);
    if (crd && !toSpace) {
      y = swapChannelFactors(tf, y, block * block, -1);
    }
    return n.channelsLastResult(y);
  }

  /**
   * The NHWC channel axis read as [outer, inner] and transposed to [inner, outer]: CRD's channel
   * c·b² + k is DCR's k·C + c.
   */
  private static Output<?> swapChannelFactors(TfEmitter tf, Output<?> x, long outer, long inner) {
    Output<?> shape = tf.shape64(x);
    Output<?> spatial = tf.op("Slice", shape, tf.int64s(0), tf.int64s(3));
    Output<?> split = tf.reshape(x, ConvOps.concat(tf, List.of(spatial, tf.int64s(outer, inner)), 0));
    return tf.reshape(tf.transpose(split, 0, 1, 2, 4, 3), shape);
  }

  /** TF's Einsum takes one or two operands; ONNX's equation may hold spaces, which TF's may not. */
  private static Output<?>[] einsum(NodeContext n) {
    if (n.inputCount() < 1 || n.inputCount() > 2) {
      throw n.fail(n.inputCount() + " operands; 1 or 2 are supported");
    }
    String equation = explicit(n.attrString("equation", "").replace(" ", ""));
    Output<?>[] xs = new Output<?>[n.inputCount()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = n.input(i);
    }
    return one(n.tf().build("Einsum", b -> b.addInputList(xs).setAttr("equation", equation)).output(0));
  }

  /**
   * ONNX's implicit form ("ij,jk") outputs the labels used once, in alphabetical order, after any
   * broadcast dimensions; TF's Einsum wants the output written out.
   */
  static String explicit(String equation) {
    if (equation.contains("->")) {
      return equation;
    }
    int[] uses = new int[128];
    for (char c : equation.replace("...", "").toCharArray()) {
      if (Character.isLetter(c) && c < 128) {
        uses[c]++;
      }
    }
    StringBuilder out = new StringBuilder(equation.contains("...") ? "..." : "");
    for (char c = 'A'; c <= 'z'; c++) {
      if (Character.isLetter(c) && uses[c] == 1) {
        out.append(c);
      }
    }
    return equation + "->" + out;
  }
}
