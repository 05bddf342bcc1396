package org.mgm.onnx.importer;

import java.util.HashSet;
import java.util.Set;
import org.mgm.tensor.ElementType;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * Unique TF name prefixes for the nodes of one import, allocated here instead of by TF Java.
 *
 * <p>Why: TF Java's {@code Scope.withSubScope} walks every operation already in the graph (over
 * JNI) to learn the names in use. One sub-scope per ONNX node made an import quadratic in graph
 * size: re-importing a 16×16 StyleGAN2 into a training graph took minutes. Here one sub-scope is
 * made per import and group, and names under it are tracked in a set.
 */
final class OpNamePrefixes {
  private final Scope scope;
  private final String prefix;
  private final Set<String> used = new HashSet<>();

  OpNamePrefixes(Ops ops, String group) {
    this.scope = ops.withSubScope(group).scope();
    String probe = scope.makeOpName("probe");
    this.prefix = probe.substring(0, probe.length() - "/probe".length());
  }

  /** An emitter whose ops are named {@code <group>/<name>[_k]/<Type>[_j]}. */
  TfEmitter emitter(String name, ElementType floatType) {
    String base = OnnxImporter.opName(name);
    String unique = base;
    for (int k = 1; !used.add(unique); k++) {
      unique = base + "_" + k;
    }
    return new TfEmitter(scope, prefix + "/" + unique, floatType);
  }
}
