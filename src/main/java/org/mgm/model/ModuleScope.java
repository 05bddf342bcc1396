package org.mgm.model;

import org.tensorflow.op.Ops;

/**
 * Where a module lives in the graph: its op scope and its qualified name, kept together.
 *
 * <p>A resource variable's {@code shared_name} is {@code <owner>/<leaf>}, and two handles with the
 * same shared name in one session are the same variable. Nested modules therefore need their full
 * path as owner ({@code agent_g/lstm}), not their short name ({@code lstm}), or two networks that
 * both contain an "lstm" would silently share weights. The op scope is made once per module,
 * because TF Java renames a repeated {@code withSubScope} call (net, net_1, …).
 *
 * <p>Modules put the ops of every application straight into this scope (TF names them MatMul,
 * MatMul_1, …) instead of one sub-scope per call: TF Java's {@code withSubScope} walks every
 * operation already in the graph over JNI, so per-call (and per-time-step) sub-scopes made
 * building the COT-GAN agent graph (≈ 200,000 ops) take 85 s; without them it takes far less.
 *
 * @param ops the module's own sub-scope; its ops are named {@code <path>/…}
 * @param path the qualified name, segments joined by {@code /}
 */
public record ModuleScope(Ops ops, String path) {

  /** A top-level module named {@code name} directly under {@code tf}'s scope. */
  public static ModuleScope root(Ops tf, String name) {
    return new ModuleScope(tf.withSubScope(name), name);
  }

  /** A part of this module; call once per part. */
  public ModuleScope child(String name) {
    return new ModuleScope(ops.withSubScope(name), path + "/" + name);
  }

  /** The last segment of the path. */
  public String shortName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
