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
  /** How a module's weights are held and what its list stands for. */
  public enum Policy {
    /** Constants, or variables no optimizer sees: the list is empty (a pretrained mixer). */
    FROZEN,
    /** The weights themselves are variables (agents and critics; FreezeD's trained layers). */
    TRAINABLE,
    /** A frozen base with small trainable factors in the list (FSGAN's singular values). */
    ADAPTED
  }

  private final String name;
  private final List<Parameter> parameters;
  private final Policy policy;

  public ParameterList(String name, List<Parameter> parameters, Policy policy) {
    if (parameters.isEmpty() != (policy == Policy.FROZEN)) {
      throw new IllegalArgumentException(name + ": a " + policy + " list with " + parameters.size() + " parameters");
    }
    this.name = name;
    this.parameters = List.copyOf(parameters);
    this.policy = policy;
  }

  /** Trainable weights, or frozen when there are none. */
  public ParameterList(String name, List<Parameter> parameters) {
    this(name, parameters, parameters.isEmpty() ? Policy.FROZEN : Policy.TRAINABLE);
  }

  public static ParameterList empty(String name) {
    return new ParameterList(name, Collections.emptyList());
  }

  public Policy policy() {
    return policy;
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
    Policy p = joined.isEmpty() ? Policy.FROZEN
        : policy == Policy.ADAPTED || other.policy == Policy.ADAPTED ? Policy.ADAPTED : Policy.TRAINABLE;
    return new ParameterList(newName, joined, p);
  }
}
