package org.mgm.tf;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Nodes on a differentiable path (from an input or variable to an output) whose op has no
 * gradient in TF's C++ registry: what {@code mgm inspect} names before any training fails.
 *
 * <p>The list is what was measured on TF 2.18 (the TF Java 1.1.0 runtime) by building gradients
 * op by op; ops the importer rewrites (IdentityN, OnesLike, Snapshot, EnsureShape,
 * PlaceholderWithDefault) and the gradients the toolkit registers (Conv2DBackpropFilter,
 * StridedSliceGrad, the depthwise backprops, Erfc, Conv3D, Relu6Grad, EluGrad, SeluGrad,
 * SoftplusGrad, FusedBatchNormGradV3; see
 * {@code model.SecondOrderGradients}) are not on it. Shape-only paths ({@code Shape},
 * {@code Size}, {@code Rank}) carry no gradient, so ops behind them do not count.
 */
public final class GradientCoverage {
  static final Set<String> NO_GRADIENT = Set.of("ReluGrad", "TanhGrad", "SigmoidGrad", "RsqrtGrad", "SqrtGrad",
      "ResizeBilinearGrad", "ResizeNearestNeighborGrad", "FusedBatchNorm",
      "FusedBatchNormV2", "Concat", "Gather", "SymbolicGradient", "If",
      "StatelessIf", "While", "StatelessWhile", "Case", "Cumprod", "Digamma", "Xlogy", "MulNoNan",
      "TopKV2", "RandomStandardNormal");
  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "ShapeN", "Size", "Rank", "StopGradient");
  private static final Set<String> SOURCES = Set.of("Placeholder", "VarHandleOp", "VariableV2", "Variable");

  private GradientCoverage() {}

  /** Op → nodes (in graph order) that would stop first-order gradients, in a flattened graph. */
  public static Map<String, List<String>> missing(GraphDef flat) {
    Map<String, List<String>> consumers = new HashMap<>();
    for (NodeDef n : flat.getNodeList()) {
      for (String in : n.getInputList()) {
        consumers.computeIfAbsent(TensorRef.parse(in).node(), k -> new java.util.ArrayList<>()).add(n.getName());
      }
    }
    Map<String, NodeDef> byName = new HashMap<>();
    flat.getNodeList().forEach(n -> byName.put(n.getName(), n));
    Set<String> differentiable = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    flat.getNodeList().stream().filter(n -> SOURCES.contains(n.getOp())).forEach(n -> todo.add(n.getName()));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!differentiable.add(name)) {
        continue;
      }
      for (String c : consumers.getOrDefault(name, List.of())) {
        if (!SHAPE_ONLY.contains(byName.get(c).getOp())) {
          todo.add(c);
        }
      }
    }
    Map<String, List<String>> missing = new LinkedHashMap<>();
    for (NodeDef n : flat.getNodeList()) {
      if (differentiable.contains(n.getName()) && NO_GRADIENT.contains(n.getOp())) {
        missing.computeIfAbsent(n.getOp(), k -> new java.util.ArrayList<>()).add(n.getName());
      }
    }
    return missing;
  }
}
