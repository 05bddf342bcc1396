package org.mgm.onnx.importer.ops;

import static org.mgm.onnx.importer.ops.ElementwiseOps.one;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * Resize of 4-D NCHW tensors over H and W, nearest or bilinear, in the coordinate modes PyTorch
 * exports: nearest = asymmetric/floor, bilinear = pytorch_half_pixel or half_pixel (align_corners
 * false) or align_corners. TF's resize ops are NHWC only, hence the transposes.
 */
public final class ResizeOps {
  private ResizeOps() {}

  public static void register(OpRegistry r) {
    r.register("Resize", 10, ResizeOps::resize);
    r.register("Upsample", 7, ResizeOps::resize);
  }

  private static Output<?>[] resize(NodeContext n) {
    TfEmitter tf = n.tf();
    Shape x = n.inputShape(0);
    if (x.numDimensions() != 4) {
      throw n.fail("only 4-D NCHW inputs are supported, input is " + x);
    }
    long h = x.get(2);
    long w = x.get(3);
    long[] outHw;
    boolean upsample = n.opType().equals("Upsample");
    int scalesInput = upsample ? 1 : n.opset() >= 11 ? 2 : 1;
    HostTensor sizes = !upsample && n.opset() >= 11 ? n.constantInputOrNull(3) : null;
    if (sizes != null && sizes.size() > 0) {
      long[] s = sizes.longs();
      outHw = new long[] {s[2], s[3]};
    } else {
      HostTensor scalesT = n.constantInputOrNull(scalesInput);
      if (scalesT == null || scalesT.size() == 0) {
        throw n.fail("needs constant scales or sizes");
      }
      double[] scales = scalesT.toDoubles();
      if (scales[0] != 1 || scales[1] != 1) {
        throw n.fail("resizing batch or channel axes is not supported");
      }
      if (h < 0 || w < 0) {
        throw n.fail("scales need static spatial sizes, input is " + x);
      }
      outHw = new long[] {(long) Math.floor(h * scales[2]), (long) Math.floor(w * scales[3])};
    }
    String mode = n.attrString("mode", "nearest");
    String coords = n.attrString("coordinate_transformation_mode", upsample ? "asymmetric" : "half_pixel");
    Output<?> size = tf.int32s((int) outHw[0], (int) outHw[1]);
    SpatialLayout nhwc = SpatialLayout.nhwcOnly();
    Output<?> xi = nhwc.in(n, 0);
    Output<?> y;
    if (mode.equals("nearest")) {
      String nearest = n.attrString("nearest_mode", "round_prefer_floor");
      if (!coords.equals("asymmetric") || !(nearest.equals("floor") || upsample)) {
        throw n.fail("nearest resize with coordinate mode '" + coords + "' and nearest_mode '" + nearest
            + "' is not supported (asymmetric + floor, as PyTorch exports)");
      }
      y = tf.build("ResizeNearestNeighbor", b -> b.setAttr("align_corners", false)
          .setAttr("half_pixel_centers", false), xi, size).output(0);
    } else if (mode.equals("linear") || mode.equals("bilinear")) {
      boolean align = coords.equals("align_corners");
      boolean half = coords.equals("pytorch_half_pixel") || coords.equals("half_pixel");
      if (!align && !half) {
        throw n.fail("linear resize with coordinate mode '" + coords + "' is not supported");
      }
      y = tf.build("ResizeBilinear", b -> b.setAttr("align_corners", align).setAttr("half_pixel_centers", half),
          xi, size).output(0);
    } else {
      throw n.fail("resize mode '" + mode + "' is not supported (nearest, linear)");
    }
    return nhwc.out(n, tf.cast(y, xi.dataType()));
  }
}
