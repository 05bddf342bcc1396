package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ConvLayout;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * Every op handler on its own: the float32 forward equals ONNX Runtime's, and the float64
 * gradient (w.r.t. the float inputs and float initializers) equals central finite differences.
 */
class OpGradientTest {
  private static final ElementType F = ElementType.FLOAT32;

  /** One single-op (or few-op) model; inputs x (and y) are random, positive when {@code positive}. */
  record Case(String name, int opset, Map<String, long[]> inputs, boolean positive, Consumer<OnnxGraphBuilder> body,
      long[] outShape) {
    @Override
    public String toString() {
      return name;
    }
  }

  static HostTensor random(long[] shape, long seed, boolean positive) {
    Random r = new Random(seed);
    float[] v = new float[(int) HostTensor.elementCount(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = positive ? 0.5f + r.nextFloat() : (float) r.nextGaussian();
    }
    return HostTensor.of(v, shape);
  }

  private static Case unary(String op, boolean positive, org.mgm.onnx.proto.OnnxModelProto.AttributeProto... a) {
    return new Case(op, 17, Map.of("x", new long[] {3, 4}), positive,
        b -> b.node(op, List.of("x"), List.of("out"), a), new long[] {3, 4});
  }

  private static Case binary(String op, long[] ys, boolean positive) {
    return new Case(op + java.util.Arrays.toString(ys), 17,
        new LinkedHashMap<>(Map.of("x", new long[] {2, 3, 4}, "y", ys)), positive,
        b -> b.node(op, List.of("x", "y"), List.of("out")), new long[] {2, 3, 4});
  }

  static Stream<Arguments> cases() {
    List<Case> c = new ArrayList<>();
    for (String op : new String[] {"Add", "Sub", "Mul", "Div", "Max", "Min", "Sum"}) {
      c.add(binary(op, new long[] {3, 1}, op.equals("Div")));
    }
    c.add(binary("Pow", new long[] {4}, true));
    for (String op : new String[] {"Neg", "Abs", "Erf", "Identity", "Relu", "Tanh", "Sigmoid", "Softplus", "Softmax"}) {
      c.add(unary(op, false));
    }
    for (String op : new String[] {"Sqrt", "Reciprocal", "Exp", "Log"}) {
      c.add(unary(op, true));
    }
    c.add(unary("LeakyRelu", false, attr("alpha", 0.2f)));
    c.add(unary("LeakyRelu", false));
    c.add(new Case("Clip", 17, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("lo", HostTensor.of(new float[] {-0.5f}));
      b.initializer("hi", HostTensor.of(new float[] {0.7f}));
      b.node("Clip", List.of("x", "lo", "hi"), List.of("out"));
    }, new long[] {3, 4}));
    c.add(new Case("Where", 17, new LinkedHashMap<>(Map.of("x", new long[] {3, 4}, "y", new long[] {3, 4})), false, b -> {
      b.initializer("zero", HostTensor.of(new float[] {0f}));
      String cond = b.node("Greater", List.of("x", "zero"), List.of());
      b.node("Where", List.of(cond, "x", "y"), List.of("out"));
    }, new long[] {3, 4}));
    c.add(new Case("Cast", 17, Map.of("x", new long[] {3, 4}), false,
        b -> b.node("Cast", List.of("x"), List.of("out"), attr("to", 1L)), new long[] {3, 4}));
    c.add(new Case("MatMul2d", 17, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("w", random(new long[] {4, 5}, 1, false));
      b.node("MatMul", List.of("x", "w"), List.of("out"));
    }, new long[] {3, 5}));
    c.add(new Case("MatMul3d", 17, Map.of("x", new long[] {2, 3, 4}), false, b -> {
      b.initializer("w", random(new long[] {4, 5}, 1, false));
      b.node("MatMul", List.of("x", "w"), List.of("out"));
    }, new long[] {2, 3, 5}));
    c.add(new Case("Gemm", 13, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("w", random(new long[] {5, 4}, 1, false));
      b.initializer("c", random(new long[] {5}, 2, false));
      b.node("Gemm", List.of("x", "w", "c"), List.of("out"), attr("transB", 1L), attr("alpha", 0.5f), attr("beta", 2f));
    }, new long[] {3, 5}));
    c.add(conv("Conv-s2p1", new long[] {4, 3, 3, 3}, 1, attr("strides", new long[] {2, 2}),
        attr("pads", new long[] {1, 1, 1, 1})));
    c.add(conv("Conv-asym-pads", new long[] {4, 3, 3, 3}, 1, attr("pads", new long[] {0, 1, 2, 1})));
    c.add(new Case("Conv-grouped", 13, Map.of("x", new long[] {2, 4, 6, 6}), false, b -> {
      b.initializer("w", random(new long[] {6, 2, 3, 3}, 1, false));
      b.initializer("bias", random(new long[] {6}, 2, false));
      b.node("Conv", List.of("x", "w", "bias"), List.of("out"), attr("group", 2L), attr("pads", new long[] {1, 1, 1, 1}));
    }, new long[] {2, 6, 6, 6}));
    c.add(new Case("Conv-same-upper-s2", 13, Map.of("x", new long[] {1, 2, 7, 7}), false, b -> {
      b.initializer("w", random(new long[] {3, 2, 4, 4}, 1, false));
      b.node("Conv", List.of("x", "w"), List.of("out"), attr("auto_pad", "SAME_UPPER"), attr("strides", new long[] {2, 2}));
    }, new long[] {1, 3, 4, 4}));
    c.add(new Case("ConvTranspose-s2p1op1", 13, Map.of("x", new long[] {2, 4, 5, 5}), false, b -> {
      b.initializer("w", random(new long[] {4, 3, 3, 3}, 1, false));
      b.initializer("bias", random(new long[] {3}, 2, false));
      b.node("ConvTranspose", List.of("x", "w", "bias"), List.of("out"), attr("strides", new long[] {2, 2}),
          attr("pads", new long[] {1, 1, 1, 1}), attr("output_padding", new long[] {1, 1}));
    }, new long[] {2, 3, 10, 10}));
    c.add(new Case("ConvTranspose-grouped-s2p0", 13, Map.of("x", new long[] {1, 4, 3, 3}), false, b -> {
      b.initializer("w", random(new long[] {4, 1, 3, 3}, 1, false));
      b.node("ConvTranspose", List.of("x", "w"), List.of("out"), attr("strides", new long[] {2, 2}), attr("group", 2L));
    }, new long[] {1, 2, 7, 7}));
    c.add(new Case("Pad-reflect", 13, Map.of("x", new long[] {1, 2, 4, 5}), false, b -> {
      b.initializer("pads", HostTensor.of(new long[] {0, 0, 1, 2, 0, 0, 3, 1}, 8));
      b.node("Pad", List.of("x", "pads"), List.of("out"), attr("mode", "reflect"));
    }, new long[] {1, 2, 8, 8}));
    c.add(new Case("Pad-constant", 13, Map.of("x", new long[] {1, 2, 4, 5}), false, b -> {
      b.initializer("pads", HostTensor.of(new long[] {0, 0, 1, 2, 0, 1, 3, 1}, 8));
      b.initializer("value", HostTensor.of(new float[] {0.5f}));
      b.node("Pad", List.of("x", "pads", "value"), List.of("out"));
    }, new long[] {1, 3, 8, 8}));
    c.add(new Case("InstanceNormalization", 13, Map.of("x", new long[] {2, 3, 4, 5}), false, b -> {
      b.initializer("s", random(new long[] {3}, 1, true));
      b.initializer("bias", random(new long[] {3}, 2, false));
      b.node("InstanceNormalization", List.of("x", "s", "bias"), List.of("out"), attr("epsilon", 1e-5f));
    }, new long[] {2, 3, 4, 5}));
    // PyTorch's InstanceNorm2d(affine=False) export: frozen ones and zeros, which the import drops.
    c.add(new Case("InstanceNormalization-no-affine", 13, Map.of("x", new long[] {2, 3, 4, 5}), false, b -> {
      b.initializer("s", HostTensor.of(new float[] {1, 1, 1}, 3));
      b.initializer("bias", HostTensor.of(new float[] {0, 0, 0}, 3));
      b.node("InstanceNormalization", List.of("x", "s", "bias"), List.of("out"), attr("epsilon", 1e-5f));
    }, new long[] {2, 3, 4, 5}));
    c.add(new Case("BatchNormalization", 15, Map.of("x", new long[] {2, 3, 4, 5}), false, b -> {
      b.initializer("s", random(new long[] {3}, 1, true));
      b.initializer("bias", random(new long[] {3}, 2, false));
      b.initializer("mean", random(new long[] {3}, 3, false));
      b.initializer("var", random(new long[] {3}, 4, true));
      b.node("BatchNormalization", List.of("x", "s", "bias", "mean", "var"), List.of("out"));
    }, new long[] {2, 3, 4, 5}));
    c.add(new Case("ReduceMean-attr", 13, Map.of("x", new long[] {2, 3, 4}), false,
        b -> b.node("ReduceMean", List.of("x"), List.of("out"), attr("axes", new long[] {1, -1})), new long[] {2, 1, 1}));
    c.add(new Case("ReduceSum-input", 13, Map.of("x", new long[] {2, 3, 4}), false, b -> {
      b.initializer("axes", HostTensor.of(new long[] {1}, 1));
      b.node("ReduceSum", List.of("x", "axes"), List.of("out"), attr("keepdims", 0L));
    }, new long[] {2, 4}));
    c.add(new Case("ReduceMax", 13, Map.of("x", new long[] {2, 3, 4}), false,
        b -> b.node("ReduceMax", List.of("x"), List.of("out"), attr("axes", new long[] {2})), new long[] {2, 3, 1}));
    c.add(new Case("Gather-negative", 13, Map.of("x", new long[] {3, 4, 2}), false, b -> {
      b.initializer("idx", HostTensor.of(new long[] {-1}));
      b.node("Gather", List.of("x", "idx"), List.of("out"), attr("axis", 1L));
    }, new long[] {3, 2}));
    c.add(new Case("Unsqueeze-Squeeze-Concat", 13, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("a0", HostTensor.of(new long[] {0, 3}, 2));
      b.initializer("a3", HostTensor.of(new long[] {3}, 1));
      String u = b.node("Unsqueeze", List.of("x", "a0"), List.of());
      String s = b.node("Squeeze", List.of(u, "a3"), List.of());
      b.node("Concat", List.of(s, s), List.of("out"), attr("axis", -1L));
    }, new long[] {1, 3, 8}));
    c.add(new Case("Reshape-zero-Flatten-Transpose", 14, Map.of("x", new long[] {2, 3, 4}), false, b -> {
      b.initializer("shape", HostTensor.of(new long[] {0, 2, -1}, 3));
      String r = b.node("Reshape", List.of("x", "shape"), List.of());
      String t = b.node("Transpose", List.of(r), List.of(), attr("perm", new long[] {2, 0, 1}));
      b.node("Flatten", List.of(t), List.of("out"), attr("axis", 1L));
    }, new long[] {6, 4}));
    c.add(new Case("Slice-unit", 13, Map.of("x", new long[] {3, 6, 5}), false, b -> {
      b.initializer("st", HostTensor.of(new long[] {1, -4}, 2));
      b.initializer("en", HostTensor.of(new long[] {Long.MAX_VALUE, -1}, 2));
      b.initializer("ax", HostTensor.of(new long[] {1, 2}, 2));
      b.node("Slice", List.of("x", "st", "en", "ax"), List.of("out"));
    }, new long[] {3, 5, 3}));
    c.add(new Case("Slice-step2", 13, Map.of("x", new long[] {3, 6, 5}), false, b -> {
      b.initializer("st", HostTensor.of(new long[] {0}, 1));
      b.initializer("en", HostTensor.of(new long[] {6}, 1));
      b.initializer("ax", HostTensor.of(new long[] {1}, 1));
      b.initializer("sp", HostTensor.of(new long[] {2}, 1));
      b.node("Slice", List.of("x", "st", "en", "ax", "sp"), List.of("out"));
    }, new long[] {3, 3, 5}));
    c.add(new Case("Slice-runtime-ends", 13, Map.of("x", new long[] {3, 6, 5}), false, b -> {
      // ends = Shape(x)[1:2] - 1, computed when the graph runs (as dynamic exports do)
      b.initializer("one", HostTensor.of(new long[] {1}, 1));
      b.initializer("two", HostTensor.of(new long[] {2}, 1));
      b.initializer("ax", HostTensor.of(new long[] {1}, 1));
      String shape = b.node("Shape", List.of("x"), List.of());
      b.node("Slice", List.of(shape, "one", "two"), List.of("dim"));
      String end = b.node("Sub", List.of("dim", "one"), List.of());
      b.node("Slice", List.of("x", "one", end, "ax"), List.of("out"));
    }, new long[] {3, 4, 5}));
    c.add(new Case("Unsqueeze-Squeeze-Slice-Split-runtime-args", 18, Map.of("x", new long[] {3, 4}), false, b -> {
      // zero = batch - batch: 0 when the graph runs, unknown at import, so each argument below is
      // a run-time value and each op takes its dynamic form.
      b.initializer("s0", HostTensor.of(new long[] {0}, 1));
      b.initializer("s1", HostTensor.of(new long[] {1}, 1));
      b.initializer("a03", HostTensor.of(new long[] {0, 3}, 2));
      b.initializer("a3", HostTensor.of(new long[] {3}, 1));
      b.initializer("am1", HostTensor.of(new long[] {-1}, 1));
      b.initializer("m2", HostTensor.of(new long[] {-2}, 1));
      b.initializer("sizes", HostTensor.of(new long[] {1, 1}, 2));
      String batch = b.node("Slice", List.of(b.node("Shape", List.of("x"), List.of()), "s0", "s1"), List.of());
      String zero = b.node("Sub", List.of(batch, batch), List.of());
      String u = b.node("Unsqueeze", List.of("x", b.node("Add", List.of(zero, "a03"), List.of())), List.of());
      String q = b.node("Squeeze", List.of(u, b.node("Add", List.of(zero, "a3"), List.of())), List.of());
      String sl = b.node("Slice", List.of(q, b.node("Add", List.of(zero, "a3"), List.of()), "s0",
          b.node("Add", List.of(zero, "am1"), List.of()), b.node("Add", List.of(zero, "m2"), List.of())), List.of());
      b.node("Split", List.of(sl, b.node("Add", List.of(zero, "sizes"), List.of())), List.of("p", "r"),
          attr("axis", 2L));
      b.node("Mul", List.of("p", "r"), List.of("out"));
    }, new long[] {1, 3, 1}));
    c.add(new Case("Tile-Expand", 13, Map.of("x", new long[] {2, 1, 3}), false, b -> {
      b.initializer("reps", HostTensor.of(new long[] {1, 2, 1}, 3));
      b.initializer("shape", HostTensor.of(new long[] {2, 1, 1, 1}, 4));
      String t = b.node("Tile", List.of("x", "reps"), List.of());
      b.node("Expand", List.of(t, "shape"), List.of("out"));
    }, new long[] {2, 2, 2, 3}));
    c.add(new Case("Split", 13, Map.of("x", new long[] {2, 5}), false, b -> {
      b.initializer("sizes", HostTensor.of(new long[] {2, 3}, 2));
      b.node("Split", List.of("x", "sizes"), List.of("p", "q"), attr("axis", 1L));
      b.node("MatMul", List.of("p", "p2"), List.of("pp"));
      b.initializer("p2", random(new long[] {2, 3}, 5, false));
      b.node("Mul", List.of("pp", "q"), List.of("out"));
    }, new long[] {2, 3}));
    c.add(new Case("Resize-nearest", 13, Map.of("x", new long[] {1, 2, 3, 4}), false, b -> {
      b.initializer("scales", HostTensor.of(new float[] {1, 1, 2, 2}, 4));
      b.node("Resize", List.of("x", "", "scales"), List.of("out"), attr("mode", "nearest"),
          attr("coordinate_transformation_mode", "asymmetric"), attr("nearest_mode", "floor"));
    }, new long[] {1, 2, 6, 8}));
    c.add(new Case("Resize-linear", 13, Map.of("x", new long[] {1, 2, 3, 4}), false, b -> {
      b.initializer("sizes", HostTensor.of(new long[] {1, 2, 5, 7}, 4));
      b.node("Resize", List.of("x", "", "", "sizes"), List.of("out"), attr("mode", "linear"),
          attr("coordinate_transformation_mode", "pytorch_half_pixel"));
    }, new long[] {1, 2, 5, 7}));
    c.add(new Case("Resize-linear-align", 13, Map.of("x", new long[] {1, 2, 3, 4}), false, b -> {
      b.initializer("sizes", HostTensor.of(new long[] {1, 2, 5, 7}, 4));
      b.node("Resize", List.of("x", "", "", "sizes"), List.of("out"), attr("mode", "linear"),
          attr("coordinate_transformation_mode", "align_corners"));
    }, new long[] {1, 2, 5, 7}));
    c.add(new Case("Resize-linear-x2", 13, Map.of("x", new long[] {1, 2, 3, 4}), false, b -> {
      b.initializer("sizes", HostTensor.of(new long[] {1, 2, 6, 8}, 4));
      b.node("Resize", List.of("x", "", "", "sizes"), List.of("out"), attr("mode", "linear"),
          attr("coordinate_transformation_mode", "pytorch_half_pixel"));
    }, new long[] {1, 2, 6, 8}));
    c.add(new Case("Shape-Gather-ConstantOfShape", 13, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("one", HostTensor.of(new long[] {1}, 1));
      String s = b.node("Shape", List.of("x"), List.of());
      String g = b.node("Gather", List.of(s, "one"), List.of());
      String filled = b.node("ConstantOfShape", List.of(g), List.of(), attr("value", HostTensor.of(new float[] {2f}, 1)));
      b.node("Mul", List.of("x", filled), List.of("out"));
    }, new long[] {3, 4}));
    c.addAll(channelsLastChains());
    c.addAll(PoolingCases.cases());
    c.addAll(ConvFamilyCases.all());
    c.addAll(NormalizationCases.cases());
    c.addAll(ActivationMathCases.cases());
    List<Arguments> a = new ArrayList<>();
    for (Case k : c) {
      a.add(Arguments.of(k));
    }
    return a.stream();
  }

  /**
   * Op chains between convolutions, where the NHWC import keeps activations channels-last: every
   * op that follows the layout, operands that must be transposed to broadcast (a [C, 1, 1] bias,
   * an NCHW graph input), and ops that need the NCHW form back (ReduceMean, Reshape).
   */
  private static List<Case> channelsLastChains() {
    List<Case> c = new ArrayList<>();
    c.add(resnetBlockChain());
    c.add(new Case("Chain-broadcast-operands", 13,
        new LinkedHashMap<>(Map.of("x", new long[] {2, 3, 5, 5}, "y", new long[] {2, 4, 5, 5})), false, b -> {
          b.initializer("w", random(new long[] {4, 3, 3, 3}, 1, false));
          b.initializer("bias3", random(new long[] {4, 1, 1}, 2, false));
          b.initializer("row", random(new long[] {5}, 3, true));
          b.initializer("half", HostTensor.of(new float[] {0.5f}));
          b.initializer("s", random(new long[] {4}, 4, true));
          b.initializer("t", random(new long[] {4}, 5, false));
          b.initializer("m", random(new long[] {4}, 6, false));
          b.initializer("v", random(new long[] {4}, 7, true));
          b.initializer("zpads", HostTensor.of(new long[] {0, 0, 1, 0, 0, 0, 0, 2}, 8));
          b.initializer("axes", HostTensor.of(new long[] {2, 3}, 2));
          String h = b.node("Conv", List.of("x", "w"), List.of(), attr("pads", new long[] {1, 1, 1, 1}));
          h = b.node("Add", List.of("bias3", h), List.of());  // twin on the right
          h = b.node("Mul", List.of(h, "y"), List.of());       // NCHW graph input alongside
          h = b.node("Div", List.of(h, "row"), List.of());     // [W] broadcasts along W, not C
          h = b.node("LeakyRelu", List.of(h), List.of(), attr("alpha", 0.2f));
          h = b.node("BatchNormalization", List.of(h, "s", "t", "m", "v"), List.of());
          h = b.node("Pow", List.of(b.node("Sigmoid", List.of(h), List.of()), "half"), List.of());
          h = b.node("Pad", List.of(h, "zpads"), List.of());
          String mean = b.node("ReduceMean", List.of(h), List.of(), attr("axes", new long[] {2, 3}));
          b.node("Sub", List.of(h, mean), List.of("out"));
        }, new long[] {2, 4, 6, 7}));
    c.add(new Case("Chain-resize-conv", 13, Map.of("x", new long[] {1, 2, 3, 4}), false, b -> {
      b.initializer("scales", HostTensor.of(new float[] {1, 1, 2, 2}, 4));
      b.initializer("w", random(new long[] {3, 2, 3, 3}, 1, false));
      b.initializer("shape", HostTensor.of(new long[] {1, -1}, 2));
      String h = b.node("Resize", List.of("x", "", "scales"), List.of(), attr("mode", "nearest"),
          attr("coordinate_transformation_mode", "asymmetric"), attr("nearest_mode", "floor"));
      h = b.node("Conv", List.of(h, "w"), List.of(), attr("pads", new long[] {1, 1, 1, 1}));
      h = b.node("Exp", List.of(b.node("Neg", List.of(h), List.of())), List.of());
      b.node("Reshape", List.of(h, "shape"), List.of("out"));  // NCHW order of the flattened values
    }, new long[] {1, 3 * 6 * 8}));
    return c;
  }

  /** Pad → Conv → InstanceNorm → Relu, a residual Add, ConvTranspose → Tanh: CycleGAN's op mix. */
  static Case resnetBlockChain() {
    return new Case("Chain-resnet-block", 13, Map.of("x", new long[] {2, 3, 6, 6}), false, b -> {
      b.initializer("w1", random(new long[] {4, 3, 3, 3}, 1, false));
      b.initializer("b1", random(new long[] {4}, 2, false));
      b.initializer("w2", random(new long[] {4, 4, 3, 3}, 3, false));
      b.initializer("s", random(new long[] {4}, 4, true));
      b.initializer("t", random(new long[] {4}, 5, false));
      b.initializer("pads", HostTensor.of(new long[] {0, 0, 1, 1, 0, 0, 1, 1}, 8));
      b.initializer("wt", random(new long[] {4, 2, 3, 3}, 6, false));
      String h = b.node("Conv", List.of("x", "w1", "b1"), List.of(), attr("pads", new long[] {1, 1, 1, 1}));
      h = b.node("InstanceNormalization", List.of(h, "s", "t"), List.of(), attr("epsilon", 1e-5f));
      h = b.node("Relu", List.of(h), List.of());
      String r = b.node("Pad", List.of(h, "pads"), List.of(), attr("mode", "reflect"));
      r = b.node("Conv", List.of(r, "w2"), List.of());
      h = b.node("Add", List.of(h, r), List.of());
      h = b.node("ConvTranspose", List.of(h, "wt"), List.of(), attr("strides", new long[] {2, 2}),
          attr("pads", new long[] {1, 1, 1, 1}), attr("output_padding", new long[] {1, 1}));
      b.node("Tanh", List.of(h), List.of("out"));
    }, new long[] {2, 2, 12, 12});
  }

  private static Case conv(String name, long[] w, long group, org.mgm.onnx.proto.OnnxModelProto.AttributeProto... a) {
    return new Case(name, 13, Map.of("x", new long[] {2, 3, 7, 6}), false, b -> {
      b.initializer("w", random(w, 1, false));
      b.initializer("bias", random(new long[] {w[0]}, 2, false));
      b.node("Conv", List.of("x", "w", "bias"), List.of("out"), a);
    }, null);
  }

  static ModelProto model(Case k) {
    OnnxGraphBuilder b = new OnnxGraphBuilder(k.name, k.opset);
    // "runtime" cases declare a symbolic batch so that shape arithmetic cannot be folded at import.
    k.inputs.forEach((n, s) -> b.input(n, F, k.name.contains("runtime") ? symbolicBatch(s) : s));
    k.body.accept(b);
    b.output("out", F);
    return b.build("OpGradientTest");
  }

  private static long[] symbolicBatch(long[] shape) {
    long[] s = shape.clone();
    s[0] = -1;
    return s;
  }

  static Map<String, HostTensor> inputs(Case k) {
    Map<String, HostTensor> in = new LinkedHashMap<>();
    long seed = 10;
    for (Map.Entry<String, long[]> e : k.inputs.entrySet()) {
      in.put(e.getKey(), random(e.getValue(), seed++, k.positive));
    }
    return in;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardEqualsOnnxRuntime(Case k, @TempDir Path dir) throws Exception {
    ModelProto m = model(k);
    Path file = dir.resolve("op.onnx");
    OnnxModelFile.write(file, m);
    HostTensor expected;
    try (OrtModel ort = OrtModel.open(file, OrtModel.Device.CPU)) {
      expected = ort.run(inputs(k)).get("out");
    }
    // Native NCHW only where this CPU's TF has the kernels (oneDNN; see ConvLayout).
    for (ConvLayout layout : ConvLayout.runnable()) {
      try (ImportedSession s = new ImportedSession(OnnxModelFile.read(file), ImportOptions.frozen("m")
          .withConvLayout(layout), k.name)) {
        HostTensor y = s.infer(inputs(k)).get("out");
        assertArrayEquals(expected.shape(), y.shape(), k.name + " shape");
        if (k.outShape != null) {
          assertArrayEquals(k.outShape, y.shape(), k.name + " expected shape");
        }
        double err = OnnxFixtures.relativeError(y, expected);
        assertTrue(err < 1e-5, k.name + " " + layout + ": TF vs ORT relative error " + err);
      }
    }
    assertTrue(Files.exists(file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientEqualsFiniteDifferences(Case k) {
    ImportOptions o = ImportOptions.frozen("m").withFloatType(ElementType.FLOAT64)
        .withInitializers(InitializerPolicy.allFed());
    try (ImportedSession s = new ImportedSession(model(k), o, k.name)) {
      List<String> wrt = new ArrayList<>(k.inputs.keySet());
      wrt.addAll(s.imported().fed().keySet());
      Map<String, HostTensor> in = inputs(k);
      HostTensor y = s.infer(in).get("out");
      HostTensor v = GradientCheck.randomCotangent(y.shape(), 3);
      // TF's resize kernels compute in float32 even for float64 inputs; resize is linear in x, so
      // a large step loses nothing to truncation and keeps float32 rounding out of the quotient.
      boolean float32Kernel = k.name.startsWith("Resize");
      double step = float32Kernel ? 1e-1 : 1e-6;
      double tolerance = float32Kernel ? 1e-5 : 1e-6;
      for (GradientCheck.Result r : GradientCheck.run(s, "out", in, wrt, v, 40, step, 7)) {
        assertTrue(r.relativeError() < tolerance, k.name + " d/d" + r.name() + ": relative error " + r.relativeError()
            + " (scale " + r.scale() + ")");
      }
    }
  }
}
