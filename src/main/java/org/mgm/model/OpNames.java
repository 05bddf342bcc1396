package org.mgm.model;

import org.tensorflow.op.Ops;

/** TF Java accepts a '/'-free op name only; a path becomes nested sub-scopes plus a leaf name. */
public final class OpNames {
  private OpNames() {}

  public static Ops named(Ops tf, String path) {
    String[] parts = path.split("/");
    Ops s = tf;
    for (int i = 0; i < parts.length - 1; i++) {
      s = s.withSubScope(parts[i]);
    }
    return s.withName(parts[parts.length - 1]);
  }
}
