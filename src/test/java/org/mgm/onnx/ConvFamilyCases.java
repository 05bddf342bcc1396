package org.mgm.onnx;

import static org.mgm.onnx.OpGradientTest.random;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.OpGradientTest.Case;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.tensor.HostTensor;

/**
 * {@link OpGradientTest} cases of the convolution, padding, resize, reduction and matrix ops.
 * Cases named "runtime" compute their axes/pads from Shape(x) of a symbolic batch (3 when run),
 * so that the import cannot fold them and emits the run-time form.
 */
final class ConvFamilyCases {
  private ConvFamilyCases() {}

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    c.addAll(reductions());
    c.addAll(pads());
    c.addAll(matMuls());
    c.addAll(convolutions());
    c.addAll(resizes());
    return c;
  }

  /** One Conv or ConvTranspose of input x with a random weight w (and bias b of {@code biasSize} when > 0). */
  static Case conv(String name, String op, long[] x, long[] w, long biasSize, long[] outShape,
      org.mgm.onnx.proto.OnnxModelProto.AttributeProto... a) {
    return new Case(name, 13, Map.of("x", x), false, b -> {
      b.initializer("w", random(w, 1, false));
      List<String> in = new ArrayList<>(List.of("x", "w"));
      if (biasSize > 0) {
        b.initializer("b", random(new long[] {biasSize}, 2, false));
        in.add("b");
      }
      b.node(op, in, List.of("out"), a);
    }, outShape);
  }

  private static List<Case> convolutions() {
    List<Case> c = new ArrayList<>();
    c.add(conv("Conv-1d-s2-d2", "Conv", new long[] {2, 3, 9}, new long[] {4, 3, 3}, 4, new long[] {2, 4, 4},
        attr("strides", new long[] {2}), attr("pads", new long[] {1, 2}), attr("dilations", new long[] {2})));
    c.add(conv("Conv-1d-grouped-same-lower", "Conv", new long[] {2, 4, 8}, new long[] {4, 2, 4}, 0,
        new long[] {2, 4, 4}, attr("group", 2L), attr("auto_pad", "SAME_LOWER"), attr("strides", new long[] {2})));
    c.add(conv("Conv-dilated", "Conv", new long[] {2, 3, 9, 8}, new long[] {4, 3, 3, 3}, 4, new long[] {2, 4, 8, 2},
        attr("dilations", new long[] {2, 3}), attr("strides", new long[] {1, 2}), attr("pads", new long[] {1, 0, 2, 1})));
    c.add(conv("Conv-depthwise-dilated", "Conv", new long[] {1, 4, 7, 7}, new long[] {4, 1, 3, 3}, 4,
        new long[] {1, 4, 7, 7}, attr("group", 4L), attr("dilations", new long[] {2, 2}),
        attr("pads", new long[] {2, 2, 2, 2})));
    c.add(conv("Conv-3d-grouped", "Conv", new long[] {1, 4, 5, 6, 5}, new long[] {6, 2, 3, 2, 3}, 6,
        new long[] {1, 6, 2, 5, 3}, attr("group", 2L), attr("strides", new long[] {2, 1, 2}),
        attr("pads", new long[] {1, 0, 1, 0, 1, 1}), attr("dilations", new long[] {1, 2, 1})));
    c.add(conv("Conv-3d-valid", "Conv", new long[] {2, 2, 4, 4, 3}, new long[] {3, 2, 2, 3, 2}, 0,
        new long[] {2, 3, 3, 2, 2}, attr("auto_pad", "VALID")));
    c.add(conv("ConvTranspose-1d", "ConvTranspose", new long[] {2, 3, 4}, new long[] {3, 2, 3}, 2,
        new long[] {2, 2, 11}, attr("strides", new long[] {2}), attr("pads", new long[] {1, 0}),
        attr("output_padding", new long[] {1}), attr("dilations", new long[] {2})));
    c.add(conv("ConvTranspose-dilated-grouped", "ConvTranspose", new long[] {1, 4, 3, 4}, new long[] {4, 1, 3, 3}, 0,
        new long[] {1, 2, 9, 9}, attr("group", 2L), attr("strides", new long[] {2, 2}), attr("dilations", new long[] {2, 1})));
    c.add(conv("ConvTranspose-3d", "ConvTranspose", new long[] {1, 2, 3, 3, 2}, new long[] {2, 3, 2, 3, 2}, 6,
        new long[] {1, 6, 6, 4, 5}, attr("group", 2L), attr("strides", new long[] {2, 1, 2}),
        attr("pads", new long[] {1, 0, 0, 0, 1, 1}), attr("output_padding", new long[] {1, 0, 1}),
        attr("dilations", new long[] {1, 1, 2})));
    c.add(conv("ConvTranspose-output-shape", "ConvTranspose", new long[] {1, 2, 3, 3}, new long[] {2, 2, 3, 3}, 0,
        new long[] {1, 2, 10, 8}, attr("strides", new long[] {3, 2}), attr("output_shape", new long[] {10, 8})));
    return c;
  }

  private static Case resize(String name, int opset, long[] x, String input, HostTensor value, long[] outShape,
      org.mgm.onnx.proto.OnnxModelProto.AttributeProto... a) {
    return new Case(name, opset, Map.of("x", x), false, b -> {
      // Constant nodes, not initializers: the gradient check would feed and differentiate those.
      b.node("Constant", List.of(), List.of("arg"), attr("value", value));
      List<String> in = input.equals("scales") ? List.of("x", "", "arg") : List.of("x", "", "", "arg");
      b.node("Resize", in, List.of("out"), a);
    }, outShape);
  }

  private static List<Case> resizes() {
    List<Case> c = new ArrayList<>();
    c.add(resize("Resize-cubic-exclude-outside", 13, new long[] {1, 2, 4, 5}, "scales",
        HostTensor.of(new float[] {1, 1, 0.8f, 1.6f}, 4), new long[] {1, 2, 3, 8}, attr("mode", "cubic"),
        attr("cubic_coeff_a", -0.5f), attr("exclude_outside", 1L)));
    c.add(resize("Resize-linear-antialias", 18, new long[] {1, 1, 8, 6}, "sizes",
        HostTensor.of(new long[] {1, 1, 3, 4}, 4), new long[] {1, 1, 3, 4}, attr("mode", "linear"),
        attr("antialias", 1L)));
    c.add(resize("Resize-nearest-axes-ceil", 18, new long[] {1, 2, 3, 4}, "scales",
        HostTensor.of(new float[] {2.5f, 1.5f}, 2), new long[] {1, 2, 4, 10}, attr("mode", "nearest"),
        attr("axes", new long[] {3, 2}), attr("nearest_mode", "ceil")));
    c.add(resize("Resize-linear-not-smaller-symmetric", 19, new long[] {1, 2, 4, 6}, "sizes",
        HostTensor.of(new long[] {5, 5}, 2), new long[] {1, 2, 5, 8}, attr("mode", "linear"),
        attr("axes", new long[] {2, 3}), attr("keep_aspect_ratio_policy", "not_smaller"),
        attr("coordinate_transformation_mode", "half_pixel_symmetric")));
    c.add(new Case("Resize-crop-and-resize", 13, Map.of("x", new long[] {1, 1, 5, 4}), false, b -> {
      b.node("Constant", List.of(), List.of("roi"), attr("value", HostTensor.of(new float[] {0, 0, 0.2f, -0.1f, 1, 1, 0.9f, 1.2f}, 8)));
      b.node("Constant", List.of(), List.of("sizes"), attr("value", HostTensor.of(new long[] {1, 1, 3, 5}, 4)));
      b.node("Resize", List.of("x", "roi", "", "sizes"), List.of("out"), attr("mode", "linear"),
          attr("coordinate_transformation_mode", "tf_crop_and_resize"), attr("extrapolation_value", 2f));
    }, new long[] {1, 1, 3, 5}));
    c.add(new Case("Resize-runtime-scales-cubic", 13, Map.of("x", new long[] {3, 2, 3, 4}), false, b -> {
      // scales [1, 1, 2, 2] with the 2 computed from the batch (3) at run time
      b.node("Constant", List.of(), List.of("ones"), attr("value", HostTensor.of(new float[] {1, 1}, 2)));
      String two = b.node("Cast", List.of(b.node("Add", List.of(runtimeOne(b), "rt_onei"), List.of())), List.of(),
          attr("to", 1L));
      String scales = b.node("Concat", List.of("ones", two, two), List.of(), attr("axis", 0L));
      b.node("Resize", List.of("x", "", scales), List.of("out"), attr("mode", "cubic"));
    }, new long[] {3, 2, 6, 8}));
    c.add(new Case("Upsample-v7-linear", 7, Map.of("x", new long[] {1, 2, 3, 2}), false,
        b -> b.node("Upsample", List.of("x"), List.of("out"), attr("mode", "linear"),
            attr("scales", new float[] {1, 1, 2, 1.5f})), new long[] {1, 2, 6, 3}));
    return c;
  }

  /** [Shape(x)[0] − 2] = [1] when the batch is 3, unknown at import. */
  private static String runtimeOne(OnnxGraphBuilder b) {
    b.initializer("rt_zero", HostTensor.of(new long[] {0}, 1));
    b.initializer("rt_onei", HostTensor.of(new long[] {1}, 1));
    b.initializer("rt_two", HostTensor.of(new long[] {2}, 1));
    String shape = b.node("Shape", List.of("x"), List.of());
    String batch = b.node("Slice", List.of(shape, "rt_zero", "rt_onei"), List.of());
    return b.node("Sub", List.of(batch, "rt_two"), List.of());
  }

  private static Case reduce(String op, int opset, boolean positive, long[] axes, long keep) {
    String name = op + "-" + opset + java.util.Arrays.toString(axes) + "k" + keep;
    return new Case(name, opset, Map.of("x", new long[] {2, 3, 4}), positive, b -> {
      if (opset >= 18 || op.equals("ReduceSum") && opset >= 13) {
        b.initializer("axes", HostTensor.of(axes, axes.length));
        b.node(op, List.of("x", "axes"), List.of("out"), attr("keepdims", keep));
      } else {
        b.node(op, List.of("x"), List.of("out"), attr("axes", axes), attr("keepdims", keep));
      }
    }, null);
  }

  private static List<Case> reductions() {
    List<Case> c = new ArrayList<>();
    c.add(reduce("ReduceL1", 18, false, new long[] {1}, 1));
    c.add(reduce("ReduceL2", 18, false, new long[] {-1, 0}, 0));
    c.add(reduce("ReduceLogSum", 13, true, new long[] {2}, 1));
    c.add(reduce("ReduceLogSumExp", 18, false, new long[] {0, 2}, 0));
    c.add(reduce("ReduceSumSquare", 11, false, new long[] {1, 2}, 1));
    c.add(reduce("ReduceProd", 18, true, new long[] {1}, 0));
    c.add(reduce("ReduceMin", 18, false, new long[] {-2}, 1));
    c.add(reduce("ReduceMean", 18, false, new long[] {0, 1, 2}, 0));
    c.add(new Case("ReduceSum-runtime-axes", 13, Map.of("x", new long[] {3, 4, 5}), false, b -> {
      b.node("ReduceSum", List.of("x", runtimeOne(b)), List.of("out"), attr("keepdims", 0L));
    }, new long[] {3, 5}));
    c.add(new Case("ReduceLogSumExp-runtime-axes", 18, Map.of("x", new long[] {3, 4, 5}), false, b -> {
      b.node("ReduceLogSumExp", List.of("x", runtimeOne(b)), List.of("out"), attr("keepdims", 1L));
    }, new long[] {3, 1, 5}));
    return c;
  }

  private static Case pad(String name, int opset, long[] x, long[] pads, String mode, long[] outShape) {
    return new Case(name, opset, Map.of("x", x), false, b -> {
      b.initializer("pads", HostTensor.of(pads, pads.length));
      b.node("Pad", List.of("x", "pads"), List.of("out"), attr("mode", mode));
    }, outShape);
  }

  private static List<Case> pads() {
    List<Case> c = new ArrayList<>();
    c.add(pad("Pad-edge", 13, new long[] {1, 2, 4, 5}, new long[] {0, 0, 3, 1, 0, 0, 1, 4}, "edge",
        new long[] {1, 2, 8, 10}));
    c.add(pad("Pad-wrap", 19, new long[] {1, 2, 4, 5}, new long[] {0, 1, 2, 1, 0, 0, 1, 3}, "wrap",
        new long[] {1, 3, 7, 9}));
    c.add(pad("Pad-constant-negative", 13, new long[] {2, 3, 4}, new long[] {0, -1, 2, 1, 1, -2}, "constant",
        new long[] {3, 3, 4}));
    c.add(new Case("Pad-v2-attr", 2, Map.of("x", new long[] {2, 3, 4}), false, b -> b.node("Pad", List.of("x"),
        List.of("out"), attr("mode", "reflect"), attr("pads", new long[] {0, 1, 2, 0, 1, 1})), new long[] {2, 5, 7}));
    c.add(new Case("Pad-axes-constant", 18, Map.of("x", new long[] {2, 3, 4}), false, b -> {
      b.initializer("pads", HostTensor.of(new long[] {1, 2, 3, 0}, 4));
      b.initializer("value", HostTensor.of(new float[] {1.5f}));
      b.initializer("axes", HostTensor.of(new long[] {-1, 0}, 2));
      b.node("Pad", List.of("x", "pads", "value", "axes"), List.of("out"));
    }, new long[] {4, 3, 8}));
    for (String mode : new String[] {"reflect", "edge", "constant"}) {
      // pads [0, 0, r, 2, 0, 0, r, 0] with r = 1 computed at run time
      c.add(new Case("Pad-runtime-" + mode, 13, Map.of("x", new long[] {3, 2, 4, 5}), false, b -> {
        b.initializer("p00", HostTensor.of(new long[] {0, 0}, 2));
        b.initializer("p2", HostTensor.of(new long[] {2}, 1));
        String r = runtimeOne(b);
        String pads = b.node("Concat", List.of("p00", r, "p2", "p00", r, "rt_zero"), List.of(), attr("axis", 0L));
        b.node("Pad", List.of("x", pads), List.of("out"), attr("mode", mode));
      }, new long[] {3, 2, 6, 7}));
    }
    c.add(new Case("Pad-runtime-axes-wrap", 19, Map.of("x", new long[] {3, 2, 4, 5}), false, b -> {
      b.initializer("pads", HostTensor.of(new long[] {2, 1}, 2));
      b.node("Pad", List.of("x", "pads", "", runtimeOne(b)), List.of("out"), attr("mode", "wrap"));
    }, new long[] {3, 5, 4, 5}));
    return c;
  }

  private static List<Case> matMuls() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("MatMul-1d-left", 13, Map.of("x", new long[] {4}), false, b -> {
      b.initializer("w", random(new long[] {2, 4, 5}, 1, false));
      b.node("MatMul", List.of("x", "w"), List.of("out"));
    }, new long[] {2, 5}));
    c.add(new Case("MatMul-1d-right-broadcast", 13, Map.of("x", new long[] {2, 1, 3, 4}), false, b -> {
      b.initializer("w", random(new long[] {4}, 1, false));
      b.node("MatMul", List.of("x", "w"), List.of("out"));
    }, new long[] {2, 1, 3}));
    c.add(new Case("MatMul-bcast", 13, Map.of("x", new long[] {2, 1, 3, 4}), false, b -> {
      b.initializer("w", random(new long[] {3, 4, 2}, 1, false));
      b.node("MatMul", List.of("x", "w"), List.of("out"));
    }, new long[] {2, 3, 3, 2}));
    c.add(new Case("Gemm-v7-transA", 7, Map.of("x", new long[] {4, 3}), false, b -> {
      b.initializer("w", random(new long[] {4, 5}, 1, false));
      b.initializer("c", random(new long[] {3, 5}, 2, false));
      b.node("Gemm", List.of("x", "w", "c"), List.of("out"), attr("transA", 1L), attr("beta", 0.5f));
    }, new long[] {3, 5}));
    return c;
  }
}
