package org.mgm.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Named parts applied in order, like {@code nn.Sequential} with named children: its trainable
 * list is the parts' lists joined in order, its state dict the parts' entries under
 * {@code <part>.}. The parts are built first (each in its own {@link ModuleScope#child}), so
 * applying the whole twice applies each part twice and shares every parameter.
 */
public final class Sequential implements StateDictModule {
  /** One named part. */
  public record Part(String name, StateDictModule module) {}

  private final String name;
  private final List<Part> parts;

  public Sequential(String name, List<Part> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(name + ": no parts");
    }
    for (int i = 1; i < parts.size(); i++) {
      long produced = parts.get(i - 1).module().outputWidth();
      long accepted = parts.get(i).module().inputWidth();
      if (produced != accepted) {
        throw new IllegalArgumentException(name + ": " + parts.get(i - 1).name() + " produces width " + produced
            + " but " + parts.get(i).name() + " accepts " + accepted);
      }
    }
    this.name = name;
    this.parts = List.copyOf(parts);
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> input) {
    Operand<TFloat32> h = input;
    for (Part p : parts) {
      h = p.module().apply(h);
    }
    return h;
  }

  public List<Part> parts() {
    return parts;
  }

  @Override
  public Map<String, Operand<TFloat32>> stateDict() {
    Map<String, Operand<TFloat32>> all = new LinkedHashMap<>();
    for (Part p : parts) {
      all.putAll(StateDicts.prefixed(p.name(), p.module().stateDict()));
    }
    return all;
  }

  @Override
  public ParameterList parameters() {
    List<Parameter> all = new ArrayList<>();
    for (Part p : parts) {
      all.addAll(p.module().parameters().parameters());
    }
    return new ParameterList(name, all);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long inputWidth() {
    return parts.get(0).module().inputWidth();
  }

  @Override
  public long outputWidth() {
    return parts.get(parts.size() - 1).module().outputWidth();
  }
}
