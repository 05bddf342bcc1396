package org.mgm.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A named, ordered list of parameters that one optimizer owns.
 *
 * <p>GANs update disjoint networks with disjoint optimizers, so there is deliberately no global
 * "all variables" list anywhere: each network hands out its own list, and lists can be joined or
 * filtered explicitly when a loss should move several networks or only part of one.
 */
public final class ParameterList {
  private final String name;
  private final List<Parameter> parameters;

  public ParameterList(String name, List<Parameter> parameters) {
    this.name = name;
    this.parameters = List.copyOf(parameters);
  }

  public static ParameterList empty(String name) {
    return new ParameterList(name, Collections.emptyList());
  }

  public String name() {
    return name;
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  public int size() {
    return parameters.size();
  }

  public boolean isEmpty() {
    return parameters.isEmpty();
  }

  /** Reads of every parameter, the operands that gradients are taken with respect to. */
  public List<Operand<TFloat32>> values() {
    List<Operand<TFloat32>> values = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      values.add(p.value());
    }
    return values;
  }

  /** Number of scalar weights. */
  public long scalarCount() {
    long n = 0;
    for (Parameter p : parameters) {
      n += p.shape().size();
    }
    return n;
  }

  /** This list followed by another, for a loss that moves two networks with one optimizer. */
  public ParameterList concat(String newName, ParameterList other) {
    List<Parameter> joined = new ArrayList<>(parameters);
    joined.addAll(other.parameters);
    return new ParameterList(newName, joined);
  }
}
