package org.mgm.onnx;

import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.mgm.tensor.HostTensor;

/**
 * The shape and indexing ops through {@link OpGradientTest}'s checks (forward against ONNX
 * Runtime, gradient against finite differences): gradients w.r.t. the gathered data, the
 * scattered data and updates (x, and y or the fed float initializers), with integer indices as
 * constants. Indices with duplicates exercise the add/mul/max/min reductions.
 */
class ShapeIndexingGradientTest extends OpGradientTest {
  private static HostTensor ints(long[] values, long... shape) {
    return HostTensor.of(values, shape);
  }

  private static Case xy(String name, int opset, long[] x, long[] y, java.util.function.Consumer<org.mgm.onnx.export.OnnxGraphBuilder> body,
      long[] out) {
    return new Case(name, opset, new LinkedHashMap<>(Map.of("x", x, "y", y)), false, body, out);
  }

  static Stream<Arguments> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("GatherElements-negative", 13, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("idx", ints(new long[] {0, -1, 2, 1, 3, 3}, 3, 2));
      b.node("GatherElements", List.of("x", "idx"), List.of("out"), attr("axis", 1L));
    }, new long[] {3, 2}));
    c.add(new Case("GatherND-batch_dims", 13, Map.of("x", new long[] {2, 3, 4}), false, b -> {
      b.initializer("idx", ints(new long[] {1, 2, 0, -1}, 2, 2, 1));
      b.node("GatherND", List.of("x", "idx"), List.of("out"), attr("batch_dims", 1L));
    }, new long[] {2, 2, 4}));
    for (String reduction : new String[] {"none", "add", "mul", "max", "min"}) {
      // Duplicated slots (row 1: column 1 twice) except for "none", where ONNX leaves them undefined.
      long[] idx = reduction.equals("none") ? new long[] {1, 3, 0, 2, 3, 1} : new long[] {1, 1, 0, 2, -1, 0};
      c.add(xy("ScatterElements-" + reduction, 18, new long[] {3, 4}, new long[] {3, 2}, b -> {
        b.initializer("idx", ints(idx, 3, 2));
        b.node("ScatterElements", List.of("x", "idx", "y"), List.of("out"), attr("axis", 1L),
            attr("reduction", reduction));
      }, new long[] {3, 4}));
      long[] rows = reduction.equals("none") ? new long[] {1, 3} : new long[] {1, -3};
      c.add(xy("ScatterND-" + reduction, 18, new long[] {4, 3}, new long[] {2, 3}, b -> {
        b.initializer("idx", ints(rows, 2, 1));
        b.node("ScatterND", List.of("x", "idx", "y"), List.of("out"), attr("reduction", reduction));
      }, new long[] {4, 3}));
    }
    c.add(new Case("TopK-smallest-axis0", 11, Map.of("x", new long[] {4, 3}), false, b -> {
      b.initializer("k", ints(new long[] {2}, 1));
      b.node("TopK", List.of("x", "k"), List.of("out", "indices"), attr("axis", 0L), attr("largest", 0L));
    }, new long[] {2, 3}));
    c.add(new Case("CumSum-exclusive-reverse", 14, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("axis", ints(new long[] {-1}));
      b.node("CumSum", List.of("x", "axis"), List.of("out"), attr("exclusive", 1L), attr("reverse", 1L));
    }, new long[] {3, 4}));
    for (long exclusive = 0; exclusive <= 1; exclusive++) {
      long ex = exclusive;
      // x · z with z holding zeros (two in row 1): the gradient w.r.t. z there is where a
      // quotient by the input (TF's Python Cumprod gradient) goes wrong.
      c.add(new Case("CumProd-zeros-exclusive" + ex, 26, Map.of("x", new long[] {3, 4}), false, b -> {
        b.initializer("z", HostTensor.of(new float[] {1, 0, 2, 1, 0, 1.5f, 0, 2, 1, 1, 1, 0}, 3, 4));
        b.initializer("axis", ints(new long[] {1}));
        String xz = b.node("Mul", List.of("x", "z"), List.of());
        b.node("CumProd", List.of(xz, "axis"), List.of("out"), attr("exclusive", ex), attr("reverse", ex));
      }, new long[] {3, 4}));
    }
    c.add(new Case("CumProd-axis0", 26, Map.of("x", new long[] {4, 3}), false, b -> {
      b.initializer("axis", ints(new long[] {-2}));
      b.node("CumProd", List.of("x", "axis"), List.of("out"));
    }, new long[] {4, 3}));
    // Constant target (the static-shape path): an odd pad on axis 0, an odd crop on axis -1.
    c.add(new Case("CenterCropPad-axes", 18, Map.of("x", new long[] {3, 2, 5}), false, b -> {
      b.initializer("shape", ints(new long[] {6, 2}, 2));
      b.node("CenterCropPad", List.of("x", "shape"), List.of("out"), attr("axes", new long[] {0, -1}));
    }, new long[] {6, 2, 2}));
    // Gaussian grids: about a third of the points fall outside [-1, 1] and exercise the padding;
    // none sits on an integer coordinate, where linear and cubic weights have kinks.
    String[][] sampling = {{"linear", "zeros", "0"}, {"linear", "border", "1"}, {"linear", "reflection", "0"},
        {"cubic", "zeros", "0"}, {"cubic", "border", "0"}, {"cubic", "reflection", "1"}, {"nearest", "reflection", "0"},
        {"nearest", "zeros", "1"}};
    for (String[] m : sampling) {
      c.add(xy("GridSample-" + String.join("-", m), 20, new long[] {2, 3, 4, 5}, new long[] {2, 3, 2, 2}, b ->
          b.node("GridSample", List.of("x", "y"), List.of("out"), attr("mode", m[0]), attr("padding_mode", m[1]),
              attr("align_corners", Long.parseLong(m[2]))), new long[] {2, 3, 3, 2}));
    }
    c.add(xy("GridSample-3d-linear-reflection", 20, new long[] {1, 2, 3, 4, 2}, new long[] {1, 2, 3, 2, 3}, b ->
        b.node("GridSample", List.of("x", "y"), List.of("out"), attr("padding_mode", "reflection")),
        new long[] {1, 2, 2, 3, 2}));
    c.add(xy("GridSample-16-bicubic-border", 16, new long[] {1, 2, 3, 3}, new long[] {1, 2, 2, 2}, b ->
        b.node("GridSample", List.of("x", "y"), List.of("out"), attr("mode", "bicubic"), attr("padding_mode", "border")),
        new long[] {1, 2, 2, 2}));
    // A spatial transformer: the gradient reaches theta through the grid.
    c.add(xy("AffineGrid-GridSample", 20, new long[] {2, 3, 4, 5}, new long[] {2, 2, 3}, b -> {
      b.initializer("size", ints(new long[] {2, 3, 3, 4}, 4));
      String grid = b.node("AffineGrid", List.of("y", "size"), List.of());
      b.node("GridSample", List.of("x", grid), List.of("out"), attr("mode", "cubic"));
    }, new long[] {2, 3, 3, 4}));
    c.add(new Case("AffineGrid-3d-align", 20, Map.of("x", new long[] {1, 3, 4}), false, b -> {
      // No axis of length 1: with align_corners, PyTorch, ONNX's reference and ONNX Runtime disagree there.
      b.initializer("size", ints(new long[] {1, 2, 2, 3, 2}, 5));
      b.node("AffineGrid", List.of("x", "size"), List.of("out"), attr("align_corners", 1L));
    }, new long[] {1, 2, 3, 2, 3}));
    c.add(new Case("Trilu-upper-k1", 14, Map.of("x", new long[] {2, 3, 4}), false, b -> {
      b.initializer("k", ints(new long[] {1}));
      b.node("Trilu", List.of("x", "k"), List.of("out"));
    }, new long[] {2, 3, 4}));
    c.add(new Case("Trilu-lower-k-1", 14, Map.of("x", new long[] {4, 3}), false, b -> {
      b.initializer("k", ints(new long[] {-1}));
      b.node("Trilu", List.of("x", "k"), List.of("out"), attr("upper", 0L));
    }, new long[] {4, 3}));
    c.add(new Case("Compress-axis0", 11, Map.of("x", new long[] {3, 4}), false, b -> {
      b.initializer("cond", HostTensor.of(new boolean[] {true, false, true}, 3));
      b.node("Compress", List.of("x", "cond"), List.of("out"), attr("axis", 0L));
    }, new long[] {2, 4}));
    c.add(new Case("ReverseSequence", 10, Map.of("x", new long[] {4, 3, 2}), false, b -> {
      b.initializer("lens", ints(new long[] {4, 2, 1}, 3));
      b.node("ReverseSequence", List.of("x", "lens"), List.of("out"), attr("time_axis", 0L), attr("batch_axis", 1L));
    }, new long[] {4, 3, 2}));
    c.add(new Case("Range-float-in-start-and-delta", 11, Map.of("x", new long[] {}), true, b -> {
      b.initializer("limit", HostTensor.of(new float[] {4.2f}));
      b.initializer("delta", HostTensor.of(new float[] {0.7f}));
      b.node("Range", List.of("x", "limit", "delta"), List.of("out"));
    }, null));
    for (String mode : new String[] {"DCR", "CRD"}) {
      c.add(new Case("DepthToSpace-SpaceToDepth-" + mode, 13, Map.of("x", new long[] {2, 8, 2, 3}), false, b -> {
        b.initializer("w", HostTensor.of(new float[] {0.5f, -1f}, 2, 1, 1, 1));
        String d = b.node("DepthToSpace", List.of("x"), List.of(), attr("blocksize", 2L), attr("mode", mode));
        // A conv after DepthToSpace keeps the NHWC form in between (ChannelsLast).
        String conv = b.node("Conv", List.of(d, "w"), List.of(), attr("group", 2L));
        b.node("SpaceToDepth", List.of(conv), List.of("out"), attr("blocksize", 2L));
      }, new long[] {2, 8, 2, 3}));
    }
    c.add(xy("Einsum-batch-matmul", 12, new long[] {2, 3, 4}, new long[] {2, 4, 5},
        b -> b.node("Einsum", List.of("x", "y"), List.of("out"), attr("equation", "bij, bjk -> bik")), new long[] {2, 3, 5}));
    c.add(xy("Einsum-implicit", 12, new long[] {3, 4}, new long[] {4, 5},
        b -> b.node("Einsum", List.of("x", "y"), List.of("out"), attr("equation", "ij,jk")), new long[] {3, 5}));
    c.add(new Case("Einsum-diagonal", 12, Map.of("x", new long[] {2, 3, 3}), false,
        b -> b.node("Einsum", List.of("x"), List.of("out"), attr("equation", "...ii->...i")), new long[] {2, 3}));
    c.add(xy("Expand-Tile-runtime-shape", 13, new long[] {3, 1}, new long[] {3, 4}, b -> {
      // Target shape and repeats computed when the graph runs (the batch is symbolic).
      b.initializer("zero", ints(new long[] {0}, 1));
      b.initializer("one", ints(new long[] {1}, 1));
      String shape = b.node("Shape", List.of("y"), List.of());
      String e = b.node("Expand", List.of("x", shape), List.of());
      String batch = b.node("Slice", List.of(shape, "zero", "one"), List.of());
      b.node("Tile", List.of(e, b.node("Concat", List.of(batch, "one"), List.of(), attr("axis", 0L))), List.of("out"));
    }, new long[] {9, 4}));
    List<Arguments> a = new ArrayList<>();
    for (Case k : c) {
      a.add(Arguments.of(k));
    }
    return a.stream();
  }
}
