package org.mgm.onnx;

import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.OpGradientTest.Case;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;

/**
 * Normalisation cases of {@link OpGradientTest}: layer (with its Mean and InvStdDev outputs),
 * group (both versions), mean-variance, Lp and local response normalisation, and batch
 * normalisation in training mode and per activation.
 */
final class NormalizationCases {
  private NormalizationCases() {}

  /** An initializer of random values, positive when {@code positive}. */
  static String weight(OnnxGraphBuilder b, String name, long[] shape, long seed, boolean positive) {
    b.initializer(name, OpGradientTest.random(shape, seed, positive));
    return name;
  }

  private static Case affine(String name, String op, int opset, long[] x, long[] scale, long[] bias, long[] out,
      AttributeProto... a) {
    return new Case(name, opset, Map.of("x", x), false, b -> {
      List<String> in = new ArrayList<>(List.of("x", weight(b, "s", scale, 1, true)));
      if (bias != null) {
        in.add(weight(b, "bias", bias, 2, false));
      }
      b.node(op, in, List.of("out"), a);
    }, out);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(affine("LayerNormalization-last-axis", "LayerNormalization", 17, new long[] {2, 3, 4}, new long[] {4},
        new long[] {4}, new long[] {2, 3, 4}));
    c.add(affine("LayerNormalization-axis1-no-bias", "LayerNormalization", 17, new long[] {2, 3, 4},
        new long[] {3, 4}, null, new long[] {2, 3, 4}, attr("axis", 1L), attr("epsilon", 1e-3f)));
    c.add(new Case("LayerNormalization-Mean-InvStdDev", 17, Map.of("x", new long[] {2, 3, 4}), false, b -> {
      b.node("LayerNormalization", List.of("x", weight(b, "s", new long[] {4}, 1, true)), List.of("y", "m", "r"));
      String mr = b.node("Mul", List.of("m", "r"), List.of());
      b.node("Add", List.of("y", mr), List.of("out"));
    }, new long[] {2, 3, 4}));
    c.add(affine("GroupNormalization-v21", "GroupNormalization", 21, new long[] {2, 4, 3, 3}, new long[] {4},
        new long[] {4}, new long[] {2, 4, 3, 3}, attr("num_groups", 2L)));
    c.add(affine("GroupNormalization-v18", "GroupNormalization", 18, new long[] {2, 6, 3}, new long[] {3},
        new long[] {3}, new long[] {2, 6, 3}, attr("num_groups", 3L), attr("epsilon", 1e-3f)));
    // RMSNormalization (opset 23) is beyond the ONNX Runtime here (21): see OpSecondOrderGradientTest.
    c.add(new Case("MeanVarianceNormalization", 13, Map.of("x", new long[] {2, 3, 4, 5}), false,
        b -> b.node("MeanVarianceNormalization", List.of("x"), List.of("out")), new long[] {2, 3, 4, 5}));
    c.add(new Case("LpNormalization-p1-axis1", 13, Map.of("x", new long[] {2, 3, 4}), false,
        b -> b.node("LpNormalization", List.of("x"), List.of("out"), attr("p", 1L), attr("axis", 1L)),
        new long[] {2, 3, 4}));
    c.add(new Case("LpNormalization-p2", 13, Map.of("x", new long[] {2, 3, 4}), false,
        b -> b.node("LpNormalization", List.of("x"), List.of("out")), new long[] {2, 3, 4}));
    // ONNX Runtime refuses even sizes.
    c.add(new Case("LRN-size3", 13, Map.of("x", new long[] {2, 5, 3, 3}), false,
        b -> b.node("LRN", List.of("x"), List.of("out"), attr("size", 3L), attr("alpha", 0.3f), attr("beta", 0.6f),
            attr("bias", 1.5f)), new long[] {2, 5, 3, 3}));
    c.add(new Case("BatchNormalization-training-mode", 15, Map.of("x", new long[] {3, 4, 2, 3}), false, b -> {
      List<String> in = List.of("x", weight(b, "s", new long[] {4}, 1, true), weight(b, "bias", new long[] {4}, 2, false),
          weight(b, "mean", new long[] {4}, 3, false), weight(b, "var", new long[] {4}, 4, true));
      b.node("BatchNormalization", in, List.of("out", "rm", "rv"), attr("training_mode", 1L), attr("momentum", 0.8f));
    }, new long[] {3, 4, 2, 3}));
    c.add(new Case("BatchNormalization-training-running-var", 15, Map.of("x", new long[] {3, 4, 2, 3}), false, b -> {
      List<String> in = List.of("x", weight(b, "s", new long[] {4}, 1, true), weight(b, "bias", new long[] {4}, 2, false),
          weight(b, "mean", new long[] {4}, 3, false), weight(b, "var", new long[] {4}, 4, true));
      b.node("BatchNormalization", in, List.of("y", "rm", "out"), attr("training_mode", 1L));
    }, new long[] {4}));
    c.add(new Case("BatchNormalization-v7-per-activation", 7, Map.of("x", new long[] {3, 2, 3}), false, b -> {
      long[] sample = {2, 3};
      List<String> in = List.of("x", weight(b, "s", sample, 1, true), weight(b, "bias", sample, 2, false),
          weight(b, "mean", sample, 3, false), weight(b, "var", sample, 4, true));
      b.node("BatchNormalization", in, List.of("out"), attr("spatial", 0L));
    }, new long[] {3, 2, 3}));
    c.add(new Case("InstanceNormalization-3d", 6, new LinkedHashMap<>(Map.of("x", new long[] {2, 3, 4})), false,
        b -> b.node("InstanceNormalization", List.of("x", weight(b, "s", new long[] {3}, 1, true),
            weight(b, "bias", new long[] {3}, 2, false)), List.of("out")), new long[] {2, 3, 4}));
    return c;
  }
}
