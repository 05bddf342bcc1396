package org.mgm.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * Named scalar operands a training reports (critic W estimates, La, Lf). They are read together
 * in one {@code Session.run}, so every metric of one reading sees the same random draw.
 */
public final class Metrics {
  private final Map<String, Operand<TFloat32>> operands = new LinkedHashMap<>();

  public Metrics add(String name, Operand<TFloat32> scalar) {
    if (operands.putIfAbsent(name, scalar) != null) {
      throw new IllegalArgumentException("metric '" + name + "' is defined twice");
    }
    return this;
  }

  public boolean has(String name) {
    return operands.containsKey(name);
  }

  public java.util.Set<String> names() {
    return Collections.unmodifiableSet(operands.keySet());
  }

  /** The ops a reading runs (what a resumed run replays the draws of). */
  java.util.Set<org.tensorflow.GraphOperation> operations() {
    java.util.Set<org.tensorflow.GraphOperation> ops = new java.util.HashSet<>();
    operands.values().forEach(o -> ops.add((org.tensorflow.GraphOperation) o.op()));
    return ops;
  }

  /** Every metric's current value, in definition order. */
  public Map<String, Double> read(Session session) {
    Map<String, Double> values = new LinkedHashMap<>();
    if (operands.isEmpty()) {
      return values;
    }
    Session.Runner r = session.runner();
    operands.values().forEach(r::fetch);
    try (var result = r.run()) {
      int i = 0;
      for (String name : operands.keySet()) {
        values.put(name, (double) ((TFloat32) result.get(i++)).getFloat());
      }
    }
    return values;
  }
}
