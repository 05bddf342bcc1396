package org.mgm.onnx.export.ops;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.export.TfNodeContext;
import org.mgm.onnx.export.TfOpRegistry;
import org.mgm.onnx.export.ops.ConvOps.Layout;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;

/**
 * MaxPool and AvgPool (2-D, NHWC or NCHW) as ONNX MaxPool / AveragePool between the same
 * transposes the convolutions use. TF's SAME average counts only the window's cells inside the
 * input, which is ONNX's count_include_pad = 0.
 */
public final class PoolOps {
  private PoolOps() {}

  public static void register(TfOpRegistry r) {
    r.register("MaxPool", n -> pool(n, "MaxPool"));
    r.register("AvgPool", n -> pool(n, "AveragePool"));
  }

  private static List<String> pool(TfNodeContext n, String onnxOp) {
    Layout l = ConvOps.layout(n);
    long[] k = ConvOps.spatial(n, "ksize", l);
    long[] strides = ConvOps.spatial(n, "strides", l);
    long[] x = n.shape(0);
    if (x == null || x.length != 4) {
      throw n.fail("needs a rank-4 input");
    }
    List<AttributeProto> attrs = new ArrayList<>();
    attrs.add(OnnxGraphBuilder.attr("kernel_shape", k));
    attrs.add(OnnxGraphBuilder.attr("strides", strides));
    String padding = n.attrString("padding", "");
    switch (padding) {
      case "VALID" -> attrs.add(OnnxGraphBuilder.attr("pads", new long[] {0, 0, 0, 0}));
      case "SAME" -> {
        long h = x[l.h()];
        long w = x[l.w()];
        if (h >= 0 && w >= 0) {
          long[] ph = ConvOps.samePads(h, k[0], strides[0], 1);
          long[] pw = ConvOps.samePads(w, k[1], strides[1], 1);
          attrs.add(OnnxGraphBuilder.attr("pads", new long[] {ph[0], pw[0], ph[1], pw[1]}));
        } else {
          attrs.add(OnnxGraphBuilder.attr("auto_pad", "SAME_UPPER"));
        }
      }
      default -> throw n.fail("padding '" + padding + "' is not supported (SAME, VALID)");
    }
    return ConvOps.fromNchw(n, l, onnxOp, List.of(ConvOps.toNchw(n, l, n.input(0), "input_nchw")), attrs);
  }
}
