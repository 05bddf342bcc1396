package org.mgm.onnx;

import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.OpGradientTest.Case;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;

/**
 * Pooling cases of {@link OpGradientTest}: 1-, 2- and 3-D windows with pads, ceil_mode, dilations
 * and auto_pad, averages with and without the pads counted, the Indices output through MaxUnpool,
 * and a pool between channels-last convolutions.
 */
final class PoolingCases {
  private PoolingCases() {}

  private static Case pool(String name, String op, int opset, long[] x, long[] out, AttributeProto... a) {
    return new Case(name, opset, Map.of("x", x), false, b -> b.node(op, List.of("x"), List.of("out"), a), out);
  }

  private static AttributeProto ints(String name, long... v) {
    return attr(name, v);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    // ResNet's stem pool.
    c.add(pool("MaxPool-k3s2p1", "MaxPool", 13, new long[] {2, 3, 7, 7}, new long[] {2, 3, 4, 4},
        ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)));
    // SqueezeNet's and GoogLeNet's ceil_mode pools, here with a window left over at the end.
    c.add(pool("MaxPool-ceil", "MaxPool", 13, new long[] {1, 2, 6, 7}, new long[] {1, 2, 3, 3},
        ints("kernel_shape", 3, 3), ints("strides", 2, 2), attr("ceil_mode", 1L)));
    c.add(pool("MaxPool-dilated-asym-pads", "MaxPool", 13, new long[] {1, 2, 6, 7}, new long[] {1, 2, 5, 2},
        ints("kernel_shape", 2, 3), ints("dilations", 2, 2), ints("pads", 1, 0, 0, 1), ints("strides", 1, 2)));
    c.add(pool("MaxPool-1d-same-upper", "MaxPool", 13, new long[] {2, 3, 9}, new long[] {2, 3, 5},
        ints("kernel_shape", 4), ints("strides", 2), attr("auto_pad", "SAME_UPPER")));
    c.add(pool("MaxPool-3d", "MaxPool", 13, new long[] {1, 2, 5, 4, 6}, new long[] {1, 2, 3, 2, 3},
        ints("kernel_shape", 2, 2, 3), ints("strides", 2, 2, 2), ints("pads", 1, 0, 1, 0, 0, 0)));
    c.add(pool("MaxPool-3d-dilated", "MaxPool", 13, new long[] {1, 2, 5, 4, 6}, new long[] {1, 2, 3, 3, 5},
        ints("kernel_shape", 2, 2, 2), ints("dilations", 2, 1, 2), ints("pads", 0, 0, 0, 0, 0, 1)));
    c.add(pool("AveragePool-pads-excluded", "AveragePool", 13, new long[] {2, 3, 7, 6}, new long[] {2, 3, 4, 3},
        ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 0)));
    c.add(pool("AveragePool-pads-counted-ceil", "AveragePool", 13, new long[] {2, 3, 7, 6}, new long[] {2, 3, 4, 4},
        ints("kernel_shape", 3, 2), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), attr("count_include_pad", 1L),
        attr("ceil_mode", 1L)));
    c.add(pool("AveragePool-dilated-v19", "AveragePool", 19, new long[] {1, 2, 7, 6}, new long[] {1, 2, 6, 2},
        ints("kernel_shape", 2, 2), ints("dilations", 2, 2), ints("pads", 1, 0, 0, 0), ints("strides", 1, 2)));
    c.add(pool("AveragePool-1d-same-lower", "AveragePool", 13, new long[] {2, 3, 8}, new long[] {2, 3, 3},
        ints("kernel_shape", 3), ints("strides", 3), attr("auto_pad", "SAME_LOWER")));
    c.add(pool("AveragePool-3d", "AveragePool", 13, new long[] {1, 2, 4, 5, 4}, new long[] {1, 2, 2, 3, 2},
        ints("kernel_shape", 2, 2, 2), ints("strides", 2, 2, 2), ints("pads", 0, 1, 0, 0, 1, 0)));
    c.add(pool("LpPool-p2", "LpPool", 13, new long[] {2, 3, 6, 5}, new long[] {2, 3, 3, 2},
        ints("kernel_shape", 2, 2), ints("strides", 2, 2), ints("pads", 0, 0, 1, 0), attr("p", 2L)));
    c.add(pool("LpPool-p3-dilated-v18", "LpPool", 18, new long[] {2, 3, 6, 5}, new long[] {2, 3, 4, 3},
        ints("kernel_shape", 2, 2), ints("dilations", 2, 2), attr("p", 3L)));
    c.add(pool("GlobalAveragePool", "GlobalAveragePool", 13, new long[] {2, 3, 4, 5}, new long[] {2, 3, 1, 1}));
    c.add(pool("GlobalMaxPool-3d", "GlobalMaxPool", 13, new long[] {2, 3, 3, 4, 2}, new long[] {2, 3, 1, 1, 1}));
    c.add(pool("GlobalLpPool-1d", "GlobalLpPool", 13, new long[] {2, 3, 5}, new long[] {2, 3, 1}, attr("p", 3L)));
    // MaxPool's Indices (row- and column-major) put the maxima back where they were.
    for (long order : new long[] {0, 1}) {
      c.add(new Case("MaxPool-Indices-MaxUnpool-storage" + order, 13, Map.of("x", new long[] {2, 3, 6, 4}), false, b -> {
        b.node("MaxPool", List.of("x"), List.of("y", "i"), ints("kernel_shape", 2, 2), ints("strides", 2, 2),
            attr("storage_order", order));
        b.node("MaxUnpool", List.of("y", "i"), List.of("out"), ints("kernel_shape", 2, 2),
            ints("strides", 2, 2));
      }, new long[] {2, 3, 6, 4}));
    }
    // Overlapping windows send one maximum to MaxUnpool several times.
    c.add(new Case("MaxPool-Indices-overlapping-MaxUnpool", 13, Map.of("x", new long[] {1, 2, 5, 5}), false, b -> {
      b.node("MaxPool", List.of("x"), List.of("y", "i"), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
      b.node("MaxUnpool", List.of("y", "i"), List.of("out"), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
    }, new long[] {1, 2, 5, 5}));
    c.add(new Case("Chain-conv-pool-conv-gap", 13, Map.of("x", new long[] {2, 3, 9, 9}), false, b -> {
      b.initializer("w1", OpGradientTest.random(new long[] {4, 3, 3, 3}, 1, false));
      b.initializer("w2", OpGradientTest.random(new long[] {5, 4, 1, 1}, 2, false));
      String h = b.node("Conv", List.of("x", "w1"), List.of(), ints("pads", 1, 1, 1, 1));
      h = b.node("MaxPool", List.of(h), List.of(), ints("kernel_shape", 3, 3), ints("strides", 2, 2),
          ints("pads", 1, 1, 1, 1));
      h = b.node("Relu", List.of(h), List.of());
      h = b.node("AveragePool", List.of(h), List.of(), ints("kernel_shape", 2, 2), ints("strides", 1, 1));
      h = b.node("Conv", List.of(h, "w2"), List.of());
      b.node("GlobalAveragePool", List.of(h), List.of("out"));
    }, new long[] {2, 5, 1, 1}));
    return c;
  }
}
